"""Question 1: training speed and memory of d2lcore's Trainer, the book's d2l Trainer and a hand-written loop.

The three variants train the same network (same architecture, same seeded initial weights) on the same images
(the first images of the real Fashion-MNIST, written to disk as torchvision's raw IDX files so the book's
torchvision loader reads them without a download) with the same batch size, learning rate and number of epochs:

- ``book``:    ``d2l.Trainer`` + ``d2l.FashionMNIST`` of the book's package (``from d2l import torch``):
               PIL ``Resize`` + ``ToTensor`` per image, a ``DataLoader`` with 4 worker processes, per-step board.
- ``d2lcore``: ``d2lcore.Trainer`` + ``d2lcore.FashionMNIST`` (uint8 tensors batched by slicing), board on.
- ``plain``:   a for-loop over the same uint8 tensor batches: forward, cross-entropy, backward, SGD step,
               then accuracy on the validation set under ``inference_mode`` once per epoch.

Every run is a fresh Python process (so peak RSS is per run), and the variants are interleaved with a rotating
order (A B C, B C A, C A B, ...) so that a change in the load of a shared machine hits all of them alike.
The initial weights are the same in every run; run r shuffles the training set with seed r in every variant,
so the spread of the accuracies over the runs shows how much shuffling alone moves them.
The table reports medians over the runs.

    python benchmarks/bench_trainers.py            # full: about 4-5 minutes on 2 cores
    python benchmarks/bench_trainers.py --quick    # smoke run: tiny sizes, one run each, well under a minute
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from common import (
    OUT,
    REPO,
    cpu_seconds,
    load_average,
    machine,
    markdown_table,
    median,
    peak_rss_mb,
    read_json,
    rss_mb,
    write_json,
)

VARIANTS = ("book", "d2lcore", "plain")
LABELS = {"book": "d2l (book) Trainer", "d2lcore": "d2lcore Trainer", "plain": "hand-written loop"}
MODEL_NAMES = {"lenet": "LeNet", "resnet18": "ResNet-18"}


@dataclass(frozen=True)
class Config:
    name: str
    model: str  # "lenet" or "resnet18"
    resize: int
    batch_size: int
    n_train: int
    n_val: int
    epochs: int
    lr: float
    repeats: int = 3  # runs per variant unless --repeats says otherwise


CONFIGS = {
    # LeNet as in the book (batch 128, 28x28) on 10000 images (79 batches per epoch), with lr=0.9 instead of
    # 0.1: the sigmoid LeNet sits on a plateau at chance level for its first few hundred steps, and the larger
    # rate gets it off the plateau within six epochs, so that the accuracy column means something.
    # Five runs each: LeNet runs are short, and the d2lcore / loop ratio sits close to the 10% line.
    "lenet": Config("lenet", "lenet", 28, 128, 10000, 2000, 6, 0.9, repeats=5),
    # ResNet-18 at 48x48 (the book trains at 96x96 on a GPU): 6 batches of 64 per epoch, so that fit() takes
    # about 5 s and a whole run (process start, data, fit, evaluation) about 10-15 s on a CPU core.
    "resnet18": Config("resnet18", "resnet18", 48, 64, 384, 256, 2, 0.05),
}
QUICK = {
    "lenet": replace(CONFIGS["lenet"], n_train=1024, n_val=256, epochs=1, repeats=1),
    "resnet18": replace(CONFIGS["resnet18"], resize=32, n_train=128, n_val=64, epochs=1, repeats=1),
}


# ----------------------------------------------------------------------------------------------- data on disk
def write_idx_files(root: Path, cfg: Config) -> Path:
    """The first ``n_train`` / ``n_val`` real Fashion-MNIST images as raw IDX files under ``root/data``."""
    import struct

    import torch

    from d2lcore.data import load_dataset

    raw = root / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for prefix, n, (X, y) in zip(("train", "t10k"), (cfg.n_train, cfg.n_val), load_dataset("Fashion-MNIST")):
        X, y = X[:n], y[:n]
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, n, 28, 28) + X.numpy().tobytes())
        labels = y.to(torch.uint8).numpy().tobytes()
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, n) + labels)
    (root / "cwd").mkdir(exist_ok=True)  # the book's data root is '../data', relative to this folder
    return root / "data"


# ------------------------------------------------------------------------------------------ one run (child)
def make_net(cfg: Config):
    """The network of ``cfg`` with seeded Xavier initialisation: identical weights in every variant."""
    import torch

    import d2lcore

    torch.manual_seed(0)
    model = d2lcore.LeNet() if cfg.model == "lenet" else d2lcore.ResNet18()
    model.eval()  # the shape-inferring forward pass must not touch batch-norm running statistics
    model.apply_init([torch.zeros(2, 1, cfg.resize, cfg.resize)], d2lcore.init_cnn)
    model.train()
    return model.net


def accuracy(net, batches, device) -> float:
    import torch

    net.eval()
    correct = total = 0
    with torch.inference_mode():
        for X, y in batches:
            correct += int((net(X.to(device)).argmax(1).cpu() == y).sum())
            total += len(y)
    return correct / max(total, 1)


def run_book(cfg: Config, root: Path, device, seed: int) -> dict:
    import torch
    from d2l import torch as d2l_book

    class BookClassifier(d2l_book.Classifier):
        def __init__(self, net, lr):
            super().__init__()
            self.save_hyperparameters(ignore=["net"])
            self.net = net

    os.chdir(root / "cwd")  # DataModule(root='../data') -> root/data
    tic = time.perf_counter()
    data = d2l_book.FashionMNIST(batch_size=cfg.batch_size, resize=(cfg.resize, cfg.resize))
    setup = time.perf_counter() - tic
    model = BookClassifier(make_net(cfg), cfg.lr)
    torch.manual_seed(seed)  # the DataLoader shuffles with the global generator
    trainer = d2l_book.Trainer(max_epochs=cfg.epochs, num_gpus=1 if device.type == "cuda" else 0)
    cpu, tic = cpu_seconds(), time.perf_counter()
    trainer.fit(model, data)
    fit, cpu = _synced(device, tic), cpu_seconds() - cpu
    acc = accuracy(model.net, data.val_dataloader(), device)
    return {"setup_s": setup, "fit_s": fit, "cpu_s": cpu, "acc": acc, "loader_s": loader_pass(data.train_dataloader())}


def loader_pass(loader) -> float:
    """Seconds for one pass over a training loader with no model: the cost of the data pipeline alone."""
    tic = time.perf_counter()
    for _ in loader:
        pass
    return time.perf_counter() - tic


def run_d2lcore(cfg: Config, root: Path, device, seed: int) -> dict:
    import d2lcore

    class SeededFashionMNIST(d2lcore.FashionMNIST):
        """d2lcore's data module with the shuffling seed of this run (its loaders use seed 0 otherwise)."""

        def get_dataloader(self, train: bool) -> d2lcore.TensorLoader:
            return d2lcore.TensorLoader(self.train if train else self.val, self.batch_size, train, seed=seed)

    class CoreClassifier(d2lcore.Classifier):
        def __init__(self, net, lr):
            super().__init__()
            self.save_hyperparameters(ignore=("net",))
            self.net = net

    tic = time.perf_counter()
    data = SeededFashionMNIST(batch_size=cfg.batch_size, resize=cfg.resize, root=root / "data")
    setup = time.perf_counter() - tic
    model = CoreClassifier(make_net(cfg), cfg.lr)
    trainer = d2lcore.Trainer(max_epochs=cfg.epochs, num_gpus=None if device.type == "cuda" else 0)
    cpu, tic = cpu_seconds(), time.perf_counter()
    trainer.fit(model, data)
    fit, cpu = _synced(device, tic), cpu_seconds() - cpu
    acc = accuracy(model.net, data.val_dataloader(), device)
    return {"setup_s": setup, "fit_s": fit, "cpu_s": cpu, "acc": acc, "loader_s": loader_pass(data.train_dataloader())}


