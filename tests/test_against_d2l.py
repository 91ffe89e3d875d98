"""d2lcore against the book's own package, d2l 1.0.3, as the oracle (issue #21): models, data and training.

The same inputs give the same results: tensors, shapes, parameter counts, outputs under the same seed and
weights, the same training steps. Where d2lcore deliberately differs, the test says so and checks the difference
(tests whose names start with ``test_deliberate``). Names, signatures and aliases: tests/test_against_d2l_api.py.
"""

import contextlib
import io
import os
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pytest
import torch
import torchvision
from torch import nn

import d2lcore as d2l

book = pytest.importorskip("d2l.torch")


def test_corr2d_equals_book():
    X, K = torch.randn(7, 9), torch.randn(3, 2)
    torch.testing.assert_close(d2l.corr2d(X, K), book.corr2d(X, K))
    torch.testing.assert_close(d2l.corr2d_fast(X, K), book.corr2d(X, K), rtol=1e-5, atol=1e-5)


def _same_outputs(ours: nn.Module, theirs: nn.Module, X: torch.Tensor) -> None:
    """Same parameter count and, with the same weights, the same output (in evaluation mode)."""
    ours.eval(), theirs.eval()
    with torch.no_grad():
        ours(X), theirs(X)  # materialise lazy layers
        assert d2l.num_params(ours) == sum(p.numel() for p in theirs.parameters())
        theirs.load_state_dict(ours.state_dict())
        torch.testing.assert_close(ours(X), theirs(X))


def test_lenet_is_the_books():
    _same_outputs(d2l.LeNet(), book.LeNet(), torch.randn(2, 1, 28, 28))


def test_residual_is_the_books():
    X = torch.randn(2, 3, 8, 8)
    _same_outputs(d2l.Residual(6, use_1x1conv=True, strides=2), book.Residual(6, use_1x1conv=True, strides=2), X)
    _same_outputs(d2l.Residual(3), book.Residual(3), X)


@pytest.mark.parametrize(
    ("args", "kwargs"), [((32, 16, 1), {}), ((32, 8, 0.5), {"use_1x1conv": True, "strides": 2}), ((64, 4, 0.25), {})]
)
def test_resnext_block_with_the_books_call_is_the_books_block(args, kwargs):
    ours, theirs = d2l.ResNeXtBlock(*args, **kwargs), book.ResNeXtBlock(*args, **kwargs)
    assert ours.conv2.groups == theirs.conv2.groups  # (32, 16, 1): 2 groups of 16 channels
    _same_outputs(ours, theirs, torch.randn(2, args[0], 6, 6))


def test_resnext_num_groups_spells_the_same_block_by_its_number_of_groups():
    ours, theirs = d2l.ResNeXtBlock(32, bot_mul=1, num_groups=2), book.ResNeXtBlock(32, 16, 1)
    _same_outputs(ours, theirs, torch.randn(2, 32, 6, 6))


def test_deliberate_resnext_group_width_that_does_not_divide_is_an_error():
    assert book.ResNeXtBlock(32, 12, 1).conv2.groups == 2  # the book silently builds groups of 16, not 12
    with pytest.raises(ValueError, match="cannot be split into groups of 12"):
        d2l.ResNeXtBlock(32, 12, 1)


def test_init_cnn_gives_the_books_weights_and_passes_over_lazy_layers():
    for make in (lambda: nn.Conv2d(2, 3, 3), lambda: nn.Linear(5, 4), lambda: nn.BatchNorm2d(3)):
        torch.manual_seed(1)
        a = make()
        d2l.init_cnn(a)
        torch.manual_seed(1)
        b = make()
        book.init_cnn(b)
        assert torch.equal(a.state_dict()[next(iter(a.state_dict()))], b.state_dict()[next(iter(b.state_dict()))])
    for module in (d2l, book):  # the book's VGG and ResNet apply it in their constructors, before any input
        lazy = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyLinear(2))
        lazy.apply(module.init_cnn)
        assert all(isinstance(p, nn.parameter.UninitializedParameter) for p in lazy.parameters())


