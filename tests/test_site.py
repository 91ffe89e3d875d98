"""The HTML build of the course: it builds offline, and a real headless browser renders maths and figures."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, build_site.build(out)


def test_every_notebook_becomes_a_linked_page(site):
    out, pages = site
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert pages[0].name == "index.html" and len(pages) == len(notebooks) + 1
    index = pages[0].read_text()
    for nb in notebooks:
        assert f'href="{nb.stem}.html"' in index
    assert (out / "mathjax" / "MathJax.js").exists()
    for page in pages[1:]:
        text = page.read_text()
        assert 'href="index.html">Contents</a>' in text
        assert not re.search(r'<script src="https?://', text), f"{page.name} loads a script from the internet"


def _math_page() -> Path:
    """The first notebook (course order) whose markdown has inline maths."""
    for nb in build_site.notebook_order(ROOT / "notebooks"):
        cells = json.loads(nb.read_text())["cells"]
        if any(c["cell_type"] == "markdown" and "$" in "".join(c["source"]) for c in cells):
            return nb
    pytest.fail("no notebook has maths")


def _chromium(*args: str, user_dir: Path) -> str:
    result = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (CI installs it: apt-get install chromium)")
def test_browser_renders_maths_and_figures(site, tmp_path):
    out, _ = site
    page = out / f"{_math_page().stem}.html"
    dom = _chromium("--virtual-time-budget=15000", "--dump-dom", page.as_uri(), user_dir=tmp_path / "u1")
    assert dom.count('class="MathJax"') >= 1, "MathJax did not typeset the page's maths"
    assert "data:image/png;base64," in dom, "the page shows no embedded figure"
    shot = tmp_path / "page.png"
    _chromium("--window-size=1200,1600", f"--screenshot={shot}", page.as_uri(), user_dir=tmp_path / "u2")
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (1600, 1200) and pixels[..., :3].std() > 0.05, "the screenshot is blank"
    index_dom = _chromium("--dump-dom", (out / "index.html").as_uri(), user_dir=tmp_path / "u3")
    assert index_dom.count("<li><a href=") == len(list((ROOT / "notebooks").glob("*.ipynb")))
