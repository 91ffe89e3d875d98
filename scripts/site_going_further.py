"""Sphinx extension of the course's website (loaded by scripts/build_site.py): optional sections start collapsed.

A notebook marks an optional side-trip with a heading ``### Going further: <title>``; it runs to the next heading of
level 1 to 3, which is exactly the section that the heading opens in Sphinx's document tree. The heading stays where
it is; everything under it (prose, maths, figures, code cells and their outputs) moves into one container of class
``toggle``, the node that sphinx-togglebutton's ``{toggle}`` directive makes, so its script shows the block as one
closed ``<details>`` element: the title is visible and one click opens the whole block. Nothing is removed: the text
stays in the page, in the search index and in print.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

TITLE_PREFIX = "Going further:"
CLASSES = ["toggle", "going-further"]


def is_going_further(section: nodes.section) -> bool:
    """Whether ``section`` is titled ``Going further: ...``."""
    return (
        bool(section.children) and isinstance(section[0], nodes.title) and section[0].astext().startswith(TITLE_PREFIX)
    )


def collapse(section: nodes.section) -> nodes.container:
    """Move everything after ``section``'s title into one toggle container, appended to the section; return it."""
    box = nodes.container(classes=list(CLASSES))
    body = section.children[1:]
    del section[1:]
    box.extend(body)
    section.append(box)
    return box


class CollapseGoingFurther(SphinxTransform):
    """Collapse every "Going further" section of a document."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for section in [s for s in self.document.findall(nodes.section) if is_going_further(s)]:
            if len(section) > 1:
                collapse(section)


def setup(app: Sphinx) -> dict:
    """Register the transform (Sphinx's extension entry point)."""
    app.add_transform(CollapseGoingFurther)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
