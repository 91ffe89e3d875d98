"""Model base classes in the book's style: HyperParameters, Module, Classifier, and initialisation helpers."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn


def add_to_class(Class: type) -> Callable:
    """Decorator that attaches the decorated function to ``Class`` as a method (the book's cell-by-cell style)."""

    def wrapper(obj: Callable) -> Callable:
        setattr(Class, obj.__name__, obj)
        return obj

    return wrapper


class HyperParameters:
    """Mixin whose :meth:`save_hyperparameters` stores the caller's ``__init__`` arguments as attributes."""

    def save_hyperparameters(self, ignore: Sequence[str] = ()) -> None:
        """Copy the arguments of the calling ``__init__`` into ``self.hparams`` and onto ``self``."""
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        skip = set(ignore) | {"self"}
        self.hparams = {
            k: v for k, v in local_vars.items() if k not in skip and not k.startswith("_") and k != "__class__"
        }
        for k, v in self.hparams.items():
            setattr(self, k, v)


class Module(nn.Module, HyperParameters):
    """Base class of models: a network ``self.net``, a loss, an optimiser, and the steps the Trainer calls."""

    def __init__(self) -> None:
        super().__init__()

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if not hasattr(self, "net"):
            raise AttributeError(f"{type(self).__name__} has no self.net: define it or override forward()")
        return self.net(X)

    def training_step(self, batch: Sequence[torch.Tensor]) -> torch.Tensor:
        """Loss on one batch; the Trainer backpropagates it."""
        return self.loss(self(*batch[:-1]), batch[-1])

    def validation_step(self, batch: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        """Metrics on one validation batch, averaged over the batch."""
        return {"loss": self.loss(self(*batch[:-1]), batch[-1])}

    def configure_optimizers(self) -> torch.optim.Optimizer:
        """Minibatch SGD with the model's ``lr`` hyperparameter."""
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(self, inputs: Sequence[torch.Tensor], init: Callable[[nn.Module], None] | None = None) -> None:
        """Run one forward pass so lazy layers get their shapes, then apply ``init`` to every submodule."""
        with torch.no_grad():
            self.forward(*inputs)
        if init is not None:
            self.net.apply(init)

    def layer_summary(self, X_shape: Sequence[int], verbose: bool = True) -> list[tuple[str, tuple[int, ...]]]:
        """Push a random tensor of ``X_shape`` through ``self.net`` layer by layer; return (name, shape) pairs."""
        X = torch.randn(*X_shape, device=_device_of(self))
        summary = []
        with torch.no_grad():
            for layer in self.net:
                X = layer(X)
                summary.append((layer.__class__.__name__, tuple(X.shape)))
                if verbose:
                    print(f"{layer.__class__.__name__:<12} output shape:\t{tuple(X.shape)}")
        return summary


def _device_of(module: nn.Module) -> torch.device:
    for p in module.parameters():
        if not isinstance(p, nn.parameter.UninitializedParameter):
            return p.device
    return torch.device("cpu")


class Classifier(Module):
    """A Module for classification: cross-entropy loss and accuracy as the validation metrics."""

    def validation_step(self, batch: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        Y_hat = self(*batch[:-1])
        return {"loss": self.loss(Y_hat, batch[-1]), "acc": self.accuracy(Y_hat, batch[-1])}

    def accuracy(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        """Fraction (or per-example 0/1 flags) of predictions that match the labels."""
        preds = Y_hat.reshape(-1, Y_hat.shape[-1]).argmax(dim=1).to(Y.dtype)
        compare = (preds == Y.reshape(-1)).float()
        return compare.mean() if averaged else compare

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        """Cross-entropy between logits and integer labels."""
        return F.cross_entropy(
            Y_hat.reshape(-1, Y_hat.shape[-1]), Y.reshape(-1), reduction="mean" if averaged else "none"
        )


def init_cnn(module: nn.Module) -> None:
    """Xavier-uniform initialisation for the weights of linear and convolutional layers."""
    if isinstance(module, nn.modules.lazy.LazyModuleMixin) and module.has_uninitialized_params():
        raise ValueError(
            f"{type(module).__name__} has no shape yet: run a forward pass first, "
            "e.g. model.apply_init([X], d2l.init_cnn)"
        )
    if isinstance(module, nn.Linear | nn.Conv2d):
        nn.init.xavier_uniform_(module.weight)


def num_params(module: nn.Module) -> int:
    """Number of trainable scalars in ``module`` (lazy layers must be initialised first)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
