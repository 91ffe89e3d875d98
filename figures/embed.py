"""Put each figure inside the notebooks that show it, so a notebook opened alone (Colab, Kaggle, a download) shows it.

A notebook's markdown names a figure as ``![alt](../images/NAME.png)`` while it is being written.
:func:`embed_notebooks` turns that into an inline data URI that carries the file's bytes and keeps its name as the
image's title::

    ![alt](data:image/png;base64,iVBORw0... "images/NAME.png")

and, run again, replaces the bytes of every embedded figure with those of ``images/NAME.png``: ``images/`` (drawn by
this package) stays the one source, and the notebooks carry copies. Inline data URIs rather than cell attachments
(``attachment:NAME.png``) because Colab does not render cell attachments, while Colab, Kaggle, GitHub, nbviewer,
JupyterLab and Jupyter Book all show a data URI. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

from d2lcore.files import atomic_write_text

# A figure as written by an author (a relative link) or as embedded by this module (data URI, name in the title).
FIGURE_LINK = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\("
    r"(?:\.\./images/(?P<linked>[\w.-]+\.png)"
    r'|data:image/png;base64,(?P<data>[A-Za-z0-9+/=]*) "images/(?P<embedded>[\w.-]+\.png)")'
    r"\)"
)


def figure_names(markdown: str) -> list[str]:
    """The figures (file names in ``images/``) that a markdown text shows, linked or embedded, in order."""
    return [m["linked"] or m["embedded"] for m in FIGURE_LINK.finditer(markdown)]


def embedded_figures(markdown: str) -> dict[str, bytes]:
    """The figures embedded in ``markdown``: file name -> the PNG bytes the notebook carries."""
    return {m["embedded"]: base64.b64decode(m["data"]) for m in FIGURE_LINK.finditer(markdown) if m["embedded"]}


def data_link(alt: str, name: str, png: bytes) -> str:
    """The markdown that shows ``png`` inline, titled with its source ``images/name``."""
    return f'![{alt}](data:image/png;base64,{base64.b64encode(png).decode("ascii")} "images/{name}")'


def embed_markdown(markdown: str, images_dir: Path) -> str:
    """``markdown`` with every figure link (relative or embedded) carrying the current bytes of ``images_dir/NAME``."""

    def replace(match: re.Match) -> str:
        name = match["linked"] or match["embedded"]
        path = Path(images_dir) / name
        if not path.is_file():
            raise FileNotFoundError(f"a notebook shows images/{name}, which does not exist: draw it (make figures)")
        return data_link(match["alt"], name, path.read_bytes())

    return FIGURE_LINK.sub(replace, markdown)


def embed_notebook(path: Path, images_dir: Path) -> bool:
    """Embed the current figures into the notebook at ``path``; True when the file changed."""
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "images/" in cell.source:
            new = embed_markdown(cell.source, images_dir)
            changed |= new != cell.source
            cell.source = new
    if changed:
        atomic_write_text(Path(path), nbformat.writes(nb) + "\n")
    return changed


def embed_notebooks(notebooks: Iterable[Path], images_dir: Path) -> list[Path]:
    """Embed the figures of ``images_dir`` into each notebook; return the notebooks that changed."""
    return [Path(p) for p in notebooks if embed_notebook(Path(p), images_dir)]
