"""Module, Classifier, hyperparameters, initialisation and layer summaries."""

from types import SimpleNamespace

import pytest
import torch
from torch import nn

import d2lcore as d2l


def test_save_hyperparameters_sets_attributes():
    class Thing(d2l.HyperParameters):
        def __init__(self, a, b=2, _private=3):
            self.save_hyperparameters(ignore=["b"])

    t = Thing(1)
    assert t.hparams == {"a": 1}
    assert t.a == 1 and not hasattr(t, "b")


def test_forward_without_net_explains():
    with pytest.raises(AttributeError, match=r"no self\.net"):
        d2l.Module()(torch.ones(1))


def test_apply_init_materialises_and_initialises():
    model = d2l.LeNet()
    model.apply_init([torch.zeros(1, 1, 28, 28)], d2l.init_cnn)
    w = model.net[0].weight
    bound = (6 / (1 * 25 + 6 * 25)) ** 0.5  # Xavier-uniform bound for a 5x5 conv, 1 -> 6 channels
    assert w.shape == (6, 1, 5, 5) and w.abs().max() <= bound
    assert d2l.num_params(model) == 61706


def test_layer_shapes_returns_lenet_shapes_and_layer_summary_prints_them(capsys):
    model = d2l.LeNet()
    shapes = [s for _, s in model.layer_shapes((1, 1, 28, 28))]
    assert shapes[0] == (1, 6, 28, 28) and shapes[2] == (1, 6, 14, 14)
    assert shapes[3] == (1, 16, 10, 10) and shapes[5] == (1, 16, 5, 5)
    assert shapes[6] == (1, 400) and shapes[-1] == (1, 10)
    assert capsys.readouterr().out == ""
    assert model.layer_summary((1, 1, 28, 28)) is None
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 12 and lines[0] == "Conv2d output shape:\t torch.Size([1, 6, 28, 28])"


def test_classifier_accuracy_and_loss():
    clf = d2l.Classifier()
    Y_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    Y = torch.tensor([1, 1, 1])
    assert clf.accuracy(Y_hat, Y).item() == pytest.approx(2 / 3)
    assert torch.equal(clf.accuracy(Y_hat, Y, averaged=False), torch.tensor([1.0, 0.0, 1.0]))
    expected = nn.functional.cross_entropy(Y_hat, Y)
    torch.testing.assert_close(clf.loss(Y_hat, Y), expected)


def test_init_cnn_passes_over_lazy_layers_like_the_book():
    model = d2l.LeNet()
    model.net.apply(d2l.init_cnn)  # the book's VGG and ResNet do this in their constructors, before any input
    assert isinstance(model.net[0].weight, nn.parameter.UninitializedParameter)
    model.apply_init([torch.zeros(1, 1, 28, 28)], d2l.init_cnn)  # ... and initialise for real here
    assert model.net[0].weight.shape == (6, 1, 5, 5)


def test_module_plot_draws_on_its_board_while_a_trainer_fits():
    model = d2l.Module(plot_train_per_epoch=2)
    model.trainer = SimpleNamespace(train_batch_idx=0, num_train_batches=4, epoch=0, num_val_batches=2)
    for i, loss in enumerate([4.0, 2.0, 1.0, 1.0]):
        model.trainer.train_batch_idx = i
        model.plot("loss", torch.tensor(loss), train=True)
    assert model.board.series["train_loss"] == ([0.125, 0.625], [3.0, 1.0])  # means of 2 points each
    model.plot("acc", 0.5, train=False)
    model.plot("acc", 0.7, train=False)
    assert model.board.series["val_acc"] == ([1.0], [0.6])
