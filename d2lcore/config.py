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


def download_mirror() -> str | None:
    """``D2LCORE_MIRROR``: a web folder to download the data sets from instead of their publishers, or None.

    For institutions behind a proxy or with a local mirror, and for the course's own tests. The folder holds the
    published archives, one sub-folder per data set: ``<mirror>/FashionMNIST/train-images-idx3-ubyte.gz`` and the
    other three, likewise under ``<mirror>/MNIST/``.
    """
    url = os.environ.get("D2LCORE_MIRROR", "").strip()
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ValueError(
            f"D2LCORE_MIRROR must be a web address such as https://mirror.example.org/datasets, got {url!r}"
        )
    return url.rstrip("/")


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


def cpu() -> torch.device:
    """The CPU device (the book's name)."""
    return torch.device("cpu")


def gpu(i: int = 0) -> torch.device:
    """The ``i``-th CUDA device, whether or not it exists (the book's name; see :func:`try_gpu`)."""
    if isinstance(i, bool) or not isinstance(i, int) or i < 0:
        raise ValueError(f"gpu: i must be a GPU index 0, 1, ..., got {i!r}")
    return torch.device(f"cuda:{i}")


def try_all_gpus() -> list[torch.device]:
    """All CUDA devices, or ``[cpu()]`` when there is none (as the book's docstring promises), so ``[0]`` works."""
    return [gpu(i) for i in range(num_gpus())] or [cpu()]


def training_device() -> torch.device:
    """Where the course trains: the first CUDA GPU, else Apple's GPU (MPS), else the CPU.

    ``try_gpu`` and ``num_gpus`` keep the book's meaning (CUDA only); the Trainer uses this function. On MPS,
    operations it lacks run on the CPU with a note from PyTorch when ``PYTORCH_ENABLE_MPS_FALLBACK=1`` was set
    before ``import torch`` (each notebook's first cell sets it); see :func:`mps_fallback_note`.
    """
    if torch.cuda.is_available() and torch.cuda.device_count() > 0:
        return torch.device("cuda:0")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def mps_fallback_note() -> str:
    """What happens on MPS to an operation it lacks: run on the CPU, or stop (and how to change that)."""
    if os.environ.get("PYTORCH_ENABLE_MPS_FALLBACK", "").strip() == "1":
        return "operations MPS lacks run on the CPU"
    return (
        "operations MPS lacks will stop with an error: set PYTORCH_ENABLE_MPS_FALLBACK=1 before importing torch "
        "(the notebook's first cell does)"
    )


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
    if device.type == "mps":
        return "Apple GPU (MPS)"
    try:
        with open("/proc/cpuinfo") as f:
            models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    except OSError:
        models = []
    return f"{models[0]}, {len(models)} cores" if models else platform.processor() or "CPU"


def describe(training: bool = False) -> str:
    """One short line on what this notebook runs with; a notebook asks for what matters to it.

    ``describe()``: the PyTorch version and the CPU that the lesson's code runs on (tensors live on the CPU unless
    moved). ``describe(training=True)``, for notebooks that train: quick or full mode and the device the Trainer
    uses (:func:`training_device`). Data sets describe themselves when they load, so nothing here is about data.
    """
    if not training:
        return f"torch {torch.__version__} | runs on: cpu ({device_name(torch.device('cpu'))})"
    if is_quick():
        budget = QUICK_BUDGET
        mode = (
            f"QUICK (D2LCORE_QUICK=1: smaller data, at most {budget.max_resize} px; epochs set at each training call)"
        )
    else:
        mode = "FULL (as in the book)"
    device = training_device()
    where = f"{device} ({device_name(device)}{'; ' + mps_fallback_note() if device.type == 'mps' else ''})"
    return f"mode: {mode} | trains on: {where} | torch {torch.__version__}"
