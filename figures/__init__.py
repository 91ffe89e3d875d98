"""Draw every diagram in ``images/``: ``python -m figures images`` (or ``make figures``); ``python -m figures images
lenet.png`` redraws one.

Each figure is one function in :data:`FIGURES` (``chapter7``, ``chapter8``), drawn with the helpers of
``primitives``. Numbers shown in the figures are computed with PyTorch and ``d2lcore`` (and checked with
``assert``), shapes are those the ``d2lcore`` models' ``layer_shapes`` reports, so a figure cannot disagree with
the code the notebooks run. Output is deterministic: fixed layout, fixed dpi, matplotlib's default font (DejaVu
Sans) and no version string in the PNG metadata, so ``tests/test_figures.py`` can check that the committed images
are what this package draws.
"""

from .registry import FIGURES, main

__all__ = ["FIGURES", "main"]
