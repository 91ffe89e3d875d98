"""Draw every diagram in ``images/``: ``python scripts/make_figures.py images`` (or ``make figures``).

Each figure is one function in :data:`FIGURES`. Numbers shown in the figures are computed with PyTorch and
``d2lcore`` (and checked with ``assert``), shapes are read off the ``d2lcore`` models, so a figure cannot
disagree with the code the notebooks run. Output is deterministic: fixed layout, fixed dpi, matplotlib's
default font (DejaVu Sans) and no version string in the PNG metadata, so ``tests/test_figures.py`` can
check that the committed images are what this script draws.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import matplotlib as mpl
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, Rectangle
from torch import nn

import d2lcore as d2l
from d2lcore.files import atomic_write

DPI = 120
UNIT = 0.5  # inches per drawing unit; a grid cell is one unit (60 px)
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 12,
    "mathtext.fontset": "dejavusans",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
}


class Tint(NamedTuple):
    """A light fill and a strong edge of the same hue."""

    fill: str
    edge: str


BLUE = Tint("#c6dbef", "#2171b5")
ORANGE = Tint("#fdd0a2", "#d94801")
GREEN = Tint("#c7e9c0", "#238b45")
PURPLE = Tint("#dadaeb", "#6a51a3")
GREY = Tint("#e7e7e7", "#636363")
INK = "#222222"
MUTED = "#555555"


# ----------------------------------------------------------------------------------------------------------
# Shared drawing helpers. All figures draw in "units" on one axes whose y axis points down.
# ----------------------------------------------------------------------------------------------------------


def canvas(width: float, height: float) -> tuple[Figure, mpl.axes.Axes]:
    """A white figure of ``width`` x ``height`` units with one borderless axes, y pointing down."""
    fig = Figure(figsize=(width * UNIT, height * UNIT), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def fmt_num(v: float) -> str:
    """Integers without a decimal point, other values with up to 3 significant digits; a real minus sign."""
    v = float(v)
    text = f"{int(v)}" if v == int(v) else f"{v:.3g}"
    return text.replace("-", "\N{MINUS SIGN}")


class Window(NamedTuple):
    """A rectangle of cells ``rows i..i+h-1, columns j..j+w-1`` to fill and outline with ``tint``."""

    i: int
    j: int
    h: int
    w: int
    tint: Tint


def grid(
    ax,
    values,
    x: float,
    y: float,
    *,
    title: str | None = None,
    windows: Sequence[Window] = (),
    shaded=None,
    cell: float = 1.0,
    fontsize: float = 14,
    show_values: bool = True,
) -> tuple[float, float, float, float]:
    """Draw a matrix as a grid of numbered cells with its top-left corner at ``(x, y)``.

    ``windows`` are filled and outlined; ``shaded`` is a boolean mask of cells drawn grey (e.g. padding).
    Returns the grid's extent ``(left, top, right, bottom)``.
    """
    values = np.asarray(values, dtype=float)
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            color = GREY.fill if shaded is not None and shaded[i][j] else "white"
            for win in windows:
                if win.i <= i < win.i + win.h and win.j <= j < win.j + win.w:
                    color = win.tint.fill
            ax.add_patch(Rectangle((x + j * cell, y + i * cell), cell, cell, facecolor=color, edgecolor=INK, lw=1))
            if show_values:
                ax.text(
                    x + (j + 0.5) * cell,
                    y + (i + 0.5) * cell,
                    fmt_num(values[i, j]),
                    ha="center",
                    va="center_baseline",
                    fontsize=fontsize,
                    color=INK,
                )
    for win in windows:
        ax.add_patch(
            Rectangle(
                (x + win.j * cell, y + win.i * cell),
                win.w * cell,
                win.h * cell,
                fill=False,
                edgecolor=win.tint.edge,
                lw=3,
                zorder=3,
            )
        )
    if title:
        ax.text(x + cols * cell / 2, y - 0.2, title, ha="center", va="bottom", fontsize=12, color=INK)
    return x, y, x + cols * cell, y + rows * cell


STAR = r"$\star$"  # the cross-correlation operator


def symbol(ax, x: float, y: float, text: str, fontsize: float = 24) -> None:
    """An operator (``=``, ``+``, the cross-correlation star) between grids."""
    if text == STAR:
        fontsize *= 1.6
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=INK)


def box(
    ax,
    cx: float,
    cy: float,
    w: float,
    h: float,
    text: str,
    tint: Tint,
    *,
    fontsize: float = 11.5,
) -> tuple[float, float, float, float]:
    """A rounded box centred at ``(cx, cy)`` with centred text. Returns ``(left, top, right, bottom)``."""
    ax.add_patch(
        FancyBboxPatch(
            (cx - w / 2, cy - h / 2),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.15",
            facecolor=tint.fill,
            edgecolor=tint.edge,
            lw=1.5,
            zorder=2,
        )
    )
    ax.text(cx, cy, text, ha="center", va="center", fontsize=fontsize, color=INK, linespacing=1.35, zorder=3)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def arrow(ax, start, end, *, color: str = INK, lw: float = 1.5) -> None:
    """A straight arrow from ``start`` to ``end``."""
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=14, color=color, lw=lw, shrinkA=0, shrinkB=0, zorder=4
        )
    )


def frame(ax, left: float, top: float, w: float, h: float, *, color: str = MUTED, lw: float = 1.2) -> None:
    """A dashed rectangle around a group of boxes or cells."""
    ax.add_patch(Rectangle((left, top), w, h, fill=False, edgecolor=color, lw=lw, ls="--", zorder=5))


def path_arrow(ax, points, *, color: str = INK, lw: float = 1.5) -> None:
    """A polyline through ``points`` with an arrow head on its last segment."""
    xs, ys = zip(*points)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, solid_capstyle="butt", solid_joinstyle="miter", zorder=4)
    arrow(ax, points[-2], points[-1], color=color, lw=lw)


def plus_node(ax, cx: float, cy: float, r: float = 0.3) -> None:
    """The circled plus where a shortcut is added."""
    ax.add_patch(Circle((cx, cy), r, facecolor="white", edgecolor=INK, lw=1.5, zorder=5))
    ax.plot([cx - r * 0.6, cx + r * 0.6], [cy, cy], color=INK, lw=1.5, zorder=6)
    ax.plot([cx, cx], [cy - r * 0.6, cy + r * 0.6], color=INK, lw=1.5, zorder=6)


def label(ax, x: float, y: float, text: str, *, ha: str = "center", fontsize: float = 12, color: str = INK, **kw):
    """Plain text, vertically centred."""
    ax.text(x, y, text, ha=ha, va="center", fontsize=fontsize, color=color, **kw)


def products(window: torch.Tensor, kernel: torch.Tensor) -> str:
    """``a×p + b×q + ...`` for a window and a kernel of the same shape, row by row."""
    return " + ".join(f"{fmt_num(a)}×{fmt_num(b)}" for a, b in zip(window.flatten(), kernel.flatten()))


def shape_text(shape: Sequence[int]) -> str:
    return " × ".join(str(s) for s in shape)


# ----------------------------------------------------------------------------------------------------------
# 7.2 Convolutions for images
# ----------------------------------------------------------------------------------------------------------

X33 = torch.arange(9.0).reshape(3, 3)
K22 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])


def fig_correlation() -> Figure:
    Y = d2l.corr2d(X33, K22)
    assert torch.equal(Y, torch.tensor([[19.0, 25.0], [37.0, 43.0]]))
    fig, ax = canvas(11, 5.8)
    top = 1.0
    grid(ax, X33, 0.5, top, title="Input", windows=[Window(0, 0, 2, 2, BLUE)])
    symbol(ax, 4.25, top + 1.5, STAR)
    grid(ax, K22, 5.0, top + 0.5, title="Kernel", windows=[Window(0, 0, 2, 2, BLUE)])
    symbol(ax, 7.75, top + 1.5, "=")
    grid(ax, Y, 8.5, top + 0.5, title="Output", windows=[Window(0, 0, 1, 1, BLUE)])
    label(ax, 5.5, 5.0, f"{products(X33[:2, :2], K22)} = {fmt_num(Y[0, 0])}", fontsize=14, color=BLUE.edge)
    return fig


def fig_receptive_field() -> Figure:
    """Two stacked 3x3 convolutions (no padding): 7x7 -> 5x5 -> 3x3; the centre pixel of layer 2."""
    cell = 0.55
    sizes = [7, 5, 3]
    names = ["Input", "Layer 1", "Layer 2"]
    xs = [0.5, 6.3, 11.0]
    fig, ax = canvas(13.2, 7.6)
    mid = 3.4  # vertical centre of the grids
    # what the centre output pixel sees, layer by layer: 5x5, 3x3, 1x1 around the centre
    regions = [Window(1, 1, 5, 5, BLUE), Window(1, 1, 3, 3, BLUE), Window(1, 1, 1, 1, ORANGE)]
    # check with autograd: the pixels with a nonzero gradient are exactly the ones the output pixel sees
    conv = nn.Conv2d(1, 1, kernel_size=3, bias=False)
    nn.init.ones_(conv.weight)
    X = torch.zeros(1, 1, 7, 7, requires_grad=True)
    H = conv(X)
    H.retain_grad()
    conv(H)[0, 0, 1, 1].backward()
    for t, reg in ((X, regions[0]), (H, regions[1])):
        seen = torch.zeros(t.shape[2:], dtype=torch.bool)
        seen[reg.i : reg.i + reg.h, reg.j : reg.j + reg.w] = True
        assert torch.equal(t.grad[0, 0] != 0, seen)
    extents = []
    for n, name, x, reg in zip(sizes, names, xs, regions):
        y = mid - n * cell / 2
        extents.append(grid(ax, np.zeros((n, n)), x, y, cell=cell, show_values=False, windows=[reg]))
        label(ax, x + n * cell / 2, y - 0.45, f"{name} ({n}×{n})")
    # one cell of layer 1 (the top-left one of its 3x3 region) and the 3x3 input window it sees
    corner = Window(1, 1, 1, 1, ORANGE)
    inner = Window(1, 1, 3, 3, ORANGE)
    for (left, top, _, _), win in ((extents[1], corner), (extents[0], inner)):
        frame(ax, left + win.j * cell, top + win.i * cell, win.w * cell, win.h * cell, color=win.tint.edge, lw=2.5)
    # funnels: the right edge of a region to the left edge of what it feeds, with the layer in between
    for (src, dst), (s_reg, d_reg) in zip(((0, 1), (1, 2)), ((regions[0], regions[1]), (regions[1], regions[2]))):
        sl, st, sr, _ = extents[src]
        dl, dt, _, _ = extents[dst]
        sx = sl + (s_reg.j + s_reg.w) * cell
        dx = dl + d_reg.j * cell
        for a, b in ((s_reg.i, d_reg.i), (s_reg.i + s_reg.h, d_reg.i + d_reg.h)):
            ax.plot([sx, dx], [st + a * cell, dt + b * cell], color=BLUE.edge, lw=1.2, ls=":", zorder=6)
        gap_mid = (sr + dl) / 2
        arrow(ax, (gap_mid - 0.45, mid + 0.15), (gap_mid + 0.45, mid + 0.15), color=MUTED)
        label(ax, gap_mid, mid - 0.2, "3×3 conv", fontsize=10.5, color=MUTED)
    label(
        ax,
        6.6,
        6.5,
        "The orange pixel of layer 2 sees 3×3 pixels of layer 1 and 5×5 input pixels.\n"
        "One layer-1 pixel (dashed) sees a 3×3 input window; these windows overlap.",
        fontsize=11,
        color=INK,
        linespacing=1.5,
    )
    return fig


# ----------------------------------------------------------------------------------------------------------
# 7.3 Padding and stride
# ----------------------------------------------------------------------------------------------------------


def _padded_input() -> tuple[torch.Tensor, np.ndarray]:
    Xp = F.pad(X33, (1, 1, 1, 1))
    mask = np.ones((5, 5), dtype=bool)
    mask[1:4, 1:4] = False
    return Xp, mask


def _conv_with_kernel(**kwargs) -> nn.Conv2d:
    conv = nn.Conv2d(1, 1, kernel_size=2, bias=False, **kwargs)
    with torch.no_grad():
        conv.weight.copy_(K22.reshape(1, 1, 2, 2))
    return conv


def fig_padding() -> Figure:
    Xp, mask = _padded_input()
    with torch.no_grad():
        Y = d2l.comp_conv2d(_conv_with_kernel(padding=1), X33)
    assert Y.shape == (4, 4) and torch.equal(Y, d2l.corr2d(Xp, K22))
    fig, ax = canvas(14.2, 8.4)
    top = 1.1
    grid(ax, Xp, 0.5, top, title="Input, padded with zeros", windows=[Window(0, 0, 2, 2, BLUE)], shaded=mask)
    symbol(ax, 6.25, top + 2.5, STAR)
    grid(ax, K22, 7.0, top + 1.5, title="Kernel", windows=[Window(0, 0, 2, 2, BLUE)])
    symbol(ax, 9.5, top + 2.5, "=")
    grid(ax, Y, 10.0, top + 0.5, title="Output", windows=[Window(0, 0, 1, 1, BLUE)])
    label(ax, 7.1, 6.9, f"{products(Xp[:2, :2], K22)} = {fmt_num(Y[0, 0])}", fontsize=14, color=BLUE.edge)
    label(
        ax,
        7.1,
        7.75,
        "a 3 × 3 input with one row and column of zeros (grey) on every side: a 4 × 4 output",
        fontsize=11,
        color=MUTED,
    )
    return fig


def fig_stride() -> Figure:
    Xp, mask = _padded_input()
    with torch.no_grad():
        Y = d2l.comp_conv2d(_conv_with_kernel(padding=1, stride=(3, 2)), X33)
    assert Y.shape == (2, 2)
    tints = [BLUE, ORANGE, GREEN, PURPLE]
    windows, out_windows, lines = [], [], []
    for k, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        win = Xp[3 * i : 3 * i + 2, 2 * j : 2 * j + 2]
        assert (win * K22).sum() == Y[i, j]
        windows.append(Window(3 * i, 2 * j, 2, 2, tints[k]))
        out_windows.append(Window(i, j, 1, 1, tints[k]))
        lines.append((f"{products(win, K22)} = {fmt_num(Y[i, j])}", tints[k].edge))
    fig, ax = canvas(13.4, 10.6)
    left, top = 1.5, 1.6
    grid(ax, Xp, left, top, title=None, windows=windows, shaded=mask)
    label(ax, left + 2.5, 0.35, "Input, padded", fontsize=12)
    # the strides, drawn next to the input
    arrow(ax, (left, top - 0.35), (left + 2, top - 0.35), color=MUTED)
    label(ax, left + 1.0, top - 0.75, "stride 2", fontsize=10.5, color=MUTED)
    arrow(ax, (left - 0.35, top), (left - 0.35, top + 3), color=MUTED)
    label(ax, left - 0.75, top + 1.5, "stride 3", fontsize=10.5, color=MUTED, rotation=90)
    symbol(ax, 7.25, top + 2.5, STAR)
    grid(ax, K22, 8.0, top + 1.5, title="Kernel")
    symbol(ax, 10.6, top + 2.5, "=")
    grid(ax, Y, 11.2, top + 1.5, title="Output", windows=out_windows)
    for k, (text, color) in enumerate(lines):
        label(ax, 6.7, 7.5 + 0.6 * k, text, fontsize=13, color=color)
    label(ax, 6.7, 10.0, "stride 3 down the rows and 2 across the columns: a 2 × 2 output", fontsize=11, color=MUTED)
    return fig


# ----------------------------------------------------------------------------------------------------------
# 7.4 Channels
# ----------------------------------------------------------------------------------------------------------


def fig_conv_multi_in() -> Figure:
    X = torch.stack([X33, X33 + 1])
    K = torch.stack([K22, K22 + 1])
    per_channel = [d2l.corr2d(x, k) for x, k in zip(X, K)]
    Y = d2l.corr2d_multi_in(X, K)
    assert torch.equal(Y, torch.tensor([[56.0, 72.0], [104.0, 120.0]]))
    assert torch.equal(Y, F.conv2d(X[None], K[None])[0, 0])
    fig, ax = canvas(14.2, 11.0)
    first = Window(0, 0, 2, 2, BLUE)
    for c in range(2):
        top = 1.1 + 4.4 * c
        grid(ax, X[c], 0.5, top, title=f"Input, channel {c}", windows=[first])
        symbol(ax, 4.25, top + 1.5, STAR)
        grid(ax, K[c], 5.0, top + 0.5, title=f"Kernel, ch. {c}", windows=[first])
        symbol(ax, 7.75, top + 1.5, "=")
        grid(ax, per_channel[c], 8.5, top + 0.5, title=f"Result, ch. {c}", windows=[Window(0, 0, 1, 1, BLUE)])
    symbol(ax, 9.5, 4.65, "+")
    symbol(ax, 11.25, 4.85, "=")
    grid(ax, Y, 11.9, 3.85, title="Sum", windows=[Window(0, 0, 1, 1, BLUE)])
    terms = [f"({products(X[c, :2, :2], K[c])})" for c in range(2)]
    parts = " + ".join(fmt_num(p[0, 0]) for p in per_channel)
    label(ax, 7.0, 9.9, f"{terms[0]} + {terms[1]}", fontsize=13, color=BLUE.edge)
    label(ax, 7.0, 10.5, f"= {parts} = {fmt_num(Y[0, 0])}", fontsize=13, color=BLUE.edge)
    return fig


def fig_conv_1x1() -> Figure:
    X = torch.randint(0, 10, (3, 3, 3), generator=torch.Generator().manual_seed(0)).float()
    W = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]])
    conv = nn.Conv2d(3, 2, kernel_size=1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(W.reshape(2, 3, 1, 1))
        Y = conv(X[None])[0]
    assert torch.equal(Y, d2l.corr2d_multi_in_out_1x1(X, W.reshape(2, 3, 1, 1)))
    i, j = 1, 2  # the pixel followed through the layer
    assert torch.equal(Y[:, i, j], W @ X[:, i, j])

    fig, ax = canvas(13.0, 15.0)
    pix_in, pix_out = Window(i, j, 1, 1, BLUE), Window(i, j, 1, 1, GREEN)
    for c in range(3):
        grid(ax, X[c], 0.5 + 4.2 * c, 1.2, title=f"Input channel {c}", windows=[pix_in])
    # the computation at one pixel: y = W x
    ty = 6.1
    grid(ax, Y[:, i, j].reshape(2, 1), 2.9, ty + 0.5, title="y", windows=[Window(0, 0, 2, 1, GREEN)])
    symbol(ax, 4.55, ty + 1.5, "=")
    grid(ax, W, 5.3, ty + 0.5, title="W (2 outputs × 3 inputs)", windows=[Window(0, 0, 2, 3, ORANGE)])
    symbol(ax, 8.8, ty + 1.5, "·", fontsize=30)
    grid(ax, X[:, i, j].reshape(3, 1), 9.3, ty, title="x", windows=[Window(0, 0, 3, 1, BLUE)])
    pixel = f"pixel ({i}, {j})"
    label(ax, 1.45, ty + 1.5, f"the 2 output\nvalues at\n{pixel}", fontsize=11, color=GREEN.edge, linespacing=1.3)
    label(ax, 11.6, ty + 1.5, f"the 3 input\nvalues at\n{pixel}", fontsize=11, color=BLUE.edge, linespacing=1.3)
    arrow(ax, (6.5, 4.55), (6.5, 5.35), color=MUTED)
    arrow(ax, (6.5, 9.45), (6.5, 10.25), color=MUTED)
    for o in range(2):
        grid(ax, Y[o], 2.4 + 5.0 * o, 11.0, title=f"Output channel {o}", windows=[pix_out])
    label(
        ax,
        6.5,
        14.5,
        "y = W x at each of the 9 pixels: a dense layer applied across the channels",
        fontsize=11.5,
        color=MUTED,
    )
    return fig


# ----------------------------------------------------------------------------------------------------------
# 7.5 Pooling
# ----------------------------------------------------------------------------------------------------------


def fig_pooling() -> Figure:
    Ymax = d2l.pool2d(X33, 2, "max")
    Yavg = d2l.pool2d(X33, 2, "avg")
    assert torch.equal(Ymax, torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
    assert torch.equal(Yavg, torch.tensor([[2.0, 3.0], [5.0, 6.0]]))
    assert torch.equal(nn.MaxPool2d(2, stride=1)(X33[None, None])[0, 0], Ymax)
    assert torch.equal(nn.AvgPool2d(2, stride=1)(X33[None, None])[0, 0], Yavg)
    window = ", ".join(fmt_num(v) for v in X33[:2, :2].flatten())
    cell = 0.85
    fig, ax = canvas(14.2, 6.2)
    panels = [
        ("2 × 2 max pooling, stride 1", Ymax, f"max({window}) = {fmt_num(Ymax[0, 0])}", BLUE),
        (
            "2 × 2 average pooling, stride 1",
            Yavg,
            f"({window.replace(', ', ' + ')}) / 4 = {fmt_num(Yavg[0, 0])}",
            ORANGE,
        ),
    ]
    for k, (title, Y, text, tint) in enumerate(panels):
        x0 = 0.5 + 7.4 * k
        label(ax, x0 + 3.1, 0.55, title, fontsize=13, fontweight="bold")
        grid(ax, X33, x0, 1.6, cell=cell, windows=[Window(0, 0, 2, 2, tint)], title="Input")
        arrow(ax, (x0 + 3 * cell + 0.35, 2.875), (x0 + 3 * cell + 1.45, 2.875), color=MUTED)
        grid(ax, Y, x0 + 3 * cell + 1.8, 2.025, cell=cell, windows=[Window(0, 0, 1, 1, tint)], title="Output")
        label(ax, x0 + 3.1, 5.2, text, fontsize=13, color=tint.edge)
    ax.plot([7.2, 7.2], [0.4, 5.8], color="#bbbbbb", lw=1)
    return fig


# ----------------------------------------------------------------------------------------------------------
# 7.6 LeNet and 8.2 VGG: box-and-arrow diagrams with shapes read off the d2lcore models
# ----------------------------------------------------------------------------------------------------------


def layer_shapes(net: nn.Sequential, input_shape: Sequence[int]) -> list[tuple[int, ...]]:
    """Output shape (without the batch axis) of every module of ``net``, computed on the meta device."""
    with torch.device("meta"):
        X = torch.empty(1, *input_shape)
        shapes = []
        for layer in net:
            X = layer(X)
            shapes.append(tuple(X.shape[1:]))
    return shapes


def column(ax, cx: float, top: float, items, *, w: float, h: float, gap: float) -> list[tuple]:
    """Boxes ``(text, tint, shape_label)`` stacked top to bottom from ``top``, joined by arrows.

    The shape label of a box is written beside the arrow that leaves it. Returns the boxes' extents.
    """
    extents = []
    for k, (text, tint, shape) in enumerate(items):
        cy = top + h / 2 + k * (h + gap)
        extents.append(box(ax, cx, cy, w, h, text, tint))
        if k < len(items) - 1:
            arrow(ax, (cx, cy + h / 2), (cx, cy + h / 2 + gap))
        if shape:
            label(ax, cx + 0.2, cy + h / 2 + gap / 2, shape, ha="left", fontsize=11, color=MUTED)
    return extents


def fig_lenet() -> Figure:
    with torch.device("meta"):
        net = d2l.LeNet().net
    shapes = layer_shapes(net, (1, 28, 28))
    kinds = [type(m).__name__ for m in net]
    assert " ".join(kinds) == "Conv2d Sigmoid AvgPool2d " * 2 + "Flatten Linear Sigmoid Linear Sigmoid Linear"
    s = [shape_text(x) for x in shapes]
    conv_part = [
        ("Input image", GREY, "1 × 28 × 28"),
        (f"Conv 5×5, {shapes[0][0]} channels, pad 2\n+ sigmoid", BLUE, s[1]),
        ("Average pool 2×2, stride 2", GREEN, s[2]),
        (f"Conv 5×5, {shapes[3][0]} channels\n+ sigmoid", BLUE, s[4]),
        ("Average pool 2×2, stride 2", GREEN, ""),
    ]
    dense_part = [
        ("Flatten", GREY, s[6]),
        (f"Dense {shapes[7][0]} + sigmoid", PURPLE, s[8]),
        (f"Dense {shapes[9][0]} + sigmoid", PURPLE, s[10]),
        (f"Dense {shapes[11][0]}", PURPLE, s[11]),
        ("10 class scores", GREY, ""),
    ]
    w, h, gap = 5.0, 1.1, 0.85
    fig, ax = canvas(13.8, 10.6)
    cl, cr = 3.0, 10.7
    label(ax, cl, 0.55, "Convolutional part", fontsize=13, fontweight="bold")
    label(ax, cr, 0.55, "Dense part", fontsize=13, fontweight="bold")
    left = column(ax, cl, 1.2, conv_part, w=w, h=h, gap=gap)
    right = column(ax, cr, 1.2, dense_part, w=w, h=h, gap=gap)
    # from the last pooling layer up to Flatten, through the lane between the columns
    _, pool_top, pool_right, pool_bottom = left[-1]
    flat_left, flat_top, _, flat_bottom = right[0]
    lane = (pool_right + flat_left) / 2
    pool_y, flat_y = (pool_top + pool_bottom) / 2, (flat_top + flat_bottom) / 2
    path_arrow(ax, [(pool_right, pool_y), (lane, pool_y), (lane, flat_y), (flat_left, flat_y)])
    label(ax, lane - 0.3, (pool_y + flat_y) / 2, s[5], fontsize=11, color=MUTED, rotation=90)
    return fig


def fig_vgg() -> Figure:
    with torch.device("meta"):
        net = d2l.VGG(d2l.VGG11_ARCH).net
    shapes = layer_shapes(net, (1, 224, 224))
    n_blocks = len(d2l.VGG11_ARCH)
    fig, ax = canvas(13.4, 14.6)

    # left: one VGG block
    cx, w = 2.6, 3.8
    label(ax, cx, 0.55, "VGG block", fontsize=13, fontweight="bold")
    label(ax, cx, 1.45, r"$c_\mathrm{in} \times h \times w$", fontsize=12, color=MUTED)
    arrow(ax, (cx, 1.75), (cx, 2.6))
    box(ax, cx, 3.05, w, 0.9, "3×3 conv, pad 1\n" + r"$c_\mathrm{out}$ channels", BLUE)
    arrow(ax, (cx, 3.5), (cx, 4.1))
    box(ax, cx, 4.45, w, 0.7, "ReLU", ORANGE)
    frame(ax, cx - w / 2 - 0.3, 2.3, w + 0.6, 2.75)
    label(ax, cx + 0.2, 5.55, "× num_convs", ha="left", fontsize=11, color=MUTED)
    arrow(ax, (cx, 5.05), (cx, 6.1))
    box(ax, cx, 6.55, w, 0.9, "2×2 max pool\nstride 2", GREEN)
    arrow(ax, (cx, 7.0), (cx, 7.8))
    label(ax, cx, 8.1, r"$c_\mathrm{out} \times h/2 \times w/2$", fontsize=12, color=MUTED)

    # right: VGG-11
    items = [("Input image", GREY, "1 × 224 × 224")]
    for k, (n, c) in enumerate(d2l.VGG11_ARCH):
        convs = "conv" if n == 1 else "convs"
        items.append((f"VGG block: {n} {convs}, {c} channels", BLUE, shape_text(shapes[k])))
    dense = [type(m).__name__ for m in net[n_blocks:]]
    assert dense == ["Flatten", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    items.append(("Flatten", GREY, shape_text(shapes[n_blocks])))
    items.append((f"Dense {shapes[n_blocks + 1][0]} + ReLU + dropout", PURPLE, shape_text(shapes[n_blocks + 3])))
    items.append((f"Dense {shapes[n_blocks + 4][0]} + ReLU + dropout", PURPLE, shape_text(shapes[n_blocks + 6])))
    items.append((f"Dense {shapes[-1][0]}", PURPLE, shape_text(shapes[-1])))
    items.append(("10 class scores", GREY, ""))
    n_convs = [n for n, _ in d2l.VGG11_ARCH]
    assert sum(isinstance(m, nn.Conv2d) for m in net.modules()) == sum(n_convs) == 8
    count = f"{sum(n_convs)} conv layers\n({' + '.join(map(str, n_convs))})\n+ 3 dense layers\n= 11 weight layers"
    label(ax, cx, 10.6, count, fontsize=11.5, color=MUTED, linespacing=1.5)
    rx = 9.1
    label(ax, rx, 0.55, "VGG-11", fontsize=13, fontweight="bold")
    column(ax, rx, 1.1, items, w=6.0, h=0.68, gap=0.56)
    return fig


# ----------------------------------------------------------------------------------------------------------
# 8.6 ResNet and ResNeXt
# ----------------------------------------------------------------------------------------------------------


def vertical_chain(ax, cx: float, bottom: float, items, *, w: float, h: float, gap: float) -> list[tuple]:
    """Boxes ``(text, tint)`` stacked bottom to top from ``bottom``, joined by upward arrows."""
    extents = []
    for k, (text, tint) in enumerate(items):
        cy = bottom - h / 2 - k * (h + gap)
        if k:
            arrow(ax, (cx, cy + h / 2 + gap), (cx, cy + h / 2))
        extents.append(box(ax, cx, cy, w, h, text, tint, fontsize=11))
    return extents


def fig_residual_block() -> Figure:
    fig, ax = canvas(14.4, 12.5)
    w, h, gap = 2.7, 0.65, 0.55
    base = 10.6  # y of the input x in every panel
    first = base - 1.25  # centre of the first box
    learned = [("weight layer", BLUE), ("activation", ORANGE), ("weight layer", BLUE)]

    def start(cx: float, title: str, caption: str, shift: float = 0.0) -> None:
        label(ax, cx + shift, 0.75, title, fontsize=13, fontweight="bold", linespacing=1.3)
        label(ax, cx + shift, 11.75, caption, fontsize=11, color=MUTED, linespacing=1.4)
        label(ax, cx, base, "x", fontsize=14)
        arrow(ax, (cx, base - 0.3), (cx, first + h / 2))

    def learned_part(cx: float) -> float:
        boxes = vertical_chain(ax, cx, first + h / 2, learned, w=w, h=h, gap=gap)
        top = boxes[-1][1] - 0.25
        frame(ax, cx - w / 2 - 0.25, top, w + 0.5, first + h / 2 + 0.25 - top)
        return top

    top = first - 2 * (h + gap) - h / 2 - 0.25  # top of the dashed box
    plus_y = top - 0.9  # the addition in the residual block
    act_y = plus_y - 1.5  # the last activation in both blocks

    # (a) regular block: the dashed part has to learn f(x) itself
    cx = 1.9
    start(cx, "Regular block", "learns f(x)\ndirectly")
    top = learned_part(cx)
    arrow(ax, (cx, top), (cx, act_y + h / 2))
    label(ax, cx + 0.15, (top + act_y) / 2, "f(x)", ha="left", fontsize=13, color=BLUE.edge)
    box(ax, cx, act_y, w, h, "activation", ORANGE, fontsize=11)
    arrow(ax, (cx, act_y - h / 2), (cx, act_y - h / 2 - 0.6))

    # (b) residual block: the dashed part learns g(x) = f(x) - x, the shortcut adds x back
    cx = 6.0
    start(cx, "Residual block", "learns only\ng(x) = f(x) − x")
    top = learned_part(cx)
    arrow(ax, (cx, top), (cx, plus_y + 0.3))
    label(ax, cx + 0.15, (top + plus_y + 0.3) / 2, "g(x)", ha="left", fontsize=13, color=BLUE.edge)
    plus_node(ax, cx, plus_y)
    lane = cx + w / 2 + 0.6
    path_arrow(ax, [(cx + 0.25, base), (lane, base), (lane, plus_y), (cx + 0.3, plus_y)], color=GREEN.edge)
    label(ax, lane + 0.12, (base + plus_y) / 2, "x", ha="left", fontsize=13, color=GREEN.edge)
    arrow(ax, (cx, plus_y - 0.3), (cx, act_y + h / 2))
    label(ax, cx + 0.15, (plus_y - 0.3 + act_y + h / 2) / 2, "f(x) = g(x) + x", ha="left", fontsize=12)
    box(ax, cx, act_y, w, h, "activation", ORANGE, fontsize=11)
    arrow(ax, (cx, act_y - h / 2), (cx, act_y - h / 2 - 0.6))

    # (c) d2l.Residual(use_1x1conv=True): a 1x1 convolution on the shortcut matches channels and stride
    block = d2l.Residual(8, use_1x1conv=True, strides=2)
    assert [block.conv1.kernel_size, block.conv2.kernel_size, block.conv3.kernel_size] == [(3, 3), (3, 3), (1, 1)]
    cx = 10.7
    start(cx, "ResNet block with\n1×1 conv shortcut", "the 1×1 conv matches\nchannels and stride", shift=0.6)
    chain = [("3×3 conv", BLUE), ("batch norm", GREY), ("ReLU", ORANGE), ("3×3 conv", BLUE), ("batch norm", GREY)]
    boxes = vertical_chain(ax, cx, first + h / 2, chain, w=w, h=h, gap=gap)
    c_plus = boxes[-1][1] - 0.75
    arrow(ax, (cx, boxes[-1][1]), (cx, c_plus + 0.3))
    plus_node(ax, cx, c_plus)
    lane = cx + w / 2 + 1.05
    ax.plot([cx + 0.25, lane], [base, base], color=GREEN.edge, lw=1.5, zorder=4)
    arrow(ax, (lane, base), (lane, 6.6), color=GREEN.edge)
    box(ax, lane, 6.2, 1.6, 0.8, "1×1 conv", GREEN, fontsize=11)
    path_arrow(ax, [(lane, 5.8), (lane, c_plus), (cx + 0.3, c_plus)], color=GREEN.edge)
    relu_y = c_plus - 0.3 - gap - h / 2
    arrow(ax, (cx, c_plus - 0.3), (cx, relu_y + h / 2))
    box(ax, cx, relu_y, w, h, "ReLU", ORANGE, fontsize=11)
    arrow(ax, (cx, relu_y - h / 2), (cx, relu_y - h / 2 - 0.5))
    return fig


def fig_resnext_block() -> Figure:
    b, g = 32, 4  # check the weight count written in the figure on a d2lcore block
    with torch.device("meta"):
        block = d2l.ResNeXtBlock(b, groups=g, bot_mul=1.0)
        block(torch.empty(1, b, 8, 8))
    assert block.conv2.groups == g and block.conv2.weight.numel() == 9 * b * b // g
    fig, ax = canvas(13.8, 12.8)
    cx, w = 5.0, 7.2
    label(ax, cx, 0.5, "output (c channels)", fontsize=12)
    arrow(ax, (cx, 1.6), (cx, 0.8))
    box(ax, cx, 2.0, w, 0.8, "ReLU", ORANGE)
    plus_y = 3.35
    plus_node(ax, cx, plus_y)
    arrow(ax, (cx, plus_y - 0.3), (cx, 2.4))
    box(ax, cx, 4.7, w, 1.0, "1×1 conv: b → c channels\nbatch norm", BLUE)
    arrow(ax, (cx, 4.2), (cx, plus_y + 0.3))
    box(ax, cx, 6.2, w, 1.0, "concatenate the groups: b channels\nbatch norm, ReLU", GREY)
    arrow(ax, (cx, 5.7), (cx, 5.2))
    # the grouped convolution: g independent 3x3 convolutions, each on its own b/g channels
    gy, gw, gh = 8.2, 1.55, 1.4
    for k, gx in enumerate(cx + np.array([-2.7, -0.9, 0.9, 2.7])):
        if k == 2:
            label(ax, gx, gy, "⋯", fontsize=22)
            continue
        name = f"group {k + 1}" if k < 2 else "group g"
        box(ax, gx, gy, gw, gh, f"{name}\n3×3 conv\nb/g → b/g", ORANGE, fontsize=10)
        arrow(ax, (gx, 10.1), (gx, gy + gh / 2))
        arrow(ax, (gx, gy - gh / 2), (gx, 6.7))
    frame(ax, cx - w / 2 - 0.15, gy - gh / 2 - 0.25, w + 0.3, gh + 0.5, color=ORANGE.edge)
    box(ax, cx, 10.6, w, 1.0, "1×1 conv: c → b channels\nbatch norm, ReLU", BLUE)
    label(ax, cx, 12.25, "x  (c channels)", fontsize=13)
    arrow(ax, (cx, 11.95), (cx, 11.1))
    # notes on the right
    note_x = cx + w / 2 + 0.45
    label(
        ax,
        note_x,
        gy - 0.45,
        "3×3 grouped conv:\ng groups of b/g\nchannels each",
        ha="left",
        fontsize=11,
        color=ORANGE.edge,
        linespacing=1.35,
    )
    label(
        ax,
        note_x,
        gy + 0.95,
        "9b²/g weights\ninstead of 9b²",
        ha="left",
        fontsize=11,
        color=MUTED,
        linespacing=1.35,
    )
    # the shortcut
    lane = 12.4
    ax.plot([cx + 1.45, lane], [12.25, 12.25], color=GREEN.edge, lw=1.5, zorder=4)
    arrow(ax, (lane, 12.25), (lane, 11.3), color=GREEN.edge)
    box(ax, lane, 10.6, 2.4, 1.4, "shortcut:\nidentity, or\n1×1 conv + BN", GREEN, fontsize=10.5)
    path_arrow(ax, [(lane, 9.9), (lane, plus_y), (cx + 0.3, plus_y)], color=GREEN.edge)
    return fig


def _ellipse_points(cx: float, cy: float, w: float, h: float, angle: float, n: int = 720) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    a = np.deg2rad(angle)
    px, py = w / 2 * np.cos(t), h / 2 * np.sin(t)
    return np.stack([cx + px * np.cos(a) - py * np.sin(a), cy + px * np.sin(a) + py * np.cos(a)], 1)


def _best_in_region(ellipse: tuple, target: np.ndarray) -> tuple[np.ndarray, float]:
    """The point of a filled ellipse closest to ``target`` and its distance (0 when the target is inside)."""
    cx, cy, w, h, angle = ellipse
    a = np.deg2rad(angle)
    dx, dy = target[0] - cx, target[1] - cy
    u, v = dx * np.cos(a) + dy * np.sin(a), -dx * np.sin(a) + dy * np.cos(a)
    if (u / (w / 2)) ** 2 + (v / (h / 2)) ** 2 <= 1:
        return target, 0.0
    points = _ellipse_points(*ellipse)
    d = np.linalg.norm(points - target, axis=1)
    return points[d.argmin()], float(d.min())


CLASS_COLORS = ["#08519c", "#3182bd", "#31a354", "#d95f0e", "#756bb1", "#c51b8a"]


def _nested_classes(target: np.ndarray, outer_centre: np.ndarray) -> list[tuple]:
    """Six scaled copies of one ellipse, F_1 inside F_2 inside ... F_6, each step reaching towards ``target``.

    Going from F_k to the smaller F_(k-1), the centre moves away from the target by 0.6 of the change of
    radius (in the ellipse's own coordinates), which keeps F_(k-1) strictly inside F_k.
    """
    radii = [0.4, 0.78, 1.16, 1.54, 1.92, 2.3]
    angle, aspect = 20.0, 1.3
    a = np.deg2rad(angle)
    A = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ np.diag([aspect, 1.0])
    centres = [outer_centre]
    for k in range(len(radii) - 1, 0, -1):
        u = np.linalg.solve(A, target - centres[0])
        centres.insert(0, centres[0] - 0.6 * (radii[k] - radii[k - 1]) * (A @ (u / np.linalg.norm(u))))
    return [(c[0], c[1], 2 * r * aspect, 2 * r, angle) for c, r in zip(centres, radii)]


def _band_label_positions(classes: list[tuple], target: np.ndarray, turn: float) -> list[np.ndarray]:
    """Where to write F_k for nested classes: in the band that F_k adds to F_(k-1), off the line to f*."""
    positions = []
    for k, (cx, cy, w, h, angle) in enumerate(classes):
        if k == 0:
            positions.append(np.array([cx, cy]))
            continue
        a = np.deg2rad(angle)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        local = rot.T @ (target - [cx, cy]) / [w / 2, h / 2]
        theta = np.arctan2(local[1], local[0]) + np.deg2rad(turn)
        r_prev = classes[k - 1][3] / h  # radius of F_(k-1) relative to F_k
        rho = (1 + r_prev) / 2
        positions.append(np.array([cx, cy]) + rot @ (rho * np.array([w / 2 * np.cos(theta), h / 2 * np.sin(theta)])))
    return positions


def fig_function_classes() -> Figure:
    fig, ax = canvas(14.0, 9.0)
    target_l = np.array([1.1, 2.1])
    # non-nested: each class is larger than the one before but lies elsewhere: (centre, width, height, angle)
    non_nested = [
        (2.1, 3.0, 1.3, 0.9, 0),
        (2.9, 3.6, 1.7, 1.1, 25),
        (3.2, 4.6, 2.1, 1.3, -10),
        (4.4, 4.7, 2.3, 1.6, 35),
        (4.1, 6.0, 3.1, 1.6, 5),
        (5.3, 5.4, 2.5, 2.3, -30),
    ]
    labels_l = [(1.05, 3.3), (3.75, 3.0), (1.95, 5.1), (5.55, 3.75), (2.45, 6.6), (6.65, 6.3)]
    target_r = np.array([8.2, 2.1])
    nested = _nested_classes(target_r, np.array([10.75, 4.7]))
    labels_r = _band_label_positions(nested, target_r, turn=-45)

    panels = [
        (non_nested, labels_l, target_l, 3.5, "Non-nested function classes", "larger, yet farther from $f^*$"),
        (nested, labels_r, target_r, 10.5, "Nested function classes", "larger, and never farther from $f^*$"),
    ]
    dists = []
    for classes, labels, target, mid, title, caption in panels:
        label(ax, mid, 0.55, title, fontsize=13, fontweight="bold")
        label(ax, mid, 8.05, caption, fontsize=11.5, color=MUTED)
        panel_d = []
        for k, (ellipse, pos) in enumerate(zip(classes, labels)):
            ex, ey, ew, eh, ea = ellipse
            color = CLASS_COLORS[k]
            ax.add_patch(Ellipse((ex, ey), ew, eh, angle=ea, facecolor=color, alpha=0.08, edgecolor="none"))
            ax.add_patch(Ellipse((ex, ey), ew, eh, angle=ea, fill=False, edgecolor=color, lw=1.8))
            best, d = _best_in_region(ellipse, target)
            panel_d.append(d)
            ax.plot(*best, "o", color=color, ms=6, zorder=5)
            ax.text(*pos, f"$\\mathcal{{F}}_{k + 1}$", color=color, fontsize=13, ha="center", va="center")
        dists.append(panel_d)
        ax.plot(*target, marker="*", color="#d62728", ms=18, zorder=6)
        label(ax, target[0] - 0.55, target[1], "$f^*$", fontsize=15, color="#d62728")
    assert all(a > b > 0 for a, b in zip(dists[1], dists[1][1:])), "nested classes must get closer to f*"
    assert all(a < b for a, b in zip(dists[0], dists[0][1:])), "non-nested classes should drift away from f*"
    ax.plot([7.0, 7.0], [0.3, 8.3], color="#bbbbbb", lw=1)
    label(ax, 7.0, 8.6, "● the function of each class that is closest to $f^*$", fontsize=11, color=MUTED)
    return fig


# ----------------------------------------------------------------------------------------------------------

FIGURES: dict[str, Callable[[], Figure]] = {
    "correlation.png": fig_correlation,
    "receptive_field.png": fig_receptive_field,
    "padding.png": fig_padding,
    "stride.png": fig_stride,
    "conv_multi_in.png": fig_conv_multi_in,
    "conv_1x1.png": fig_conv_1x1,
    "pooling.png": fig_pooling,
    "lenet.png": fig_lenet,
    "vgg.png": fig_vgg,
    "residual_block.png": fig_residual_block,
    "resnext_block.png": fig_resnext_block,
    "function_classes.png": fig_function_classes,
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


if __name__ == "__main__":
    args = sys.argv[1:]
    for path in main(args[0] if args else "images", args[1:] or None):
        print(path)