def run_plain(cfg: Config, root: Path, device, seed: int) -> dict:
    import torch
    import torch.nn.functional as F
    import torchvision

    def load(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
        ds = torchvision.datasets.FashionMNIST(root / "data", train=train, download=False)
        X = ds.data
        if cfg.resize != X.shape[-1]:  # resize once, keep uint8
            X = F.interpolate(X.unsqueeze(1).float(), size=(cfg.resize, cfg.resize), mode="bilinear", antialias=True)
            X = X.squeeze(1).round().clamp(0, 255).to(torch.uint8)
        return X, ds.targets

    tic = time.perf_counter()
    (Xtr, ytr), (Xva, yva) = load(True), load(False)
    setup = time.perf_counter() - tic
    net = make_net(cfg).to(device)
    torch.manual_seed(seed)  # randperm below shuffles with the global generator
    optim = torch.optim.SGD(net.parameters(), lr=cfg.lr)
    bs = cfg.batch_size

    def val_batches():
        for s in range(0, len(Xva), bs):
            yield Xva[s : s + bs].unsqueeze(1).float().div_(255), yva[s : s + bs]

    def train_batches():
        order = torch.randperm(len(Xtr))
        for s in range(0, len(Xtr), bs):
            idx = order[s : s + bs]
            yield Xtr[idx].unsqueeze(1).float().div_(255), ytr[idx]

    cpu, tic = cpu_seconds(), time.perf_counter()
    for _ in range(cfg.epochs):
        net.train()
        for X, y in train_batches():
            loss = F.cross_entropy(net(X.to(device)), y.to(device))
            optim.zero_grad()
            loss.backward()
            optim.step()
        accuracy(net, val_batches(), device)  # evaluated every epoch, like the two trainers
    fit, cpu = _synced(device, tic), cpu_seconds() - cpu
    acc = accuracy(net, val_batches(), device)
    return {"setup_s": setup, "fit_s": fit, "cpu_s": cpu, "acc": acc, "loader_s": loader_pass(train_batches())}


def _synced(device, tic: float) -> float:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - tic


def child(variant: str, cfg: Config, root: Path, out: Path, threads: int, seed: int) -> None:
    """One training run in this (fresh) process; writes its measurements to ``out``."""
    import matplotlib

    matplotlib.use("Agg")  # the boards draw off-screen and never block
    import torch

    if threads > 0:
        torch.set_num_threads(threads)
    load_before = load_average()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    baseline = rss_mb()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    run = {"book": run_book, "d2lcore": run_d2lcore, "plain": run_plain}[variant]
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):  # progress lines, figure reprs
        result = run(cfg, root, device, seed)
    result.update(
        variant=variant,
        config=cfg.name,
        device=str(device),
        baseline_rss_mb=baseline,
        peak_rss_mb=peak_rss_mb(),
        worker_peak_rss_mb=peak_rss_mb(children=True),
        gpu_peak_mb=torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else None,
        train_images=cfg.n_train * cfg.epochs,
        threads=torch.get_num_threads(),
        load_before=load_before,
        load_after=load_average(),
    )
    result["images_per_s"] = result["train_images"] / result["fit_s"]
    result["epoch_s"] = result["fit_s"] / cfg.epochs
    result["cpu_epoch_s"] = result["cpu_s"] / cfg.epochs
    write_json(out, result)


