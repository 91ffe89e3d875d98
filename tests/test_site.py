"""The course's website (``make site``): built once, offline, then driven in headless Chromium.

The site is served on 127.0.0.1 and every request for anything else is blocked and reported. Each page is checked
for its title, its place in the sidebar, its previous/next and Colab links and, once MathJax has finished, for
formulas left untypeset or typeset with an error. Every "Going further" block is collapsed whole under its heading,
and one opens with a click. Then a search, a click in the sidebar, and screenshots of the index and of a notebook
page held against what they must show (kept in $D2LCORE_SITE_SCREENSHOTS when set).
The browser tests are skipped where no Chromium is installed.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from site_blocks import collapsed_blocks, going_further_blocks
from site_browser import (
    BOXES_JS,
    FORMULA_IN_JS,
    FORMULA_JS,
    PAGE_REPORT_JS,
    QuietHandler,
    check_screenshot,
    ink,
    new_tab,
)

import d2lcore
from figures import embed
from scripts import build_site

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium (CI installs it: apt-get install chromium)")

README = (ROOT / "README.md").read_text()
SITE_TITLE = README.splitlines()[0].removeprefix("# ")
ORDER = list(dict.fromkeys(re.findall(r"\(notebooks/([\w.-]+)\.ipynb\)", README)))
NOTEBOOKS = {stem: json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text()) for stem in ORDER}
TITLES = {stem: "".join(nb["cells"][0]["source"]).splitlines()[0].removeprefix("# ") for stem, nb in NOTEBOOKS.items()}
HAS_MATHS = {
    stem: any(c["cell_type"] == "markdown" and "$" in "".join(c["source"]) for c in nb["cells"])
    for stem, nb in NOTEBOOKS.items()
}
BLOCKS = {stem: going_further_blocks(nb) for stem, nb in NOTEBOOKS.items()}
PAGES = ["index.html", *(f"notebooks/{stem}.html" for stem in ORDER)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "_site"
    build_site.build(out, quiet=True)
    return out


@pytest.fixture(scope="module")
def base_url(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: $D2LCORE_SITE_SCREENSHOTS when set."""
    folder = Path(os.environ.get("D2LCORE_SITE_SCREENSHOTS") or tmp_path_factory.mktemp("site-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def visits(browser, base_url: str) -> dict[str, dict]:
    """Every page opened once, in course order: what it shows (PAGE_REPORT_JS) and what it requested."""
    context, page, log = new_tab(browser, base_url)
    reports = {}
    for path in PAGES:
        log["outside"].clear()
        log["failed"].clear()
        response = page.goto(base_url + path)
        reports[path] = {"status": response.status, **page.evaluate(PAGE_REPORT_JS)}
        reports[path] |= {"outside": list(log["outside"]), "failed": [f for f in log["failed"] if "favicon" not in f]}
    context.close()
    return reports


def test_readme_lists_every_notebook():
    assert sorted(ORDER) == sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in build_site.notebook_order(ROOT / "notebooks")] == ORDER, "site order != README order"


def test_prepare_notebook_hides_the_colab_cell_and_strips_markers():
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# 9.9 T\n"]},
            {"cell_type": "code", "metadata": {}, "source": ['if "google.colab" in sys.modules:\n', "    pass"]},
            {
                "cell_type": "code",
                "metadata": {},
                "source": ["# NBVAL_IGNORE_OUTPUT\n", "x = [1,\n", "  2]  # fmt: skip"],
            },
            {"cell_type": "code", "metadata": {}, "source": ["# fmt: off\n", "y = 1  # fine\n", "# fmt: on\n"]},
        ]
    }
    shown = build_site.prepare_notebook(nb)
    assert shown["cells"][1]["metadata"]["tags"] == ["remove-cell"]
    assert "".join(shown["cells"][2]["source"]) == "x = [1,\n  2]"
    assert "".join(shown["cells"][3]["source"]) == "y = 1  # fine\n"
    assert "tags" not in nb["cells"][1]["metadata"] and nb["cells"][2]["source"][0] == "# NBVAL_IGNORE_OUTPUT\n"


def test_pages_hide_the_colab_cell_and_the_markers(site: Path):
    for stem in ORDER:
        html = (site / "notebooks" / f"{stem}.html").read_text()
        assert "google.colab" not in html, f"{stem}: the Colab install cell is shown"
        assert not re.search(r"NBVAL_|fmt: (skip|off|on)", html), f"{stem}: a test or formatter marker is shown"
        assert f"<h1>{TITLES[stem]}" in html.replace("\n", ""), f"{stem}: the page's heading is not the notebook's"
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file() and (site / "searchindex.js").is_file()


