"""Checkpoints: a model's weights, and a whole training run that can resume, each saved in one piece.

:func:`save_model` / :func:`load_model` keep a model's weights. The Trainer's ``checkpoint=`` argument uses
:func:`save_training_state` / :func:`load_training_state`: after every epoch it saves the model, the optimiser,
the random-number states, the loader's data order and the history, so a run that is interrupted resumes where it
stopped. Every file is written under a temporary name and renamed into place (an interrupted save leaves the
previous file); a damaged file, or one written by another run, is reported with what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from . import checks
from .files import atomic_write
from .module import explain_shape_errors


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


TRAINING_FORMAT = "d2lcore training checkpoint 1"


def save_training_state(path: str | Path, state: dict) -> Path:
    """Write a training run's ``state`` (from the Trainer) to ``path`` atomically: the old file or the new one."""
    path = Path(path)
    with atomic_write(path) as f:
        torch.save({"format": TRAINING_FORMAT, **state}, f)
    return path


def load_training_state(path: str | Path, device: torch.device) -> dict:
    """The state saved by :func:`save_training_state`, tensors on ``device`` (random-number states on the CPU)."""
    path = Path(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except OSError:
        raise
    except Exception as err:
        raise CheckpointError(
            f"checkpoint {path} is damaged or not a checkpoint ({_first_detail(err, line=0)}); "
            f"delete it (rm {path}) to train from the start, or pass another checkpoint= path"
        ) from err
    if not isinstance(state, dict) or state.get("format") != TRAINING_FORMAT:
        raise CheckpointError(
            f"checkpoint {path} is not a training checkpoint of d2lcore's Trainer (a save_model file holds weights "
            "only: load it with d2l.load_model); pass another checkpoint= path, or delete the file to start afresh"
        )
    state["model"] = {k: v.to(device) for k, v in state["model"].items()}
    return state


def check_same_run(path: str | Path, saved: dict, current: dict) -> None:
    """Raise :class:`CheckpointError` naming what differs when ``saved`` and ``current`` describe different runs."""
    keys = sorted(set(saved) | set(current))
    diffs = [f"{k}: {_short(saved.get(k))} in the file, {_short(current.get(k))} now" for k in keys
             if saved.get(k) != current.get(k)]  # fmt: skip
    if diffs:
        raise CheckpointError(
            f"checkpoint {path} was written by another training run ({'; '.join(diffs[:3])}"
            f"{f'; and {len(diffs) - 3} more' if len(diffs) > 3 else ''}). To resume it, run the same model, data "
            f"and settings; to train this run from the start, delete it (rm {path}) or pass another checkpoint= path"
        )


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def has_lazy_params(model: nn.Module) -> bool:
    """Does ``model`` still have lazy layers whose shapes are not known yet?"""
    return any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters())


def _first_detail(err: Exception, line: int = 1) -> str:
    """Line ``line`` of an error message (1: the first line of load_state_dict's list of differences), else its type."""
    lines = [text.strip() for text in str(err).splitlines() if text.strip()]
    detail = lines[line] if len(lines) > line else lines[0] if lines else ""
    return f"{type(err).__name__}: {detail}" if detail else type(err).__name__
