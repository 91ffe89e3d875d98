"""The Trainer benchmark's GPU rows: the book's ``d2l.Trainer``, d2lcore's, and a hand-written loop on one device.

At the book's sizes: the quarter-width VGG-11 of 8.2 at 224 px and ResNet-18 at 96 px, batch 128, SGD, the same
seeded weights and real images. Each loop trains one epoch of ``--batches`` batches and validates on one batch,
after a warm-up of three steps on the same shapes (cuDNN's algorithm search, CUDA's start-up). Measured: images
per second over the epoch (synchronised), peak GPU memory, and training TFLOP/s against the device's peak.
``book``: ``d2l.FashionMNIST`` (PIL resize per image, 4 loader processes) and ``d2l.Trainer(num_gpus=1)``;
``d2lcore`` (fp32 and bf16): ``d2lcore.Trainer``, data on the device; ``plain``: a for-loop over uint8 batches on
the device. ``--dry-run``: tiny sizes on the CPU, so the script is exercised where no GPU is lent.
Run: ``python benchmarks/bench_gpu.py --json OUT/bench.json [--dry-run]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn.functional as F
from bench_trainers import Config, classifier, flops_per_image, make_net, write_idx_files
from common import fp32_peak_per_core, write_json

import d2lcore
from d2lcore.data import load_dataset, resize_batch

BOOK_SIZES = {"vgg": Config("vgg", 224, lr=0.01), "resnet18": Config("resnet18", 96, lr=0.01)}
DRY_SIZES = {"vgg": Config("vgg", 32, batch_size=8, lr=0.01), "resnet18": Config("resnet18", 32, batch_size=8)}
VARIANTS = ("book", "d2lcore", "d2lcore-bf16", "plain")
# Dense peaks in TFLOP/s from NVIDIA's data sheets (SXM boards): FP32 without tensor cores, TF32 and BF16 tensor cores.
GPU_PEAKS = {"H100": {"fp32": 67, "tf32": 495, "bf16": 989}, "H200": {"fp32": 67, "tf32": 495, "bf16": 989},
             "A100": {"fp32": 19.5, "tf32": 156, "bf16": 312}}  # fmt: skip


def device_peaks(device: torch.device) -> dict:
    """The device's peak TFLOP/s (FP32, TF32, BF16): from the table for known GPUs, estimated for the CPU."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        peaks = next((v for k, v in GPU_PEAKS.items() if k in name), {})
        return {"name": name, **peaks, "note": "" if peaks else "unknown GPU: no peak in the table"}
    per_core = fp32_peak_per_core()["gflops"] / 1000
    return {"name": "CPU", "fp32": per_core * torch.get_num_threads(), "note": "CPU estimate, torch threads"}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def warm_up(cfg: Config, device: torch.device) -> None:
    """Three training steps of a throwaway copy of the network on random batches of the measured shapes."""
    net = make_net(cfg).to(device)
    optim = torch.optim.SGD(net.parameters(), lr=cfg.lr)
    for precision in (torch.float32, torch.bfloat16):
        for _ in range(3):
            X = torch.rand(cfg.batch_size, 1, cfg.resize, cfg.resize, device=device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == torch.bfloat16):
                loss = F.cross_entropy(net(X), torch.zeros(cfg.batch_size, dtype=torch.long, device=device))
            optim.zero_grad()
            loss.backward()
            optim.step()
    sync(device)


def fit_book(cfg: Config, root: Path, device: torch.device):
    from d2l import torch as book

    os.chdir(root / "cwd")  # the book's data root is '../data'
    data = book.FashionMNIST(batch_size=cfg.batch_size, resize=(cfg.resize, cfg.resize))
    if device.type == "cpu":
        data.num_workers = 0  # the dry run: no loader processes to start
    model = classifier(book.Classifier, cfg)
    trainer = book.Trainer(max_epochs=1, num_gpus=int(device.type == "cuda"))
    return lambda: trainer.fit(model, data)


