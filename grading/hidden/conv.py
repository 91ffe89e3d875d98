"""Hidden tests of sections 7.1-7.5: more inputs, other shapes and dtypes, edge cases, every available device."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from d2lcore.selfcheck.conv import _min_pool, _reflect

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def _conv(X, K):
    return F.conv2d(X[None, None], K[None, None])[0, 0]


def _same(actual, expected, atol=1e-6):
    assert isinstance(actual, torch.Tensor), f"expected a tensor, got {type(actual).__name__}"
    assert tuple(actual.shape) == tuple(expected.shape), f"shape {tuple(actual.shape)} != {tuple(expected.shape)}"
    torch.testing.assert_close(actual.detach().to(expected.device, expected.dtype), expected, atol=atol, rtol=1e-5)


def layers_needed(n):
    assert type(n) is int and n == 10, f"layers_needed = {n!r}, expected the integer 10"


def coverage(cov):
    edge = torch.tensor([1, 2, 3, 3, 3, 3, 2, 1])
    _same(cov, torch.outer(edge, edge).to(torch.as_tensor(cov).dtype), 0)


def edge_kernel(make):
    y, x = torch.meshgrid(torch.arange(15.0), torch.arange(15.0), indexing="ij")
    for a, b in [(2.0, 3.0), (-1.0, 0.5), (0.0, 0.0)]:
        for angle in (0.0, 30.0, 90.0, 135.0, 200.0, 333.0):
            rad = torch.tensor(angle).deg2rad()
            v = torch.stack([rad.cos(), rad.sin()])
            out = _conv(a * x + b * y, make(v).float())
            _same(out, torch.full_like(out, float(a * v[0] + b * v[1])), 1e-4)
    assert make(torch.tensor([1.0, 0.0], dtype=torch.float64)).dtype in (torch.float32, torch.float64)


def second_derivative(kernel):
    assert kernel.dim() == 2 and kernel.shape == (1, 3), "the smallest second-derivative kernel has 3 taps"
    x = torch.arange(12.0, dtype=torch.float64)[None].repeat(4, 1)
    k = kernel.double()
    _same(_conv(x**2, k), torch.full((4, 10), 2.0, dtype=torch.float64))
    _same(_conv(x**3, k), 6 * x[:, 1:-1])  # centred on the middle tap, exact on cubics
    _same(_conv(3 * x + 1, k), torch.zeros(4, 10, dtype=torch.float64))


def matmul_forms(im2col, matrix):
    torch.manual_seed(1)
    for (n_h, n_w), (kh, kw) in [((6, 7), (3, 2)), ((5, 5), (1, 1)), ((3, 8), (3, 8)), ((9, 4), (2, 4))]:
        for dtype in (torch.float32, torch.float64):
            X, K = torch.randn(n_h, n_w, dtype=dtype), torch.randn(kh, kw, dtype=dtype)
            _same(im2col(X, K), _conv(X, K), 1e-5)
            W = matrix(K, n_h, n_w)
            out_h, out_w = n_h - kh + 1, n_w - kw + 1
            assert tuple(W.shape) == (out_h * out_w, n_h * n_w), f"W has shape {tuple(W.shape)}"
            _same((W.to(dtype) @ X.reshape(-1)).reshape(out_h, out_w), _conv(X, K), 1e-5)


def mirror_pad(fn):
    torch.manual_seed(2)
    for device in DEVICES:
        for shape, p in [((3, 4), 2), ((6, 5), 1), ((2, 1, 7, 9), 3), ((4, 3, 5), 2), ((5, 5), 0)]:
            X = torch.randn(shape, dtype=torch.float64, device=device)
            before = X.clone()
            _same(fn(X, p), _reflect(X, p))
            assert torch.equal(X, before), "mirror_pad changed its input"


def conv_macs(fn):
    from d2lcore.selfcheck.conv import _macs

    for args in [
        (7, 3, 0, 2, 1, 1),
        (32, 5, 2, 1, 3, 16),
        (33, 3, 1, 3, 8, 4),
        (5, 5, 0, 1, 2, 2),
        (28, 1, 0, 2, 6, 9),
    ]:
        assert fn(*args) == _macs(*args), f"conv_macs{args} = {fn(*args)}, expected {_macs(*args)}"


def zero_insert(fn):
    torch.manual_seed(3)
    for device in DEVICES:
        for shape, s in [((2, 3, 5), 2), ((1, 2, 3, 4), 2), ((2, 1, 4, 3), 3), ((1, 1, 1), 2)]:
            X = torch.randn(shape, device=device, dtype=torch.float64)
            out = fn(X, s)
            axes = 1 if X.dim() == 3 else 2
            size = [*shape[:-axes], *((n - 1) * s + 1 for n in shape[-axes:])]
            expected = X.new_zeros(size)
            expected[
                (..., slice(None, None, s)) if axes == 1 else (..., slice(None, None, s), slice(None, None, s))
            ] = X
            _same(out, expected, 0)


def full_conv2d(fn):
    torch.manual_seed(4)
    for a, b in [((3, 3), (4, 4)), ((2, 3), (3, 1)), ((1, 1), (2, 2)), ((5, 2), (1, 4))]:
        A, B = torch.randn(a, dtype=torch.float64), torch.randn(b, dtype=torch.float64)
        X = torch.randn(2, 1, 11, 12, dtype=torch.float64)
        K = fn(A, B)
        assert tuple(K.shape) == (a[0] + b[0] - 1, a[1] + b[1] - 1), f"kernel shape {tuple(K.shape)}"
        _same(F.conv2d(X, K[None, None]), F.conv2d(F.conv2d(X, A[None, None]), B[None, None]), 1e-10)


def conv2d_matmul(fn):
    torch.manual_seed(5)
    for device in DEVICES:
        for (c_i, h, w), (c_o, kh, kw), pad, stride in [
            ((3, 7, 8), (4, 3, 2), (0, 0), (1, 1)),
            ((1, 9, 9), (2, 3, 3), (1, 1), (2, 2)),
            ((2, 6, 10), (3, 1, 4), (0, 2), (1, 3)),
            ((4, 5, 5), (1, 5, 5), (2, 2), (1, 1)),
        ]:
            X = torch.randn(c_i, h, w, dtype=torch.float64, device=device)
            W = torch.randn(c_o, c_i, kh, kw, dtype=torch.float64, device=device)
            _same(fn(X, W, pad, stride), F.conv2d(X[None], W, padding=pad, stride=stride)[0], 1e-10)


def channel_shuffle(cls):
    torch.manual_seed(6)
    for n, c, g, h, w in [(2, 12, 3, 3, 5), (1, 8, 4, 1, 1), (3, 6, 1, 2, 2), (1, 16, 2, 4, 4)]:
        X = torch.randn(n, c, h, w, requires_grad=True)
        out = cls(g)(X)
        _same(out, X.reshape(n, g, c // g, h, w).transpose(1, 2).reshape(n, c, h, w), 0)
        out.sum().backward()
        assert torch.equal(X.grad, torch.ones_like(X)), "the gradient should pass through the shuffle"


def _forbid(module, name):
    def refuse(*args, **kwargs):
        raise AssertionError(f"{name} is not allowed here")

    original = getattr(module, name)
    setattr(module, name, refuse)
    return lambda: setattr(module, name, original)


def avg_pool_as_conv(fn):
    torch.manual_seed(7)
    X = torch.randn(2, 3, 9, 10)
    cases = [((2, 2), None, 0), ((3, 3), 1, 1), ((3, 3), 2, 1), ((2, 3), (1, 2), (1, 1)), ((3, 2), (2, 1), (1, 0))]
    expected = [nn.AvgPool2d(p, stride=s, padding=q)(X) for p, s, q in cases]
    restore = _forbid(F, "avg_pool2d")
    try:
        outs = [fn(X, p, s, q) for p, s, q in cases]
    finally:
        restore()
    for out, exp in zip(outs, expected):
        _same(out, exp, 1e-5)


def max_pool_from_relu(cls):
    torch.manual_seed(8)
    X = torch.randn(2, 3, 11, 12)
    for pool, stride in [((2, 2), (1, 1)), ((3, 3), (1, 1)), ((3, 3), (2, 2)), ((2, 3), (1, 2)), ((4, 5), (2, 3))]:
        net = cls(3, pool, stride)
        kinds = {type(m) for m in net.modules() if not list(m.children())}
        assert kinds <= {nn.Conv2d, nn.ReLU}, f"layers other than Conv2d and ReLU: {kinds}"
        restore = _forbid(F, "max_pool2d")
        try:
            out = net(X)
        finally:
            restore()
        _same(out, nn.MaxPool2d(pool, stride=stride)(X), 1e-5)


def min_pool(fn):
    torch.manual_seed(9)
    for device in DEVICES:
        X = torch.randn(2, 3, 9, 10, dtype=torch.float64, device=device)
        for pool, stride, pad in [((2, 2), None, 0), ((3, 3), (1, 1), 1), ((3, 2), (2, 1), 1)]:
            _same(fn(X, pool, stride, pad), _min_pool(X, pool, stride, pad), 0)


def softmax_pool2d(fn):
    torch.manual_seed(10)
    X = torch.randn(2, 3, 8, 8, dtype=torch.float64)
    for pool, stride, T in [((2, 2), None, 1.0), ((3, 3), (1, 1), 0.3), ((2, 4), (2, 2), 5.0)]:
        s = pool if stride is None else stride
        windows = X.unfold(2, pool[0], s[0]).unfold(3, pool[1], s[1]).flatten(-2)
        _same(fn(X, pool, stride, T=T), (torch.softmax(windows / T, -1) * windows).sum(-1), 1e-8)
    _same(fn(X, (2, 2), T=1e6), F.avg_pool2d(X, 2), 1e-5)
    _same(fn(X, (2, 2), T=1e-4), F.max_pool2d(X, 2), 1e-3)
    big = fn(torch.tensor([[[[500.0, 100.0], [200.0, 300.0]]]]), (2, 2), T=0.1)
    assert torch.isfinite(big).all() and abs(big.item() - 500) < 1e-3, "overflow on large inputs"
