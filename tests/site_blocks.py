"""Helpers of tests/test_site.py for the optional "Going further" blocks: where they are in a notebook
(CONTRIBUTING.md's definition) and what of them a built page holds inside its collapsed elements."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

HEADING = "### Going further:"
MAIN_LINE_HEADING = re.compile(r"#{1,3} ")
MATHS = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.DOTALL)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
CODE = re.compile(r"<pre>.*?</pre>", re.DOTALL)  # highlighted code: thousands of tags that the checks do not read


@dataclass
class Block:
    """One optional block of a notebook: its title and its cells, the heading cell first."""

    title: str
    cells: list[dict]

    @property
    def code_cells(self) -> int:
        return sum(cell["cell_type"] == "code" for cell in self.cells)

    @property
    def formulas(self) -> int:
        return sum(len(MATHS.findall(text)) for text in self.markdown())

    def markdown(self) -> list[str]:
        """The block's markdown, less the heading line (which stays outside the collapsed element)."""
        texts = ["".join(cell["source"]) for cell in self.cells if cell["cell_type"] == "markdown"]
        texts[0] = texts[0].partition("\n")[2]
        return texts

    def words(self) -> list[str]:
        """The words of the block's prose, without maths, images and link targets."""
        return words(" ".join(LINK_TARGET.sub("]", IMAGE.sub(" ", MATHS.sub(" ", t))) for t in self.markdown()))


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text)


def going_further_blocks(nb: dict) -> list[Block]:
    """A block starts at a markdown cell whose first line is ``### Going further: <title>`` and ends before the next
    markdown cell that starts with a heading of level 1 to 3."""
    blocks: list[Block] = []
    current = None
    for cell in nb["cells"]:
        first_line = "".join(cell["source"]).partition("\n")[0]
        if cell["cell_type"] == "markdown" and first_line.startswith(HEADING):
            current = Block(first_line.removeprefix("### ").strip(), [])
            blocks.append(current)
        elif cell["cell_type"] == "markdown" and MAIN_LINE_HEADING.match(first_line):
            current = None
        if current:
            current.cells.append(cell)
    return blocks


@dataclass
class CollapsedBlock:
    """A collapsed element of a built page: the heading before it and what it holds."""

    heading: str
    words: list[str]
    code_cells: int
    formulas: int
    alone: bool  # the heading and the collapsed element are all that the block's section holds


def collapsed_blocks(html: str) -> list[CollapsedBlock]:
    """The page's collapsed elements (class ``toggle``), in page order."""
    article = CODE.sub("<pre></pre>", html[html.index("<article") : html.index("</article>")])
    found = []
    for toggle in BeautifulSoup(article, "html.parser").select("div.toggle"):
        section = toggle.parent
        children = [c for c in section.children if isinstance(c, Tag)]
        heading = children[0].get_text().removesuffix("#").strip() if children[0].name == "h3" else ""
        code_cells = len(toggle.select("div.cell"))
        formulas = len(toggle.select(".math"))
        for node in toggle.select("div.cell, .math"):
            node.decompose()
        alone = section.name == "section" and children == [children[0], toggle]
        found.append(CollapsedBlock(heading, words(toggle.get_text(" ")), code_cells, formulas, alone))
    return found
