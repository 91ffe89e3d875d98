"""The book's ``d2l.Trainer`` vs ``d2lcore.Trainer`` vs a hand-written loop, on full epochs of Fashion-MNIST.

Same network and seeded weights, real images, batch size, lr, SGD and epochs; each validates after every epoch.
``book``: ``d2l.FashionMNIST`` (PIL ``Resize`` + ``ToTensor`` per image, a ``DataLoader`` with 4 worker processes)
and a board redrawn during the epoch; ``d2lcore``: uint8 tensors, batches cut by indexing; ``plain``: a for-loop
over the same uint8 batches. One fresh process per run; runs rotate over variants and thread settings round by
round; round r shuffles with seed r. ``--max-batches N`` keeps the first N batches of each split.
Run: ``python benchmarks/bench_trainers.py [--quick] [--models lenet,resnet18] [--threads 1,0] [--max-batches N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path

import torch
import torch.nn.functional as F
from common import OUT, REPO, cpu_seconds, fp32_peak_per_core, machine, peak_rss_mb, write_json

import d2lcore
from d2lcore.data import load_dataset

VARIANTS = ("book", "d2lcore", "plain", "bf16")  # bf16: the plain loop under bf16 autocast (CPUs with bf16)


@dataclass(frozen=True)
class Config:
    """One benchmark setting: model, image size, batch size, images per split, epochs, learning rate."""

    model: str  # "lenet", "resnet18" or "vgg" (quarter width, as in 8.2)
    resize: int
    batch_size: int = 128
    n_train: int = 60000
    n_val: int = 10000
    epochs: int = 1
    lr: float = 0.9
    rounds: int = 3  # interleaved rounds (a full ResNet-18 CPU epoch takes 4-7 minutes a run)


CONFIGS = {"lenet": Config("lenet", 28, lr=0.9), "resnet18": Config("resnet18", 48, lr=0.05, rounds=2)}
QUICK = {
    "lenet": Config("lenet", 28, 128, 1024, 256, rounds=1),
    "resnet18": Config("resnet18", 32, 32, 64, 64, lr=0.05, rounds=1),
}


def write_idx_files(root: Path, cfg: Config) -> None:
    """The first ``n_train`` / ``n_val`` real images as torchvision raw IDX files under ``root/data``."""
    raw = root / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for prefix, n, (X, y) in zip(("train", "t10k"), (cfg.n_train, cfg.n_val), load_dataset("Fashion-MNIST")):
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(
            struct.pack(">IIII", 2051, n, 28, 28) + X[:n].numpy().tobytes()
        )
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, n) + y[:n].byte().numpy().tobytes())
    (root / "cwd").mkdir(exist_ok=True)  # the book's data root is '../data', relative to this folder


def make_net(cfg: Config) -> torch.nn.Module:
    """The network of ``cfg`` with seeded Xavier initialisation: identical weights in every variant."""
    torch.manual_seed(0)
    if cfg.model == "vgg":  # the quarter-width VGG-11 of notebook 8.2
        model = d2lcore.VGG(arch=tuple((n, c // 4) for n, c in d2lcore.VGG11_ARCH))
    else:
        model = d2lcore.LeNet() if cfg.model == "lenet" else d2lcore.ResNet18()
    model.eval()  # the shape-inferring forward pass must not touch batch-norm statistics
    model.apply_init([torch.zeros(2, 1, cfg.resize, cfg.resize)], d2lcore.init_cnn)
    return model.net.train()


def flops_per_image(cfg: Config, batch: int = 8) -> dict:
    """FLOPs of one training step (forward + backward) and of one forward pass, per image (FlopCounterMode)."""
    from torch.utils.flop_counter import FlopCounterMode

    net, X = make_net(cfg), torch.rand(batch, 1, cfg.resize, cfg.resize)
    with FlopCounterMode(display=False) as train:
        F.cross_entropy(net(X), torch.zeros(batch, dtype=torch.long)).backward()
    with FlopCounterMode(display=False) as fwd, torch.no_grad():
        net(X)
    return {"train": train.get_total_flops() / batch, "forward": fwd.get_total_flops() / batch}


def accuracy(net: torch.nn.Module, batches: Iterable) -> float:
    """Validation accuracy of ``net`` over an iterable of (X, y) batches."""
    with torch.inference_mode():
        hits = [net.eval()(X).argmax(1) == y for X, y in batches]
    return float(torch.cat(hits).float().mean())


def classifier(base: type, cfg: Config) -> torch.nn.Module:
    """An instance of the ``Classifier`` class ``base`` (the book's or d2lcore's) around ``make_net(cfg)``."""

    class Wrapped(base):
        def __init__(self) -> None:
            super().__init__()
            self.lr, self.net = cfg.lr, make_net(cfg)

    return Wrapped()


def run_book(cfg: Config, root: Path, seed: int) -> tuple:
    """(fit, net, validation batches, training loader factory) of the book's Trainer and data module."""
    from d2l import torch as book

    os.chdir(root / "cwd")  # DataModule(root='../data') -> root/data
    data = book.FashionMNIST(batch_size=cfg.batch_size, resize=(cfg.resize, cfg.resize))
    model = classifier(book.Classifier, cfg)
    torch.manual_seed(seed)  # the DataLoader shuffles with the global generator
    trainer = book.Trainer(max_epochs=cfg.epochs)
    return lambda: trainer.fit(model, data), model.net, data.val_dataloader(), data.train_dataloader


