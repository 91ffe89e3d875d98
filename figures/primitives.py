"""The figures' style and drawing helpers. Every figure draws in "units" on one axes whose y axis points down."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from .palette import GREY, INK, MUTED, Tint

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

Point = tuple[float, float]
Extent = tuple[float, float, float, float]  # (left, top, right, bottom)
Matrix = torch.Tensor | np.ndarray | Sequence[Sequence[float]]
Oval = tuple[float, float, float, float, float]  # an ellipse: centre x, centre y, width, height, angle in degrees


def canvas(width: float, height: float) -> tuple[Figure, Axes]:
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
    ax: Axes,
    values: Matrix,
    x: float,
    y: float,
    *,
    title: str | None = None,
    windows: Sequence[Window] = (),
    shaded: Matrix | None = None,
    cell: float = 1.0,
    fontsize: float = 14,
    show_values: bool = True,
) -> Extent:
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


def symbol(ax: Axes, x: float, y: float, text: str, fontsize: float = 24) -> None:
    """An operator (``=``, ``+``, the cross-correlation star) between grids."""
    if text == STAR:
        fontsize *= 1.6
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=INK)


def box(ax: Axes, cx: float, cy: float, w: float, h: float, text: str, tint: Tint, *, fontsize: float = 11.5) -> Extent:
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


def arrow(ax: Axes, start: Point, end: Point, *, color: str = INK, lw: float = 1.5) -> None:
    """A straight arrow from ``start`` to ``end``."""
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=14, color=color, lw=lw, shrinkA=0, shrinkB=0, zorder=4
        )
    )


def frame(ax: Axes, left: float, top: float, w: float, h: float, *, color: str = MUTED, lw: float = 1.2) -> None:
    """A dashed rectangle around a group of boxes or cells."""
    ax.add_patch(Rectangle((left, top), w, h, fill=False, edgecolor=color, lw=lw, ls="--", zorder=5))


def path_arrow(ax: Axes, points: Sequence[Point], *, color: str = INK, lw: float = 1.5) -> None:
    """A polyline through ``points`` with an arrow head on its last segment."""
    xs, ys = zip(*points)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, solid_capstyle="butt", solid_joinstyle="miter", zorder=4)
    arrow(ax, points[-2], points[-1], color=color, lw=lw)


def plus_node(ax: Axes, cx: float, cy: float, r: float = 0.3) -> None:
    """The circled plus where a shortcut is added."""
    ax.add_patch(Circle((cx, cy), r, facecolor="white", edgecolor=INK, lw=1.5, zorder=5))
    ax.plot([cx - r * 0.6, cx + r * 0.6], [cy, cy], color=INK, lw=1.5, zorder=6)
    ax.plot([cx, cx], [cy - r * 0.6, cy + r * 0.6], color=INK, lw=1.5, zorder=6)


def label(
    ax: Axes, x: float, y: float, text: str, *, ha: str = "center", fontsize: float = 12, color: str = INK, **kw
) -> None:
    """Plain text, vertically centred; ``kw`` goes to ``ax.text`` (e.g. ``linespacing``, ``rotation``)."""
    ax.text(x, y, text, ha=ha, va="center", fontsize=fontsize, color=color, **kw)


def products(window: torch.Tensor, kernel: torch.Tensor) -> str:
    """``a×p + b×q + ...`` for a window and a kernel of the same shape, row by row."""
    return " + ".join(f"{fmt_num(a)}×{fmt_num(b)}" for a, b in zip(window.flatten(), kernel.flatten()))


def shape_text(shape: Sequence[int]) -> str:
    """A shape as the figures write it: ``1 × 28 × 28``."""
    return " × ".join(str(s) for s in shape)


def column(
    ax: Axes, cx: float, top: float, items: Sequence[tuple[str, Tint, str]], *, w: float, h: float, gap: float
) -> list[Extent]:
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


def vertical_chain(
    ax: Axes, cx: float, bottom: float, items: Sequence[tuple[str, Tint]], *, w: float, h: float, gap: float
) -> list[Extent]:
    """Boxes ``(text, tint)`` stacked bottom to top from ``bottom``, joined by upward arrows."""
    extents = []
    for k, (text, tint) in enumerate(items):
        cy = bottom - h / 2 - k * (h + gap)
        if k:
            arrow(ax, (cx, cy + h / 2 + gap), (cx, cy + h / 2))
        extents.append(box(ax, cx, cy, w, h, text, tint, fontsize=11))
    return extents


def ellipse_points(cx: float, cy: float, w: float, h: float, angle: float, n: int = 720) -> np.ndarray:
    """``n`` points on the outline of an ellipse of centre ``(cx, cy)``, axes ``w`` and ``h``, turned by ``angle``°."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    a = np.deg2rad(angle)
    px, py = w / 2 * np.cos(t), h / 2 * np.sin(t)
    return np.stack([cx + px * np.cos(a) - py * np.sin(a), cy + px * np.sin(a) + py * np.cos(a)], 1)


def closest_in_ellipse(ellipse: Oval, target: np.ndarray) -> tuple[np.ndarray, float]:
    """The point of a filled ellipse closest to ``target`` and its distance (0 when the target is inside)."""
    cx, cy, w, h, angle = ellipse
    a = np.deg2rad(angle)
    dx, dy = target[0] - cx, target[1] - cy
    u, v = dx * np.cos(a) + dy * np.sin(a), -dx * np.sin(a) + dy * np.cos(a)
    if (u / (w / 2)) ** 2 + (v / (h / 2)) ** 2 <= 1:
        return target, 0.0
    points = ellipse_points(*ellipse)
    d = np.linalg.norm(points - target, axis=1)
    return points[d.argmin()], float(d.min())
