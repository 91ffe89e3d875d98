"""``python -m figures [OUT_DIR [NAME.png ...]]``: draw the figures (all, or the ones named) and print their paths.

Drawn into the repository's ``images/`` (the default), they are also embedded into every notebook in ``notebooks/``
that shows them (see :mod:`figures.embed`). ``python -m figures --embed`` only embeds the committed figures, without
drawing: run it after notebooks were edited or merged.
"""

import sys
from pathlib import Path

from .embed import embed_notebooks
from .registry import main

ROOT = Path(__file__).resolve().parent.parent
IMAGES, NOTEBOOKS = ROOT / "images", sorted((ROOT / "notebooks").glob("*.ipynb"))

args = sys.argv[1:]
if args != ["--embed"]:
    for path in main(args[0] if args else IMAGES, args[1:] or None):
        print(path)
if args == ["--embed"] or Path(args[0] if args else IMAGES).resolve() == IMAGES:
    for path in embed_notebooks(NOTEBOOKS, IMAGES):
        print(f"embedded the figures into {path.relative_to(ROOT)}")
