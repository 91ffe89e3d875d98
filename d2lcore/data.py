"""Fashion-MNIST and MNIST as data modules, loaded from the real files by torchvision's own loader.

Where the files come from, in order: a copy already under ``D2LCORE_DATA`` (which may be read-only) or in the
default cache, else torchvision's download when the machine is online. Offline with no copy, loading stops at
once with :class:`DataUnavailableError`, which says how to provide the files; nothing waits on a network timeout.

Images are kept as one uint8 tensor and batched by slicing, so an epoch costs no per-image Python work;
resizing is done once when the resized set is small, otherwise per batch with ``F.interpolate``.
"""

from __future__ import annotations

import functools
import os
import socket
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision

from . import config
from .module import HyperParameters

TEXT_LABELS = ("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot")
DIGIT_LABELS = tuple(str(d) for d in range(10))
_RESIZE_ONCE_LIMIT = 512 * 2**20  # bytes of uint8 images we are happy to hold resized in memory
_PROBE_TIMEOUT = 3.0  # seconds to wait for a download mirror before calling the machine offline


class DataUnavailableError(RuntimeError):
    """The data set is neither on disk nor downloadable (offline)."""


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


# Display name -> torchvision class. Both keep their files under <root>/<class name>/raw/.
DATASETS = {"Fashion-MNIST": torchvision.datasets.FashionMNIST, "MNIST": torchvision.datasets.MNIST}


def _download_reachable(dataset: type, timeout: float = _PROBE_TIMEOUT) -> bool:
    """Can we open a socket to one of the data set's download mirrors within ``timeout`` seconds?"""
    for mirror in dataset.mirrors:
        url = mirror if isinstance(mirror, str) else mirror[0]
        parsed = urllib.parse.urlparse(url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            with socket.create_connection((parsed.hostname, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False


def _how_to_get(name: str, roots: Sequence[Path]) -> str:
    folder = DATASETS[name].__name__
    searched = " and ".join(str(r / folder / "raw") for r in roots)
    return (
        f"{name} is not on this machine (looked in {searched}) and cannot be downloaded"
        + (" (D2LCORE_OFFLINE is set)." if config.is_offline() else " (no download mirror answered: offline?).")
        + "\nTo provide it, do one of these:\n"
        f'  * run once with internet access: python -c "import d2lcore as d2l; d2l.{folder}()"'
        f" (downloads into the first writable of those folders);\n"
        f"  * copy torchvision's four raw files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
        f"t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) into {roots[0] / folder / 'raw'};\n"
        "  * or set D2LCORE_DATA to a folder that already holds them (it may be read-only)."
    )


def _candidate_roots(root: Path | None) -> list[Path]:
    roots = [Path(root)] if root is not None else [config.data_root()]
    if config.default_data_root() not in roots:
        roots.append(config.default_data_root())
    return roots


@functools.cache
def _read(name: str, root: Path, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """One split from ``root`` (raises RuntimeError when the files are not there). Cached: read once per process."""
    ds = DATASETS[name](root=root, train=train, download=False)
    return ds.data, ds.targets


def find_data(name: str = "Fashion-MNIST", root: str | Path | None = None) -> Path:
    """The folder that holds ``name``'s files, downloading them once if needed and possible.

    Raises :class:`DataUnavailableError` (with instructions) when the files are absent and cannot be downloaded.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    roots = _candidate_roots(Path(root) if root is not None else None)
    for candidate in roots:
        if _has_files(name, candidate):
            return candidate
    if config.is_offline() or not _download_reachable(DATASETS[name]):
        raise DataUnavailableError(_how_to_get(name, roots))
    target = next((r for r in roots if _writable(r)), None)
    if target is None:
        raise DataUnavailableError(
            f"none of {', '.join(map(str, roots))} is writable: set D2LCORE_DATA to a folder you can write"
        )
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(30)
    try:
        DATASETS[name](root=target, train=True, download=True)
        DATASETS[name](root=target, train=False, download=True)
    except Exception as err:
        raise DataUnavailableError(
            f"downloading {name} into {target} failed ({err})\n" + _how_to_get(name, roots)
        ) from err
    finally:
        socket.setdefaulttimeout(old_timeout)
    return target


def _has_files(name: str, root: Path) -> bool:
    """Are all four raw files of ``name`` under ``root/<class name>/raw``?"""
    dataset = DATASETS[name]
    raw = root / dataset.__name__ / "raw"
    return all((raw / Path(file).stem).is_file() for file, _ in dataset.resources)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def load_dataset(
    name: str = "Fashion-MNIST", root: str | Path | None = None
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """((train images, labels), (test images, labels)) of ``name`` as uint8 ``N x 28 x 28`` and int64 tensors."""
    folder = find_data(name, root)
    return _read(name, folder, True), _read(name, folder, False)


def balanced_subset(labels: torch.Tensor, size: int, num_classes: int = 10) -> torch.Tensor:
    """Indices (in file order) of the first ``size // num_classes`` examples of every class: deterministic."""
    per_class = size // num_classes
    picks = [(labels == c).nonzero().flatten()[:per_class] for c in range(num_classes)]
    if min(len(p) for p in picks) < per_class:
        raise ValueError(f"some class has fewer than {per_class} examples: cannot draw a balanced subset of {size}")
    return torch.cat(picks).sort().values


class FashionMNIST(DataModule):
    """The Fashion-MNIST data set (Xiao, Rasul and Vollgraf, 2017) with the book's interface.

    The test split serves as validation set, as in the book. In quick mode both splits are cut to
    class-balanced subsets of ``config.QUICK_BUDGET`` sizes. The constructor prints one line naming the data
    set, the sizes and the image size.
    """

    dataset = "Fashion-MNIST"
    labels = TEXT_LABELS

    def __init__(
        self, batch_size: int = 64, resize: int | Sequence[int] = (28, 28), root: str | Path | None = None
    ) -> None:
        self.save_hyperparameters()
        size = (resize, resize) if isinstance(resize, int) else (int(resize[0]), int(resize[1]))
        (Xtr, ytr), (Xva, yva) = load_dataset(self.dataset, root)
        self.quick = config.is_quick()
        if self.quick:
            train_idx = balanced_subset(ytr, config.QUICK_BUDGET.train_size)
            val_idx = balanced_subset(yva, config.QUICK_BUDGET.val_size)
            Xtr, ytr, Xva, yva = Xtr[train_idx], ytr[train_idx], Xva[val_idx], yva[val_idx]
        self.train = ImageSet(Xtr, ytr, size)
        self.val = ImageSet(Xva, yva, size)
        print(self.describe())

    @property
    def source(self) -> str:
        """Name of the data set in use."""
        return self.dataset

    def describe(self) -> str:
        h, w = self.train.resize
        sizes = f"{len(self.train):,} train / {len(self.val):,} val images"
        if self.quick:
            return f"data: {self.dataset}, quick-mode subset ({sizes}, class-balanced) at {h}x{w}"
        return f"data: {self.dataset} ({sizes}) at {h}x{w}"

    def text_labels(self, indices: Sequence[int] | torch.Tensor) -> list[str]:
        """Class names for integer labels."""
        return [self.labels[int(i)] for i in indices]

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


class MNIST(FashionMNIST):
    """The original MNIST handwritten digits (LeCun et al., 1998), with the same interface as FashionMNIST."""

    dataset = "MNIST"
    labels = DIGIT_LABELS