def fit_d2lcore(cfg: Config, device: torch.device, precision: str = "fp32"):
    (Xtr, ytr), (Xva, yva) = load_dataset("Fashion-MNIST")
    data = d2lcore.DataModule()
    data.train = d2lcore.ImageSet(Xtr[: cfg.n_train], ytr[: cfg.n_train], cfg.resize)
    data.val = d2lcore.ImageSet(Xva[: cfg.n_val], yva[: cfg.n_val], cfg.resize)
    data.get_dataloader = lambda train: d2lcore.TensorLoader(data.train if train else data.val, cfg.batch_size, train)
    model = classifier(d2lcore.Classifier, cfg)
    trainer = d2lcore.Trainer(max_epochs=1, num_gpus=None if device.type == "cuda" else 0, board=False,
                              precision=precision)  # fmt: skip
    return lambda: trainer.fit(model, data)


def fit_plain(cfg: Config, device: torch.device):
    (Xtr, ytr), (Xva, yva) = ((X[:n].to(device), y[:n].to(device)) for (X, y), n in
                              zip(load_dataset("Fashion-MNIST"), (cfg.n_train, cfg.n_val)))  # fmt: skip
    net = make_net(cfg).to(device)
    optim = torch.optim.SGD(net.parameters(), lr=cfg.lr)

    def fit() -> None:
        net.train()
        for idx in torch.randperm(len(Xtr)).to(device).split(cfg.batch_size):
            loss = F.cross_entropy(net(resize_batch(Xtr[idx], (cfg.resize, cfg.resize))), ytr[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
        net.eval()
        with torch.inference_mode():
            hits = sum((net(resize_batch(X, (cfg.resize,) * 2)).argmax(1) == y).sum() for X, y in
                       zip(Xva.split(cfg.batch_size), yva.split(cfg.batch_size)))  # fmt: skip
        float(hits)

    return fit


def measure(cfg: Config, variant: str, root: Path, device: torch.device) -> dict:
    """Train one epoch with ``variant``; images/s, peak memory and TFLOP/s."""
    torch.manual_seed(0)
    makers = {
        "book": lambda: fit_book(cfg, root, device),
        "d2lcore": lambda: fit_d2lcore(cfg, device),
        "d2lcore-bf16": lambda: fit_d2lcore(cfg, device, "bf16"),
        "plain": lambda: fit_plain(cfg, device),
    }
    fit = makers[variant]()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    sync(device)
    tic = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # progress lines, the book's board
        fit()
    sync(device)
    seconds = time.perf_counter() - tic
    flops = flops_per_image(cfg)
    total = cfg.n_train * flops["train"] + cfg.n_val * flops["forward"]
    memory = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None
    return {
        "model": cfg.model,
        "resize": cfg.resize,
        "variant": variant,
        "images": cfg.n_train,
        "seconds": seconds,
        "images_per_s": cfg.n_train / seconds,
        "peak_gpu_gib": memory,
        "tflops": total / seconds / 1e12,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, required=True, help="where to write the results")
    parser.add_argument("--batches", type=int, default=40, help="training batches per epoch (default 40)")
    parser.add_argument("--models", default="vgg,resnet18")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--dry-run", action="store_true", help="tiny sizes on the CPU, 2 batches")
    args = parser.parse_args(argv)
    device = torch.device("cpu") if args.dry_run else d2lcore.config.training_device()
    sizes, batches = (DRY_SIZES, 2) if args.dry_run else (BOOK_SIZES, args.batches)
    payload = {"device": str(device), "peaks": device_peaks(device), "torch": torch.__version__, "runs": []}
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="d2l-gpu-bench-") as tmp:
        for name in args.models.split(","):
            cfg = replace(sizes[name], n_train=batches * sizes[name].batch_size, n_val=sizes[name].batch_size)
            root = Path(tmp) / name
            write_idx_files(root, cfg)
            warm_up(cfg, device)
            for variant in args.variants.split(","):
                run = measure(cfg, variant, root, device)
                os.chdir(here)
                payload["runs"].append(run)
                write_json(args.json, payload)  # what is done is kept, whatever happens next
                print(json.dumps(run), flush=True)
    return payload


if __name__ == "__main__":
    main()
