"""Where the course trains: CUDA, else Apple's MPS, else the CPU; the book's try_gpu/num_gpus stay CUDA-only.

Availability is simulated (no GPU here), so these tests check the choice, not the hardware.
"""

import os
import subprocess
import sys

import pytest
import torch

import d2lcore as d2l
from d2lcore import config


@pytest.fixture
def machine(monkeypatch):
    """Pretend the machine has ``cuda`` CUDA GPUs and/or an MPS device."""

    def set_up(cuda: int = 0, mps: bool = False) -> None:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Simulated GPU")
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)

    return set_up


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(0, False, "cpu"), (0, True, "mps"), (1, False, "cuda:0"), (2, True, "cuda:0")],
)
def test_training_device_prefers_cuda_then_mps_then_cpu(machine, cuda, mps, expected):
    machine(cuda=cuda, mps=mps)
    assert d2l.training_device() == torch.device(expected)
    assert d2l.Trainer(max_epochs=1, board=False).device == torch.device(expected)
    assert d2l.Trainer(max_epochs=1, num_gpus=0, board=False).device == torch.device("cpu")


def test_the_books_gpu_functions_keep_meaning_cuda_only(machine):
    machine(cuda=0, mps=True)
    assert d2l.try_gpu() == torch.device("cpu") and d2l.num_gpus() == 0
    assert d2l.train_resize(gpu=224, cpu=64) == (32 if config.is_quick() else 64)
    machine(cuda=2, mps=True)
    assert d2l.try_gpu(1) == torch.device("cuda:1") and d2l.num_gpus() == 2


def test_describe_says_where_training_runs_only_when_asked(machine, monkeypatch):
    monkeypatch.setenv("D2LCORE_QUICK", "1")
    machine(cuda=0, mps=True)
    plain = d2l.describe()
    assert plain.startswith(f"torch {torch.__version__} | runs on: cpu (")
    assert not any(word in plain for word in ("QUICK", "FULL", "data", "images", "mps"))
    monkeypatch.setenv("PYTORCH_ENABLE_MPS_FALLBACK", "1")
    training = d2l.describe(training=True)
    assert training.startswith("mode: QUICK (D2LCORE_QUICK=1")
    assert "| trains on: mps (Apple GPU (MPS); operations MPS lacks run on the CPU) |" in training
    monkeypatch.setenv("PYTORCH_ENABLE_MPS_FALLBACK", "0")
    assert "operations MPS lacks will stop with an error: set PYTORCH_ENABLE_MPS_FALLBACK=1" in d2l.describe(True)
    machine(cuda=1)
    monkeypatch.setenv("D2LCORE_QUICK", "0")
    assert d2l.describe(training=True).startswith("mode: FULL (as in the book) | trains on: cuda:0 (Simulated GPU) |")


def test_the_mps_fallback_is_on_in_a_notebook_before_torch_loads():
    """The notebooks' first cell sets PYTORCH_ENABLE_MPS_FALLBACK before their imports; PyTorch reads it once, at
    import, and registers the CPU fallback for MPS. Checked in a fresh process: the setting is in place before torch
    is imported (torch here has no MPS, so the fallback itself cannot run)."""
    from IPython.core.inputtransformer2 import TransformerManager

    from scripts import set_repo

    cell = TransformerManager().transform_cell(set_repo.colab_cell(d2l.COURSE_REPO))
    script = (
        cell + "\nassert 'torch' not in sys.modules\nimport torch\nprint(os.environ['PYTORCH_ENABLE_MPS_FALLBACK'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTORCH_ENABLE_MPS_FALLBACK", "KAGGLE_KERNEL_RUN_TYPE")}
    out = subprocess.run(
        [sys.executable, "-c", "get_ipython = None\n" + script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "1"
