"""Public checks of sections 7.1-7.5: a few small inputs each. The hidden tests (grading/hidden/) try many more."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._expect import close, expect, shape_hint


def _conv(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Valid 2-D cross-correlation of two 2-D tensors."""
    return F.conv2d(X[None, None], K[None, None])[0, 0]


def layers_needed(n: object) -> None:
    expect(isinstance(n, int), f"`layers_needed` should be an int, got {type(n).__name__}.")
    expect(
        n == 10,
        "Each width-3 layer lets an output see one more word on each side. How wide is the window after L "
        "layers, and when does it reach from word 1 to word 20?",
    )


def coverage(cov: object) -> None:
    expect(
        isinstance(cov, torch.Tensor) and tuple(cov.shape) == (8, 8),
        "`coverage` should be an 8x8 tensor: one count per *input* pixel." + shape_hint(cov, torch.zeros(8, 8)),
    )
    expect(
        cov[0, 0] == 1 and cov[3, 3] == 9,
        "Count, for each input pixel, the 3x3 windows (without padding) that contain it: a corner pixel and a "
        "central one differ.",
    )
    expect(cov[0, 1] == 2 and cov[0, 3] == 3, "Near the border fewer windows fit: check the pixels next to the corner.")


def edge_kernel(make: object) -> None:
    y, x = torch.meshgrid(torch.arange(9.0), torch.arange(9.0), indexing="ij")
    for v, slope in [((1.0, 0.0), 2.0), ((0.0, 1.0), 3.0)]:
        K = make(torch.tensor(v))
        expect(isinstance(K, torch.Tensor) and K.dim() == 2, "`edge_kernel(v)` should return a 2-D kernel tensor.")
        out = _conv(2 * x + 3 * y, K.float())
        expect(
            close(out, torch.full_like(out, slope), 1e-4),
            "On the ramp 2x + 3y the response should be the rate of change along v, the same at every pixel. "
            "Column index = x, row index = y; is your kernel the transpose of what you want?",
        )


def second_derivative(kernel: object) -> None:
    expect(
        isinstance(kernel, torch.Tensor) and kernel.dim() == 2 and kernel.shape[0] == 1,
        "`second` should be a 1 x k kernel (one row) that acts along the x axis.",
    )
    x = torch.arange(10.0, dtype=torch.float64)[None]
    out = _conv(x**2, kernel.double())
    expect(
        close(out, torch.full_like(out, 2.0)),
        "On f(x) = x^2 the second derivative is 2 everywhere. Expand f(x+1) and f(x-1) by Taylor and combine them.",
    )


def matmul_forms(im2col: object, matrix: object) -> None:
    corr2d_im2col(im2col)
    conv_matrix(matrix)


def corr2d_im2col(fn: object) -> None:
    torch.manual_seed(0)
    X, K = torch.randn(4, 5), torch.randn(2, 3)
    out = fn(X, K)
    expect(
        close(out, _conv(X, K)),
        "Cut each kh x kw window into a row (the same order as K's entries), multiply by K flattened, reshape "
        "to the output grid." + shape_hint(out, _conv(X, K)),
    )


def conv_matrix(fn: object) -> None:
    torch.manual_seed(0)
    X, K = torch.randn(4, 5), torch.randn(2, 3)
    W = fn(K, 4, 5)
    expected = _conv(X, K)
    expect(
        isinstance(W, torch.Tensor) and tuple(W.shape) == (9, 20),
        "`conv_matrix(K, n_h, n_w)` should have one row per output pixel and one column per input pixel (row-major)."
        + shape_hint(W, torch.zeros(9, 20)),
    )
    expect(
        close((W @ X.reshape(-1)).reshape(expected.shape), expected),
        "Row i*out_w + j holds K's weights at the columns of the pixels in window (i, j); check which row of K "
        "goes with which image row.",
    )


def _reflect(X: torch.Tensor, p: int) -> torch.Tensor:
    lead = X.shape[:-2]
    flat = X.reshape(-1, 1, *X.shape[-2:])
    return F.pad(flat, (p,) * 4, mode="reflect").reshape(*lead, X.shape[-2] + 2 * p, X.shape[-1] + 2 * p)


def mirror_pad(fn: object) -> None:
    X = torch.arange(12.0).reshape(3, 4)
    out = fn(X, 2)
    expect(
        close(out, _reflect(X, 2)),
        "Mirror about the edge pixel (..., c, b | a, b, c, ...): the border row is not repeated."
        + shape_hint(out, _reflect(X, 2)),
    )


def _macs(n: int, k: int, p: int, s: int, c_in: int, c_out: int) -> int:
    from d2lcore.measure import cost

    return cost(nn.Conv2d(c_in, c_out, k, padding=p, stride=s), (1, c_in, n, n)).macs


def conv_macs(fn: object) -> None:
    for args in [(224, 3, 1, 1, 64, 64), (224, 3, 1, 2, 64, 64), (32, 5, 0, 1, 3, 8)]:
        expect(
            fn(*args) == _macs(*args),
            f"conv_macs{args} is off. The cost is (outputs per channel) x k^2 x c_in x c_out; how does the "
            "stride change the output side?",
        )


