"""Point the course at its GitHub repository: ``make colab REPO=owner/name``.

The repository location has one home, ``COURSE_REPO`` in ``d2lcore/__init__.py``. This script writes it there and
regenerates everything derived from it: the README's "Open in Colab" badges and the first cell of every notebook,
which installs ``d2lcore`` from that repository when the notebook runs on Colab.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
REPO_PATTERN = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")


def colab_cell(repo: str) -> str:
    """The first code cell of every notebook: install d2lcore from ``repo`` on Colab, do nothing elsewhere.

    Colab's preinstalled PyTorch satisfies d2lcore's requirements, so pip keeps it (no multi-GB reinstall).
    """
    return (
        "# On Colab, install the course's helper package first; elsewhere this cell does nothing.\n"
        "import sys\n\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "d2lcore @ git+https://github.com/{repo}"'
    )


def badge_url(repo: str, notebook: str) -> str:
    """The Colab address that opens ``notebooks/<notebook>`` of ``repo``'s main branch."""
    return f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{notebook}"


def set_repo(repo: str, root: Path = ROOT) -> list[Path]:
    """Write ``repo`` into the package, the README badges and the notebooks' install cells; return changed files."""
    if not REPO_PATTERN.match(repo):
        raise ValueError(f"REPO must look like owner/name (e.g. REPO=my-org/cnn-course), got {repo!r}")
    PACKAGE_INIT, README, NOTEBOOKS = root / "d2lcore" / "__init__.py", root / "README.md", root / "notebooks"
    changed = []
    init = PACKAGE_INIT.read_text()
    new_init = re.sub(r'^COURSE_REPO = ".*"$', f'COURSE_REPO = "{repo}"', init, count=1, flags=re.MULTILINE)
    if new_init != init:
        PACKAGE_INIT.write_text(new_init)
        changed.append(PACKAGE_INIT)
    readme = README.read_text()
    new_readme = re.sub(
        r"https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/main/notebooks/",
        badge_url(repo, ""),
        readme,
    )
    if new_readme != readme:
        README.write_text(new_readme)
        changed.append(README)
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        first = next(cell for cell in nb.cells if cell.cell_type == "code")
        if first.source != colab_cell(repo):
            first.source = colab_cell(repo)
            nbformat.write(nb, path)
            changed.append(path)
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/set_repo.py owner/name   (or: make colab REPO=owner/name)")
    try:
        paths = set_repo(sys.argv[1])
    except ValueError as error:
        sys.exit(str(error))
    print("\n".join(f"updated {p.relative_to(ROOT)}" for p in paths) or f"already pointing at {sys.argv[1]}")
