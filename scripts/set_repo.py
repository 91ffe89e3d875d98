"""Point the course at its GitHub repository: ``make colab REPO=owner/name``.

The repository location has one home, ``COURSE_REPO`` in ``d2lcore/__init__.py``. This script writes it there and
regenerates everything derived from it: the README's "Open in Colab" and "Open in Kaggle" badges, the same badges
under every notebook's title, and the first code cell of every notebook, which installs ``d2lcore`` from that
repository when the notebook runs on Colab or Kaggle. Idempotent: run on notebooks that lack the badges or carry an
older install cell, it writes them; run again, it changes nothing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from d2lcore.files import atomic_write_text

ROOT = Path(__file__).resolve().parent.parent
REPO_PATTERN = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")


def colab_cell(repo: str) -> str:
    """The first code cell of every notebook: install d2lcore from ``repo`` on Colab or Kaggle, nothing more elsewhere.

    Colab's and Kaggle's preinstalled PyTorch satisfies d2lcore's requirements, so pip keeps it (no multi-GB
    reinstall). Colab is recognised by its ``google.colab`` module, Kaggle by the ``KAGGLE_KERNEL_RUN_TYPE``
    variable it sets in every notebook. The cell also lets PyTorch run on the CPU any operation that Apple's MPS
    lacks, instead of stopping with an error; PyTorch reads that setting once, when ``import torch`` runs, so it
    has to come before the notebook's imports.
    """
    return (
        "# On Colab and Kaggle, install the course's helper package. On a Mac's GPU (MPS), let PyTorch run on the\n"
        "# CPU, with a printed note, any operation MPS lacks (this has to come before import torch).\n"
        "import os\n"
        "import sys\n\n"
        'os.environ.setdefault("PYTORCH_ENABLE_MPS_FALLBACK", "1")\n'
        'if "google.colab" in sys.modules or "KAGGLE_KERNEL_RUN_TYPE" in os.environ:\n'
        f'    %pip install --quiet "d2lcore @ git+https://github.com/{repo}"'
    )


def badge_url(repo: str, notebook: str) -> str:
    """The Colab address that opens ``notebooks/<notebook>`` of ``repo``'s main branch."""
    return f"https://colab.research.google.com/github/{repo}/blob/main/notebooks/{notebook}"


def kaggle_url(repo: str, notebook: str) -> str:
    """The Kaggle address that imports ``notebooks/<notebook>`` of ``repo``'s main branch into a new notebook."""
    return f"https://kaggle.com/kernels/welcome?src=https://github.com/{repo}/blob/main/notebooks/{notebook}"


COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
KAGGLE_BADGE = "https://kaggle.com/static/images/open-in-kaggle.svg"
# The two badges of one notebook, for any repository: what set_repo replaces in the README and the notebooks.
BADGES = re.compile(
    r"\[!\[Open In Colab\]\([^)]*\)\]\(https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/main/notebooks/"
    r"(?P<notebook>[\w.-]+\.ipynb)\)(?: \[!\[Open In Kaggle\]\([^)]*\)\]\([^)]*\))?"
)


def badges(repo: str, notebook: str) -> str:
    """The "Open in Colab" and "Open in Kaggle" badges of ``notebooks/<notebook>`` (markdown, one line)."""
    return (
        f"[![Open In Colab]({COLAB_BADGE})]({badge_url(repo, notebook)}) "
        f"[![Open In Kaggle]({KAGGLE_BADGE})]({kaggle_url(repo, notebook)})"
    )


def with_badges(title_cell: str, repo: str, notebook: str) -> str:
    """A notebook's first markdown cell with its badges as the paragraph right under the ``# `` heading."""
    heading, _, rest = title_cell.partition("\n")
    paragraphs = [p for p in rest.strip("\n").split("\n\n") if not BADGES.fullmatch(p.strip())]
    return "\n\n".join([heading, badges(repo, notebook), *paragraphs]).rstrip("\n")


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
    new_readme = BADGES.sub(lambda m: badges(repo, m["notebook"]), readme)
    if new_readme != readme:
        README.write_text(new_readme)
        changed.append(README)
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        title = next(cell for cell in nb.cells if cell.cell_type == "markdown")
        first = next(cell for cell in nb.cells if cell.cell_type == "code")
        new_title = with_badges(title.source, repo, path.name)
        if (first.source, title.source) != (colab_cell(repo), new_title):
            first.source, title.source = colab_cell(repo), new_title
            atomic_write_text(path, nbformat.writes(nb) + "\n")
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
