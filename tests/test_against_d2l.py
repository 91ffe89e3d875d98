"""Where the book's own package has the same function, d2lcore must agree with it."""

import pytest
import torch
from torch import nn

import d2lcore as d2l

book = pytest.importorskip("d2l.torch")


def test_corr2d_equals_book():
    X, K = torch.randn(7, 9), torch.randn(3, 2)
    torch.testing.assert_close(d2l.corr2d(X, K), book.corr2d(X, K))
    torch.testing.assert_close(d2l.corr2d_fast(X, K), book.corr2d(X, K), rtol=1e-5, atol=1e-5)


def test_text_labels_equal_book():
    assert list(d2l.TEXT_LABELS) == book.FashionMNIST.text_labels(None, range(10))


def _same_outputs(ours: nn.Module, theirs: nn.Module, X: torch.Tensor) -> None:
    ours.eval(), theirs.eval()
    with torch.no_grad():
        ours(X), theirs(X)  # materialise lazy layers
        theirs.load_state_dict(ours.state_dict())
        torch.testing.assert_close(ours(X), theirs(X))


def test_lenet_is_the_books():
    _same_outputs(d2l.LeNet(), book.LeNet(), torch.randn(2, 1, 28, 28))


def test_residual_is_the_books():
    X = torch.randn(2, 3, 8, 8)
    _same_outputs(d2l.Residual(6, use_1x1conv=True, strides=2), book.Residual(6, use_1x1conv=True, strides=2), X)
    _same_outputs(d2l.Residual(3), book.Residual(3), X)


def test_resnext_block_counts_groups_like_the_books_text():
    # d2l's code passes groups=bot_channels // groups to nn.Conv2d; ours takes the number of groups itself.
    ours, theirs = d2l.ResNeXtBlock(32, 2, 1), book.ResNeXtBlock(32, 16, 1)
    _same_outputs(ours, theirs, torch.randn(2, 32, 6, 6))
    assert ours.conv2.groups == 2


def test_init_cnn_and_accuracy_match_book():
    torch.manual_seed(1)
    a = nn.Conv2d(2, 3, 3)
    d2l.init_cnn(a)
    torch.manual_seed(1)
    b = nn.Conv2d(2, 3, 3)
    book.init_cnn(b)
    torch.testing.assert_close(a.weight, b.weight)
    Y_hat, Y = torch.randn(50, 10), torch.randint(0, 10, (50,))
    torch.testing.assert_close(d2l.Classifier().accuracy(Y_hat, Y), book.Classifier.accuracy(None, Y_hat, Y))
    torch.testing.assert_close(d2l.Classifier().loss(Y_hat, Y), book.Classifier.loss(None, Y_hat, Y))


def test_add_to_class_like_book():
    class A:
        pass

    @d2l.add_to_class(A)
    def twice(self, x):
        return 2 * x

    assert A().twice(4) == 8
