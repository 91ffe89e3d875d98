"""The data modules: the real Fashion-MNIST and MNIST, where the files come from, batching, resizing, labels."""

from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import torch
import torchvision
from forged import forge, trust

import d2lcore as d2l
from d2lcore import config, sources
from d2lcore import data as data_module


@pytest.fixture
def no_network(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("no network access allowed here")

    monkeypatch.setattr("socket.create_connection", forbidden)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty default cache (``~/.cache/d2lcore``) under a temporary home."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home" / ".cache" / "d2lcore"


def test_real_fashion_mnist_full(monkeypatch, capsys):
    monkeypatch.setenv("D2LCORE_QUICK", "0")
    data = d2l.FashionMNIST(batch_size=256)
    assert capsys.readouterr().out == "data: Fashion-MNIST (60,000 train / 10,000 val images) at 28x28\n"
    assert data.val.labels[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]  # the test split's first labels
    assert torch.bincount(data.train.labels).tolist() == [6000] * 10
    assert round(data.train.images.float().mean().item() / 255, 4) == 0.2860
    X, y = next(iter(data.train_dataloader()))
    assert X.shape == (256, 1, 28, 28) and X.dtype == torch.float32 and 0 <= X.min() and X.max() <= 1
    assert y.dtype == torch.int64 and len(data.train_dataloader()) == 235


def test_quick_subsets_are_balanced_and_deterministic(monkeypatch, capsys):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    a, b = d2l.FashionMNIST(), d2l.FashionMNIST()
    budget = config.QUICK_BUDGET
    assert capsys.readouterr().out.splitlines()[0] == (
        f"data: Fashion-MNIST, quick-mode subset ({budget.train_size:,} train / {budget.val_size:,} val images, "
        "class-balanced) at 28x28"
    )
    assert torch.bincount(a.train.labels).tolist() == [budget.train_size // 10] * 10
    assert torch.bincount(a.val.labels).tolist() == [budget.val_size // 10] * 10
    assert torch.equal(a.train.images, b.train.images) and torch.equal(a.val.labels, b.val.labels)
    assert a.val.labels[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]  # file order is kept


def test_real_mnist(monkeypatch, capsys):
    monkeypatch.setenv("D2LCORE_QUICK", "0")
    digits = d2l.MNIST(batch_size=100, resize=32)
    assert capsys.readouterr().out == "data: MNIST (60,000 train / 10,000 val images) at 32x32\n"
    assert digits.train.labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert digits.text_labels([5, 0]) == ["5", "0"]
    X, _ = next(iter(digits.val_dataloader()))
    assert X.shape == (100, 1, 32, 32)


def test_copy_under_d2lcore_data_comes_first_and_may_be_read_only(tmp_path, home, monkeypatch, no_network):
    ours = tmp_path / "ours"
    X = forge(ours, fill=7)
    trust(monkeypatch, ours)
    forge(home, fill=200)
    (ours / "FashionMNIST" / "raw").chmod(0o555)
    ours.chmod(0o555)
    monkeypatch.setenv("D2LCORE_DATA", str(ours))
    try:
        (Xtr, _), (Xva, _) = d2l.load_dataset("Fashion-MNIST")
    finally:
        ours.chmod(0o755)
    assert torch.equal(Xtr, X) and len(Xva) == 10


def test_default_cache_is_the_second_place_to_look(tmp_path, home, monkeypatch, no_network):
    X = forge(home, fill=200)
    trust(monkeypatch, home)
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "empty"))
    assert d2l.find_data("Fashion-MNIST") == home
    assert torch.equal(d2l.load_dataset("Fashion-MNIST")[0][0], X)


def test_offline_without_files_fails_at_once_saying_how(tmp_path, home, monkeypatch, no_network):
    monkeypatch.setenv("D2LCORE_OFFLINE", "1")
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "empty"))
    with pytest.raises(d2l.DataUnavailableError) as err:
        d2l.MNIST()
    message = str(err.value)
    assert "MNIST is not on this machine" in message and "D2LCORE_OFFLINE is set" in message
    assert str(tmp_path / "empty" / "MNIST" / "raw") in message and "D2LCORE_DATA" in message


def test_online_without_files_downloads_once_through_torchvision(tmp_path, home, monkeypatch):
    calls = []

    def download(self):  # stands in for torchvision's download: the same files, written where it writes them
        calls.append(self.root)
        forge(Path(self.root))

    forge(tmp_path / "published")
    trust(monkeypatch, tmp_path / "published")
    fake = type("FashionMNIST", (torchvision.datasets.FashionMNIST,), {"download": download})
    monkeypatch.delenv("D2LCORE_OFFLINE")
    monkeypatch.setenv("D2LCORE_DATA", str(tmp_path / "fresh"))
    monkeypatch.setitem(data_module.DATASETS, "Fashion-MNIST", fake)
    monkeypatch.setattr(sources, "_download_reachable", lambda dataset: True)
    assert d2l.find_data("Fashion-MNIST") == tmp_path / "fresh"
    assert d2l.find_data("Fashion-MNIST") == tmp_path / "fresh"
    assert len(calls) == 2  # train and test split, the first time only
    assert sorted(p.name for p in (tmp_path / "fresh").iterdir()) == ["FashionMNIST"]  # no staging folder left


def test_balanced_subset_needs_enough_of_every_class():
    labels = torch.tensor([0, 1, 1, 0, 2, 2, 1])
    assert d2l.balanced_subset(labels, 6, num_classes=3).tolist() == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="fewer than 3"):
        d2l.balanced_subset(labels, 9, num_classes=3)


