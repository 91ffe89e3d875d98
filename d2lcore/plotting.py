"""Figures: image grids, feature maps, and the book's ``plot``, ``set_figsize`` and ``use_svg_display``."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch

from . import checks
from .board import _check_figsize


def _check_names(value, name: str, where: str) -> None:
    if value is not None and (isinstance(value, str) or not isinstance(value, Sequence)):
        raise TypeError(
            f"{where}: {name} must be a list of strings, one per item, got {value!r}; e.g. {name}=[{value!r}]"
        )


def _to_numpy(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x


def show_images(
    imgs,
    num_rows: int,
    num_cols: int,
    titles: Sequence[str] | None = None,
    scale: float = 1.5,
    cmap: str = "gray",
    vmin: float | None = None,
    vmax: float | None = None,
):
    """A grid of images (tensors ``H x W`` or ``H x W x C``) with optional titles. Returns the axes.

    ``vmin`` and ``vmax`` fix the values shown as black and white (the same for every image), e.g. 0 and 1 for
    binary images; by default each image is scaled to its own range.
    """
    checks.integer(num_rows, "num_rows", "show_images")
    checks.integer(num_cols, "num_cols", "show_images")
    checks.number(scale, "scale", "show_images", hint="It is the size of one image in inches, e.g. 1.5.")
    _check_names(titles, "titles", "show_images")
    for img in imgs[: num_rows * num_cols]:
        if getattr(img, "ndim", 2) not in (2, 3):
            raise ValueError(
                f"show_images: each image must be H x W or H x W x C, got shape {tuple(img.shape)}; "
                "for a batch of shape (N, 1, H, W) pass X.squeeze(1)"
            )
    fig, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    axes = axes.flatten()
    for i, ax in enumerate(axes):
        ax.axis("off")
        if i >= len(imgs):
            continue
        ax.imshow(_to_numpy(imgs[i]), cmap=cmap, vmin=vmin, vmax=vmax)
        if titles is not None and i < len(titles):
            ax.set_title(titles[i], fontsize=9)
    fig.tight_layout()
    return axes


def show_feature_maps(
    maps: torch.Tensor, num_cols: int = 8, title: str | None = None, scale: float = 1.2, cmap: str = "viridis"
):
    """Show each channel of a ``C x H x W`` tensor (kernels, activations) in a grid, one colour scale per map."""
    checks.integer(num_cols, "num_cols", "show_feature_maps")
    checks.number(scale, "scale", "show_feature_maps", hint="It is the size of one map in inches, e.g. 1.2.")
    if getattr(maps, "ndim", None) != 3:
        shape = tuple(maps.shape) if hasattr(maps, "shape") else type(maps).__name__
        hint = " Drop the batch axis first, e.g. maps[0]." if getattr(maps, "ndim", None) == 4 else ""
        raise ValueError(f"show_feature_maps: maps must be a C x H x W tensor, got {shape}.{hint}")
    maps = _to_numpy(maps)
    num_rows = -(-len(maps) // num_cols)
    fig, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale), squeeze=False)
    for i, ax in enumerate(axes.flatten()):
        ax.axis("off")
        if i < len(maps):
            ax.imshow(maps[i], cmap=cmap)
            ax.set_title(str(i), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return axes


def use_svg_display() -> None:
    """Show Jupyter's inline figures as SVG (sharp at any zoom); does nothing outside Jupyter."""
    try:
        from matplotlib_inline import backend_inline
    except ImportError:  # no Jupyter here: nothing to configure
        return
    backend_inline.set_matplotlib_formats("svg")


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Make ``figsize`` (width, height in inches) the size of new matplotlib figures; also switches to SVG."""
    _check_figsize(figsize, "set_figsize")
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend) -> None:
    """Set labels, limits, scales and legend of matplotlib ``axes``, and turn its grid on."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _one_curve(values) -> bool:
    """True for a single curve: a 1-D tensor/array, or a list of numbers."""
    if getattr(values, "ndim", None) == 1:
        return True
    return isinstance(values, list) and bool(values) and not hasattr(values[0], "__len__")


def plot(
    X,
    Y=None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: Sequence[str] = (),
    xlim=None,
    ylim=None,
    xscale: str = "linear",
    yscale: str = "linear",
    fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
    figsize: tuple[float, float] = (3.5, 2.5),
    axes=None,
) -> None:
    """Plot one or more curves, as the book's ``d2l.plot``.

    ``X`` and ``Y`` are one curve (a 1-D tensor or list) or a list of curves; with ``Y`` omitted, ``X`` holds the
    y values, plotted against their index. One x curve is shared by all y curves. ``fmts`` gives each curve's
    matplotlib format string in turn; ``axes`` draws into existing axes instead of the current ones.
    """
    if _one_curve(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _one_curve(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    set_figsize(figsize)
    if axes is None:
        axes = plt.gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        if len(x):
            axes.plot(_to_numpy(x), _to_numpy(y), fmt)
        else:
            axes.plot(_to_numpy(y), fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