def run_d2lcore(cfg: Config, root: Path, seed: int) -> tuple:
    """(fit, net, validation batches, training loader factory) of d2lcore's Trainer and data module."""
    data = d2lcore.FashionMNIST(batch_size=cfg.batch_size, resize=cfg.resize)  # verified real files (D2LCORE_DATA)
    data.get_dataloader = lambda train: d2lcore.TensorLoader(
        data.train if train else data.val, cfg.batch_size, train, seed
    )
    (Xtr, ytr), (Xva, yva) = d2lcore.data.load_dataset("Fashion-MNIST")  # cached: the same first images as the others
    data.train = d2lcore.ImageSet(Xtr[: cfg.n_train], ytr[: cfg.n_train], cfg.resize)
    data.val = d2lcore.ImageSet(Xva[: cfg.n_val], yva[: cfg.n_val], cfg.resize)
    model = classifier(d2lcore.Classifier, cfg)
    trainer = d2lcore.Trainer(max_epochs=cfg.epochs, num_gpus=0)
    return lambda: trainer.fit(model, data), model.net, data.val_dataloader(), data.train_dataloader


def run_plain(cfg: Config, root: Path, seed: int, bf16: bool = False) -> tuple:
    """(fit, net, validation batches, training loader factory) of a hand-written loop over uint8 tensor batches.

    ``bf16``: forward passes under ``torch.autocast("cpu", torch.bfloat16)`` (weights and updates stay fp32)."""
    (Xtr, ytr), (Xva, yva) = ((X[:n], y[:n]) for (X, y), n in zip(load_dataset(), (cfg.n_train, cfg.n_val)))
    if cfg.resize != 28:  # resize once, keep uint8 (as d2lcore does)
        resize = lambda X: F.interpolate(X.unsqueeze(1).float(), cfg.resize, mode="bilinear", antialias=True)  # noqa: E731
        Xtr, Xva = (resize(X).squeeze(1).round().clamp(0, 255).to(torch.uint8) for X in (Xtr, Xva))
    net = make_net(cfg)
    torch.manual_seed(seed)
    optim = torch.optim.SGD(net.parameters(), lr=cfg.lr)

    def batches(X: torch.Tensor, y: torch.Tensor, order: torch.Tensor) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for idx in order.split(cfg.batch_size):
            yield X[idx].unsqueeze(1).float().div_(255), y[idx]

    def fit() -> None:
        for _ in range(cfg.epochs):
            net.train()
            for X, y in batches(Xtr, ytr, torch.randperm(len(Xtr))):
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    loss = F.cross_entropy(net(X), y)
                optim.zero_grad()
                loss.backward()
                optim.step()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                accuracy(net, batches(Xva, yva, torch.arange(len(Xva))))  # every epoch, like the two Trainers

    return fit, net, batches(Xva, yva, torch.arange(len(Xva))), lambda: batches(Xtr, ytr, torch.randperm(len(Xtr)))


def child(job: dict) -> None:
    """One training run (``job``: variant, config, root, out, threads, seed) in this fresh process."""
    variant, cfg, root, seed = job["variant"], Config(**job["config"]), Path(job["root"]), job["seed"]
    torch.set_num_threads(job["threads"] or torch.get_num_threads())
    load = os.getloadavg()[0]
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # progress lines, figure reprs
        runner = {"book": run_book, "d2lcore": run_d2lcore, "plain": run_plain, "bf16": partial(run_plain, bf16=True)}
        fit, net, val, train = runner[variant](cfg, root, seed)
        cpu, main, tic = cpu_seconds(), cpu_seconds(children=False), time.perf_counter()
        fit()
        wall, cpu, main = time.perf_counter() - tic, cpu_seconds() - cpu, cpu_seconds(children=False) - main
    result = {"variant": variant, "model": cfg.model, "threads": torch.get_num_threads(), "seed": seed, "load": load}
    result.update(epoch_s=wall / cfg.epochs, cpu_epoch_s=cpu / cfg.epochs, acc=accuracy(net, val))  # in fp32
    result["main_cpu_epoch_s"] = main / cfg.epochs  # the training process alone, without loader workers
    tic = time.perf_counter()
    for _ in train():  # one pass over the training loader with no model: the data pipeline alone
        pass
    result.update(loader_s=time.perf_counter() - tic, peak_rss_mb=peak_rss_mb())
    write_json(Path(job["out"]), result)


