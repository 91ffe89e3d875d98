"""What the notebooks display: image grids, feature maps, the live training board and the progress line."""

from __future__ import annotations

import time
from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch

from . import checks


def _check_figsize(figsize, where: str) -> None:
    if isinstance(figsize, str) or not isinstance(figsize, Sequence) or len(figsize) != 2:
        raise TypeError(f"{where}: figsize must be a (width, height) pair in inches, e.g. (3.5, 2.5), got {figsize!r}")
    for side in figsize:
        checks.number(side, "figsize", where, hint="Both width and height are in inches, e.g. (3.5, 2.5).")


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


class ProgressBoard:
    """Training curves redrawn once per epoch in a single, updatable output.

    In Jupyter the figure lives in one display slot that is replaced in place (no pile of figures in the
    saved notebook); outside Jupyter nothing is drawn until :meth:`show`.
    """

    def __init__(self, xlabel: str = "epoch", xlim: tuple[float, float] | None = None, figsize=(4.5, 3)) -> None:
        _check_figsize(figsize, "ProgressBoard")
        if xlim is not None and (not isinstance(xlim, Sequence) or len(xlim) != 2 or not xlim[0] < xlim[1]):
            raise ValueError(f"ProgressBoard: xlim must be None or a (low, high) pair with low < high, got {xlim!r}")
        self.xlabel, self.xlim, self.figsize = xlabel, xlim, figsize
        self.series: dict[str, tuple[list[float], list[float]]] = {}
        self._handle = None
        self.fig = None

    def record(self, label: str, x: float, y: float) -> None:
        xs, ys = self.series.setdefault(label, ([], []))
        xs.append(float(x))
        ys.append(float(y))

    def render(self):
        """Draw all series into a (new or reused) figure and return it."""
        if self.fig is None:
            self.fig, self.ax = plt.subplots(figsize=self.figsize)
            plt.close(self.fig)  # we display it ourselves; keeps inline backends from showing it twice
        ax = self.ax
        ax.cla()
        styles = {"train_loss": "-", "val_loss": "--", "val_acc": "-."}
        for label, (xs, ys) in self.series.items():
            ax.plot(xs, ys, styles.get(label, "-"), marker="o", markersize=3, label=label)
        ax.set_xlabel(self.xlabel)
        if self.xlim:
            ax.set_xlim(*self.xlim)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="center right")
        return self.fig

    def update(self) -> None:
        """Redraw in place when running under IPython; otherwise do nothing (call :meth:`show` at the end)."""
        display = _ipython_display()
        if display is None:
            return
        fig = self.render()
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)

    def show(self) -> None:
        """Final drawing: update the live slot in Jupyter; elsewhere just render (``board.fig`` holds the figure)."""
        if _ipython_display() is not None:
            self.update()
        else:
            self.render()


def _ipython_display():
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    shell = get_ipython()
    return display if shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell" else None


class ProgressLine:
    """One line of progress text: updated in place in Jupyter, printed once per epoch elsewhere."""

    def __init__(self) -> None:
        self._display = _ipython_display()
        self._handle = None
        self._last = 0.0

    def update(self, text: str, force: bool = False) -> None:
        """Show ``text``; in Jupyter at most twice a second unless ``force``, elsewhere only when ``force``."""
        now = time.perf_counter()
        if self._display is None:
            if force:
                print(text, flush=True)
            return
        if not force and now - self._last < 0.5:
            return
        self._last = now
        payload = {"text/plain": text}
        if self._handle is None:
            self._handle = self._display(payload, raw=True, display_id=True)
        else:
            self._handle.update(payload, raw=True)


def progress_bar(fraction: float, width: int = 24) -> str:
    """A text bar ``[####....]`` filled to ``fraction`` (between 0 and 1)."""
    filled = int(round(fraction * width))
    return "[" + "#" * filled + "." * (width - filled) + "]"
