"""Fashion-MNIST as a data module: real files through torchvision, or a clearly announced offline stand-in.

Images are kept as one uint8 tensor and batched by slicing, so an epoch costs no per-image Python work;
resizing is done once when the resized set is small, otherwise per batch with ``F.interpolate``.
"""

from __future__ import annotations

import functools
import socket
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision

from . import config
from .module import HyperParameters
from .synthetic import make_fashion_standin

TEXT_LABELS = ("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot")
REAL = "Fashion-MNIST"
STANDIN = "synthetic Fashion-MNIST stand-in"
_RESIZE_ONCE_LIMIT = 512 * 2**20  # bytes of uint8 images we are happy to hold resized in memory


class DataModule(HyperParameters):
    """Base class of data: subclasses provide :meth:`get_dataloader`."""

    def get_dataloader(self, train: bool):
        raise NotImplementedError

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)


class ImageSet:
    """Images (uint8, ``N x H x W``) and labels, indexable like a torchvision data set."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, resize: tuple[int, int]) -> None:
        self.labels = labels
        self.resize = resize
        needs_resize = tuple(images.shape[-2:]) != resize
        self.resize_per_batch = needs_resize and len(images) * resize[0] * resize[1] > _RESIZE_ONCE_LIMIT
        if needs_resize and not self.resize_per_batch:
            images = _resize_uint8(images, resize)
        self.images = images

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        X, y = self.batch(torch.tensor([i]))
        return X[0], int(y[0])

    def batch(self, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Float images in [0, 1] of shape ``B x 1 x H x W`` and their labels."""
        X = self.images[idx].unsqueeze(1).float().div_(255)
        if self.resize_per_batch:
            X = F.interpolate(X, size=self.resize, mode="bilinear", antialias=True, align_corners=False)
        return X, self.labels[idx]


def _resize_uint8(images: torch.Tensor, size: tuple[int, int], chunk: int = 4096) -> torch.Tensor:
    out = torch.empty((len(images), *size), dtype=torch.uint8)
    for start in range(0, len(images), chunk):
        X = images[start : start + chunk].unsqueeze(1).float()
        Y = F.interpolate(X, size=size, mode="bilinear", antialias=True, align_corners=False)
        out[start : start + chunk] = Y.squeeze(1).round().clamp(0, 255).to(torch.uint8)
    return out


class TensorLoader:
    """Iterates over an :class:`ImageSet` in minibatches, reshuffling each epoch when ``shuffle`` is set."""

    def __init__(self, data: ImageSet, batch_size: int, shuffle: bool, seed: int = 0) -> None:
        self.data, self.batch_size, self.shuffle = data, batch_size, shuffle
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.data)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            yield self.data.batch(order[start : start + self.batch_size])


def _download_reachable(timeout: float = 3.0) -> bool:
    """Can we open a socket to torchvision's Fashion-MNIST mirror within ``timeout`` seconds?"""
    for mirror in torchvision.datasets.FashionMNIST.mirrors:
        url = mirror if isinstance(mirror, str) else mirror[0]
        parsed = urllib.parse.urlparse(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            with socket.create_connection((parsed.hostname, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False


def _load_real(root: Path, train: bool) -> tuple[torch.Tensor, torch.Tensor] | None:
    """The real split through torchvision, downloading only when the mirror answers quickly."""
    try:
        ds = torchvision.datasets.FashionMNIST(root=root, train=train, download=False)
    except RuntimeError:
        if config.is_offline() or not _download_reachable():
            return None
        old_timeout = socket.getdefaulttimeout()
        socket.setdefaulttimeout(30)
        try:
            ds = torchvision.datasets.FashionMNIST(root=root, train=train, download=True)
        except Exception:
            return None
        finally:
            socket.setdefaulttimeout(old_timeout)
    return ds.data, ds.targets


def load_fashion_mnist(
    root: Path | None = None,
) -> tuple[str, tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """(source name, (train images, labels), (val images, labels)): real data if possible, else the stand-in."""
    root = Path(root) if root is not None else config.data_root()
    train, val = _load_real(root, True), None
    if train is not None:
        val = _load_real(root, False)
    if train is not None and val is not None:
        return REAL, train, val
    return STANDIN, *_standin_splits()


@functools.cache
def _standin_splits() -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """The stand-in's train and validation splits, generated once per process (read-only afterwards)."""
    return make_fashion_standin(60000, seed=0), make_fashion_standin(10000, seed=1)


class FashionMNIST(DataModule):
    """The Fashion-MNIST data set (or its offline stand-in) with the book's interface.

    In quick mode the splits are cut to ``config.QUICK_BUDGET`` sizes. The constructor prints which data set is
    in use, so nobody mistakes stand-in results for Fashion-MNIST ones.
    """

    def __init__(
        self, batch_size: int = 64, resize: int | Sequence[int] = (28, 28), root: str | Path | None = None
    ) -> None:
        self.save_hyperparameters()
        size = (resize, resize) if isinstance(resize, int) else (int(resize[0]), int(resize[1]))
        self.source, (Xtr, ytr), (Xva, yva) = load_fashion_mnist(root)
        if config.is_quick():
            Xtr, ytr = Xtr[: config.QUICK_BUDGET.train_size], ytr[: config.QUICK_BUDGET.train_size]
            Xva, yva = Xva[: config.QUICK_BUDGET.val_size], yva[: config.QUICK_BUDGET.val_size]
        self.train = ImageSet(Xtr, ytr, size)
        self.val = ImageSet(Xva, yva, size)
        print(self.describe())

    @property
    def is_standin(self) -> bool:
        return self.source == STANDIN

    def describe(self) -> str:
        h, w = self.train.resize
        text = f"data: {self.source}, {len(self.train)} train / {len(self.val)} val images at {h}x{w}"
        if self.is_standin:
            text += (
                "\n  NOTE: the real Fashion-MNIST files were not found and could not be downloaded (offline?), so"
                "\n  this run uses a procedurally generated look-alike. Accuracies are NOT Fashion-MNIST results."
            )
        return text

    def text_labels(self, indices: Sequence[int] | torch.Tensor) -> list[str]:
        """Class names for integer labels."""
        return [TEXT_LABELS[int(i)] for i in indices]

    def get_dataloader(self, train: bool) -> TensorLoader:
        return TensorLoader(self.train if train else self.val, self.batch_size, shuffle=train)

    def visualize(
        self, batch: tuple[torch.Tensor, torch.Tensor], nrows: int = 1, ncols: int = 8, labels: Sequence[str] = ()
    ):
        """Show the first ``nrows * ncols`` images of a batch with their class names."""
        from .plot import show_images

        X, y = batch
        n = nrows * ncols
        return show_images(X[:n].squeeze(1), nrows, ncols, titles=list(labels) or self.text_labels(y[:n]))
