"""Build the course's website with Jupyter Book (``make site``): one page per notebook, offline-ready.

The site has a sidebar table of contents in course order, full-text search, previous/next links and a
"launch in Colab" link on every notebook page; each page is titled by its notebook's first ``#`` heading.
The notebooks are not executed: they are committed with their outputs. They are copied into a temporary book (the
committed files are never touched) where the Colab install cell is hidden (``remove-cell`` tag) and the
``# NBVAL_...`` and ``# fmt: ...`` markers are stripped from the code. The optional "Going further" sections start
collapsed under their visible heading, one click opening the whole block (scripts/site_going_further.py, a Sphinx
extension). The book's ``_config.yml`` and ``_toc.yml`` are generated from the notebook list; the repository behind
the Colab links is ``d2lcore.COURSE_REPO``. Maths is typeset by MathJax 3 from the ``django-static-mathjax``
package, copied into the site, so the site works without internet. The build happens in a folder next to the
target, which then replaces the target: an interrupted build never leaves a half-written site.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mathjax  # the django-static-mathjax package: MathJax 3 as static files
import yaml

import d2lcore

ROOT = Path(__file__).resolve().parent.parent

MATHJAX_DIR = Path(mathjax.__file__).parent / "static" / "mathjax"
MATHJAX_SCRIPT = "mathjax/tex-chtml.js"  # relative to the site's _static/; TeX extensions load from beside it
MATHJAX_UNUSED = ["tex-svg*", "tex-mml-*", "tex-chtml-full*", "mml-*", "node-main.js"]  # other bundles
HIDE_TAG = "remove-cell"
MARKER_LINE = re.compile(r"^[ \t]*# (?:NBVAL_\w+|fmt: (?:off|on|skip))[ \t]*\n?", re.MULTILINE)
BADGE = re.compile(r"\[?!\[[^\]]*\]\([^)]*\)(?:\]\([^)]*\))?")  # an image, or a linked one
MARKER_TAIL = re.compile(r"[ \t]+# fmt: (?:skip|off|on)[ \t]*$", re.MULTILINE)
# The "Open in Colab/Kaggle" badges under a notebook's title (scripts/set_repo.py): remote images, and the site has
# its own launch button.
LAUNCH_BADGES = re.compile(r"^\[!\[Open In Colab\]\(.*$\n*", re.MULTILINE)


def notebook_order(notebooks_dir: Path) -> list[Path]:
    """Notebooks in course order: the setup notebook first, then by section number."""

    def key(path: Path) -> tuple[float, ...]:
        match = re.match(r"(\d+)(?:\.(\d+))?_", path.name)
        return (int(match[1]), int(match[2] or 0)) if match else (999, 0)

    return sorted(notebooks_dir.glob("*.ipynb"), key=key)


def title_of(path: Path) -> str:
    """The notebook's first markdown heading (its page title on the site)."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError(f"{path.name} has no '# ' heading")


def prepare_notebook(nb: dict) -> dict:
    """A copy of ``nb`` as the site shows it: install cell and launch badges hidden, test and formatter markers
    stripped. Figures stay embedded in the markdown (data URIs, see figures/embed.py), as in the notebook."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = LAUNCH_BADGES.sub("", "".join(cell["source"])).splitlines(keepends=True)
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    if code and "google.colab" in "".join(code[0]["source"]):
        tags = code[0].setdefault("metadata", {}).setdefault("tags", [])
        tags.append(HIDE_TAG)
    for cell in code:
        source = MARKER_TAIL.sub("", MARKER_LINE.sub("", "".join(cell["source"])))
        cell["source"] = source.splitlines(keepends=True)
    return nb


def _readme_intro(readme: Path) -> tuple[str, str]:
    """The README's title and its paragraphs before the first ``##`` section, less images (badges are online)."""
    text = readme.read_text()
    title = re.search(r"^# (.+)$", text, re.MULTILINE)[1].strip()
    intro = text.split(f"# {title}", 1)[1].split("\n## ", 1)[0]
    return title, BADGE.sub("", intro).strip()


def _authors() -> str:
    """The authors named in CITATION.cff, for the site's footer."""
    authors = yaml.safe_load((ROOT / "CITATION.cff").read_text())["authors"]
    return ", ".join(
        a.get("name") or f"{a.get('given-names', '')} {a.get('family-names', '')}".strip() for a in authors
    )


