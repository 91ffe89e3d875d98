"""Convolution and pooling written out by hand: the book's loops and their vectorised twins.

The loop forms (``corr2d``, ``pool2d``) follow the book line by line so that students can read them;
the ``*_fast`` forms compute the same values with ``Tensor.unfold`` and run orders of magnitude faster.
Every function checks its input and says what to change when the input does not fit.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from . import checks

PoolMode = Literal["max", "avg"]
IntPair = int | tuple[int, int]


def _pair(v: IntPair, name: str = "size", where: str = "d2lcore", minimum: int = 1) -> tuple[int, int]:
    return checks.int_pair(v, name, where, minimum=minimum)


def _check_rank(name: str, t: torch.Tensor, rank: int, layout: str) -> None:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if t.dim() != rank:
        hint = ""
        if t.dim() == rank + 1 and t.shape[0] == 1:
            hint = f" Drop the leading batch axis first, e.g. {name}.squeeze(0)."
        elif t.dim() == rank - 1:
            hint = f" Add the missing axis, e.g. {name}.unsqueeze(0)."
        raise ValueError(f"{name} must be a {rank}-D tensor of shape {layout}, got shape {tuple(t.shape)}.{hint}")


def _check_window_fits(X: torch.Tensor, window: tuple[int, int], what: str) -> None:
    h, w = X.shape[-2:]
    kh, kw = window
    if kh < 1 or kw < 1:
        raise ValueError(f"{what} size must be positive, got {window}")
    if kh > h or kw > w:
        raise ValueError(
            f"{what} of size {kh}x{kw} is larger than the {h}x{w} input, so no output position exists. "
            f"Use a smaller {what.lower()} or pad the input (e.g. nn.Conv2d(..., padding=...))."
        )


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-D cross-correlation of an ``(h, w)`` input with a ``(kh, kw)`` kernel, as a double loop.

    Taught in notebooks/7.2_conv_layer.ipynb.
    """
    _check_rank("X", X, 2, "(height, width)")
    _check_rank("K", K, 2, "(kernel_height, kernel_width)")
    _check_window_fits(X, tuple(K.shape), "Kernel")
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=torch.result_type(X, K))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


def corr2d_fast(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Same result as :func:`corr2d`, vectorised: all windows at once via ``unfold`` then one contraction.

    Taught in notebooks/7.2_conv_layer.ipynb.
    """
    _check_rank("X", X, 2, "(height, width)")
    _check_rank("K", K, 2, "(kernel_height, kernel_width)")
    _check_window_fits(X, tuple(K.shape), "Kernel")
    windows = X.unfold(0, K.shape[0], 1).unfold(1, K.shape[1], 1)  # (oh, ow, kh, kw), a view
    return torch.einsum("ijkl,kl->ij", windows, K.to(windows.dtype))


def corr2d_multi_in(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Cross-correlate each input channel with its kernel slice and add the results over channels.

    Taught in notebooks/7.4_channels.ipynb.
    """
    _check_rank("X", X, 3, "(channels, height, width)")
    _check_rank("K", K, 3, "(channels, kernel_height, kernel_width)")
    if X.shape[0] != K.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} channels but K has {K.shape[0]}: a multi-input kernel needs one slice per channel"
        )
    return sum(corr2d(x, k) for x, k in zip(X, K))


def corr2d_multi_in_out(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """One output channel per leading slice of ``K``: shape ``(c_o, c_i, kh, kw)`` -> ``(c_o, oh, ow)``.

    Taught in notebooks/7.4_channels.ipynb.
    """
    _check_rank("K", K, 4, "(out_channels, in_channels, kernel_height, kernel_width)")
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """A 1x1 convolution as one matrix product: ``(c_o, c_i) @ (c_i, h*w)``.

    Taught in notebooks/7.4_channels.ipynb.
    """
    _check_rank("X", X, 3, "(channels, height, width)")
    _check_rank("K", K, 4, "(out_channels, in_channels, 1, 1)")
    if K.shape[2:] != (1, 1):
        raise ValueError(f"K must be a 1x1 kernel, got spatial size {tuple(K.shape[2:])}")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    Y = torch.matmul(K.reshape(c_o, c_i), X.reshape(c_i, h * w))
    return Y.reshape(c_o, h, w)


def _check_mode(mode: str) -> None:
    if mode not in ("max", "avg"):
        raise ValueError(f"unknown pooling mode {mode!r}: use 'max' or 'avg'")


def pool2d(X: torch.Tensor, pool_size: IntPair, mode: PoolMode = "max") -> torch.Tensor:
    """Max or average pooling of an ``(h, w)`` input with stride 1 and no padding, as a double loop.

    Taught in notebooks/7.5_pooling.ipynb.
    """
    _check_mode(mode)
    _check_rank("X", X, 2, "(height, width)")
    p_h, p_w = _pair(pool_size, "pool_size", "pool2d")
    _check_window_fits(X, (p_h, p_w), "Pooling window")
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1), dtype=torch.result_type(X, 1.0))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            window = X[i : i + p_h, j : j + p_w]
            Y[i, j] = window.max() if mode == "max" else window.float().mean()
    return Y