def zero_insert(fn: object) -> None:
    out = fn(torch.tensor([[[1.0, 3.0, 2.0]]]))
    expected = torch.tensor([[[1.0, 0.0, 3.0, 0.0, 2.0]]])
    expect(
        close(out, expected),
        "Put s - 1 zeros *between* neighbours, none after the last entry." + shape_hint(out, expected),
    )


def full_conv2d(fn: object) -> None:
    torch.manual_seed(0)
    A, B, X = (
        torch.randn(3, 3, dtype=torch.float64),
        torch.randn(2, 4, dtype=torch.float64),
        torch.randn(1, 1, 9, 9, dtype=torch.float64),
    )
    K = fn(A, B)
    expect(
        isinstance(K, torch.Tensor) and tuple(K.shape) == (4, 6),
        "Two kernels of sizes k1 and k2 make one of size k1 + k2 - 1 (per axis)." + shape_hint(K, torch.zeros(4, 6)),
    )
    expect(
        close(F.conv2d(X, K[None, None]), F.conv2d(F.conv2d(X, A[None, None]), B[None, None])),
        "The combined kernel is a true convolution of the two (one of them flipped), not a cross-correlation.",
    )


def conv2d_matmul(fn: object) -> None:
    torch.manual_seed(0)
    X, W = torch.randn(3, 7, 8), torch.randn(4, 3, 3, 2)
    for pad, stride in [((0, 0), (1, 1)), ((1, 0), (2, 3))]:
        out, expected = fn(X, W, pad, stride), F.conv2d(X[None], W, padding=pad, stride=stride)[0]
        expect(
            close(out, expected, 1e-4),
            f"With padding={pad}, stride={stride}: one column per output position holding its c_i k_h k_w "
            "inputs, in the order of W.reshape(c_o, -1)." + shape_hint(out, expected),
        )


def channel_shuffle(cls: object) -> None:
    out = cls(2)(torch.arange(6.0).reshape(1, 6, 1, 1))
    expected = torch.tensor([0.0, 3, 1, 4, 2, 5]).reshape(1, 6, 1, 1)
    expect(
        close(out, expected),
        "View the channels as a (groups, channels per group) grid, transpose it, and flatten again: channel 1 "
        "of the output should come from the second group." + shape_hint(out, expected),
    )


def avg_pool_as_conv(fn: object) -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 3, 7, 8)
    for pool, stride, pad in [((2, 2), None, 0), ((3, 2), (2, 1), 1)]:
        out, expected = fn(X, pool, stride, pad), nn.AvgPool2d(pool, stride=stride, padding=pad)(X)
        expect(
            close(out, expected),
            f"Window {pool}, stride {stride}, padding {pad}: each channel gets its own constant kernel 1/(p_h "
            "p_w) (groups=channels); the stride defaults to the window." + shape_hint(out, expected),
        )


def max_pool_from_relu(cls: object) -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 3, 8, 8)
    net = cls(3, (2, 2), (2, 2))
    kinds = {type(m) for m in net.modules() if not list(m.children())}
    expect(
        kinds <= {nn.Conv2d, nn.ReLU},
        f"Use only nn.Conv2d and nn.ReLU layers, found {sorted(k.__name__ for k in kinds - {nn.Conv2d, nn.ReLU})}.",
    )
    out, expected = net(X), F.max_pool2d(X, 2)
    expect(
        close(out, expected),
        "max(a, b) = ReLU(a - b) + b, and b itself passes a ReLU layer as ReLU(b) - ReLU(-b). Negative inputs "
        "are the test." + shape_hint(out, expected),
    )


def _min_pool(X: torch.Tensor, pool: tuple[int, int], stride: object, pad: int) -> torch.Tensor:
    return -F.max_pool2d(-X, pool, stride=stride, padding=pad)


def min_pool(fn: object) -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 3, 8, 8)
    out, expected = fn(X, (2, 2)), _min_pool(X, (2, 2), None, 0)
    expect(
        close(out, expected),
        "The minimum of a window is a maximum in disguise: what happens to the largest value when you flip all signs?"
        + shape_hint(out, expected),
    )


def softmax_pool2d(fn: object) -> None:
    torch.manual_seed(0)
    X = torch.randn(1, 2, 4, 4, dtype=torch.float64)
    windows = X.unfold(2, 2, 2).unfold(3, 2, 2).reshape(1, 2, 2, 2, 4)
    expected = (torch.softmax(windows, -1) * windows).sum(-1)
    out = fn(X, (2, 2))
    expect(
        close(out, expected),
        "Weight each value of a window by softmax(values / T) over the window, then sum." + shape_hint(out, expected),
    )
    cold = fn(X, (2, 2), T=1e-3)
    expect(
        close(cold, F.max_pool2d(X, 2), 1e-2),
        "At a low temperature T softmax pooling should approach max pooling: divide by T inside the softmax.",
    )
    big = fn(torch.tensor([[[[50.0, 10.0], [20.0, 30.0]]]]), (2, 2), T=0.5)
    expect(
        close(big, torch.tensor([[[[50.0]]]]), 1e-3),
        "Large inputs overflow exp(): subtract the window's maximum before exponentiating (torch.softmax does this).",
    )
