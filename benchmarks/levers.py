"""Levers on LeNet's per-step overhead (and bf16 on ResNet-18), each timed against its baseline in one process.

Medians in ms, variants alternating round by round: validation batch size; where a LeNet step's time goes; foreach
SGD; channels-last; native vs oneDNN kernels; bf16 autocast (CPUs with native bf16; accuracy: the ``bf16`` variant
of ``bench_trainers.py``); ``torch.compile`` (needs a C++ compiler). Run: ``python benchmarks/levers.py [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from bench_trainers import CONFIGS, make_net
from common import OUT, fp32_peak_per_core, median, write_json

from d2lcore.data import load_dataset

LENET, RESNET = CONFIGS["lenet"], CONFIGS["resnet18"]


def compare(variants: dict[str, Callable[[], object]], rounds: int, steps: int) -> dict[str, float]:
    """Median milliseconds per call of each variant, alternating the order round by round (after a warm-up)."""
    times: dict[str, list[float]] = {k: [] for k in variants}
    for fn in variants.values():
        fn()
    for r in range(rounds):
        for name in list(variants)[:: 1 if r % 2 == 0 else -1]:
            tic = time.perf_counter()
            for _ in range(steps):
                variants[name]()
            times[name].append((time.perf_counter() - tic) / steps * 1e3)
    return {k: median(v) for k, v in times.items()}


def stepper(net, size: int, foreach: bool = False, autocast: bool = False, nhwc: bool = False) -> Callable[[], None]:
    """One SGD step of ``net`` on a fixed seeded batch of 128 ``size`` x ``size`` images (``nhwc``: channels last)."""
    gen = torch.Generator().manual_seed(0)
    X, y = torch.rand(128, 1, size, size, generator=gen), torch.randint(0, 10, (128,), generator=gen)
    if nhwc:
        net, X = net.to(memory_format=torch.channels_last), X.contiguous(memory_format=torch.channels_last)
    optim = torch.optim.SGD(net.parameters(), lr=0.01, foreach=foreach or None)

    def step() -> None:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            loss = F.cross_entropy(net(X), y)
        optim.zero_grad()
        loss.backward()
        optim.step()

    return step


def val_batch_lever(rounds: int, sizes: tuple[int, ...] = (128, 1024, 10000)) -> dict[str, float]:
    """Milliseconds for one validation pass over the 10,000 test images in batches of each size."""
    _, (Xva, yva) = load_dataset("Fashion-MNIST")
    net = make_net(LENET).eval()

    def evaluate(bs: int) -> None:
        with torch.inference_mode():
            total = torch.zeros(())
            for s in range(0, len(Xva), bs):
                out, y = net(Xva[s : s + bs].unsqueeze(1).float().div_(255)), yva[s : s + bs]
                total += F.cross_entropy(out, y, reduction="sum") + (out.argmax(1) == y).sum()
            total.item()

    return compare({f"batch {bs}": lambda bs=bs: evaluate(bs) for bs in sizes}, rounds, 1)


def step_breakdown(steps: int) -> dict[str, float]:
    """Median milliseconds of each part of a LeNet step (batch 128) cut from the uint8 training images."""
    (Xtr, ytr), _ = load_dataset("Fashion-MNIST")
    net = make_net(LENET)
    optim = torch.optim.SGD(net.parameters(), lr=0.01)
    parts: dict[str, list[float]] = {"batch": [], "forward + loss": [], "backward": [], "SGD update": []}
    for i in range(steps + 2):
        t = [time.perf_counter()]
        X, y = Xtr[i * 128 : (i + 1) * 128].unsqueeze(1).float().div_(255), ytr[i * 128 : (i + 1) * 128]
        t.append(time.perf_counter())
        loss = F.cross_entropy(net(X), y)
        t.append(time.perf_counter())
        optim.zero_grad()
        loss.backward()
        t.append(time.perf_counter())
        optim.step()
        t.append(time.perf_counter())
        for j, key in enumerate(parts if i >= 2 else ()):  # the first two steps are warm-up
            parts[key].append((t[j + 1] - t[j]) * 1e3)
    return {k: median(v) for k, v in parts.items()}


def step_levers(rounds: int, steps: int) -> dict[str, dict[str, float]]:
    """LeNet's step: foreach SGD, channels-last, native instead of oneDNN kernels, bf16 autocast; ResNet-18's: bf16."""
    net, rnet = make_net(LENET), make_net(RESNET)
    out = {"foreach (LeNet)": {"default SGD": stepper(net, 28), "foreach=True": stepper(make_net(LENET), 28, True)}}
    out["channels_last (LeNet)"] = {"NCHW": stepper(net, 28), "NHWC": stepper(make_net(LENET), 28, nhwc=True)}
    native = stepper(make_net(LENET), 28)

    def native_conv() -> None:  # PyTorch's own convolution kernels instead of oneDNN's
        with warnings.catch_warnings(action="ignore"), torch.backends.mkldnn.flags(enabled=False):  # a TF32 notice
            native()

    out["oneDNN (LeNet)"] = {"oneDNN": stepper(net, 28), "native kernels": native_conv}
    if fp32_peak_per_core()["bf16"]:
        out["bf16 (LeNet)"] = {"fp32": stepper(net, 28), "bf16 autocast": stepper(net, 28, autocast=True)}
        out["bf16 (ResNet-18 48x48)"] = {"fp32": stepper(rnet, 48), "bf16 autocast": stepper(rnet, 48, autocast=True)}
    return {k: compare(v, rounds, 2 if "ResNet" in k else steps) for k, v in out.items()}


def compile_lever(rounds: int, steps: int) -> dict[str, float | str]:
    """LeNet's step eager vs ``torch.compile``d, with the one-off compile time; or why it could not run."""
    if not (shutil.which("g++") or shutil.which("c++")):
        return {"error": "no C++ compiler on PATH: inductor cannot build CPU kernels"}
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="inductor-")  # a cold start, as on Colab
    try:
        cstep, tic = stepper(torch.compile(make_net(LENET)), 28), time.perf_counter()
        cstep(), cstep()
        compile_s = time.perf_counter() - tic
    except Exception as err:  # any backend failure is a result to report, not a crash
        return {"error": f"{type(err).__name__}: {str(err)[:200]}"}
    return compare({"eager": stepper(make_net(LENET), 28), "compiled": cstep}, rounds, steps) | {"compile s": compile_s}


def main(argv: list[str] | None = None) -> dict:
    """Measure every lever, print and return the results, and write them as JSON (``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds and steps: a smoke test")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (0: torch's default)")
    parser.add_argument("--json", type=Path, default=None, help="where to write the results (default: out/)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads or torch.get_num_threads())
    rounds, steps = (2, 3) if args.quick else (6, 20)
    payload: dict = {"threads": torch.get_num_threads()}
    payload["val_batch"] = val_batch_lever(rounds)
    payload["step"] = step_breakdown(steps * 3)
    payload |= step_levers(rounds, steps)
    payload["compile"] = {"skipped": "quick mode"} if args.quick else compile_lever(rounds, steps)
    print("\n".join(f"{k}: {v}" for k, v in payload.items()), flush=True)
    write_json(args.json or OUT / f"levers{'-quick' * args.quick}.json", payload)
    return payload


if __name__ == "__main__":
    main()
