"""The Fashion-MNIST data module: offline stand-in, batching, resizing, labels."""

import pytest
import torch

import d2lcore as d2l
from d2lcore import config
from d2lcore.synthetic import make_fashion_standin


def test_standin_is_reproducible_and_balanced():
    X1, y1 = make_fashion_standin(2000, seed=3)
    X2, y2 = make_fashion_standin(2000, seed=3)
    assert X1.dtype == torch.uint8 and X1.shape == (2000, 28, 28)
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    counts = torch.bincount(y1, minlength=10)
    assert counts.min() > 150 and counts.max() < 250


def test_standin_classes_differ_but_overlap():
    X, y = make_fashion_standin(5000, seed=0)
    means = torch.stack([X[y == c].float().mean(0) for c in range(10)])
    dist = torch.cdist(means.flatten(1), means.flatten(1))
    assert dist[~torch.eye(10, dtype=bool)].min() > 50  # every class has its own mean picture
    # ... but a nearest-class-mean classifier is far from perfect: the task is not trivial.
    pred = torch.cdist(X.float().flatten(1), means.flatten(1)).argmin(1)
    assert 0.3 < (pred == y).float().mean() < 0.9


def test_offline_uses_standin_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("D2LCORE_OFFLINE", "1")
    monkeypatch.delenv("D2LCORE_QUICK", raising=False)
    data = d2l.FashionMNIST(batch_size=256, root=tmp_path)
    out = capsys.readouterr().out
    assert data.is_standin and "stand-in" in out and "NOT Fashion-MNIST" in out
    assert len(data.train) == 60000 and len(data.val) == 10000
    X, y = next(iter(data.train_dataloader()))
    assert X.shape == (256, 1, 28, 28) and X.dtype == torch.float32 and X.min() >= 0 and X.max() <= 1
    assert y.dtype == torch.int64 and len(data.train_dataloader()) == 235


def test_quick_mode_shrinks_and_resizes(tmp_path, monkeypatch):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    data = d2l.FashionMNIST(batch_size=100, resize=(32, 32), root=tmp_path)
    assert len(data.train) == config.QUICK_BUDGET.train_size and len(data.val) == config.QUICK_BUDGET.val_size
    X, _ = next(iter(data.val_dataloader()))
    assert X.shape == (100, 1, 32, 32)
    assert config.train_resize(gpu=224, cpu=64) == config.QUICK_BUDGET.max_resize


def test_resize_once_and_per_batch_agree(monkeypatch):
    X, y = make_fashion_standin(64, seed=0)
    once = d2l.ImageSet(X, y, (40, 40))
    monkeypatch.setattr("d2lcore.data._RESIZE_ONCE_LIMIT", 0)
    per_batch = d2l.ImageSet(X, y, (40, 40))
    assert not once.resize_per_batch and per_batch.resize_per_batch
    a, _ = once.batch(torch.arange(8))
    b, _ = per_batch.batch(torch.arange(8))
    assert (a - b).abs().max() <= 1 / 255 + 1e-6  # the one-off copy is rounded to uint8


def test_shuffling_changes_order_but_not_content():
    X, y = make_fashion_standin(300, seed=0)
    loader = d2l.TensorLoader(d2l.ImageSet(X, y, (28, 28)), batch_size=64, shuffle=True)
    first = torch.cat([b for _, b in loader])
    second = torch.cat([b for _, b in loader])
    assert not torch.equal(first, second)
    assert torch.equal(first.sort().values, y.sort().values)


def test_text_labels_and_grid(tmp_path, monkeypatch):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    data = d2l.FashionMNIST(root=tmp_path)
    assert data.text_labels([0, 9, 5]) == ["t-shirt", "ankle boot", "sandal"]
    axes = data.visualize(next(iter(data.val_dataloader())), nrows=2, ncols=4)
    assert len(axes) == 8 and axes[0].get_title() in d2l.TEXT_LABELS


def test_download_is_not_attempted_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("D2LCORE_OFFLINE", "1")

    def forbidden(*args, **kwargs):
        raise AssertionError("no network access allowed offline")

    monkeypatch.setattr("socket.create_connection", forbidden)
    source, _, _ = d2l.load_fashion_mnist(tmp_path)
    assert source == "synthetic Fashion-MNIST stand-in"


def test_real_files_are_used_when_present(tmp_path):
    torchvision = pytest.importorskip("torchvision")
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    X, y = make_fashion_standin(20, seed=5)
    _write_idx(raw, "train", X, y)
    _write_idx(raw, "t10k", X[:10], y[:10])
    source, (Xtr, ytr), (Xva, _) = d2l.load_fashion_mnist(tmp_path)
    assert source == "Fashion-MNIST" and torch.equal(Xtr, X) and torch.equal(ytr, y) and len(Xva) == 10
    assert torchvision.datasets.FashionMNIST.resources  # torchvision still knows where the real files live


def _write_idx(folder, prefix, images, labels):
    """Write tensors in the IDX format of the original Fashion-MNIST files."""
    import struct

    n, h, w = images.shape
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, n, h, w) + images.numpy().tobytes())
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(
        struct.pack(">II", 2049, n) + labels.to(torch.uint8).numpy().tobytes()
    )
