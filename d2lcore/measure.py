"""Measuring models and code: parameters and multiply-adds per layer, and best-of-n wall-clock timing.

Taught in notebooks/7.4_channels.ipynb (costs of convolutions), 8.2_vgg.ipynb and 8.6_resnet.ipynb (costs of whole
networks); timing is used wherever a notebook compares the speed of two computations (7.2, 7.3, 7.4, 7.5).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.parameter import UninitializedParameter
from torch.utils.flop_counter import FlopCounterMode

from .module import _device_of


@dataclass(frozen=True)
class LayerCost:
    """One layer with weights: its name in the model, type, output shape (no batch axis), parameters, MACs."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int
    macs: int


@dataclass(frozen=True)
class Cost:
    """A model's parameters and multiply-adds for one input, in total and per weight layer."""

    params: int
    macs: int
    layers: list[LayerCost]


def cost(model: nn.Module | Callable[[], nn.Module], input_shape: Sequence[int]) -> Cost:
    """Parameters and multiply-adds (MACs) of ``model`` for one input of ``input_shape`` (batch axis included).

    ``model`` is a module, or a function that builds one; either way the measurement runs on the meta device, so
    it allocates no memory and takes no time even for ImageNet-sized networks (a module with lazy layers first
    gets their shapes from one real forward pass of a single zero input). Lazy layers are materialised by a
    first forward pass. MACs are half of the FLOPs that ``torch.utils.flop_counter`` counts (one multiply and one
    add each); layers without weights (ReLU, pooling) count no MACs. Per-layer rows cover every module that has
    parameters of its own (convolutions, dense layers, batch norms).

    Taught in notebooks/7.4_channels.ipynb.
    """
    if not isinstance(model, nn.Module) and not callable(model):
        raise TypeError(f"cost: model must be a module or a function that builds one, got {type(model).__name__}")
    if len(input_shape) < 2 or any(int(n) < 1 for n in input_shape):
        raise ValueError(f"input_shape must be (batch, channels, ...) with positive sizes; got {tuple(input_shape)}")
    if isinstance(model, nn.Module):
        if any(isinstance(p, UninitializedParameter) for p in model.parameters()):
            # Lazy layers can be neither copied nor moved before they have shapes: one forward pass (batch of 1)
            # on the model's device gives them theirs, as layer_summary and apply_init do.
            with torch.no_grad():
                model(torch.zeros((1, *tuple(input_shape)[1:]), device=_device_of(model)))
        module = copy.deepcopy(model).to("meta")  # the caller's model keeps its weights and device
    else:
        with torch.device("meta"):
            module = model()
    with torch.device("meta"):
        X = torch.zeros(tuple(input_shape))
        with torch.no_grad():
            module(X)  # materialise lazy layers before counting
            shapes: dict[str, tuple[int, ...]] = {}
            weighted = [(name, m) for name, m in module.named_modules() if any(True for _ in m.parameters(False))]

            def record_shape(name: str) -> Callable:
                def hook(_module, _inputs, output) -> None:  # returning None keeps the output as it is
                    shapes[name] = tuple(output.shape[1:])

                return hook

            hooks = [m.register_forward_hook(record_shape(name)) for name, m in weighted]
            try:
                with FlopCounterMode(display=False) as counter:
                    module(X)
            finally:
                for hook in hooks:
                    hook.remove()
    flops = {key: sum(counts.values()) for key, counts in counter.get_flop_counts().items()}
    prefix = type(module).__name__
    layers = [
        LayerCost(
            name=name,
            kind=type(m).__name__,
            output_shape=shapes.get(name, ()),
            params=sum(p.numel() for p in m.parameters(False)),
            macs=flops.get(f"{prefix}.{name}" if name else prefix, 0) // 2,
        )
        for name, m in weighted
    ]
    return Cost(params=sum(p.numel() for p in module.parameters()), macs=flops.get("Global", 0) // 2, layers=layers)


@contextmanager
def num_threads(n: int | None) -> Iterator[None]:
    """Run the body with ``n`` torch threads (``None``: leave the setting alone), then restore the old count."""
    if n is not None and n < 1:
        raise ValueError(f"num_threads needs n >= 1 (or None), got {n}")
    old = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def best_time(fn: Callable[[], object], repeats: int = 5, warmup: int = 1, threads: int | None = 1) -> float:
    """The shortest of ``repeats`` wall-clock times of ``fn()`` in seconds, after ``warmup`` untimed calls.

    The minimum is the least disturbed estimate of what the computation itself costs. ``threads=1`` (the default)
    times single-threaded work, so that comparisons do not depend on how many cores the machine has or how busy
    they are; pass ``None`` to time with torch's current setting.

    Taught in notebooks/7.2_conv_layer.ipynb.
    """
    if not callable(fn):
        raise TypeError(f"best_time: fn must be a function of no arguments, e.g. lambda: corr2d(X, K); got {fn!r}")
    if repeats < 1 or warmup < 0:
        raise ValueError(f"best_time needs repeats >= 1 and warmup >= 0, got repeats={repeats}, warmup={warmup}")
    with num_threads(threads):
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return min(times)
