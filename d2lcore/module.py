"""Model base classes in the book's style: HyperParameters, Module, Classifier, and initialisation helpers."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from . import checks
from .board import ProgressBoard


def add_to_class(Class: type) -> Callable:
    """Decorator that attaches the decorated function to ``Class`` as a method (the book's cell-by-cell style)."""

    if not isinstance(Class, type):
        raise TypeError(
            f"add_to_class: Class must be a class, got an instance of {type(Class).__name__}. "
            "Decorate with the class itself, e.g. @d2l.add_to_class(LeNet), not with an object of it."
        )

    def wrapper(obj: Callable) -> Callable:
        setattr(Class, obj.__name__, obj)
        return obj

    return wrapper


class HyperParameters:
    """Mixin whose :meth:`save_hyperparameters` stores the caller's ``__init__`` arguments as attributes."""

    def save_hyperparameters(self, ignore: Sequence[str] = ()) -> None:
        """Copy the arguments of the calling ``__init__`` into ``self.hparams`` and onto ``self``."""
        if isinstance(ignore, str) or not all(isinstance(name, str) for name in ignore):
            raise TypeError(
                f"save_hyperparameters: ignore must be a list of argument names, got {ignore!r}; "
                "e.g. ignore=['net'] (a bare string would be read letter by letter)"
            )
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        skip = set(ignore) | {"self"}
        self.hparams = {
            k: v for k, v in local_vars.items() if k not in skip and not k.startswith("_") and k != "__class__"
        }
        for k, v in self.hparams.items():
            setattr(self, k, v)


class Module(nn.Module, HyperParameters):
    """Base class of models: a network ``self.net``, a loss, an optimiser, and the steps the Trainer calls.

    ``plot_train_per_epoch`` and ``plot_valid_per_epoch`` say how many points per epoch :meth:`plot` draws on
    ``self.board``, as in the book; the Trainer draws its own board of epoch averages.
    """

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        checks.integer(plot_train_per_epoch, "plot_train_per_epoch", type(self).__name__)
        checks.integer(plot_valid_per_epoch, "plot_valid_per_epoch", type(self).__name__)
        self.save_hyperparameters()
        self.board = ProgressBoard()

    def __getstate__(self) -> dict:
        """Copies and pickles of a model leave out the Trainer that last fitted it (``self.trainer``)."""
        state = super().__getstate__()
        state.pop("trainer", None)
        return state

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if not hasattr(self, "net"):
            raise AttributeError(f"{type(self).__name__} has no self.net: define it or override forward()")
        return self.net(X)

    def plot(self, key: str, value: torch.Tensor | float, train: bool) -> None:
        """Add ``value`` to the curve ``train_<key>`` or ``val_<key>`` of ``self.board`` (the book's method).

        The x position is the fraction of epochs done, taken from the Trainer fitting this model.
        """
        trainer = getattr(self, "trainer", None)
        if trainer is None:
            raise AttributeError(
                f"{type(self).__name__}.plot: the model has no trainer yet; call it from training_step or "
                "validation_step while d2l.Trainer(...).fit(model, data) runs"
            )
        self.board.xlabel = "epoch"
        if train:
            x = trainer.train_batch_idx / trainer.num_train_batches
            n = trainer.num_train_batches / self.plot_train_per_epoch
        else:
            x = trainer.epoch + 1
            n = trainer.num_val_batches / self.plot_valid_per_epoch
        y = value.detach().cpu().item() if isinstance(value, torch.Tensor) else float(value)
        self.board.draw(x, y, ("train_" if train else "val_") + key, every_n=max(1, int(n)))

    def training_step(self, batch: Sequence[torch.Tensor]) -> torch.Tensor:
        """Loss on one batch; the Trainer backpropagates it."""
        return self.loss(self(*batch[:-1]), batch[-1])

    def validation_step(self, batch: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        """Metrics on one validation batch, averaged over the batch."""
        return {"loss": self.loss(self(*batch[:-1]), batch[-1])}

    def configure_optimizers(self) -> torch.optim.Optimizer:
        """Minibatch SGD with the model's ``lr`` hyperparameter."""
        if not hasattr(self, "lr"):
            raise AttributeError(
                f"{type(self).__name__} has no learning rate self.lr: give __init__ an lr argument and call "
                "self.save_hyperparameters(), or override configure_optimizers()"
            )
        checks.number(self.lr, "lr", type(self).__name__, hint="The learning rate is usually between 1e-4 and 1.")
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(self, inputs: Sequence[torch.Tensor], init: Callable[[nn.Module], None] | None = None) -> None:
        """Run one forward pass so lazy layers get their shapes, then apply ``init`` to every submodule."""
        where = f"{type(self).__name__}.apply_init"
        if isinstance(inputs, torch.Tensor) or not isinstance(inputs, Sequence):
            raise TypeError(
                f"{where}: inputs must be a list of input tensors, got {type(inputs).__name__}; "
                "wrap a single batch in a list: model.apply_init([X], d2l.init_cnn)"
            )
        if init is not None and not callable(init):
            raise TypeError(f"{where}: init must be a function of one module (e.g. d2l.init_cnn) or None, got {init!r}")
        if not inputs or not all(isinstance(X, torch.Tensor) for X in inputs):
            raise TypeError(f"{where}: inputs must be a non-empty list of tensors, e.g. [X], got {inputs!r}")
        with torch.no_grad(), explain_shape_errors(self, tuple(inputs[0].shape), where, all_errors=False):
            self.forward(*inputs)
        if init is not None:
            self.net.apply(init)

    def layer_summary(self, X_shape: Sequence[int]) -> None:
        """Print each layer of ``self.net`` with the shape of its output for a random input of ``X_shape``.

        Prints as the book does; :meth:`layer_shapes` returns the shapes instead.
        """
        for name, shape in self._walk_layers(X_shape, "layer_summary"):
            print(name, "output shape:\t", torch.Size(shape))

    def layer_shapes(self, X_shape: Sequence[int]) -> list[tuple[str, tuple[int, ...]]]:
        """(layer class name, output shape) for each layer of ``self.net``, for a random input of ``X_shape``.

        Lazy layers take their shapes from this input (as in the book). A shape that does not fit the model,
        e.g. 3 channels for a model built for 1, raises a ValueError naming the layer and what it expects.
        """
        return self._walk_layers(X_shape, "layer_shapes")

    def _walk_layers(self, X_shape: Sequence[int], method: str) -> list[tuple[str, tuple[int, ...]]]:
        where = f"{type(self).__name__}.{method}"
        X_shape = checks.shape(X_shape, "X_shape", where, hint="E.g. (1, 1, 28, 28): batch, channels, height, width.")
        if not hasattr(self, "net"):
            raise AttributeError(f"{where}: the model has no self.net to walk through layer by layer")
        X = torch.randn(*X_shape, device=_device_of(self))
        shapes = []
        with torch.no_grad(), explain_shape_errors(self, X_shape, where) as context:
            for i, layer in enumerate(self.net):
                context.layer = f"layer {i} ({layer.__class__.__name__})"
                X = layer(X)
                shapes.append((layer.__class__.__name__, tuple(X.shape)))
        return shapes


class explain_shape_errors:  # noqa: N801 (used as a context manager, like torch.no_grad)
    """Turn PyTorch's shape errors inside the block into a ValueError saying which input shape the model takes.

    Lazy layers take their shapes from the first input they see; that call is remembered on the model
    (``model._shaped_by``), so a later mismatch can name it. ``all_errors`` rewrites any RuntimeError (for a
    summary, where the input shape is all the caller chose); otherwise only recognisable shape mismatches are
    rewritten and other errors pass unchanged. ``remember=False`` skips the look for lazy layers (per training step).
    """

    def __init__(
        self,
        model: nn.Module,
        shape: tuple[int, ...],
        where: str,
        layer: str = "",
        all_errors: bool = True,
        remember: bool = True,
    ):
        self.model, self.shape, self.where, self.layer, self.all_errors = model, shape, where, layer, all_errors
        lazy = remember and any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters())
        self.was_lazy = lazy  # remember=False: the caller knows the model has its shapes (a training step)
        self.origin = getattr(model, "_shaped_by", None)

    def __enter__(self) -> explain_shape_errors:
        return self

    def __exit__(self, kind, err, tb) -> None:
        if err is None:
            if self.was_lazy and not self.origin:
                self.model._shaped_by = f"{self.where.split('.')[-1]} with input shape {self.shape}"
            return
        text = str(err).split("\n")[0]
        shape_error = re.search(r"to have \d+ channels|shapes cannot be multiplied|size mismatch|must match", text)
        if not isinstance(err, RuntimeError) or not (self.all_errors or shape_error):
            return
        origin = self.origin
        raise ValueError(
            f"{self.where}: input of shape {tuple(self.shape)} does not fit {type(self.model).__name__}"
            + (f" at {self.layer}" if self.layer else "")
            + f" ({text})."
            + (
                f" Its lazy layers took their shapes from the first input they saw ({origin}): give inputs shaped"
                " like that one, or build a fresh model for the new shape."
                if origin
                else " Check the number of channels (dimension 1) and the image size the model expects."
            )
        ) from err


def _device_of(module: nn.Module) -> torch.device:
    """The device of ``module``'s first parameter (lazy ones too: a model built on the meta device stays there)."""
    return next((p.device for p in module.parameters()), torch.device("cpu"))


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
    """Xavier-uniform initialisation for the weights of linear and convolutional layers.

    Lazy layers that have no shape yet are passed over, as in the book: ``net.apply(d2l.init_cnn)`` in a
    constructor changes nothing until the shapes are known, so initialise with ``model.apply_init([X], d2l.init_cnn)``.
    """
    checks.module(module, "module", "init_cnn", hint="Use it as model.apply_init([X], d2l.init_cnn).")
    if isinstance(module, nn.modules.lazy.LazyModuleMixin) and module.has_uninitialized_params():
        return
    if isinstance(module, nn.Linear | nn.Conv2d):
        nn.init.xavier_uniform_(module.weight)


def num_params(module: nn.Module) -> int:
    """Number of trainable scalars in ``module`` (lazy layers must be initialised first)."""
    checks.module(module, "module", "num_params")
    if any(isinstance(p, nn.parameter.UninitializedParameter) for p in module.parameters()):
        raise ValueError(
            f"num_params: {type(module).__name__} has lazy layers without shapes yet, so its size is unknown: "
            "run one input through it first, e.g. model.apply_init([X]) or model.layer_summary((1, 1, 28, 28))"
        )
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