def test_apply_init_gives_the_books_weights():
    X = torch.randn(2, 1, 28, 28)
    torch.manual_seed(5)
    ours = d2l.LeNet()
    ours.apply_init([X], d2l.init_cnn)
    torch.manual_seed(5)
    theirs = book.LeNet()
    theirs.apply_init([X], book.init_cnn)
    for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert torch.equal(a, b), name


def _printed(fn, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args)
    return out.getvalue(), result


@pytest.mark.parametrize("shape", [(1, 1, 28, 28), (2, 1, 32, 32)])
def test_layer_summary_prints_and_returns_as_the_books(shape):
    torch.manual_seed(0)
    ours = _printed(d2l.LeNet().layer_summary, shape)
    torch.manual_seed(0)
    theirs = _printed(book.LeNet().layer_summary, shape)
    assert ours == theirs and ours[1] is None and ours[0].count("output shape:") == 12


def test_classifier_accuracy_and_loss_match_book():
    Y_hat, Y = torch.randn(50, 10), torch.randint(0, 10, (50,))
    for averaged in (True, False):
        ours, theirs = d2l.Classifier(), book.Classifier()
        torch.testing.assert_close(ours.accuracy(Y_hat, Y, averaged), theirs.accuracy(Y_hat, Y, averaged))
        torch.testing.assert_close(ours.loss(Y_hat, Y, averaged), theirs.loss(Y_hat, Y, averaged))


def test_save_hyperparameters_like_book():
    def make(base):
        class Thing(base):
            def __init__(self, a, b=2, _c=3):
                self.save_hyperparameters(ignore=["b"])

        return Thing(1)

    ours, theirs = make(d2l.HyperParameters), make(book.HyperParameters)
    assert ours.hparams == theirs.hparams == {"a": 1} and ours.a == theirs.a


def test_deliberate_add_to_class_returns_the_function():
    made = []
    for module in (d2l, book):

        class A:
            pass

        @module.add_to_class(A)
        def twice(self, x):
            return 2 * x

        made.append(twice)
        assert A().twice(4) == 8
    assert callable(made[0]) and made[1] is None  # the book's decorator leaves the name bound to None


def test_progress_board_draw_averages_every_n_points_like_the_books():
    ours, theirs = d2l.ProgressBoard(display=False), book.ProgressBoard(display=False)
    for i in range(7):
        for board in (ours, theirs):
            board.draw(i / 4, 10.0 - i, "train_loss", every_n=2)
            board.draw(i, i * 0.1, "val_acc", every_n=1)
    for label in ("train_loss", "val_acc"):
        assert ours.series[label] == tuple(list(v) for v in zip(*theirs.data[label]))


def test_module_plot_draws_the_books_points():
    boards = []
    for module in (d2l, book):
        model = module.Module(plot_train_per_epoch=2, plot_valid_per_epoch=1)
        model.board.display = False
        model.trainer = SimpleNamespace(train_batch_idx=0, num_train_batches=4, epoch=0, num_val_batches=2)
        for i in range(8):
            model.trainer.train_batch_idx, model.trainer.epoch = i, i // 4
            model.plot("loss", torch.tensor(8.0 - i), train=True)
            model.plot("acc", torch.tensor(i / 10), train=False)
        boards.append(model.board)
    ours, theirs = boards
    for label in ("train_loss", "val_acc"):
        xs, ys = (list(map(float, v)) for v in zip(*theirs.data[label]))
        assert ours.series[label][0] == xs
        assert ours.series[label][1] == pytest.approx(ys, rel=1e-6)  # the book averages float32 values


