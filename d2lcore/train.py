"""The Trainer: the book's fit loop, made fast and talkative.

Per epoch it trains, evaluates under ``torch.inference_mode``, records the averages, redraws the board once,
and keeps one progress line up to date. Losses are summed on the device and read once per epoch, so the
loop does not synchronise with the GPU at every step.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import torch
from torch import nn

from . import checks, config
from .module import HyperParameters, Module, _device_of, explain_shape_errors
from .plot import ProgressBoard, ProgressLine, progress_bar


class Trainer(HyperParameters):
    """Fit a :class:`~d2lcore.module.Module` to a data module.

    Args:
        max_epochs: epochs to train. Nothing changes it in quick mode: a notebook states its quick-mode budget
            at the call, ``Trainer(max_epochs=d2l.pick(full=10, quick=3))``.
        num_gpus: 0 forces the CPU; ``None`` (default) uses a GPU when there is one (CUDA, else Apple's MPS).
        gradient_clip_val: clip the global gradient norm to this value when positive.
        board: draw the live plot of train loss, val loss and val accuracy.
    """

    def __init__(
        self,
        max_epochs: int,
        num_gpus: int | None = None,
        gradient_clip_val: float = 0.0,
        board: bool = True,
    ) -> None:
        checks.integer(max_epochs, "max_epochs", "Trainer", hint="E.g. Trainer(max_epochs=10).")
        checks.optional_integer(
            num_gpus, "num_gpus", "Trainer", minimum=0, hint="0 forces the CPU; None uses a GPU when there is one."
        )
        checks.number(gradient_clip_val, "gradient_clip_val", "Trainer", positive=False, hint="0 turns clipping off.")
        checks.flag(board, "board", "Trainer")
        self.save_hyperparameters()
        self.device = torch.device("cpu") if num_gpus == 0 else config.training_device()
        self.epochs = max_epochs
        self.history: dict[str, list[float]] = {}
        self.board = ProgressBoard(xlim=(0, self.epochs)) if board else None

    def prepare_batch(self, batch: Iterable[torch.Tensor]) -> list[torch.Tensor]:
        non_blocking = self.device.type == "cuda"
        return [a.to(self.device, non_blocking=non_blocking) for a in batch]

    def fit(self, model: Module, data) -> dict[str, list[float]]:
        """Train ``model`` on ``data``; return the per-epoch history (also kept as ``self.history``)."""
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
        train_loader, val_loader = data.train_dataloader(), data.val_dataloader()
        if not len(train_loader):
            raise ValueError("Trainer.fit: the training loader yields no batches: is the data set empty?")
        if has_lazy_params(model):
            first = self.prepare_batch(next(iter(train_loader)))
            with torch.no_grad(), explain_shape_errors(model, tuple(first[0].shape), "Trainer.fit", all_errors=False):
                model(*first[:-1])
        self.optim = model.configure_optimizers()
        n_train = len(train_loader)
        print(
            f"training {type(model).__name__} on {self.device} for {self.epochs} epochs x {n_train} batches"
            + (" (quick mode)" if config.is_quick() else ""),
            flush=True,
        )
        progress = ProgressLine()
        self.history = {"epoch": [], "train_loss": [], "val_loss": [], "val_acc": []}
        self.train_time, self.images_seen = 0.0, 0
        start = time.perf_counter()
        for epoch in range(self.epochs):
            self.epoch = epoch
            train_loss = self._train_epoch(train_loader, progress)
            val = self._validate(val_loader)
            self._record(self.epoch + 1, train_loss, val)
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
        return self.history

    def _train_epoch(self, loader, progress: ProgressLine) -> float:
        self.model.train()
        n = len(loader)
        total = torch.zeros((), device=self.device)
        count = 0
        tic = time.perf_counter()
        for i, batch in enumerate(loader):
            batch = self.prepare_batch(batch)
            with explain_shape_errors(
                self.model, tuple(batch[0].shape), "Trainer.fit", all_errors=False, remember=False
            ):
                loss = self.model.training_step(batch)
            self.optim.zero_grad(set_to_none=True)
            loss.backward()
            if self.gradient_clip_val > 0:
                nn.utils.clip_grad_norm_(self.model.parameters(), self.gradient_clip_val)
            self.optim.step()
            size = len(batch[-1])
            total += loss.detach() * size
            count += size
            done = (self.epoch + (i + 1) / n) / self.epochs
            progress.update(f"{progress_bar(done)} epoch {self.epoch + 1}/{self.epochs}, batch {i + 1}/{n}")
        self.train_time += time.perf_counter() - tic
        self.images_seen += count
        return (total / max(count, 1)).item()

    def _validate(self, loader) -> dict[str, float]:
        self.model.eval()
        sums: dict[str, torch.Tensor] = {}
        count = 0
        with torch.inference_mode():
            for batch in loader:
                batch = self.prepare_batch(batch)
                size = len(batch[-1])
                for key, value in self.model.validation_step(batch).items():
                    sums[key] = sums.get(key, 0) + value.detach() * size
                count += size
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


def has_lazy_params(model: nn.Module) -> bool:
    """Does ``model`` still have lazy layers whose shapes are not known yet?"""
    return any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters())


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


def evaluate_loss(model: nn.Module, loader, device: torch.device | None = None, train_mode: bool = False) -> float:
    """Mean cross-entropy of ``model`` over every batch of ``loader``, without updating it.

    ``train_mode=True`` evaluates with the layers in training mode (dropout active), as the training loss is
    measured; batch-norm layers then use each batch's statistics, but their running averages are left untouched.
    """
    device = _evaluation_device(model, device, "evaluate_loss")
    checks.flag(train_mode, "train_mode", "evaluate_loss")
    was_training = model.training
    model.train(train_mode)
    saved = {name: buf.clone() for name, buf in model.named_buffers()}
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in loader:
            logits = model(X.to(device))
            total += nn.functional.cross_entropy(logits, y.to(device), reduction="sum").item()
            count += len(y)
    with torch.no_grad():
        for name, buf in model.named_buffers():
            buf.copy_(saved[name])
    model.train(was_training)
    if not count:
        raise ValueError("evaluate_loss: the loader yielded no examples; pass e.g. data.val_dataloader()")
    return total / count


def _evaluation_device(model: nn.Module, device: torch.device | str | None, where: str) -> torch.device:
    checks.module(model, "model", where)
    if device is not None and not isinstance(device, torch.device | str | int):
        raise TypeError(f"{where}: device must be a torch.device, a name such as 'cpu', or None, got {device!r}")
    return torch.device(device) if device is not None else _device_of(model)  # lazy layers materialise on the way