# ------------------------------------------------------------------------------------------- driver (parent)
def measure(configs: dict[str, Config], quick: bool, threads: int, log=print) -> dict:
    env = {**os.environ, "D2LCORE_OFFLINE": "1", "MPLBACKEND": "Agg", "PYTHONPATH": str(REPO)}
    env.pop("D2LCORE_QUICK", None)  # the trainers must not shrink the runs
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="d2lbench-") as tmp:
        for cfg in configs.values():
            root = Path(tmp) / cfg.name
            write_idx_files(root, cfg)
            repeats = cfg.repeats
            for rep in range(repeats):
                order = VARIANTS[rep % 3 :] + VARIANTS[: rep % 3]  # rotate: A B C, B C A, C A B, ...
                for variant in order:
                    out = root / f"{variant}-{rep}.json"
                    cmd = [sys.executable, __file__, "--child", variant, "--config", cfg.name, "--root", str(root)]
                    cmd += ["--out", str(out), "--threads", str(threads), "--seed", str(rep)]
                    cmd += ["--quick"] if quick else []
                    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
                    if proc.returncode != 0:
                        raise RuntimeError(f"{variant} on {cfg.name} failed:\n{proc.stderr[-3000:]}")
                    result = read_json(out)
                    result["repeat"] = rep
                    runs.append(result)
                    log(
                        f"  {cfg.name:<9} run {rep + 1}/{repeats} {variant:<8} {result['images_per_s']:8.1f} images/s"
                        f"  epoch {result['epoch_s']:6.2f} s  acc {result['acc']:.3f}"
                        f"  peak RSS {result['peak_rss_mb']:.0f} MiB"
                    )
    return {
        "configs": {k: asdict(v) for k, v in configs.items()},
        "repeats": {name: cfg.repeats for name, cfg in configs.items()},
        "threads": threads,
        "runs": runs,
    }


