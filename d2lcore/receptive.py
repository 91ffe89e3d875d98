"""Receptive fields of stacks of convolutions: the closed form, and the same region measured by autograd.

The receptive field of an output element is the set of input pixels that can change it. Notebook 7.2 measures it
for stride-1 stacks, notebook 7.3 with strides and padding and notebook 7.5 with pooling layers, each by comparing
where the gradient of one output element is non-zero with the window that :func:`receptive_field_size` predicts.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from . import checks


def _layers(kernels: Sequence[int], strides: Sequence[int] | None, where: str) -> list[tuple[int, int]]:
    """The (kernel, stride) pairs of a stack, checked: positive integers, and one stride per kernel."""
    if isinstance(kernels, str) or not isinstance(kernels, Sequence):
        raise TypeError(f"{where}: kernels must be a list of kernel sizes such as [3, 3], got {kernels!r}.")
    sizes = [checks.integer(k, "each kernel size", where) for k in kernels]
    if strides is None:
        return [(k, 1) for k in sizes]
    if isinstance(strides, str) or not isinstance(strides, Sequence) or len(strides) != len(sizes):
        raise ValueError(
            f"{where}: strides must list one stride per kernel ({len(sizes)} here), got {strides!r}. "
            "Leave it out for stride 1 everywhere."
        )
    return [(k, checks.integer(s, "each stride", where)) for k, s in zip(sizes, strides, strict=True)]


def receptive_field_size(kernels: Sequence[int], strides: Sequence[int] | None = None) -> int:
    """Side of the receptive field of one output element of a stack of square convolutions (closed form).

    ``kernels[l]`` and ``strides[l]`` (default: all 1) are layer ``l``'s kernel size and stride. One step in the
    input of layer ``l`` is ``s_1 ... s_(l-1)`` input pixels, so the side is
    ``r_L = 1 + sum_l (k_l - 1) * s_1 ... s_(l-1)``; for stride 1 everywhere, ``1 + sum_l (k_l - 1)``. Padding does
    not change the side, only where the window starts. An empty stack gives 1: each output is its own pixel.
    Where a stride exceeds its kernel size, the windows of that layer leave gaps, and some pixels inside the
    ``r_L x r_L`` window are never read.

    >>> receptive_field_size([3, 3]), receptive_field_size([3] * 10, [2] * 10)
    (5, 2047)
    """
    side, step = 1, 1
    for k, s in _layers(kernels, strides, "receptive_field_size"):
        side += (k - 1) * step
        step *= s
    return side


def ones_conv_stack(kernels: Sequence[int], strides: Sequence[int] | None = None, padding: int = 0) -> nn.Sequential:
    """A stack of one-channel ``nn.Conv2d`` layers with all-ones kernels and no bias, for measuring receptive fields.

    Maps a ``(1, 1, h, w)`` batch to ``(1, 1, h', w')``. Every weight is 1, so no two paths through the stack can
    cancel: the gradient of an output element is non-zero exactly on its receptive field, and each value is the
    number of paths from that input pixel to the element. ``padding`` is PyTorch's (pixels per side, every layer).
    """
    layers = _layers(kernels, strides, "ones_conv_stack")
    padding = checks.integer(padding, "padding", "ones_conv_stack", minimum=0)
    net = nn.Sequential(*(nn.Conv2d(1, 1, k, stride=s, padding=padding, bias=False) for k, s in layers))
    for conv in net:
        nn.init.ones_(conv.weight)
    return net


def input_gradient(
    net: nn.Module, size: int | tuple[int, int], at: tuple[int, int] | None = None
) -> tuple[torch.Tensor, tuple[int, int]]:
    """Gradient of one output element of ``net`` with respect to every pixel of a one-channel input.

    ``net`` maps a ``(1, 1, h, w)`` batch (``size`` is ``h`` or ``(h, w)``) to ``(1, c, h', w')``; the element is
    ``out[0, 0, i, j]`` with ``(i, j) = at``, by default the centre of the output map. The gradient is taken at an
    all-zero input, which is exact for a linear network such as :func:`ones_conv_stack`. Returns the ``(h, w)``
    gradient and ``(i, j)``.
    """
    checks.module(net, "net", "input_gradient")
    height, width = checks.int_pair(size, "size", "input_gradient")
    X = torch.zeros(1, 1, height, width, requires_grad=True)
    out = net(X)
    if out.dim() != 4:
        raise ValueError(
            f"input_gradient: net must map a (1, 1, h, w) image to a (1, channels, h', w') map, but its output has "
            f"shape {tuple(out.shape)}. Pass the convolutional part of the model."
        )
    rows, cols = out.shape[-2:]
    i, j = (rows // 2, cols // 2) if at is None else at
    if not (0 <= i < rows and 0 <= j < cols):
        raise IndexError(
            f"input_gradient: at={at!r} is outside the {rows}x{cols} output map; choose 0 <= i < {rows}, "
            f"0 <= j < {cols}, or a larger input."
        )
    out[0, 0, i, j].backward()
    return X.grad[0, 0], (int(i), int(j))


def window_mask(size: int | tuple[int, int], top: int, left: int, side: int) -> torch.Tensor:
    """Boolean ``(h, w)`` mask of the ``side x side`` window whose top-left pixel is ``(top, left)``.

    ``size`` is ``h`` or ``(h, w)``. The window may stick out of the image (``top`` or ``left`` negative, as for a
    padded stack); only its part on the image is marked.
    """
    height, width = checks.int_pair(size, "size", "window_mask")
    side = checks.integer(side, "side", "window_mask")
    if isinstance(top, bool) or isinstance(left, bool) or not all(hasattr(v, "__index__") for v in (top, left)):
        raise TypeError(f"window_mask: top and left must be integers (negative ones allowed), got {top!r}, {left!r}.")
    top, left = int(top), int(left)
    mask = torch.zeros(height, width, dtype=torch.bool)
    mask[max(top, 0) : max(top + side, 0), max(left, 0) : max(left + side, 0)] = True
    return mask
