"""Run-time settings read once from the environment: quick mode, offline mode, data root, device.

This is the single place that knows about ``D2LCORE_QUICK`` and ``D2LCORE_SEED``; everything else asks it.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path

import torch

from . import checks


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class QuickBudget:
    """How far quick mode shrinks training (used by the Trainer and the data module)."""

    max_resize: int = 32
    train_size: int = 12000
    val_size: int = 2000


QUICK_BUDGET = QuickBudget()


def is_quick() -> bool:
    """True when ``D2LCORE_QUICK`` asks for the shrunken CI/laptop run."""
    return _flag("D2LCORE_QUICK")


def is_offline() -> bool:
    """True when ``D2LCORE_OFFLINE`` forbids any download attempt (the data must already be on disk)."""
    return _flag("D2LCORE_OFFLINE")


def default_data_root() -> Path:
    """Where downloads go when ``D2LCORE_DATA`` is not set: ``~/.cache/d2lcore``."""
    return Path.home() / ".cache" / "d2lcore"


def data_root() -> Path:
    """Folder for data sets: ``D2LCORE_DATA`` or the default cache."""
    return Path(os.environ.get("D2LCORE_DATA", default_data_root())).expanduser()


def pick(full, quick):
    """Return ``quick`` in quick mode and ``full`` otherwise."""
    return quick if is_quick() else full


def seed(default: int) -> int:
    """Seed torch's random number generator for a training run and return the seed used.

    The seed is ``default`` unless ``D2LCORE_SEED`` gives another, so that a whole notebook can be re-run with
    other seeds without editing it (``make seeds NB=7.6 SEEDS="11 12 13"``). Since the data loaders draw their
    shuffling seed from torch's generator (see :class:`d2lcore.TensorLoader`), this one seed fixes the initial
    weights and the order of the minibatches.
    """
    default = checks.integer(default, "default", "seed", minimum=0, hint="E.g. d2l.seed(0).")
    text = os.environ.get("D2LCORE_SEED", "").strip()
    if text:
        try:
            chosen = int(text)
        except ValueError:
            raise ValueError(f"D2LCORE_SEED must be a whole number such as 101, got {text!r}") from None
    else:
        chosen = default
    torch.manual_seed(chosen)
    return chosen


def try_gpu(i: int = 0) -> torch.device:
    """The ``i``-th CUDA device if there is one, else the CPU (the book's name)."""
    if isinstance(i, bool) or not isinstance(i, int) or i < 0:
        raise ValueError(f"try_gpu: i must be a GPU index 0, 1, ..., got {i!r}")
    if torch.cuda.is_available() and torch.cuda.device_count() > i:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def num_gpus() -> int:
    """Number of usable CUDA devices (0 on a CPU-only machine)."""
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def train_resize(gpu: int, cpu: int) -> int:
    """Image side to train at: the book's size on a GPU, a smaller one on a CPU, capped in quick mode."""
    for name, value in (("gpu", gpu), ("cpu", cpu)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(
                f"train_resize: {name} must be an image side in pixels (a positive integer), got {value!r}"
            )
    side = gpu if num_gpus() else cpu
    return min(side, QUICK_BUDGET.max_resize) if is_quick() else side


def device_name(device: torch.device) -> str:
    """The GPU's name for a CUDA device, else the CPU model (from ``/proc/cpuinfo`` on Linux)."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    try:
        with open("/proc/cpuinfo") as f:
            models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    except OSError:
        models = []
    return f"{models[0]}, {len(models)} cores" if models else platform.processor() or "CPU"


def describe() -> str:
    """One line saying which mode and device this run uses."""
    if is_quick():
        budget = QUICK_BUDGET
        mode = (
            f"QUICK (D2LCORE_QUICK=1: {budget.train_size:,} / {budget.val_size:,} images, at most "
            f"{budget.max_resize} px; epochs set by each training call)"
        )
    else:
        mode = "FULL (as in the book)"
    device = try_gpu()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    return f"mode: {mode} | device: {device} ({name}) | torch {torch.__version__}"
