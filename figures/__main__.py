"""``python -m figures [OUT_DIR [NAME.png ...]]``: draw the figures (all, or the ones named) and print their paths."""

import sys

from .registry import main

args = sys.argv[1:]
for path in main(args[0] if args else "images", args[1:] or None):
    print(path)
