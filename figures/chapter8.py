"""The diagrams of chapter 8: VGG (8.2), the residual and ResNeXt blocks and nested function classes (8.6).

Shapes are those that ``d2lcore``'s models report, and the blocks drawn are checked against ``d2lcore``'s blocks.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse
from torch import nn

import d2lcore as d2l

from .palette import BLUE, GREEN, GREY, MUTED, ORANGE, PURPLE
from .primitives import (
    Oval,
    arrow,
    box,
    canvas,
    closest_in_ellipse,
    column,
    frame,
    label,
    path_arrow,
    plus_node,
    shape_text,
    vertical_chain,
)


# 8.2 VGG: a box-and-arrow diagram with the shapes that d2lcore's VGG.layer_shapes reports
def fig_vgg() -> Figure:
    """One VGG block, and VGG-11 block by block with the shape each block and dense layer outputs."""
    with torch.device("meta"):  # shapes without arithmetic or memory
        model, X_shape = d2l.VGG(d2l.VGG11_ARCH), (1, 1, 224, 224)
    summary = model.layer_shapes(X_shape)
    shapes = [shape[1:] for _, shape in summary]  # without the batch axis
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
    items = [("Input image", GREY, shape_text(X_shape[1:]))]
    for k, (n, c) in enumerate(d2l.VGG11_ARCH):
        convs = "conv" if n == 1 else "convs"
        items.append((f"VGG block: {n} {convs}, {c} channels", BLUE, shape_text(shapes[k])))
    dense = [kind for kind, _ in summary[n_blocks:]]
    assert dense == ["Flatten", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    items.append(("Flatten", GREY, shape_text(shapes[n_blocks])))
    items.append((f"Dense {shapes[n_blocks + 1][0]} + ReLU + dropout", PURPLE, shape_text(shapes[n_blocks + 3])))
    items.append((f"Dense {shapes[n_blocks + 4][0]} + ReLU + dropout", PURPLE, shape_text(shapes[n_blocks + 6])))
    items.append((f"Dense {shapes[-1][0]}", PURPLE, shape_text(shapes[-1])))
    items.append(("10 class scores", GREY, ""))
    n_convs = [n for n, _ in d2l.VGG11_ARCH]
    assert sum(isinstance(m, nn.Conv2d) for m in model.net.modules()) == sum(n_convs) == 8
    count = f"{sum(n_convs)} conv layers\n({' + '.join(map(str, n_convs))})\n+ 3 dense layers\n= 11 weight layers"
    label(ax, cx, 10.6, count, fontsize=11.5, color=MUTED, linespacing=1.5)
    rx = 9.1
    label(ax, rx, 0.55, "VGG-11", fontsize=13, fontweight="bold")
    column(ax, rx, 1.1, items, w=6.0, h=0.68, gap=0.56)
    return fig


# 8.6 ResNet and ResNeXt
def fig_residual_block() -> Figure:
    """A regular block, a residual block and the ResNet block whose 1x1 convolution reshapes the shortcut."""
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
    """The ResNeXt block: 1x1 bottleneck, grouped 3x3 convolution (g groups), 1x1 expansion and the shortcut."""
    b, g = 32, 4  # check the weight count written in the figure on a d2lcore block
    with torch.device("meta"):
        block = d2l.ResNeXtBlock(b, bot_mul=1.0, num_groups=g)
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
    note_x, note = cx + w / 2 + 0.45, {"ha": "left", "fontsize": 11, "linespacing": 1.35}
    label(ax, note_x, gy - 0.45, "3×3 grouped conv:\ng groups of b/g\nchannels each", color=ORANGE.edge, **note)
    label(ax, note_x, gy + 0.95, "9b²/g weights\ninstead of 9b²", color=MUTED, **note)
    # the shortcut
    lane = 12.4
    ax.plot([cx + 1.45, lane], [12.25, 12.25], color=GREEN.edge, lw=1.5, zorder=4)
    arrow(ax, (lane, 12.25), (lane, 11.3), color=GREEN.edge)
    box(ax, lane, 10.6, 2.4, 1.4, "shortcut:\nidentity, or\n1×1 conv + BN", GREEN, fontsize=10.5)
    path_arrow(ax, [(lane, 9.9), (lane, plus_y), (cx + 0.3, plus_y)], color=GREEN.edge)
    return fig


CLASS_COLORS = ["#08519c", "#3182bd", "#31a354", "#d95f0e", "#756bb1", "#c51b8a"]


def _nested_classes(target: np.ndarray, outer_centre: np.ndarray) -> list[Oval]:
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


def _band_label_positions(classes: list[Oval], target: np.ndarray, turn: float) -> list[np.ndarray]:
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
    """Growing function classes, non-nested and nested, and how close each gets to the truth f*."""
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
            best, d = closest_in_ellipse(ellipse, target)
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
