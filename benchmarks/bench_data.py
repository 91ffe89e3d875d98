"""The data module at the book's sizes: build time, peak memory and 50 training batches of ``d2l.FashionMNIST``.

Each size runs in a fresh process (full mode, real data from ``D2LCORE_DATA``): the time to build
``FashionMNIST(batch_size=128, resize=side)`` (reading the files included), the process's peak resident memory
after building and iterating, and the time to cut (and resize) the first 50 shuffled training batches on the CPU.
Run: ``python benchmarks/bench_data.py [--sizes 28,96,224] [--repeats 3] [--json out/data.json]``;
``--package DIR`` measures the d2lcore found in ``DIR`` instead (e.g. an older checkout, for a before/after table).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, REPO, markdown_table, median, peak_rss_mb, write_json

BATCHES = 50


def child(side: int) -> dict:
    """Build the data module at ``side`` px and iterate 50 training batches, in this fresh process."""
    import torch

    import d2lcore

    torch.manual_seed(0)
    tic = time.perf_counter()
    data = d2lcore.FashionMNIST(batch_size=128, resize=side)
    build = time.perf_counter() - tic
    loader = data.train_dataloader()
    tic = time.perf_counter()
    shapes = [tuple(X.shape) for X, _ in itertools.islice(loader, BATCHES)]
    batches = time.perf_counter() - tic
    assert shapes == [(128, 1, side, side)] * BATCHES
    return {"side": side, "build_s": build, "batches_s": batches, "peak_rss_gb": peak_rss_mb() / 1024}


def measure(sizes: list[int], repeats: int, package: Path) -> list[dict]:
    """``repeats`` fresh-process runs per size, the sizes interleaved."""
    env = {**os.environ, "D2LCORE_QUICK": "0", "D2LCORE_OFFLINE": "1", "PYTHONPATH": str(package)}
    env.setdefault("OMP_NUM_THREADS", "1")
    runs = []
    for rep in range(repeats):
        for side in sizes:
            cmd = [sys.executable, __file__, "--child", str(side)]
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            if proc.returncode:
                raise RuntimeError(f"resize={side} failed:\n{proc.stderr[-2000:]}")
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]) | {"round": rep})
            print(f"  round {rep + 1}/{repeats} resize {side}: {runs[-1]}", file=sys.stderr, flush=True)
    return runs


def table(runs: list[dict]) -> str:
    """Medians (min-max) per size as a markdown table."""

    def span(values: list[float], fmt: str) -> str:
        return f"{fmt.format(median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"

    rows = []
    for side in sorted({r["side"] for r in runs}):
        sel = [r for r in runs if r["side"] == side]
        build, rss = span([r["build_s"] for r in sel], "{:.2f}"), span([r["peak_rss_gb"] for r in sel], "{:.2f}")
        rows.append([str(side), f"{build} s", f"{rss} GB", span([r["batches_s"] for r in sel], "{:.2f}") + " s"])
    return markdown_table(["resize", "build time", "peak RSS", f"{BATCHES} training batches"], rows)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="28,96,224")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--package", type=Path, default=REPO, help="folder whose d2lcore is measured")
    parser.add_argument("--json", type=Path, default=OUT / "data.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return {}
    runs = measure([int(s) for s in args.sizes.split(",")], args.repeats, args.package.resolve())
    payload = {"package": str(args.package), "threads": os.environ.get("OMP_NUM_THREADS", "1"), "runs": runs}
    write_json(args.json, payload)
    print(table(runs))
    return payload


if __name__ == "__main__":
    main()