class _Regression(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(3, 1)

    def forward(self, X):
        return self.net(X)


def test_evaluate_loss_with_the_books_arguments_gives_its_value():
    torch.manual_seed(0)
    net = _Regression()
    batches = [(torch.randn(5, 3), torch.randn(5)) for _ in range(3)]
    loss = nn.MSELoss(reduction="none")
    with torch.no_grad():  # the book's runs with autograd on, and warns when it reads the sums
        expected = float(book.evaluate_loss(net, batches, loss))
    assert d2l.evaluate_loss(net, batches, loss) == pytest.approx(expected)


class _Batches:
    """A data module (book style) serving fixed batches in a fixed order."""

    def __init__(self, train, val):
        self.train, self.val = train, val

    def train_dataloader(self):
        return self.train

    def val_dataloader(self):
        return self.val


def _make_data():
    g = torch.Generator().manual_seed(0)
    batches = [(torch.rand(8, 1, 12, 12, generator=g), torch.randint(0, 10, (8,), generator=g)) for _ in range(6)]
    return _Batches(batches[:4], batches[4:])


def _small_cnn(module):
    class Small(module.Classifier):
        def __init__(self, lr=0.1):
            super().__init__()
            self.save_hyperparameters()
            self.net = nn.Sequential(nn.LazyConv2d(4, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(10))

    return Small()


@pytest.mark.parametrize("clip", [0, 0.5])
def test_trainer_fit_takes_the_books_steps_and_returns_none(clip, capsys):
    """Same weights and data order: after fitting, d2lcore's model has exactly the book's weights."""
    data, X = _make_data(), torch.zeros(1, 1, 12, 12)
    models = []
    for module in (d2l, book):
        torch.manual_seed(7)
        model = _small_cnn(module)
        model.apply_init([X], module.init_cnn)
        if module is book:
            model.board.display = False  # the book's board would print figure reprs outside Jupyter
            kwargs = {}
        else:
            kwargs = {"board": False}
        trainer = module.Trainer(max_epochs=2, num_gpus=0, gradient_clip_val=clip, **kwargs)
        assert trainer.fit(model, data) is None
        models.append(model)
    ours, theirs = models
    # the book clips to clip / norm, torch's clip_grad_norm_ to clip / (norm + 1e-6): equal to about 1e-6
    for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6 if clip else 0, msg=name)
    assert ours.trainer.train_batch_idx == theirs.trainer.train_batch_idx == 8


def test_get_tensorloader_serves_the_books_batches():
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    ours, theirs = d2l.DataModule(), book.DataModule()
    ours.batch_size = theirs.batch_size = 4
    a = list(ours.get_tensorloader((X, y), train=False, indices=slice(0, 7)))
    b = list(theirs.get_tensorloader((X, y), train=False, indices=slice(0, 7)))
    assert len(a) == len(b) == 2 and all(torch.equal(p, q) for u, v in zip(a, b) for p, q in zip(u, v))


def test_fashion_mnist_serves_the_books_images_and_labels(monkeypatch):
    monkeypatch.delenv("D2LCORE_QUICK", raising=False)  # the whole test set, in the book's order
    data = d2l.FashionMNIST(batch_size=256)
    assert data.batch_size == 256 and data.resize == (28, 28)
    X, y = next(iter(data.val_dataloader()))
    root = os.environ["D2LCORE_DATA"]
    theirs = torchvision.datasets.FashionMNIST(root, train=False, transform=torchvision.transforms.ToTensor())
    expected = torch.stack([theirs[i][0] for i in range(256)])
    assert X.shape == expected.shape == (256, 1, 28, 28) and torch.equal(X, expected)
    assert y.tolist() == [theirs[i][1] for i in range(256)]
    assert data.text_labels(y[:10]) == book.FashionMNIST.text_labels(None, y[:10])
    titles = []
    for visualize in (data.visualize, lambda batch: book.FashionMNIST.visualize(data, batch)):
        plt.close("all")
        assert visualize((X, y)) is None
        titles.append([ax.get_title() for ax in plt.gcf().axes])
    assert titles[0] == titles[1] and len(titles[0]) == 8
    plt.close("all")