def summarise(payload: dict) -> dict:
    """Medians per (config, variant) and the speed-up ratios the issue asks about."""
    summary = {}
    for name in payload["configs"]:
        rows = {}
        for variant in VARIANTS:
            runs = [r for r in payload["runs"] if r["config"] == name and r["variant"] == variant]
            keys = ("images_per_s", "epoch_s", "cpu_epoch_s", "setup_s", "loader_s", "acc", "peak_rss_mb")
            keys += ("baseline_rss_mb",)
            rows[variant] = {k: median([r[k] for r in runs]) for k in keys}
            rows[variant]["images_per_s_all"] = [r["images_per_s"] for r in runs]
            rows[variant]["acc_all"] = [r["acc"] for r in runs]
            rows[variant]["worker_peak_rss_mb"] = max(r["worker_peak_rss_mb"] for r in runs)
            gpu = [r["gpu_peak_mb"] for r in runs if r.get("gpu_peak_mb") is not None]
            rows[variant]["gpu_peak_mb"] = median(gpu) if gpu else None
        # ratios of medians, and the median of the per-repeat ratios (runs of one repeat ran back to back)
        per_rep = {}
        for other in ("book", "plain"):
            ratios = []
            for rep in range(payload["repeats"][name]):
                a = [r for r in payload["runs"] if (r["config"], r["variant"], r["repeat"]) == (name, "d2lcore", rep)]
                b = [r for r in payload["runs"] if (r["config"], r["variant"], r["repeat"]) == (name, other, rep)]
                ratios.append(a[0]["images_per_s"] / b[0]["images_per_s"])
            per_rep[other] = ratios
        summary[name] = {
            "rows": rows,
            "speedup_vs_book": rows["d2lcore"]["images_per_s"] / rows["book"]["images_per_s"],
            "ratio_vs_plain": rows["d2lcore"]["images_per_s"] / rows["plain"]["images_per_s"],
            "per_repeat_vs_book": per_rep["book"],
            "per_repeat_vs_plain": per_rep["plain"],
        }
    return summary


