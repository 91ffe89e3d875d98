"""A notebook opened alone (Colab, Kaggle, a download, nbviewer) shows every figure: nothing resolves into the clone.

Each notebook, and each notebook of the student version (``make student``), is copied alone into an empty folder and
converted to HTML by nbconvert (the engine behind nbviewer); every image of the page must then be inside the page
itself (a ``data:`` URI holding a PNG) or be one of the two launch badges, which are served by Colab and Kaggle.
"""

from __future__ import annotations

import base64
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

import d2lcore
from figures import embed
from scripts import make_student, set_repo

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REMOTE_BADGES = {set_repo.COLAB_BADGE, set_repo.KAGGLE_BADGE}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")


def unresolved_images(notebook: Path, tmp_path: Path) -> tuple[list[str], int]:
    """Convert ``notebook``, copied alone into an empty folder, to HTML; return (images that do not resolve there,
    number of images embedded in the page)."""
    alone = tmp_path / "alone"
    alone.mkdir()
    copy = Path(shutil.copy(notebook, alone / notebook.name))
    html, _ = HTMLExporter().from_filename(str(copy))
    parser = _Images()
    parser.feed(html)
    missing, embedded = [], 0
    for src in parser.sources:
        if src.startswith("data:image/png;base64,"):
            assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG_MAGIC), f"{notebook.name}: a broken PNG"
            embedded += 1
        elif src not in REMOTE_BADGES and not (alone / src).is_file():
            missing.append(src[:80])
    return missing, embedded


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_alone_shows_every_figure(path, tmp_path):
    markdown = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    missing, embedded = unresolved_images(path, tmp_path)
    assert not missing, f"{path.name} opened alone cannot show: {missing}"
    assert embedded >= len(embed.figure_names(markdown)), f"{path.name}: a figure is not in the page"


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    make_student.main(out)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_student_version_has_the_badges_and_the_embedded_figures(path, student_dir, tmp_path):
    student = student_dir / path.name
    original = nbformat.read(path, as_version=4).cells
    cells = nbformat.read(student, as_version=4).cells
    assert cells[0].source == original[0].source, "the student version lost the title cell with its badges"
    assert set_repo.badges(d2lcore.COURSE_REPO, path.name) in cells[0].source
    lesson = "\n".join(c.source for c in original if c.cell_type == "markdown" and not make_student.is_solution(c))
    shown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert embed.embedded_figures(shown) == embed.embedded_figures(lesson)
    missing, _ = unresolved_images(student, tmp_path)
    assert not missing, f"student/{path.name} opened alone cannot show: {missing}"


def test_embedding_is_idempotent_and_follows_a_redrawn_image(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    (images / "a.png").write_bytes(PNG_MAGIC + b"first")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Text.\n\n![An a](../images/a.png)\n")])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert embed.embed_notebooks([path], images) == [path]
    source = nbformat.read(path, as_version=4).cells[0].source
    assert re.fullmatch(r'Text\.\n\n!\[An a\]\(data:image/png;base64,[\w+/=]+ "images/a\.png"\)\n', source)
    assert embed.embedded_figures(source) == {"a.png": PNG_MAGIC + b"first"}
    assert embed.embed_notebooks([path], images) == []  # nothing to do the second time
    (images / "a.png").write_bytes(PNG_MAGIC + b"redrawn")
    assert embed.embed_notebooks([path], images) == [path]
    assert embed.embedded_figures(nbformat.read(path, as_version=4).cells[0].source) == {
        "a.png": PNG_MAGIC + b"redrawn"
    }


def test_a_figure_without_its_image_stops_the_embedding_with_the_fix(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("![x](../images/missing.png)")])
    nbformat.write(nb, tmp_path / "n.ipynb")
    with pytest.raises(FileNotFoundError, match=r"images/missing\.png.*make figures"):
        embed.embed_notebooks([tmp_path / "n.ipynb"], tmp_path)
