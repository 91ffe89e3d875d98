"""Helpers of tests/test_site.py for driving the built site in headless Chromium: a quiet local server, a tab that
blocks the internet, the scripts that read a page once MathJax has finished, and the check of a screenshot."""

from __future__ import annotations

import http.server
from pathlib import Path

import numpy as np
from PIL import Image

VIEWPORT = {"width": 1280, "height": 900}

# What a page shows once MathJax has finished: formulas with an error, formulas left as TeX, primes gone missing.
PAGE_REPORT_JS = r"""async () => {
  const startup = window.MathJax && window.MathJax.startup;
  if (startup) await startup.promise;
  const errors = [], noPrime = [];
  for (const item of startup ? startup.document.math : []) {
    const root = item.typesetRoot, err = root && root.querySelector('mjx-merror');
    if (err) errors.push(`${item.math} -> ${err.getAttribute('data-mjx-error') || err.textContent}`);
    const tex = item.math.replace(/\\(text|mathrm|operatorname)\{[^}]*\}/g, '');
    if (!err && tex.includes("'") && !(root && root.querySelector('mjx-c[class*="mjx-c203"]'))) noPrime.push(item.math);
  }
  const prose = document.querySelector('article').cloneNode(true);
  prose.querySelectorAll('pre, code, mjx-container, .cell_output, script, style').forEach(n => n.remove());
  const link = s => { const a = document.querySelector(s); return a ? a.href : null; };
  return {
    title: document.title.split(' — ')[0],
    typeset: document.querySelectorAll('article mjx-container').length,
    mathElements: document.querySelectorAll('article .math').length,
    untypeset: Array.from(document.querySelectorAll('article .math'))
      .filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.trim()),
    errors, noPrime,
    processingErrors: (document.body.innerText.match(/Math Processing Error/g) || []).length,
    rawTeX: prose.textContent.match(/.{0,40}(\$|\\\(|\\\[).{0,40}/g) || [],
    sidebar: Array.from(document.querySelectorAll('nav.bd-docs-nav a.reference'))
      .map(a => [a.href.split('#')[0], a.textContent.trim()]),
    prev: link('a.left-prev'), next: link('a.right-next'),
    colab: [...new Set(Array.from(document.querySelectorAll('a[href^="https://colab.research.google.com"]'))
      .map(a => a.href))],
    // "Going further" blocks: all of them, and those inside a closed <details> (made by sphinx-togglebutton).
    optional: document.querySelectorAll('article .going-further').length,
    collapsed: document.querySelectorAll('article details.toggle-details:not([open]) > .going-further').length,
  };
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site without logging every request."""

    def log_message(self, *args: object) -> None:
        pass


def new_tab(browser, base_url: str) -> tuple:
    """A new tab that blocks (and logs) requests leaving the local server and logs responses >= 400."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
    log: dict[str, list[str]] = {"outside": [], "failed": []}

    def guard(route) -> None:
        if route.request.url.startswith((base_url, "data:")):
            route.continue_()
        else:
            log["outside"].append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("response", lambda r: r.status >= 400 and log["failed"].append(f"{r.status} {r.url}"))
    return context, page, log


def check_screenshot(png: Path, boxes: dict) -> np.ndarray:
    """The page has content, the theme's layout (a sidebar column beside the article) and a styled sidebar."""
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    dark = pixels.max(axis=2) < 110
    assert (pixels.min(axis=2) < 235).mean() > 0.03 and dark.mean() > 0.005, f"{png} is (nearly) blank"
    x, y, w, h = boxes["sidebar"]
    assert x == 0 and 180 <= w <= 400 and h >= 0.8 * VIEWPORT["height"], f"{png}: no sidebar column: {boxes}"
    assert boxes["article"][0] >= x + w, f"{png}: the article is not beside the sidebar: {boxes}"
    side = pixels[int(y) : int(y + h), : int(w)]
    assert (side.max(axis=2) < 110).mean() > 0.003, f"{png}: the sidebar shows no text"
    bluish = (side[..., 2] - side[..., 0] > 60) & (side.max(axis=2) > 90)
    assert bluish.sum() > 30, f"{png}: the sidebar's current page is not highlighted (no theme styles?)"
    return pixels


def ink(pixels: np.ndarray, box: list[float]) -> float:
    """The share of dark pixels of a screenshot inside ``box`` (x, y, width, height): how much is drawn there."""
    x, y, w, h = (int(v) for v in box)
    crop = pixels[max(y, 0) : y + h, max(x, 0) : x + w]
    assert w > 5 and h > 5 and crop.size, f"nothing laid out at {box}"
    return float((crop.max(axis=2) < 110).mean())


BOXES_JS = """() => Object.fromEntries([['sidebar', '#pst-primary-sidebar'], ['article', 'article.bd-article']]
  .map(([key, css]) => {
    const r = document.querySelector(css).getBoundingClientRect();
    return [key, [r.x, r.y, r.width, r.height]];
  }))"""
# The first formula inside an element (a CSS selector), scrolled into view: its TeX and its box on the screen.
FORMULA_IN_JS = r"""async (css) => {
  await MathJax.startup.promise;
  const item = Array.from(MathJax.startup.document.math).find(m => m.typesetRoot && m.typesetRoot.closest(css));
  if (!item) return null;
  item.typesetRoot.scrollIntoView({block: 'center'});
  const r = item.typesetRoot.querySelector('mjx-math').getBoundingClientRect();
  return {tex: item.math, box: [r.x, r.y, r.width, r.height]};
}"""
FORMULA_JS = r"""async () => {
  if (!(window.MathJax && MathJax.startup)) return null;
  await MathJax.startup.promise;
  const all = Array.from(MathJax.startup.document.math)
    .filter(m => m.display && m.typesetRoot && m.typesetRoot.checkVisibility());  // not in a closed block
  const item = all.find(m => m.math.includes("'")) || all[0];
  if (!item) return null;
  item.typesetRoot.scrollIntoView({block: 'center'});
  const r = item.typesetRoot.querySelector('mjx-math').getBoundingClientRect();
  return {tex: item.math, box: [r.x, r.y, r.width, r.height]};
}"""
