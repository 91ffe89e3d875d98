"""The hand-written convolution and pooling ops: exact book values, agreement with PyTorch, clear errors."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import d2lcore as d2l

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])


@pytest.mark.parametrize("corr", [d2l.corr2d, d2l.corr2d_fast])
def test_corr2d_book_example(corr):
    assert torch.equal(corr(X3, K2), torch.tensor([[19.0, 25.0], [37.0, 43.0]]))


@pytest.mark.parametrize("corr", [d2l.corr2d, d2l.corr2d_fast])
@pytest.mark.parametrize(("h", "w", "kh", "kw"), [(6, 8, 1, 2), (7, 5, 3, 3), (5, 5, 5, 5), (9, 4, 2, 4)])
def test_corr2d_matches_conv2d(corr, h, w, kh, kw):
    X, K = torch.randn(h, w), torch.randn(kh, kw)
    expected = F.conv2d(X[None, None], K[None, None])[0, 0]
    torch.testing.assert_close(corr(X, K), expected, rtol=1e-5, atol=1e-5)


def test_edge_detection_book_example():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = d2l.corr2d(X, torch.tensor([[1.0, -1.0]]))
    expected = torch.zeros(6, 7)
    expected[:, 1], expected[:, 5] = 1, -1
    assert torch.equal(Y, expected)
    assert torch.equal(d2l.corr2d(X.t(), torch.tensor([[1.0, -1.0]])), torch.zeros(8, 5))


def test_corr2d_multi_in_book_example():
    X = torch.stack([X3, X3 + 1])
    K = torch.stack([K2, K2 + 1])
    assert torch.equal(d2l.corr2d_multi_in(X, K), torch.tensor([[56.0, 72.0], [104.0, 120.0]]))


def test_corr2d_multi_in_out_matches_conv2d():
    X, K = torch.randn(3, 7, 6), torch.randn(4, 3, 2, 3)
    torch.testing.assert_close(d2l.corr2d_multi_in_out(X, K), F.conv2d(X[None], K)[0], rtol=1e-5, atol=1e-5)


def test_corr2d_multi_in_out_book_stack():
    X = torch.stack([X3, X3 + 1])
    K = torch.stack([K2, K2 + 1])
    K = torch.stack((K, K + 1, K + 2), 0)
    Y = d2l.corr2d_multi_in_out(X, K)
    assert Y.shape == (3, 2, 2)
    assert torch.equal(Y[0], torch.tensor([[56.0, 72.0], [104.0, 120.0]]))
    assert torch.equal(Y[1], torch.tensor([[76.0, 100.0], [148.0, 172.0]]))


def test_1x1_equals_general_form():
    X, K = torch.normal(0, 1, (3, 3, 3)), torch.normal(0, 1, (2, 3, 1, 1))
    torch.testing.assert_close(d2l.corr2d_multi_in_out_1x1(X, K), d2l.corr2d_multi_in_out(X, K))


@pytest.mark.parametrize("pool", [d2l.pool2d, d2l.pool2d_fast])
def test_pool2d_book_examples(pool):
    assert torch.equal(pool(X3, (2, 2)), torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
    assert torch.equal(pool(X3, (2, 2), "avg"), torch.tensor([[2.0, 3.0], [5.0, 6.0]]))


@pytest.mark.parametrize(("size", "stride", "padding"), [(2, 2, 0), (3, 2, 1), ((2, 3), (2, 3), (0, 1)), (3, 1, 1)])
def test_pool2d_fast_matches_torch(size, stride, padding):
    X = torch.randn(9, 11)
    got_max = d2l.pool2d_fast(X, size, "max", stride, padding)
    got_avg = d2l.pool2d_fast(X, size, "avg", stride, padding)
    torch.testing.assert_close(got_max, nn.MaxPool2d(size, stride, padding)(X[None, None])[0, 0])
    torch.testing.assert_close(got_avg, nn.AvgPool2d(size, stride, padding)(X[None, None])[0, 0])


def test_pool2d_loop_matches_torch_stride_one():
    X = torch.randn(6, 7)
    torch.testing.assert_close(d2l.pool2d(X, (3, 2)), nn.MaxPool2d((3, 2), stride=1)(X[None, None])[0, 0])
    torch.testing.assert_close(d2l.pool2d(X, (3, 2), "avg"), nn.AvgPool2d((3, 2), stride=1)(X[None, None])[0, 0])


@pytest.mark.parametrize(
    ("kernel", "padding", "stride", "expected"),
    [(3, 1, 1, (8, 8)), ((5, 3), (2, 1), 1, (8, 8)), (3, 1, 2, (4, 4)), ((3, 5), (0, 1), (3, 4), (2, 2))],
)
def test_comp_conv2d_book_examples(kernel, padding, stride, expected):
    conv = nn.LazyConv2d(1, kernel_size=kernel, padding=padding, stride=stride)
    assert d2l.comp_conv2d(conv, torch.rand(8, 8)).shape == expected
    assert d2l.conv_output_shape(8, kernel, padding, stride) == expected


@pytest.mark.parametrize("n", [5, 8, 13])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("p", [0, 1, 2])
@pytest.mark.parametrize("s", [1, 2, 3])
def test_conv_output_shape_matches_conv2d(n, k, p, s):
    if k > n + 2 * p:
        pytest.skip("kernel does not fit")
    out = nn.Conv2d(1, 1, k, padding=p, stride=s)(torch.zeros(1, 1, n, n + 1))
    assert d2l.conv_output_shape((n, n + 1), k, p, s) == tuple(out.shape[-2:])


def test_errors_say_what_to_do():
    with pytest.raises(ValueError, match="larger than the 3x3 input"):
        d2l.corr2d(X3, torch.ones(4, 2))
    with pytest.raises(ValueError, match=r"squeeze\(0\)"):
        d2l.corr2d(X3[None], K2)
    with pytest.raises(ValueError, match="2-D tensor"):
        d2l.corr2d_fast(torch.ones(3), K2)
    with pytest.raises(ValueError, match="unknown pooling mode 'min'"):
        d2l.pool2d(X3, 2, "min")
    with pytest.raises(ValueError, match="channels"):
        d2l.corr2d_multi_in(torch.ones(2, 3, 3), torch.ones(3, 2, 2))
    with pytest.raises(ValueError, match="1x1"):
        d2l.corr2d_multi_in_out_1x1(torch.ones(2, 3, 3), torch.ones(1, 2, 2, 2))
    with pytest.raises(ValueError, match="Pooling window"):
        d2l.pool2d_fast(X3, 4)
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        d2l.corr2d([[1.0]], K2)
    with pytest.raises(ValueError, match="stride"):
        d2l.conv_output_shape(8, 3, 0, 0)
