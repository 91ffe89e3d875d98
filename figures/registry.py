"""The figures by file name, and :func:`main`, which draws them into a folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from d2lcore.files import atomic_write

from . import chapter7, chapter8
from .primitives import DPI, STYLE

FIGURES: dict[str, Callable[[], Figure]] = {
    "correlation.png": chapter7.fig_correlation,
    "receptive_field.png": chapter7.fig_receptive_field,
    "padding.png": chapter7.fig_padding,
    "stride.png": chapter7.fig_stride,
    "conv_multi_in.png": chapter7.fig_conv_multi_in,
    "conv_1x1.png": chapter7.fig_conv_1x1,
    "pooling.png": chapter7.fig_pooling,
    "lenet.png": chapter7.fig_lenet,
    "vgg.png": chapter8.fig_vgg,
    "residual_block.png": chapter8.fig_residual_block,
    "resnext_block.png": chapter8.fig_resnext_block,
    "function_classes.png": chapter8.fig_function_classes,
}


def main(out_dir: str | Path = "images", names: Sequence[str] | None = None) -> list[Path]:
    """Draw the figures ``names`` (default: all of :data:`FIGURES`) into ``out_dir``; return the paths written.

    Each file is written under a temporary name and renamed into place, so an interrupted run leaves every figure
    either as it was or complete.
    """
    unknown = sorted(set(names or ()) - set(FIGURES))
    if unknown:
        raise SystemExit(f"unknown figure(s) {', '.join(unknown)}; the figures are: {', '.join(sorted(FIGURES))}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or FIGURES:
        with mpl.rc_context():  # the same style whatever the caller's matplotlib settings are
            mpl.rcdefaults()
            mpl.rcParams.update(STYLE)
            figure = FIGURES[name]()
            with atomic_write(out / name, fsync=False) as f:
                # no "Software" entry: the PNG then holds no matplotlib version and stays byte-stable
                figure.savefig(f, format=Path(name).suffix[1:], dpi=DPI, metadata={"Software": None})
        written.append(out / name)
    return written