def test_unknown_data_set_is_named():
    with pytest.raises(ValueError, match="unknown data set 'CIFAR'"):
        d2l.find_data("CIFAR")


def _resized_once_as_uint8(X: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """The former data path: the whole set resized once and stored as uint8 (the committed quick-mode outputs)."""
    Y = torch.nn.functional.interpolate(X.unsqueeze(1).float(), size=size, mode="bilinear", antialias=True)
    return Y.round().clamp(0, 255).to(torch.uint8).float().div(255)


def test_per_batch_resizing_equals_the_set_resized_once_bit_for_bit():
    X = torch.randint(0, 256, (300, 28, 28), dtype=torch.uint8)
    y = torch.arange(300) % 10
    images = d2l.ImageSet(X, y, (40, 36))
    assert images.images is X  # the uint8 originals are the only full copy
    expected = _resized_once_as_uint8(X, (40, 36))
    order = torch.randperm(300)
    for batch_size in (1, 7, 128):
        got = torch.cat([images.batch(idx)[0] for idx in order.split(batch_size)])
        assert got.shape == (300, 1, 40, 36) and torch.equal(got, expected[order])
    assert torch.equal(images.batch(torch.arange(3))[1], y[:3])


def test_the_original_size_is_only_scaled_to_0_1():
    X = torch.randint(0, 256, (10, 28, 28), dtype=torch.uint8)
    X_batch, _ = d2l.ImageSet(X, torch.zeros(10, dtype=torch.long), 28).batch(torch.arange(10))
    assert torch.equal(X_batch, X.unsqueeze(1).float() / 255)


def test_a_loader_moved_to_a_device_keeps_one_copy_there():
    X = torch.randint(0, 256, (50, 28, 28), dtype=torch.uint8)
    images = d2l.ImageSet(X, torch.arange(50) % 10, 32)
    loader = d2l.TensorLoader(images, batch_size=16, shuffle=True, seed=3).to("cpu")
    assert loader.data is images and images.to(torch.device("cpu")) is images
    torch.manual_seed(0)
    meta = d2l.ImageSet(X, torch.arange(50) % 10, 32).to("meta")  # a device without data: nothing is computed
    assert meta.device.type == "meta" and meta.to("meta") is meta and meta.images.dtype == torch.uint8


def test_unseeded_loaders_follow_the_global_seed():
    images = d2l.ImageSet(torch.randint(0, 256, (64, 28, 28), dtype=torch.uint8), torch.arange(64) % 10, 28)

    def first_labels() -> list[int]:
        return next(iter(d2l.TensorLoader(images, batch_size=8, shuffle=True)))[1].tolist()

    torch.manual_seed(1)
    a = first_labels()
    torch.manual_seed(1)
    assert first_labels() == a
    torch.manual_seed(2)
    assert first_labels() != a


def test_shuffling_changes_order_but_not_content():
    X = torch.randint(0, 256, (300, 28, 28), dtype=torch.uint8)
    y = torch.arange(300) % 10
    loader = d2l.TensorLoader(d2l.ImageSet(X, y, (28, 28)), batch_size=64, shuffle=True)
    first = torch.cat([b for _, b in loader])
    second = torch.cat([b for _, b in loader])
    assert not torch.equal(first, second)
    assert torch.equal(first.sort().values, y.sort().values)


def _orders(global_seed: int | None = None, **loader_kwargs) -> list[torch.Tensor]:
    """The labels of two epochs of a shuffling loader built after ``torch.manual_seed(global_seed)``."""
    X = torch.zeros(300, 28, 28, dtype=torch.uint8)
    if global_seed is not None:
        torch.manual_seed(global_seed)
    loader = d2l.TensorLoader(d2l.ImageSet(X, torch.arange(300), (28, 28)), 64, shuffle=True, **loader_kwargs)
    return [torch.cat([b for _, b in loader]) for _ in range(2)]


def test_torch_seed_fixes_the_data_order():
    first, again = _orders(global_seed=7), _orders(global_seed=7)
    other = _orders(global_seed=8)
    assert all(torch.equal(a, b) for a, b in zip(first, again))  # same torch seed: same order, epoch by epoch
    assert not torch.equal(first[0], other[0]) and not torch.equal(first[1], other[1])  # another seed: another


def test_explicit_loader_seed_ignores_the_global_generator():
    a = _orders(global_seed=1, seed=5)
    b = _orders(global_seed=2, seed=5)
    assert all(torch.equal(x, y) for x, y in zip(a, b))


def test_seed_reads_d2lcore_seed(monkeypatch):
    monkeypatch.delenv("D2LCORE_SEED", raising=False)
    assert d2l.seed(3) == 3
    drawn = torch.rand(4)
    torch.manual_seed(3)
    assert torch.equal(drawn, torch.rand(4))  # d2l.seed(3) is torch.manual_seed(3)
    monkeypatch.setenv("D2LCORE_SEED", "101")
    assert d2l.seed(3) == 101
    assert torch.equal(_orders()[0], _orders(global_seed=101)[0])  # d2l.seed seeded torch
    monkeypatch.setenv("D2LCORE_SEED", "seven")
    with pytest.raises(ValueError, match="D2LCORE_SEED"):
        d2l.seed(3)


def test_text_labels_and_grid(monkeypatch):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    data = d2l.FashionMNIST()
    assert data.text_labels([0, 9, 5]) == ["t-shirt", "ankle boot", "sandal"]
    assert data.visualize(next(iter(data.val_dataloader())), nrows=2, ncols=4) is None  # as in the book
    axes = plt.gcf().axes
    assert [ax.get_title() for ax in axes[:4]] == ["ankle boot", "pullover", "trouser", "trouser"]