def _num(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def table(payload: dict, summary: dict) -> str:
    header = [
        "model",
        "variant",
        "images/s (median)",
        "images/s (min-max)",
        "s / epoch",
        "CPU s / epoch",
        "data pipeline alone, s / epoch",
        "data set-up s",
        "val acc (median, min-max)",
        "peak RSS MiB",
        "RSS growth MiB",
    ]
    body = []
    for name, cfg in payload["configs"].items():
        model = f"{MODEL_NAMES.get(cfg['model'], cfg['model'])} {cfg['resize']}x{cfg['resize']}"
        for variant in VARIANTS:
            r = summary[name]["rows"][variant]
            body.append(
                [
                    model,
                    LABELS[variant],
                    _num(r["images_per_s"]),
                    f"{_num(min(r['images_per_s_all']))}-{_num(max(r['images_per_s_all']))}",
                    f"{r['epoch_s']:.2f}",
                    f"{r['cpu_epoch_s']:.2f}" if "cpu_epoch_s" in r else "-",
                    f"{r['loader_s']:.3f}",
                    f"{r['setup_s']:.2f}",
                    f"{r['acc']:.3f} ({min(r['acc_all']):.3f}-{max(r['acc_all']):.3f})",
                    f"{r['peak_rss_mb']:.0f}",
                    f"{r['peak_rss_mb'] - r['baseline_rss_mb']:.0f}",
                ]
            )
    return markdown_table(header, body, "ll" + "r" * (len(header) - 2))


def timed_step(net, optim, X, y) -> float:
    """Seconds for one SGD training step (forward, cross-entropy, backward, update) on one batch."""
    import torch.nn.functional as F

    tic = time.perf_counter()
    loss = F.cross_entropy(net(X), y)
    optim.zero_grad()
    loss.backward()
    optim.step()
    return time.perf_counter() - tic


def thread_check(rounds: int = 5, steps: int = 15, budget_s: float = 40.0) -> dict:
    """LeNet training steps with one intra-op thread vs torch's default, alternated, in this process.

    On a machine whose cores are busy with other work, OpenMP threads wait for each other at every parallel
    region, and a step can take many times longer with two threads than with one. This measures that effect.
    """
    import torch

    default = torch.get_num_threads()
    if default < 2:
        return {}
    cfg = CONFIGS["lenet"]
    net = make_net(cfg)
    optim = torch.optim.SGD(net.parameters(), lr=0.1)
    gen = torch.Generator().manual_seed(0)
    X = torch.rand(cfg.batch_size, 1, 28, 28, generator=gen)
    y = torch.randint(0, 10, (cfg.batch_size,), generator=gen)

    per_round: dict[int, list[float]] = {1: [], default: []}
    worst: dict[int, float] = {1: 0.0, default: 0.0}
    start = time.perf_counter()
    for r in range(rounds):
        for threads in (1, default) if r % 2 == 0 else (default, 1):
            torch.set_num_threads(threads)
            timed_step(net, optim, X, y), timed_step(net, optim, X, y)  # warm-up
            times = [timed_step(net, optim, X, y) for _ in range(steps)]
            per_round[threads].append(median(times) * 1e3)
            worst[threads] = max(worst[threads], max(times) * 1e3)
        if time.perf_counter() - start > budget_s:
            break
    torch.set_num_threads(default)
    return {
        "default_threads": default,
        "batch_size": cfg.batch_size,
        "steps": steps,
        "rounds": len(per_round[1]),
        "median_step_ms": {str(k): median(v) for k, v in per_round.items()},
        "round_medians_ms": {str(k): v for k, v in per_round.items()},
        "worst_step_ms": {str(k): v for k, v in worst.items()},
    }


def layout_check(configs: dict[str, Config], threads: int, rounds: int = 4, budget_s: float = 30.0) -> dict:
    """Median training-step time with contiguous (NCHW) vs ``channels_last`` (NHWC) weights and inputs."""
    import torch

    default = torch.get_num_threads()
    if threads > 0:
        torch.set_num_threads(threads)
    out = {}
    for name, cfg in configs.items():
        gen = torch.Generator().manual_seed(0)
        X = torch.rand(cfg.batch_size, 1, cfg.resize, cfg.resize, generator=gen)
        y = torch.randint(0, 10, (cfg.batch_size,), generator=gen)
        setups = {}
        for layout in ("contiguous", "channels_last"):
            net = make_net(cfg)
            Xl = X
            if layout == "channels_last":
                net = net.to(memory_format=torch.channels_last)
                Xl = X.contiguous(memory_format=torch.channels_last)
            setups[layout] = (net, torch.optim.SGD(net.parameters(), lr=0.01), Xl, y)

        steps = 20 if cfg.model == "lenet" else 3
        per_round = {layout: [] for layout in setups}
        start = time.perf_counter()
        for r in range(rounds):
            order = list(setups) if r % 2 == 0 else list(setups)[::-1]
            for layout in order:
                timed_step(*setups[layout])  # warm-up
                per_round[layout].append(median([timed_step(*setups[layout]) for _ in range(steps)]) * 1e3)
            if time.perf_counter() - start > budget_s:
                break
        out[name] = {"median_step_ms": {k: median(v) for k, v in per_round.items()}, "rounds": len(per_round[layout])}
        out[name]["batch_size"] = cfg.batch_size
    torch.set_num_threads(default)
    return out


def setup_table(payload: dict) -> str:
    header = ["model", "image size", "batch size", "train / val images", "batches per epoch", "epochs", "lr"]
    body = []
    for cfg in payload["configs"].values():
        batches = -(-cfg["n_train"] // cfg["batch_size"])
        body.append(
            [
                MODEL_NAMES.get(cfg["model"], cfg["model"]),
                f"{cfg['resize']}x{cfg['resize']}",
                cfg["batch_size"],
                f"{cfg['n_train']} / {cfg['n_val']}",
                batches,
                cfg["epochs"],
                cfg["lr"],
            ]
        )
    return markdown_table(header, body, "lrrrrrr")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one run each: a smoke test")
    parser.add_argument(
        "--repeats", type=int, default=None, help="runs per variant (default: lenet 5, resnet18 3; quick 1)"
    )
    parser.add_argument("--models", default="lenet,resnet18", help="comma-separated subset of: lenet,resnet18")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads in every run (default 1, see README; 0 keeps torch's default)",
    )
    parser.add_argument("--json", type=Path, default=None, help="where to write the raw results")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    table_of = QUICK if args.quick else CONFIGS
    if args.child:
        child(args.child, table_of[args.config], args.root, args.out, args.threads, args.seed)
        return
    configs = {k: table_of[k] for k in args.models.split(",")}
    if args.repeats:
        configs = {k: replace(c, repeats=args.repeats) for k, c in configs.items()}
    repeats = ", ".join(f"{k} {c.repeats}" for k, c in configs.items())
    info = machine()
    print(f"trainers: run(s) per variant: {repeats}; interleaved", flush=True)
    tic = time.perf_counter()
    checks = thread_check(rounds=2 if args.quick else 4, steps=5 if args.quick else 12, budget_s=20.0)
    if checks:
        ms = checks["median_step_ms"]
        print("thread check (LeNet step, batch 128): " + ", ".join(f"{k} thread(s) {v:.1f} ms" for k, v in ms.items()))
    payload = measure(configs, args.quick, args.threads, log=lambda s: print(s, flush=True))
    payload["thread_check"] = checks
    payload["layout_check"] = layout_check(configs, args.threads, rounds=2 if args.quick else 4)
    for name, r in payload["layout_check"].items():
        print(f"layout check ({name}): " + ", ".join(f"{k} {v:.1f} ms" for k, v in r["median_step_ms"].items()))
    payload.update(machine=info, quick=args.quick, seconds=time.perf_counter() - tic)
    payload["summary"] = summarise(payload)
    print(table(payload, payload["summary"]))
    for name, s in payload["summary"].items():
        print(
            f"{name}: d2lcore is {s['speedup_vs_book']:.2f}x the book's Trainer, "
            f"{s['ratio_vs_plain']:.2f}x the hand-written loop (images/s, medians)"
        )
    write_json(args.json or OUT / ("trainers-quick.json" if args.quick else "trainers.json"), payload)


if __name__ == "__main__":
    main()
