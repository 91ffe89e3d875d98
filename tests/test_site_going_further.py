"""The Sphinx extension that collapses the optional "Going further" sections on the website (the built pages are
checked in tests/test_site.py)."""

from docutils import nodes
from docutils.utils import new_document

from scripts import site_going_further


def section(title: str, *body: nodes.Node) -> nodes.section:
    return nodes.section("", nodes.title(text=title), *body)


def test_only_sections_titled_going_further_count():
    assert site_going_further.is_going_further(section("Going further: a side-trip"))
    for title in ["Summary", "Exercises: going further", "Going further", "going further: lower case"]:
        assert not site_going_further.is_going_further(section(title)), title


def test_the_transform_moves_each_going_further_body_into_one_toggle_under_its_title():
    body = [nodes.paragraph(text="why"), nodes.container(classes=["cell"]), section("A sub-heading")]
    optional, empty, main = (
        section("Going further: a side-trip", *body),
        section("Going further: empty"),
        section("Next", nodes.paragraph(text="main line")),
    )
    document = new_document("notebook")
    document += section("Lesson", nodes.paragraph(text="intro"), optional, empty, main)
    site_going_further.CollapseGoingFurther(document).apply()
    title, box = optional.children
    assert isinstance(title, nodes.title) and box.children == body and box["classes"] == ["toggle", "going-further"]
    assert len(empty) == 1, "a section with nothing under its title gets no empty toggle"
    assert [type(n) for n in main.children] == [nodes.title, nodes.paragraph], "a main-line section was changed"
    assert [n for n in document.findall(nodes.Element) if "toggle" in n["classes"]] == [box]
