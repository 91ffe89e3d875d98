"""Does ``precision="bf16"`` change what ResNet-18 learns? Paired seeds, fp32 against bf16, same everything else.

    python benchmarks/precision_pairs.py [--seeds 0 1 2 3 4] [--epochs 3] [--resize 32] [--full]

Each seed fixes the initial weights and the data order; the fp32 and the bf16 run of a seed differ only in the
arithmetic of the training steps (validation is in fp32 for both). Prints one line per run and the paired
differences of the final validation accuracy (mean, SD, standard error), and writes ``--json``
(default ``out/precision_pairs.json``).
By default it trains 8.6's quick-mode setting (a fifth of the training set, 3 epochs); ``--full`` uses every image.
Throughput is the Trainer's own count: images per second of training steps.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from common import OUT, REPO, machine, write_json

sys.path.insert(0, str(REPO))


def train_once(seed: int, precision: str, epochs: int, resize: int) -> dict:
    """One run of 8.6's recipe (ResNet-18, lr 0.01, batch 128, d2l.init_cnn) with ``precision``."""
    import torch

    import d2lcore as d2l

    torch.manual_seed(seed)
    data = d2l.FashionMNIST(batch_size=128, resize=resize)
    model = d2l.ResNet18(lr=0.01)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], d2l.init_cnn)
    trainer = d2l.Trainer(max_epochs=epochs, board=False, precision=precision)
    trainer.fit(model, data)
    return {
        "seed": seed,
        "precision": precision,
        "val_acc": trainer.history["val_acc"][-1],
        "train_loss": trainer.history["train_loss"][-1],
        "images_per_second": trainer.images_per_second,
        "images": len(data.train),
        "train_time_s": trainer.train_time,
        "history": trainer.history,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--resize", type=int, default=32)
    parser.add_argument("--full", action="store_true", help="train on all 60,000 images (default: quick mode)")
    parser.add_argument("--json", type=Path, default=OUT / "precision_pairs.json", help="where to write the results")
    args = parser.parse_args()
    os.environ["D2LCORE_QUICK"] = "0" if args.full else "1"
    settings = {**vars(args), "json": str(args.json)}

    runs = []
    for seed in args.seeds:
        for precision in ("fp32", "bf16"):
            run = train_once(seed, precision, args.epochs, args.resize)
            runs.append(run)
            print(f"RUN seed {seed} {precision}: val acc {run['val_acc']:.4f}, {run['images_per_second']:.0f} img/s")
            write_json(args.json, {"machine": machine(), "args": settings, "runs": runs})

    by = {(r["seed"], r["precision"]): r for r in runs}
    diffs = [by[s, "bf16"]["val_acc"] - by[s, "fp32"]["val_acc"] for s in args.seeds]
    speed = [by[s, "bf16"]["images_per_second"] / by[s, "fp32"]["images_per_second"] for s in args.seeds]
    sd = statistics.stdev(diffs) if len(diffs) > 1 else float("nan")
    summary = {
        "mean_diff": statistics.mean(diffs),
        "sd_diff": sd,
        "se_diff": sd / len(diffs) ** 0.5,
        "fp32_acc_sd": statistics.stdev(by[s, "fp32"]["val_acc"] for s in args.seeds)
        if len(diffs) > 1
        else float("nan"),
        "speedup_median": statistics.median(speed),
    }
    write_json(args.json, {"machine": machine(), "args": settings, "runs": runs, **summary})
    print(
        f"bf16 - fp32 val acc over {len(diffs)} paired seeds: mean {summary['mean_diff']:+.4f}, "
        f"SD {summary['sd_diff']:.4f}, SE {summary['se_diff']:.4f} (fp32 runs' own SD {summary['fp32_acc_sd']:.4f}); "
        f"bf16 speed / fp32: median {summary['speedup_median']:.2f}x"
    )


if __name__ == "__main__":
    main()
