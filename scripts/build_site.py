"""Build a static HTML version of the course from the executed notebooks (``make site``).

Each notebook becomes one page (nbconvert's lab template, images embedded, previous / contents / next links);
``index.html`` lists them in course order. Maths is typeset by a local copy of MathJax from the
``jupyter-server-mathjax`` package, so the site renders without internet.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
from pathlib import Path

import jupyter_server_mathjax
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"  # a config jupyter-server-mathjax ships
STYLE = """
<style>
  .course-nav { font-family: sans-serif; display: flex; justify-content: space-between; gap: 1em;
                max-width: 1000px; margin: 0.5em auto; padding: 0.5em 1em; background: #f3f5f8; border-radius: 6px; }
  .course-nav a { text-decoration: none; color: #1a4f8b; }
</style>
"""


def notebook_order(notebooks_dir: Path) -> list[Path]:
    """Notebooks in course order: the setup notebook first, then by section number."""

    def key(path: Path) -> tuple[float, ...]:
        match = re.match(r"(\d+)(?:\.(\d+))?_", path.name)
        return (int(match[1]), int(match[2] or 0)) if match else (999, 0)

    return sorted(notebooks_dir.glob("*.ipynb"), key=key)


def title_of(path: Path) -> str:
    """The notebook's first markdown heading."""
    nb = json.loads(path.read_text())
    first = "".join(nb["cells"][0]["source"]).splitlines()[0]
    return first.lstrip("# ").strip()


def _nav(pages: list[tuple[str, str]], i: int) -> str:
    prev = f'<a href="{pages[i - 1][0]}">&larr; {html.escape(pages[i - 1][1])}</a>' if i > 0 else "<span></span>"
    nxt = (
        f'<a href="{pages[i + 1][0]}">{html.escape(pages[i + 1][1])} &rarr;</a>'
        if i + 1 < len(pages)
        else "<span></span>"
    )
    return f'<nav class="course-nav">{prev}<a href="index.html">Contents</a>{nxt}</nav>'


def build(out_dir: Path, notebooks_dir: Path = ROOT / "notebooks") -> list[Path]:
    """Write the site into ``out_dir``; return the pages written (index first)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", out_dir / "mathjax", dirs_exist_ok=True)
    exporter = HTMLExporter(template_name="lab", embed_images=True, mathjax_url=MATHJAX_URL)
    notebooks = notebook_order(notebooks_dir)
    pages = [(nb.with_suffix(".html").name, title_of(nb)) for nb in notebooks]
    written = []
    for i, nb in enumerate(notebooks):
        body, _ = exporter.from_filename(str(nb), resources={"metadata": {"path": str(nb.parent)}})
        nav = _nav(pages, i)
        body = re.sub(
            r'<script src="https?://[^"]*"></script>', "", body
        )  # require.js for widgets: unused, online-only
        body = body.replace("</head>", STYLE + "</head>", 1)
        body = re.sub(r"(<body[^>]*>)", r"\1" + nav.replace("\\", r"\\"), body, count=1)
        body = body.replace("</body>", nav + "</body>", 1)
        page = out_dir / pages[i][0]
        page.write_text(body)
        written.append(page)
    items = "\n".join(f'<li><a href="{href}">{html.escape(title)}</a></li>' for href, title in pages)
    index = out_dir / "index.html"
    index.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Convolutional Neural Networks</title>"
        f"{STYLE}<style>body {{ font-family: sans-serif; max-width: 800px; margin: 2em auto; line-height: 1.5; }}"
        "</style></head><body><h1>Convolutional Neural Networks, notebook by notebook</h1>"
        "<p>The CNN chapters of <em>Dive into Deep Learning</em> (sections 7.1&ndash;7.6, 8.2, 8.6) as executed "
        "notebooks: explanations, code whose output proves each point, and worked solutions to every exercise.</p>"
        f"<h2>Contents</h2><ol>{items}</ol></body></html>"
    )
    return [index, *written]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "_site"), type=Path)
    args = parser.parse_args()
    pages = build(args.out_dir)
    print(f"wrote {len(pages)} pages to {args.out_dir}; open {args.out_dir / 'index.html'}")


if __name__ == "__main__":
    main()
