"""Fashion-MNIST and MNIST as data modules, loaded from the real files by torchvision's own loader.

Where the files come from, in order: a copy already under ``D2LCORE_DATA`` (which may be read-only) or in the
default cache, else torchvision's download when the machine is online (see :mod:`d2lcore.sources`: every file
is checked against its published size and checksum, downloads land in one piece). Offline with no copy, loading
stops at once with :class:`DataUnavailableError`, which says how to provide the files; nothing waits on a network
timeout.

Images are kept as one uint8 tensor at their original size, the only full copy, and batched by slicing, so an
epoch costs no per-image Python work. Resizing happens per batch, on the device that holds the images: the Trainer
moves both splits to its training device once (:meth:`TensorLoader.to`), so on a GPU the images are cut and resized
there and only each epoch's shuffled order crosses from the host.
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
_RESIZE_HINT = "Give the image side in pixels, e.g. resize=32 or resize=(32, 32); 28 keeps the original size."


class DataModule(HyperParameters):
    """Base class of data: subclasses provide :meth:`get_dataloader`.

    ``root`` and ``num_workers`` are the book's arguments; ``root=None`` means :func:`config.data_root`.
    """

    def __init__(self, root: str | Path | None = None, num_workers: int = 4) -> None:
        self.save_hyperparameters()

    def get_dataloader(self, train: bool):
        raise NotImplementedError

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors: Sequence[torch.Tensor], train: bool, indices=slice(0, None)):
        """A torch DataLoader over ``tensors[i][indices]``, shuffled when ``train`` (needs ``self.batch_size``)."""
        if not hasattr(self, "batch_size"):
            raise AttributeError(f"{type(self).__name__}.get_tensorloader: set self.batch_size first")
        dataset = torch.utils.data.TensorDataset(*(a[indices] for a in tensors))
        return torch.utils.data.DataLoader(dataset, self.batch_size, shuffle=train)


class ImageSet:
    """Images (uint8, ``N x H x W``) and labels, indexable like a torchvision data set, resized per batch."""

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
        self.images, self.labels = images, labels
        self.resize = checks.int_pair(resize, "resize", "ImageSet", hint=_RESIZE_HINT)
        self._copies: dict[torch.device, ImageSet] = {images.device: self}

    @property
    def device(self) -> torch.device:
        """Where the images are kept (and batches are cut and resized)."""
        return self.images.device

    def to(self, device: torch.device | str) -> ImageSet:
        """This set with its uint8 images and labels on ``device``: copied once, then reused."""
        device = torch.device(device)
        if device.type == "cuda" and device.index is None:
            device = torch.device("cuda", torch.cuda.current_device())
        if device not in self._copies:
            copy = ImageSet.__new__(ImageSet)
            copy.images, copy.labels, copy.resize = self.images.to(device), self.labels.to(device), self.resize
            copy._copies = self._copies  # every copy knows every other
            self._copies[device] = copy
        return self._copies[device]

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        X, y = self.batch(torch.tensor([i]))
        return X[0], int(y[0])

    def batch(self, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Float images in [0, 1] of shape ``B x 1 x H x W`` and their labels, on :attr:`device`."""
        idx = idx.to(self.device, non_blocking=True)
        return resize_batch(self.images[idx], self.resize), self.labels[idx]


def resize_batch(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """uint8 images ``B x H x W`` as floats in [0, 1] of shape ``B x 1 x size``, on the images' device.

    Resizing is bilinear with antialiasing, and the result is rounded to whole grey levels, as if the resized set
    were stored as uint8: a batch gets the same pixels whichever device, batch size or order produced it (on the
    CPU bit for bit; a GPU's interpolation may round a pixel that sits within float error of a half level the
    other way, a change of 1/255).
    """
    X = images.unsqueeze(1).float()
    if tuple(images.shape[-2:]) != tuple(size):
        X = F.interpolate(X, size=size, mode="bilinear", antialias=True, align_corners=False).round_().clamp_(0, 255)
    return X.div_(255)


class TensorLoader:
    """Iterates over an :class:`ImageSet` in minibatches, reshuffling each epoch when ``shuffle`` is set.

    ``seed=None`` (default) draws the seed of the loader's own generator from torch's global random-number
    generator, once, here: so ``torch.manual_seed(s)`` before building the model and the loaders fixes the data
    order too. The shuffled order is drawn on the CPU (the same on every device) and sent to the data's device
    once per epoch; batches are cut and resized there (see :meth:`to`).
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

    def to(self, device: torch.device | str) -> TensorLoader:
        """Keep the data on ``device`` (moved once): batches are then cut and resized there. Returns the loader."""
        self.data = self.data.to(device)
        return self

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.data)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for idx in order.to(self.data.device, non_blocking=True).split(self.batch_size):
            yield self.data.batch(idx)


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
        """Show the first ``nrows * ncols`` images of a batch with their class names (``plt.gcf()`` holds them)."""
        from .plotting import show_images

        nrows = checks.integer(nrows, "nrows", "visualize")
        ncols = checks.integer(ncols, "ncols", "visualize")
        if not isinstance(batch, Sequence) or len(batch) != 2:
            raise TypeError("visualize: batch must be an (images, labels) pair, e.g. next(iter(data.val_dataloader()))")
        X, y = batch
        n = nrows * ncols
        show_images(X[:n].squeeze(1), nrows, ncols, titles=list(labels) or self.text_labels(y[:n]))


class MNIST(FashionMNIST):
    """The original MNIST handwritten digits (LeCun et al., 1998), with the same interface as FashionMNIST."""

    dataset = "MNIST"
    labels = DIGIT_LABELS
