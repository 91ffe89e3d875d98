"""The Trainer: the book's fit loop, made fast, talkative and resumable.

Per epoch it trains, evaluates under ``torch.inference_mode``, records the averages, redraws the board once,
keeps one progress line up to date, and (with ``checkpoint=``) saves the run. The data module's tensors move to
the training device once, so a step sends nothing from the host but its batch indices; losses and accuracies are
summed on the device and read once per epoch, so the loop never waits for the GPU within an epoch. The CPU runs the
same path.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from pathlib import Path

import torch
from torch import nn

from . import checks, config
from .board import ProgressBoard, ProgressLine, progress_bar
from .checkpoints import has_lazy_params as has_lazy_params  # re-exported: its former home
from .data import TensorLoader
from .module import HyperParameters, Module, _device_of, explain_shape_errors
from .precision import Precision
from .resume import Resumable


class Trainer(HyperParameters, Resumable):
    """Fit a :class:`~d2lcore.module.Module` to a data module.

    Args:
        max_epochs: epochs to train. Nothing changes it in quick mode: a notebook states its quick-mode budget
            at the call, ``Trainer(max_epochs=d2l.pick(full=10, quick=3))``.
        num_gpus: 0 forces the CPU; ``None`` (default) trains on CUDA, else Apple's MPS, else the CPU.
        gradient_clip_val: clip the global gradient norm to this value when positive.
        board: draw the live plot of train loss, val loss and val accuracy.
        precision: ``"fp32"`` (default, the book's), ``"bf16"`` or ``"fp16"`` autocast (see :mod:`d2lcore.precision`).
        checkpoint: a file name: save the run there after every epoch, and resume from it when it exists.
    """

    def __init__(
        self,
        max_epochs: int,
        num_gpus: int | None = None,
        gradient_clip_val: float = 0.0,
        board: bool = True,
        precision: str = "fp32",
        checkpoint: str | os.PathLike | None = None,
    ) -> None:
        checks.integer(max_epochs, "max_epochs", "Trainer", hint="E.g. Trainer(max_epochs=10).")
        checks.optional_integer(
            num_gpus, "num_gpus", "Trainer", minimum=0, hint="0 forces the CPU; None uses a GPU when there is one."
        )
        checks.number(gradient_clip_val, "gradient_clip_val", "Trainer", positive=False, hint="0 turns clipping off.")
        checks.flag(board, "board", "Trainer")
        if checkpoint is not None and (not isinstance(checkpoint, str | os.PathLike) or Path(checkpoint).is_dir()):
            raise ValueError(f"Trainer: checkpoint must be a file name, e.g. 'checkpoints/run.pt', got {checkpoint!r}")
        self.save_hyperparameters()
        if num_gpus == 0:
            self.device = torch.device("cpu")
        else:
            self.device = config.training_device() if num_gpus is None else config.try_gpu()
        self.precision = Precision(precision, self.device)
        self.checkpoint = Path(checkpoint) if checkpoint is not None else None
        self.epochs = max_epochs
        self.history: dict[str, list[float]] = {}
        self.board = ProgressBoard(xlim=(0, self.epochs)) if board else None

    def prepare_batch(self, batch: Iterable[torch.Tensor]) -> list[torch.Tensor]:
        """The batch on the training device (where the Trainer's loaders already are: nothing moves)."""
        batch = [a.to(self.device, non_blocking=True) for a in batch]
        return [self.precision.prepare_input(batch[0]), *batch[1:]]

    def fit(self, model: Module, data) -> None:
        """Train ``model`` on ``data``; the per-epoch averages are in ``self.history`` (returns None, as the book)."""
        if not isinstance(model, nn.Module) or not all(
            hasattr(model, m) for m in ("training_step", "validation_step", "configure_optimizers")
        ):
            raise TypeError(
                f"Trainer.fit: model must be a d2l.Module (e.g. d2l.LeNet() or a d2l.Classifier subclass), "
                f"got {type(model).__name__}; wrap a plain network as self.net of a d2l.Classifier"
            )
        if not all(hasattr(data, m) for m in ("train_dataloader", "val_dataloader")):
            raise TypeError(
                f"Trainer.fit: data must be a data module with train_dataloader() and val_dataloader() "
                f"(e.g. d2l.FashionMNIST()), got {type(data).__name__}"
            )
        self.model = model.to(self.device)
        train_loader, val_loader = (
            self._on_device(loader) for loader in (data.train_dataloader(), data.val_dataloader())
        )
        model.trainer = self  # the book's Module.plot reads the batch counters below
        self.num_train_batches, self.num_val_batches = len(train_loader), len(val_loader)
        self.train_batch_idx = self.val_batch_idx = 0
        if not len(train_loader):
            raise ValueError("Trainer.fit: the training loader yields no batches: is the data set empty?")
        if has_lazy_params(model):
            first = self.prepare_batch(next(iter(train_loader)))
            with torch.no_grad(), explain_shape_errors(model, tuple(first[0].shape), "Trainer.fit", all_errors=False):
                model(*first[:-1])
        self.precision.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.history = {"epoch": [], "train_loss": [], "val_loss": [], "val_acc": []}
        self.train_time, self.images_seen, self.wall_time = 0.0, 0, 0.0
        start_epoch = self._resume(train_loader, val_loader) if self.checkpoint else 0
        n_train = len(train_loader)
        print(
            f"training {type(model).__name__} on {self.device}{self.precision.describe()} for {self.epochs} epochs"
            f" x {n_train} batches" + (" (quick mode)" if config.is_quick() else ""),
            flush=True,
        )
        progress = ProgressLine()
        start = time.perf_counter() - self.wall_time
        with self._fast_kernels():
            for epoch in range(start_epoch, self.epochs):
                self.epoch = epoch
                train_loss = self._train_epoch(train_loader, progress)
                val = self._validate(val_loader)
                self._record(self.epoch + 1, train_loss, val)
                self.wall_time = time.perf_counter() - start
                if self.checkpoint:
                    self._save(train_loader, val_loader)
                line = self._epoch_line()
                progress.update(f"{progress_bar((self.epoch + 1) / self.epochs)} {line}", force=True)
                if self.board:
                    self.board.update()
        self.wall_time = time.perf_counter() - start
        self.images_per_second = self.images_seen / max(self.train_time, 1e-9)
        if self.board:
            self.board.show()
        print(
            f"{self._epoch_line()}\n"
            f"{self.images_per_second:,.0f} images/s on {self.device}, wall time {self.wall_time:.1f} s"
        )

    def _on_device(self, loader):
        """d2lcore's loaders keep their data on the training device; any other loader is moved batch by batch."""
        return loader.to(self.device) if isinstance(loader, TensorLoader) else loader

    @contextlib.contextmanager
    def _fast_kernels(self):
        """cuDNN picks the fastest convolution algorithm for the (fixed) batch shapes while the Trainer runs."""
        previous = torch.backends.cudnn.benchmark
        torch.backends.cudnn.benchmark = previous or self.device.type == "cuda"
        try:
            yield
        finally:
            torch.backends.cudnn.benchmark = previous

    def _train_epoch(self, loader, progress: ProgressLine) -> float:
        self.model.train()
        n = len(loader)
        total = torch.zeros((), device=self.device)
        count = 0
        tic = time.perf_counter()
        for i, batch in enumerate(loader):
            batch = self.prepare_batch(batch)
            with (
                explain_shape_errors(
                    self.model, tuple(batch[0].shape), "Trainer.fit", all_errors=False, remember=False
                ),
                self.precision.autocast(),
            ):
                loss = self.model.training_step(batch)
            self.optim.zero_grad(set_to_none=True)
            self.precision.step(loss, self.optim, self.model.parameters(), self.gradient_clip_val)
            self.train_batch_idx += 1
            size = len(batch[-1])
            total += loss.detach() * size
            count += size
            done = (self.epoch + (i + 1) / n) / self.epochs
            progress.update(f"{progress_bar(done)} epoch {self.epoch + 1}/{self.epochs}, batch {i + 1}/{n}")
        mean = (total / max(count, 1)).item()  # the epoch's one wait for the device
        self.train_time += time.perf_counter() - tic
        self.images_seen += count
        return mean

    def _validate(self, loader) -> dict[str, float]:
        self.model.eval()
        sums: dict[str, torch.Tensor] = {}
        count = 0
        with torch.inference_mode(), self.precision.autocast():
            for batch in loader:
                batch = self.prepare_batch(batch)
                size = len(batch[-1])
                for key, value in self.model.validation_step(batch).items():
                    sums[key] = sums.get(key, 0) + value.detach().float() * size
                count += size
                self.val_batch_idx += 1
        return {key: (value / max(count, 1)).item() for key, value in sums.items()}

    def _record(self, epoch: int, train_loss: float, val: dict[str, float]) -> None:
        self.history["epoch"].append(epoch)
        self.history["train_loss"].append(train_loss)
        for key, value in val.items():
            self.history.setdefault(f"val_{key}", []).append(value)
        if self.board:
            self.board.record("train_loss", epoch, train_loss)
            for key, value in val.items():
                self.board.record(f"val_{key}", epoch, value)

    def _epoch_line(self) -> str:
        parts = [f"epoch {self.history['epoch'][-1]}/{self.epochs}"]
        for key in ("train_loss", "val_loss", "val_acc"):
            if self.history.get(key):
                parts.append(f"{key.replace('_', ' ')} {self.history[key][-1]:.3f}")
        return ", ".join(parts)


def evaluate_accuracy(model: nn.Module, loader, device: torch.device | None = None) -> float:
    """Accuracy of ``model`` over every batch of ``loader``."""
    device = _evaluation_device(model, device, "evaluate_accuracy")
    model.eval()
    correct = total = 0
    with torch.inference_mode():
        for X, y in loader:
            pred = model(X.to(device)).argmax(dim=1).cpu()
            correct += int((pred == y).sum())
            total += len(y)
    if not total:
        raise ValueError("evaluate_accuracy: the loader yielded no examples; pass e.g. data.val_dataloader()")
    return correct / total


def evaluate_loss(
    net: nn.Module, data_iter, loss=None, device: torch.device | None = None, train_mode: bool = False
) -> float:
    """Mean loss of ``net`` over every batch of ``data_iter``, without updating it.

    ``loss=None`` takes the cross-entropy per example. A ``loss`` given, as in the book, is called as
    ``loss(output, y)`` with ``y`` reshaped like the output when it has as many elements, and must return
    one value per element (``reduction="none"``); the result is their mean. ``train_mode=True`` evaluates with
    the layers in training mode (dropout active), as the training loss is measured; batch-norm layers then use
    each batch's statistics, but their running averages are left untouched.
    """
    device = _evaluation_device(net, device, "evaluate_loss", name="net")
    checks.flag(train_mode, "train_mode", "evaluate_loss")
    if loss is not None and not callable(loss):
        raise TypeError(f"evaluate_loss: loss must be a function such as nn.MSELoss(reduction='none'), got {loss!r}")
    was_training = net.training
    net.train(train_mode)
    saved = {name: buf.clone() for name, buf in net.named_buffers()}
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            out, y = net(X.to(device)), y.to(device)
            if loss is None:
                total += nn.functional.cross_entropy(out, y, reduction="sum").item()
                count += len(y)
            else:
                values = loss(out, y.reshape(out.shape) if y.numel() == out.numel() else y)
                total += values.sum().item()
                count += values.numel()
    with torch.no_grad():
        for name, buf in net.named_buffers():
            buf.copy_(saved[name])
    net.train(was_training)
    if not count:
        raise ValueError("evaluate_loss: the loader yielded no examples; pass e.g. data.val_dataloader()")
    return total / count


def _evaluation_device(
    model: nn.Module, device: torch.device | str | None, where: str, name: str = "model"
) -> torch.device:
    checks.module(model, name, where)
    if device is not None and not isinstance(device, torch.device | str | int):
        raise TypeError(f"{where}: device must be a torch.device, a name such as 'cpu', or None, got {device!r}")
    return torch.device(device) if device is not None else _device_of(model)  # lazy layers materialise on the way
