"""The diagrams of chapter 7: cross-correlation (7.2), padding and stride (7.3), channels (7.4), pooling (7.5), LeNet
(7.6). Every number they show is computed with PyTorch and ``d2lcore`` and checked with ``assert``."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

import d2lcore as d2l

from .palette import BLUE, GREEN, GREY, MUTED, ORANGE, PURPLE
from .primitives import (
    STAR,
    Window,
    arrow,
    canvas,
    column,
    fmt_num,
    frame,
    grid,
    label,
    path_arrow,
    products,
    shape_text,
    symbol,
)

# 7.2 Convolutions for images
X33 = torch.arange(9.0).reshape(3, 3)
K22 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])


def fig_correlation() -> Figure:
    """A 3x3 input cross-correlated with a 2x2 kernel; the first output element worked out."""
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
    corner, inner = Window(1, 1, 1, 1, ORANGE), Window(1, 1, 3, 3, ORANGE)
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
    note = "The orange pixel of layer 2 sees 3×3 pixels of layer 1 and 5×5 input pixels.\n"
    note += "One layer-1 pixel (dashed) sees a 3×3 input window; these windows overlap."
    label(ax, 6.6, 6.5, note, fontsize=11, linespacing=1.5)
    return fig


# 7.3 Padding and stride
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
    """The same input padded with one ring of zeros: a 4x4 output; the first element worked out."""
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
    note = "a 3 × 3 input with one row and column of zeros (grey) on every side: a 4 × 4 output"
    label(ax, 7.1, 7.75, note, fontsize=11, color=MUTED)
    return fig


def fig_stride() -> Figure:
    """The padded input with strides 3 (rows) and 2 (columns): the four windows and their outputs."""
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


# 7.4 Channels
def fig_conv_multi_in() -> Figure:
    """Two input channels, one kernel each, their results summed into one output channel."""
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
    """A 1x1 convolution from 3 to 2 channels as y = W x at one pixel."""
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
    note = "y = W x at each of the 9 pixels: a dense layer applied across the channels"
    label(ax, 6.5, 14.5, note, fontsize=11.5, color=MUTED)
    return fig


# 7.5 Pooling
def fig_pooling() -> Figure:
    """2x2 maximum and average pooling of the 3x3 input, stride 1."""
    Ymax = d2l.pool2d(X33, 2, "max")
    Yavg = d2l.pool2d(X33, 2, "avg")
    assert torch.equal(Ymax, torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
    assert torch.equal(Yavg, torch.tensor([[2.0, 3.0], [5.0, 6.0]]))
    assert torch.equal(nn.MaxPool2d(2, stride=1)(X33[None, None])[0, 0], Ymax)
    assert torch.equal(nn.AvgPool2d(2, stride=1)(X33[None, None])[0, 0], Yavg)
    window = ", ".join(fmt_num(v) for v in X33[:2, :2].flatten())
    cell = 0.85
    fig, ax = canvas(14.2, 6.2)
    mean = f"({window.replace(', ', ' + ')}) / 4 = {fmt_num(Yavg[0, 0])}"
    panels = [
        ("2 × 2 max pooling, stride 1", Ymax, f"max({window}) = {fmt_num(Ymax[0, 0])}", BLUE),
        ("2 × 2 average pooling, stride 1", Yavg, mean, ORANGE),
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


# 7.6 LeNet: a box-and-arrow diagram with the shapes that d2lcore's LeNet.layer_shapes reports
def fig_lenet() -> Figure:
    """LeNet's layers in two columns, convolutional and dense, with the shape each layer outputs."""
    X_shape = (1, 1, 28, 28)
    summary = d2l.LeNet().layer_shapes(X_shape)
    kinds = [kind for kind, _ in summary]
    assert " ".join(kinds) == "Conv2d Sigmoid AvgPool2d " * 2 + "Flatten Linear Sigmoid Linear Sigmoid Linear"
    shapes = [shape[1:] for _, shape in summary]  # without the batch axis
    s = [shape_text(x) for x in shapes]
    conv_part = [
        ("Input image", GREY, shape_text(X_shape[1:])),
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
