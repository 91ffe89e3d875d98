"""Live output during training: the board of curves (the book's ``ProgressBoard``) and the progress line."""

from __future__ import annotations

import time
from collections.abc import Sequence

import matplotlib.pyplot as plt

from . import checks


def _check_figsize(figsize, where: str) -> None:
    if isinstance(figsize, str) or not isinstance(figsize, Sequence) or len(figsize) != 2:
        raise TypeError(f"{where}: figsize must be a (width, height) pair in inches, e.g. (3.5, 2.5), got {figsize!r}")
    for side in figsize:
        checks.number(side, "figsize", where, hint="Both width and height are in inches, e.g. (3.5, 2.5).")


def _check_limits(value, name: str) -> None:
    if value is not None and (not isinstance(value, Sequence) or len(value) != 2 or not value[0] < value[1]):
        raise ValueError(f"ProgressBoard: {name} must be None or a (low, high) pair with low < high, got {value!r}")


class ProgressBoard:
    """Curves redrawn in place as points arrive: the book's board, with its arguments and :meth:`draw`.

    In Jupyter the figure lives in one display slot that is replaced in place (no pile of figures in the saved
    notebook); outside Jupyter nothing is drawn until :meth:`show`. The Trainer feeds it whole-epoch averages
    with :meth:`record`; the book's ``draw(x, y, label, every_n)`` averages ``every_n`` points itself.
    """

    def __init__(
        self,
        xlabel: str | None = None,
        ylabel: str | None = None,
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        xscale: str = "linear",
        yscale: str = "linear",
        ls: Sequence[str] = ("-", "--", "-.", ":"),
        colors: Sequence[str] = ("C0", "C1", "C2", "C3"),
        fig=None,
        axes=None,
        figsize=(4.5, 3),
        display: bool = True,
    ) -> None:
        _check_figsize(figsize, "ProgressBoard")
        _check_limits(xlim, "xlim")
        _check_limits(ylim, "ylim")
        self.xlabel, self.ylabel, self.xlim, self.ylim = xlabel, ylabel, xlim, ylim
        self.xscale, self.yscale, self.ls, self.colors = xscale, yscale, list(ls), list(colors)
        self.fig, self.axes, self.figsize, self.display = fig, axes, figsize, display
        self.series: dict[str, tuple[list[float], list[float]]] = {}
        self._pending: dict[str, list[tuple[float, float]]] = {}
        self._handle = None

    def record(self, label: str, x: float, y: float) -> None:
        """Add the point (x, y) to the curve ``label`` without redrawing."""
        xs, ys = self.series.setdefault(label, ([], []))
        xs.append(float(x))
        ys.append(float(y))

    def draw(self, x: float, y: float, label: str, every_n: int = 1) -> None:
        """Collect (x, y) for ``label``; every ``every_n`` points, add their mean to the curve and redraw."""
        checks.integer(every_n, "every_n", "ProgressBoard.draw", hint="It is how many points are averaged into one.")
        points = self._pending.setdefault(label, [])
        points.append((float(x), float(y)))
        if len(points) < every_n:
            return
        self.record(label, sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        points.clear()
        if self.display:
            self.update()

    def render(self):
        """Draw all curves into a (new or reused) figure and return it."""
        if self.axes is not None:
            ax = self.axes
            self.fig = ax.figure
        else:
            if self.fig is None:
                self.fig = plt.figure(figsize=self.figsize)
                plt.close(self.fig)  # we display it ourselves; keeps inline backends from showing it twice
            ax = self.fig.axes[0] if self.fig.axes else self.fig.add_subplot()
        ax.cla()
        for i, (label, (xs, ys)) in enumerate(self.series.items()):
            style = {"linestyle": self.ls[i % len(self.ls)], "color": self.colors[i % len(self.colors)]}
            ax.plot(xs, ys, marker="o", markersize=3, label=label, **style)
        ax.set_xlabel("epoch" if self.xlabel is None else self.xlabel)
        if self.ylabel:
            ax.set_ylabel(self.ylabel)
        ax.set_xscale(self.xscale)
        ax.set_yscale(self.yscale)
        if self.xlim:
            ax.set_xlim(*self.xlim)
        if self.ylim:
            ax.set_ylim(*self.ylim)
        ax.grid(True, alpha=0.3)
        if self.series:
            ax.legend(loc="center right")
        return self.fig

    def update(self) -> None:
        """Redraw in place when running under Jupyter; otherwise do nothing (call :meth:`show` at the end)."""
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