def book_config(title: str) -> dict:
    """Jupyter Book's ``_config.yml``: no execution, Colab links, local MathJax, no online services."""
    return {
        "title": title,
        "author": _authors(),
        "copyright": "",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "repository": {"url": f"https://github.com/{d2lcore.COURSE_REPO}", "branch": "main", "path_to_book": ""},
        "launch_buttons": {"colab_url": "https://colab.research.google.com", "binderhub_url": "", "thebe": False},
        "html": {"use_repository_button": True, "home_page_in_navbar": True, "use_multitoc_numbering": False},
        "parse": {"myst_enable_extensions": ["dollarmath", "amsmath", "colon_fence"]},
        "sphinx": {
            "local_extensions": {"site_going_further": str(ROOT / "scripts")},  # collapses "Going further" sections
            "config": {
                "mathjax_path": MATHJAX_SCRIPT,
                # Undefined macros become errors (a red error box, caught by the browser test), not red text.
                "mathjax3_config": {"tex": {"packages": {"[-]": ["noundefined"]}}},
                "html_show_copyright": False,
                "html_last_updated_fmt": None,
                "html_context": {"default_mode": "light"},
                "togglebutton_hint": "Show this optional part",
                "togglebutton_hint_hide": "Hide this optional part",
            },
        },
    }


def write_book(book: Path, notebooks: list[Path]) -> None:
    """Lay out the Jupyter Book sources in ``book``: config, table of contents, index page, notebooks, images."""
    title, intro = _readme_intro(ROOT / "README.md")
    (book / "notebooks").mkdir(parents=True)
    for path in notebooks:
        nb = prepare_notebook(json.loads(path.read_text()))
        (book / "notebooks" / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False))
    shutil.copytree(ROOT / "images", book / "images")
    contents = "\n".join(f"- [{title_of(p)}](notebooks/{p.name})" for p in notebooks)
    (book / "index.md").write_text(f"# {title}\n\n{intro}\n\n## Contents\n\n{contents}\n")
    toc = {"format": "jb-book", "root": "index", "chapters": [{"file": f"notebooks/{p.stem}"} for p in notebooks]}
    (book / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    (book / "_config.yml").write_text(yaml.safe_dump(book_config(title), sort_keys=False))


def copy_mathjax(dest: Path) -> None:
    """Copy MathJax 3 (its licence, the TeX-to-HTML bundle, extensions and fonts) to ``dest`` in the built site.

    This happens after Sphinx has run: Jupyter Book would add every script in the book's ``_static/`` to every page.
    """
    shutil.copytree(MATHJAX_DIR / "es5", dest, ignore=shutil.ignore_patterns(*MATHJAX_UNUSED))
    shutil.copy2(MATHJAX_DIR / "LICENSE", dest / "LICENSE")


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` in the place of ``target`` by two renames on one file system, then remove the old site.

    Between the renames (microseconds) there is no site at all, never a half-written one.
    """
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def build(out_dir: Path, notebooks_dir: Path = ROOT / "notebooks", quiet: bool = False) -> list[Path]:
    """Build the site into ``out_dir`` (replaced only once the build succeeded); return its pages, index first."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    notebooks = notebook_order(notebooks_dir)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.build-", dir=out_dir.parent) as tmp:
        book, work = Path(tmp) / "book", Path(tmp) / "work"
        write_book(book, notebooks)
        command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(book)]
        command += ["--path-output", str(work), "--warningiserror", "--keep-going"]
        result = subprocess.run(command, capture_output=quiet, text=True, check=False)
        if result.returncode:
            sys.stderr.write((result.stdout or "") + (result.stderr or ""))
            raise RuntimeError(f"jupyter-book build failed (exit {result.returncode}); {out_dir} is unchanged")
        html = work / "_build" / "html"
        copy_mathjax(html / "_static" / "mathjax")
        _replace_dir(html, out_dir)
    return [out_dir / "index.html", *(out_dir / "notebooks" / f"{p.stem}.html" for p in notebooks)]


def main() -> None:
    """Command line: ``python scripts/build_site.py [OUT_DIR]`` (default ``_site``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "_site"), type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    print(f"building the course's website into {args.out_dir} (Jupyter Book, well under a minute) ...", flush=True)
    pages = build(args.out_dir, quiet=True)
    print(f"wrote {len(pages)} pages to {args.out_dir} in {time.perf_counter() - start:.0f} s; open {pages[0]}")


if __name__ == "__main__":
    main()
