"""Fashion-MNIST and MNIST as data modules, loaded from the real files by torchvision's own loader.

Where the files come from, in order: a copy already under ``D2LCORE_DATA`` (which may be read-only) or in the
default cache, else torchvision's download when the machine is online (see :mod:`d2lcore.sources`: every file
is checked against its published size and checksum, downloads land in one piece). Offline with no copy, loading
stops at once with :class:`DataUnavailableError`, which says how to provide the files; nothing waits on a network
timeout.

Images are kept as one uint8 tensor and batched by slicing, so an epoch costs no per-image Python work;
resizing is done once when the resized set is small, otherwise per batch with ``F.interpolate``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F

from . import checks, config
from .module import HyperParameters
from .sources import DATASETS, DataCorruptError, find_data, raw_folder
from .sources import DataUnavailableError as DataUnavailableError  # re-exported: d2lcore.data's public name

TEXT_LABELS = ("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot")
DIGIT_LABELS = tuple(str(d) for d in range(10))
_RESIZE_ONCE_LIMIT = 512 * 2**20  # bytes of uint8 images we are happy to hold resized in memory
_RESIZE_HINT = "Give the image side in pixels, e.g. resize=32 or resize=(32, 32); 28 keeps the original size."


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

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, resize: int | tuple[int, int]) -> None:
        if not isinstance(images, torch.Tensor) or images.dim() != 3 or images.dtype != torch.uint8:
            got = (
                f"a {images.dtype} tensor of shape {tuple(images.shape)}"
                if isinstance(images, torch.Tensor)
                else type(images).__name__
            )
            raise ValueError(
                f"ImageSet: images must be a uint8 tensor of shape (N, height, width), got {got}. "
                "Convert with (X * 255).round().to(torch.uint8) and drop a channel axis with X.squeeze(1)."
            )
        if not isinstance(labels, torch.Tensor) or labels.shape != (len(images),):
            got = f"shape {tuple(labels.shape)}" if isinstance(labels, torch.Tensor) else repr(labels)
            raise ValueError(
                f"ImageSet: labels must be a 1-D tensor with one label per image ({len(images)}), got {got}"
            )
        resize = checks.int_pair(resize, "resize", "ImageSet", hint=_RESIZE_HINT)
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
    """Iterates over an :class:`ImageSet` in minibatches, reshuffling each epoch when ``shuffle`` is set.

    The shuffling has its own generator. With ``seed=None`` (the default) its seed is drawn once, here, from
    torch's global generator, so ``torch.manual_seed(s)`` before building the model and the loader fixes both the
    initial weights and the order of the minibatches: one seed fixes the whole run.
    """

    def __init__(self, data: ImageSet, batch_size: int, shuffle: bool, seed: int | None = None) -> None:
        if not isinstance(data, ImageSet):
            raise TypeError(
                f"TensorLoader: data must be a d2l.ImageSet (e.g. d2l.FashionMNIST().train), got {type(data).__name__}"
            )
        batch_size = checks.integer(batch_size, "batch_size", "TensorLoader", hint="E.g. batch_size=64.")
        shuffle = checks.flag(shuffle, "shuffle", "TensorLoader")
        if seed is None:
            seed = int(torch.randint(2**62, (), dtype=torch.int64))
        seed = checks.integer(seed, "seed", "TensorLoader", minimum=0)
        self.data, self.batch_size, self.shuffle = data, batch_size, shuffle
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.data)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for start in range(0, n, self.batch_size):
            yield self.data.batch(order[start : start + self.batch_size])


@functools.cache
def _read(name: str, root: Path, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """One split from ``root`` (files already verified by ``find_data``). Cached: read once per process."""
    try:
        ds = DATASETS[name](root=root, train=train, download=False)
    except (RuntimeError, ValueError, OSError) as err:  # a file changed or vanished after the checks
        raise DataCorruptError(
            f"torchvision could not read {name} from {raw_folder(name, root)} ({err}): delete the folder's files "
            "and run again with internet access, or set D2LCORE_DATA to a folder that holds good copies"
        ) from err
    return ds.data, ds.targets


def load_dataset(
    name: str = "Fashion-MNIST", root: str | Path | None = None
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """((train images, labels), (test images, labels)) of ``name`` as uint8 ``N x 28 x 28`` and int64 tensors.

    Raises :class:`DataUnavailableError` when the files are absent and cannot be downloaded, and
    :class:`DataCorruptError` when a file on disk is damaged (both messages say what to do).
    """
    folder = find_data(name, root)
    return _read(name, folder, True), _read(name, folder, False)


def balanced_subset(labels: torch.Tensor, size: int, num_classes: int = 10) -> torch.Tensor:
    """Indices (in file order) of the first ``size // num_classes`` examples of every class: deterministic."""
    if not isinstance(labels, torch.Tensor) or labels.dim() != 1 or labels.is_floating_point():
        got = f"a {labels.dtype} tensor of shape {tuple(labels.shape)}" if torch.is_tensor(labels) else repr(labels)
        raise ValueError(f"balanced_subset: labels must be a 1-D integer tensor of class indices, got {got}")
    num_classes = checks.integer(num_classes, "num_classes", "balanced_subset")
    size = checks.integer(
        size, "size", "balanced_subset", minimum=num_classes, hint=f"It is split evenly over the {num_classes} classes."
    )
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
        checks.integer(batch_size, "batch_size", type(self).__name__, hint="E.g. batch_size=64 (images per minibatch).")
        checks.int_pair(resize, "resize", type(self).__name__, hint=_RESIZE_HINT)
        if root is not None and not isinstance(root, str | Path):
            raise TypeError(f"{type(self).__name__}: root must be a folder (str or Path) or None, got {root!r}")
        self.save_hyperparameters()
        size = checks.int_pair(resize, "resize", type(self).__name__)
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
        names = []
        for i in indices:
            if not 0 <= int(i) < len(self.labels):
                raise ValueError(
                    f"text_labels: label {int(i)} is not a class of {self.dataset}: labels go from 0 to "
                    f"{len(self.labels) - 1}"
                )
            names.append(self.labels[int(i)])
        return names

    def get_dataloader(self, train: bool) -> TensorLoader:
        return TensorLoader(self.train if train else self.val, self.batch_size, shuffle=train)

    def visualize(
        self, batch: tuple[torch.Tensor, torch.Tensor], nrows: int = 1, ncols: int = 8, labels: Sequence[str] = ()
    ):
        """Show the first ``nrows * ncols`` images of a batch with their class names."""
        from .plot import show_images

        nrows = checks.integer(nrows, "nrows", "visualize")
        ncols = checks.integer(ncols, "ncols", "visualize")
        if not isinstance(batch, Sequence) or len(batch) != 2:
            raise TypeError("visualize: batch must be an (images, labels) pair, e.g. next(iter(data.val_dataloader()))")
        X, y = batch
        n = nrows * ncols
        return show_images(X[:n].squeeze(1), nrows, ncols, titles=list(labels) or self.text_labels(y[:n]))


class MNIST(FashionMNIST):
    """The original MNIST handwritten digits (LeCun et al., 1998), with the same interface as FashionMNIST."""

    dataset = "MNIST"
    labels = DIGIT_LABELS