def measure(configs: dict[str, Config], threads: list[int], save: Callable[[list], None]) -> list[dict]:
    """Run every (model, thread setting, variant) ``config.rounds`` times, interleaved with a rotating order.

    ``save(runs)`` is called after every run, so an interrupted measurement keeps the runs it finished."""
    env = {**os.environ, "D2LCORE_OFFLINE": "1", "MPLBACKEND": "Agg", "PYTHONPATH": str(REPO)}
    env.pop("D2LCORE_QUICK", None)  # the trainers must not shrink the runs
    runs, variants = [], [v for v in VARIANTS if v != "bf16" or fp32_peak_per_core()["bf16"]]
    items = [(t, v) for t in threads for v in variants]
    with tempfile.TemporaryDirectory(prefix="d2lbench-") as tmp:
        for name, cfg in configs.items():
            root = Path(tmp) / name
            write_idx_files(root, cfg)
            repeats = cfg.rounds
            for rep in range(repeats):
                for t, variant in items[rep % len(items) :] + items[: rep % len(items)]:
                    out = root / f"{variant}-{t}-{rep}.json"
                    job = {"variant": variant, "config": asdict(cfg), "root": str(root), "out": str(out)}
                    job |= {"threads": t, "seed": rep}
                    cmd = [sys.executable, __file__, "--child", json.dumps(job)]
                    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
                    if proc.returncode != 0:
                        raise RuntimeError(f"{variant} on {name} failed:\n{proc.stderr[-3000:]}")
                    runs.append(r := json.loads(out.read_text()) | {"round": rep, "threads_arg": t})
                    save(runs)
                    print(
                        f"  {name} round {rep + 1}/{repeats} threads {r['threads']} {variant:<8} {r['epoch_s']:.2f}"
                        f" s/epoch, CPU {r['cpu_epoch_s']:.2f} s, acc {r['acc']:.3f}, load {r['load']:.1f}",
                        flush=True,
                    )
    return runs


def main(argv: list[str] | None = None) -> dict:
    """Measure, print one line per run and write the results as JSON (``--json``); return them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round: a smoke test")
    parser.add_argument("--models", default="lenet,resnet18", help="comma-separated subset of: lenet,resnet18")
    parser.add_argument("--threads", default="1,0", help="torch threads per run, comma-separated (0: default)")
    parser.add_argument("--repeats", type=int, default=None, help="rounds (default: LeNet 3, ResNet-18 2; quick 1)")
    parser.add_argument("--max-batches", type=int, default=None, help="only the first N batches (default: all)")
    parser.add_argument("--json", type=Path, default=None, help="where to write the results (default: out/)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one run, as JSON (see measure)
    args = parser.parse_args(argv)
    if args.child:
        return child(json.loads(args.child)) or {}
    table = QUICK if args.quick else CONFIGS
    configs = {}
    for k in args.models.split(","):
        n = (args.max_batches or 10**9) * table[k].batch_size  # keep the first N batches of each split
        configs[k] = replace(table[k], n_train=min(table[k].n_train, n), n_val=min(table[k].n_val, n))
        configs[k] = replace(configs[k], rounds=args.repeats or configs[k].rounds)
    info, tic = machine(), time.perf_counter()
    threads = [int(t) for t in args.threads.split(",")]
    rounds = ", ".join(f"{k} {c.rounds}" for k, c in configs.items())
    print(f"trainers: threads {threads}; interleaved rounds: {rounds}", flush=True)
    payload = {"machine": info, "quick": args.quick, "partial": True}
    payload |= {"configs": {k: asdict(c) | {"flops": flops_per_image(c)} for k, c in configs.items()}}
    path = args.json or OUT / f"trainers{'-quick' * args.quick}.json"
    payload["runs"] = measure(configs, threads, lambda runs: write_json(path, payload | {"runs": runs}))
    payload |= {"partial": False, "seconds": time.perf_counter() - tic}
    write_json(path, payload)
    return payload


if __name__ == "__main__":
    main()