def test_pages_show_the_notebooks_figures_and_no_launch_badges(site: Path):
    for stem, nb in NOTEBOOKS.items():
        html = (site / "notebooks" / f"{stem}.html").read_text()
        markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        for name, png in embed.embedded_figures(markdown).items():
            data = base64.b64encode(png).decode("ascii")
            assert f'src="data:image/png;base64,{data}"' in html, f"{stem}: the page does not show images/{name}"
        assert "colab-badge.svg" not in html and "open-in-kaggle.svg" not in html, f"{stem} shows remote badges"


def test_a_failed_build_leaves_the_previous_site(tmp_path: Path):
    target = tmp_path / "_site"
    target.mkdir()
    (target / "index.html").write_text("the previous site")
    broken = tmp_path / "notebooks"
    broken.mkdir()
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# 1.1 Broken\n", "![x](../images/missing.png)"]}]
    (broken / "1.1_broken.ipynb").write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    with pytest.raises(RuntimeError, match="jupyter-book build failed"):
        build_site.build(target, notebooks_dir=broken, quiet=True)  # a warning (missing image) is an error
    assert (target / "index.html").read_text() == "the previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site", "notebooks"], "the build left files behind"


def test_every_going_further_block_is_collapsed_whole_under_its_title(site: Path):
    """Each block's heading stays outside; everything else of the block, and nothing else, is in its toggle."""
    assert BLOCKS["7.2_conv_layer"] and BLOCKS["7.3_padding_and_strides"], "the notebooks lost their optional blocks"
    for stem in ORDER:
        shown = collapsed_blocks((site / "notebooks" / f"{stem}.html").read_text())
        assert [c.heading for c in shown] == [b.title for b in BLOCKS[stem]], f"{stem}: collapsed != optional blocks"
        for block, collapsed in zip(BLOCKS[stem], shown, strict=True):
            where = f"{stem}, '{block.title}'"
            assert collapsed.alone, f"{where}: part of the block is outside the collapsed element"
            assert collapsed.code_cells == block.code_cells, f"{where}: {collapsed.code_cells} code cells shown"
            assert collapsed.formulas == block.formulas, f"{where}: {collapsed.formulas} formulas shown"
            assert collapsed.words == block.words(), f"{where}: the collapsed prose differs from the notebook's"


@needs_chromium
def test_every_notebook_has_a_page_in_the_sidebar_with_its_title(visits: dict, base_url: str):
    assert visits["index.html"]["title"] == SITE_TITLE
    expected = [[base_url + "index.html", SITE_TITLE]]
    expected += [[f"{base_url}notebooks/{stem}.html", TITLES[stem]] for stem in ORDER]
    for path, report in visits.items():
        assert report["status"] == 200, f"{path}: HTTP {report['status']}"
        assert report["sidebar"] == expected, f"{path}: the sidebar is not the course's table of contents"
    for stem in ORDER:
        assert visits[f"notebooks/{stem}.html"]["title"] == TITLES[stem]


@needs_chromium
def test_no_page_loads_anything_from_the_internet_or_misses_a_file(visits: dict):
    for path, report in visits.items():
        assert not report["outside"], f"{path} requests files from outside the site: {report['outside']}"
        assert not report["failed"], f"{path} requests missing files: {report['failed']}"


@needs_chromium
@pytest.mark.parametrize("path", PAGES)
def test_maths_typeset_without_errors(visits: dict, path: str):
    report = visits[path]
    problems = [f"MathJax error: {error}" for error in report["errors"]]
    problems += [f"not typeset: {tex}" for tex in report["untypeset"]]
    problems += [f"primes not typeset as primes: {tex}" for tex in report["noPrime"]]
    problems += [f"raw TeX in the prose: ...{text}..." for text in report["rawTeX"]]
    problems += ["'Math Processing Error'"] * report["processingErrors"]
    if HAS_MATHS.get(Path(path).stem) and not report["typeset"]:
        problems.append("the notebook has maths, the page shows no typeset formula")
    assert not problems, f"{path}: {len(problems)} maths problems:\n" + "\n".join(problems[:20])


@needs_chromium
@pytest.mark.parametrize("stem", ORDER)
def test_previous_next_and_colab_links(visits: dict, base_url: str, stem: str):
    i = ORDER.index(stem)
    report = visits[f"notebooks/{stem}.html"]
    assert report["prev"] == base_url + (f"notebooks/{ORDER[i - 1]}.html" if i else "index.html")
    assert report["next"] == (f"{base_url}notebooks/{ORDER[i + 1]}.html" if i + 1 < len(ORDER) else None)
    colab = f"https://colab.research.google.com/github/{d2lcore.COURSE_REPO}/blob/main/notebooks/{stem}.ipynb"
    assert report["colab"] == [colab]
    assert visits["index.html"]["next"] == f"{base_url}notebooks/{ORDER[0]}.html"


