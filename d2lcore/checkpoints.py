"""Checkpoints: save a model's weights in one piece, load them back with a clear error when the file is damaged."""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from . import checks
from .files import atomic_write
from .module import explain_shape_errors
from .train import has_lazy_params


class CheckpointError(RuntimeError):
    """A checkpoint file cannot be read (truncated, damaged, not a checkpoint) or does not fit the model."""


def save_model(model: nn.Module, path: str | Path) -> Path:
    """Save ``model.state_dict()`` to ``path`` (folders are created).

    The file is written under a temporary name and renamed into place, so an interrupted save leaves the previous
    checkpoint (or none), never a half-written one.
    """
    checks.module(model, "model", "save_model")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"save_model: path must be a file name (str or Path), got {path!r}")
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"save_model: {path} is a folder; give a file name, e.g. {path / 'model.pt'}")
    if has_lazy_params(model):
        raise ValueError("save_model: the model has lazy layers without shapes yet: train it (or apply_init) first")
    with atomic_write(path) as f:
        torch.save(model.state_dict(), f)
    return path


def load_model(model: nn.Module, path: str | Path, example_input: torch.Tensor | None = None) -> nn.Module:
    """Load a state dict saved by :func:`save_model` into ``model``; lazy layers need ``example_input`` first.

    Raises :class:`CheckpointError` when the file is damaged or was saved from a different architecture.
    """
    checks.module(model, "model", "load_model")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"load_model: path must be a file name (str or Path), got {path!r}")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_model: no checkpoint at {path}: train the model and save it with save_model")
    if example_input is not None and not isinstance(example_input, torch.Tensor):
        raise TypeError(
            f"load_model: example_input must be a tensor such as torch.zeros(1, 1, 28, 28), got {example_input!r}"
        )
    if has_lazy_params(model):
        if example_input is None:
            raise ValueError("model has lazy layers: pass example_input so their shapes are known before loading")
        with torch.no_grad(), explain_shape_errors(model, tuple(example_input.shape), "load_model", all_errors=False):
            model(example_input)
    try:
        state = torch.load(path, map_location=next(model.parameters()).device, weights_only=True)
    except OSError:
        raise
    except Exception as err:
        raise CheckpointError(
            f"checkpoint {path} is damaged or not a checkpoint ({_first_detail(err, line=0)}); "
            f"delete it (rm {path}) and run the training again to write a new one"
        ) from err
    if not isinstance(state, dict):
        raise CheckpointError(f"checkpoint {path} holds a {type(state).__name__}, not a state dict from save_model")
    try:
        model.load_state_dict(state)
    except RuntimeError as err:
        raise CheckpointError(
            f"checkpoint {path} does not fit this {type(model).__name__} ({_first_detail(err)}): "
            "load it into the same architecture (and example_input shape) it was saved from, or retrain"
        ) from err
    return model


def _first_detail(err: Exception, line: int = 1) -> str:
    """Line ``line`` of an error message (1: the first line of load_state_dict's list of differences), else its type."""
    lines = [text.strip() for text in str(err).splitlines() if text.strip()]
    detail = lines[line] if len(lines) > line else lines[0] if lines else ""
    return f"{type(err).__name__}: {detail}" if detail else type(err).__name__