def pool2d_fast(
    X: torch.Tensor,
    pool_size: IntPair,
    mode: PoolMode = "max",
    stride: IntPair | None = None,
    padding: IntPair = 0,
) -> torch.Tensor:
    """Vectorised pooling of an ``(h, w)`` input with optional stride and padding.

    ``stride=None`` means stride 1, as in :func:`pool2d` (``nn.MaxPool2d`` would default to the window).
    Padding uses ``-inf`` for max and ``0`` for average (counted in the mean, like ``nn.AvgPool2d``).

    Taught in notebooks/7.5_pooling.ipynb.
    """
    _check_mode(mode)
    _check_rank("X", X, 2, "(height, width)")
    p_h, p_w = _pair(pool_size, "pool_size", "pool2d_fast")
    s_h, s_w = _pair(stride if stride is not None else 1, "stride", "pool2d_fast")
    pad_h, pad_w = _pair(padding, "padding", "pool2d_fast", minimum=0)
    if 2 * pad_h > p_h or 2 * pad_w > p_w:
        raise ValueError(
            f"pool2d_fast: padding {(pad_h, pad_w)} is more than half the window {(p_h, p_w)}, so some windows would "
            "see padding only (PyTorch's pooling layers refuse this too): use less padding or a larger window"
        )
    X = X.float()
    if pad_h or pad_w:
        fill = float("-inf") if mode == "max" else 0.0
        X = nn.functional.pad(X, (pad_w, pad_w, pad_h, pad_h), value=fill)
    _check_window_fits(X, (p_h, p_w), "Pooling window")
    windows = X.unfold(0, p_h, s_h).unfold(1, p_w, s_w)  # (oh, ow, p_h, p_w)
    return windows.amax(dim=(-2, -1)) if mode == "max" else windows.mean(dim=(-2, -1))


def comp_conv2d(conv2d: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """Apply a one-channel conv layer to an ``(h, w)`` matrix and return the ``(h', w')`` result.

    Taught in notebooks/7.3_padding_and_strides.ipynb.
    """
    if not callable(conv2d):
        raise TypeError(f"comp_conv2d: conv2d must be a layer such as nn.LazyConv2d(1, kernel_size=3), got {conv2d!r}")
    _check_rank("X", X, 2, "(height, width)")
    Y = conv2d(X.reshape((1, 1) + X.shape))
    return Y.reshape(Y.shape[2:])


def conv_output_shape(
    input_size: IntPair, kernel_size: IntPair, padding: IntPair = 0, stride: IntPair = 1
) -> tuple[int, int]:
    """Output height and width of a convolution or pooling layer.

    ``padding`` is per side, as in ``nn.Conv2d``; the book's total padding is ``p_h = 2 * padding``, and
    the formula is ``floor((n_h - k_h + p_h + s_h) / s_h)``.

    Taught in notebooks/7.3_padding_and_strides.ipynb.
    """
    where = "conv_output_shape"
    sizes = []
    for n, k, p, s in zip(
        _pair(input_size, "input_size", where),
        _pair(kernel_size, "kernel_size", where),
        _pair(padding, "padding", where, minimum=0),
        _pair(stride, "stride", where),
    ):
        if k > n + 2 * p:
            raise ValueError(f"kernel {k} does not fit an input of {n} with padding {p} on each side")
        sizes.append((n - k + 2 * p + s) // s)
    return sizes[0], sizes[1]