@needs_chromium
def test_search_finds_the_cross_correlation_section(browser, base_url: str):
    context, page, log = new_tab(browser, base_url)
    page.goto(base_url + "index.html")
    page.locator("#pst-primary-sidebar .search-button__button").click()
    box = page.locator("#pst-search-dialog input[name=q]")
    box.fill("cross-correlation")
    box.press("Enter")
    page.wait_for_url("**/search.html?q=cross-correlation*")
    page.wait_for_selector("#search-results ul.search li a")
    results = [a.get_attribute("href") for a in page.locator("#search-results ul.search li a").all()]
    assert "notebooks/7.2_conv_layer.html" in results, f"search results: {results}"
    assert TITLES["7.2_conv_layer"] in page.locator("#search-results").inner_text()
    assert not log["outside"]
    context.close()


@needs_chromium
def test_a_sidebar_link_opens_its_page(browser, base_url: str):
    context, page, _ = new_tab(browser, base_url)
    page.goto(base_url + "index.html")
    stem = ORDER[3]
    page.locator("nav.bd-docs-nav a.reference", has_text=TITLES[stem]).click()
    page.wait_for_url(f"{base_url}notebooks/{stem}.html")
    assert page.title().startswith(TITLES[stem])
    assert page.locator("nav.bd-docs-nav li.current > a").inner_text().strip() == TITLES[stem]
    context.close()


@needs_chromium
def test_screenshots_of_the_index_and_a_notebook_page(browser, base_url: str, shots: Path):
    context, page, _ = new_tab(browser, base_url)
    page.goto(base_url + "index.html")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=shots / "index.png")
    check_screenshot(shots / "index.png", page.evaluate(BOXES_JS))
    page.goto(f"{base_url}notebooks/7.2_conv_layer.html")
    formula = page.evaluate(FORMULA_JS)
    assert formula, "the notebook page has no typeset display formula (MathJax did not run?)"
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=shots / "notebook.png")
    pixels = check_screenshot(shots / "notebook.png", page.evaluate(BOXES_JS))
    _, _, w, h = formula["box"]
    assert w > 60 and h > 15, f"formula {formula['tex']!r} is not laid out: {formula['box']}"
    drawn = ink(pixels, formula["box"])
    assert 0.02 < drawn < 0.6, f"formula {formula['tex']!r} is not drawn in {shots / 'notebook.png'} (ink {drawn:.3f})"
    context.close()


@needs_chromium
def test_going_further_blocks_start_closed_on_every_page(visits: dict):
    for stem in ORDER:
        report = visits[f"notebooks/{stem}.html"]
        assert report["optional"] == report["collapsed"] == len(BLOCKS[stem]), f"{stem}: {report}"


@needs_chromium
def test_a_going_further_block_shows_its_title_and_opens_whole_with_one_click(browser, base_url: str, shots: Path):
    """7.2's block on the flipped kernel (prose, maths, three code cells and a plot), and the main line after it."""
    block = next(b for b in BLOCKS["7.2_conv_layer"] if "flipped kernel" in b.title)
    context, page, _ = new_tab(browser, base_url)
    page.goto(f"{base_url}notebooks/7.2_conv_layer.html")
    page.evaluate("async () => { await MathJax.startup.promise; await document.fonts.ready; }")
    section = page.locator("section", has=page.get_by_role("heading", name=block.title, exact=False)).last
    heading, details = section.locator("h3"), section.locator("details.toggle-details")
    body = [details.locator("p").first, *details.locator("div.cell").all(), details.locator("img").first]
    after = page.locator("section#feature-maps-and-receptive-fields")
    assert heading.inner_text().removesuffix("#").strip() == block.title and heading.is_visible()
    assert details.locator("summary").inner_text().strip() == "Show this optional part"
    assert len(body) == block.code_cells + 2 and not any(b.is_visible() for b in body), "the block is not collapsed"
    after.locator("h2").scroll_into_view_if_needed()
    assert after.locator("h2").is_visible() and after.locator("p").first.is_visible(), "the main line is collapsed"
    heading.scroll_into_view_if_needed()
    page.screenshot(path=shots / "going-further-closed.png")
    check_screenshot(shots / "going-further-closed.png", page.evaluate(BOXES_JS))
    details.locator("summary").click()
    assert all(b.is_visible() for b in body), "one click did not open the whole block"
    assert details.locator("summary").inner_text().strip() == "Hide this optional part"
    assert details.locator("img").first.evaluate("img => img.naturalWidth") > 100, "the block's plot is not drawn"
    formula = page.evaluate(FORMULA_IN_JS, f"#{section.get_attribute('id')} details")
    page.screenshot(path=shots / "going-further-open.png")
    pixels = check_screenshot(shots / "going-further-open.png", page.evaluate(BOXES_JS))
    drawn = ink(pixels, formula["box"])
    assert 0.02 < drawn < 0.6, f"formula {formula['tex']!r} of the opened block is not drawn (ink {drawn:.3f})"
    context.close()
