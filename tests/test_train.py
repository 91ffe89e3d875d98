"""The Trainer learns: on the real Fashion-MNIST quick subset the loss falls and accuracy beats chance by far."""

import torch
from torch import nn

import d2lcore as d2l


class SmallCNN(d2l.Classifier):
    def __init__(self, lr=0.05):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.LazyConv2d(8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.LazyConv2d(16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.LazyLinear(10),
        )  # fmt: skip


def test_trainer_learns_on_quick_data(monkeypatch, capsys):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    data = d2l.FashionMNIST(batch_size=64)
    model = SmallCNN()
    trainer = d2l.Trainer(max_epochs=3, board=False)
    assert trainer.fit(model, data) is None  # as in the book: the history is kept on the trainer
    history = trainer.history
    # Seeds 0-4 on the real quick subset: loss ratio 0.46-0.48, val acc 0.771-0.812; bounds leave a margin.
    assert history["train_loss"][-1] < 0.6 * history["train_loss"][0]
    assert history["val_acc"][-1] > 0.72  # chance is 0.1
    assert trainer.images_per_second > 0 and "images/s" in capsys.readouterr().out
    acc = d2l.evaluate_accuracy(model, data.val_dataloader())
    assert abs(acc - history["val_acc"][-1]) < 1e-6
    assert abs(d2l.evaluate_loss(model, data.val_dataloader()) - history["val_loss"][-1]) < 1e-5


def test_gradient_clipping_bounds_the_step(monkeypatch):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    data = d2l.FashionMNIST(batch_size=64)
    model = SmallCNN(lr=1.0)
    model(next(iter(data.train_dataloader()))[0])
    before = [p.detach().clone() for p in model.parameters()]
    trainer = d2l.Trainer(max_epochs=1, gradient_clip_val=1e-3, board=False)
    trainer.fit(model, data)
    moved = torch.sqrt(sum(((p - b) ** 2).sum() for p, b in zip(model.parameters(), before)))
    steps = len(data.train_dataloader())
    assert moved <= steps * 1.0 * 1e-3 + 1e-6  # each step moves at most lr * clip


def test_save_and_load_roundtrip(tmp_path):
    model = d2l.LeNet()
    X = torch.randn(3, 1, 28, 28)
    model.apply_init([X], d2l.init_cnn)
    path = d2l.save_model(model, tmp_path / "ck" / "lenet.pt")
    clone = d2l.load_model(d2l.LeNet(), path, example_input=X)
    torch.testing.assert_close(clone(X), model(X))


def test_board_records_every_epoch(monkeypatch):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    data = d2l.FashionMNIST(batch_size=256)
    trainer = d2l.Trainer(max_epochs=2)
    trainer.fit(SmallCNN(), data)
    xs, ys = trainer.board.series["val_acc"]
    assert xs == [1.0, 2.0] and len(ys) == 2
    assert {line.get_label() for line in trainer.board.render().axes[0].lines} == {"train_loss", "val_loss", "val_acc"}


def test_the_trainer_trains_the_epochs_it_is_given_in_either_mode(monkeypatch):
    for quick in ("1", "0"):
        monkeypatch.setenv("D2LCORE_QUICK", quick)
        assert d2l.Trainer(max_epochs=10, board=False).epochs == 10
        assert d2l.Trainer(max_epochs=d2l.pick(full=10, quick=3), board=False).epochs == (3 if quick == "1" else 10)


def test_evaluate_loss_in_training_mode_leaves_the_model_as_it_was():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(16, 32), nn.BatchNorm1d(32), nn.Dropout(0.5), nn.Linear(32, 3))
    X, y = torch.randn(64, 4, 4), torch.randint(0, 3, (64,))
    batches = [(X[:32], y[:32]), (X[32:], y[32:])]
    state = {k: v.clone() for k, v in net.state_dict().items()}
    net.eval()
    expected = nn.functional.cross_entropy(net(X), y).item()
    assert abs(d2l.evaluate_loss(net, batches) - expected) < 1e-6
    assert d2l.evaluate_loss(net, batches, train_mode=True) != expected  # dropout and batch statistics at work
    assert not net.training and all(torch.equal(v, net.state_dict()[k]) for k, v in state.items())
