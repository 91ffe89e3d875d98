"""The Trainer's ``precision=`` argument: the arithmetic a training step runs in.

- ``"fp32"`` (default, as in the book): every operation in float32.
- ``"bf16"``: forward passes and the loss under ``torch.autocast`` with bfloat16, where that is safe (matrix
  products, convolutions); weights, gradients and the optimiser's updates stay float32. On a GPU the model and the
  batches also use the ``channels_last`` memory layout, which the GPU's bf16 convolution kernels prefer. On a CPU
  it pays only where the CPU computes in bf16 natively (``avx512_bf16`` or AMX): ResNet-18 trains 1.74x faster
  there (benchmarks/RESULTS.md), while LeNet's small layers get slower; elsewhere it is slower.
- ``"fp16"``: autocast with float16 and a gradient scaler (so small gradients do not underflow); GPUs only.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import torch
from torch import nn

from . import checks

PRECISIONS = ("fp32", "bf16", "fp16")
_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def cpu_has_native_bf16() -> bool:
    """Does this CPU compute in bfloat16 natively (``avx512_bf16`` or AMX in Linux's /proc/cpuinfo)?"""
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        return False
    return bool(set(flags.split()) & {"avx512_bf16", "amx_bf16"})


class Precision:
    """Autocast, gradient scaling and memory layout for ``name`` (one of :data:`PRECISIONS`) on ``device``."""

    def __init__(self, name: str, device: torch.device) -> None:
        self.name = checks.choice(
            name, "precision", "Trainer", PRECISIONS, hint="'fp32' is the book's; 'bf16' trains faster on GPUs."
        )
        if name == "fp16" and device.type == "cpu":
            raise ValueError(
                "Trainer: precision='fp16' needs a GPU (it relies on the GPU's float16 units and a gradient "
                "scaler); on a CPU use 'fp32', or 'bf16' on CPUs with native bf16"
            )
        self.device = device
        self.channels_last = name != "fp32" and device.type == "cuda"
        self.scaler = torch.amp.GradScaler(device.type) if name == "fp16" else None

    def autocast(self) -> contextlib.AbstractContextManager:
        """The context a forward pass runs in (does nothing for fp32)."""
        if self.name == "fp32":
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=_DTYPES[self.name])

    def prepare_model(self, model: nn.Module) -> nn.Module:
        """The model in the memory layout this precision uses."""
        return model.to(memory_format=torch.channels_last) if self.channels_last else model

    def prepare_input(self, X: torch.Tensor) -> torch.Tensor:
        """A batch of images in the memory layout this precision uses."""
        return X.contiguous(memory_format=torch.channels_last) if self.channels_last and X.dim() == 4 else X

    def step(self, loss: torch.Tensor, optim: torch.optim.Optimizer, params, clip: float) -> None:
        """Backpropagate ``loss``, clip the gradients' global norm to ``clip`` when positive, update."""
        if self.scaler is None:
            loss.backward()
            if clip > 0:
                nn.utils.clip_grad_norm_(params, clip)
            optim.step()
            return
        self.scaler.scale(loss).backward()
        if clip > 0:
            self.scaler.unscale_(optim)
            nn.utils.clip_grad_norm_(params, clip)
        self.scaler.step(optim)
        self.scaler.update()

    def describe(self) -> str:
        """A few words for the Trainer's first line (empty for the default fp32)."""
        if self.name == "fp32":
            return ""
        return f", {self.name} autocast" + (", channels_last" if self.channels_last else "")
