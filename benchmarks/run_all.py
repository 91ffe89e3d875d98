"""``make bench``: measure the three training loops and the levers, then rewrite RESULTS.md's generated tables.

    python benchmarks/run_all.py                   # full epochs, LeNet and ResNet-18, 1 and default threads
    python benchmarks/run_all.py --quick           # smoke run (LeNet, tiny sizes): out/RESULTS-quick.md
    python benchmarks/run_all.py --report-only     # rebuild the tables from out/trainers*.json, out/levers.json

Only the part of RESULTS.md between the two ``generated`` marker comments is rewritten; the analysis around it
is written by hand from the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import bench_trainers
import levers
from common import HERE, OUT, markdown_table, median

START, END = "<!-- generated:start (benchmarks/run_all.py) -->", "<!-- generated:end -->"
HEADER = ["model (what)", "threads", "loop", "wall s / epoch", "CPU s / epoch", "of it, main process",
          "book / this (wall)", "book / this (CPU)", "GFLOP/s (wall)", "GFLOP per main-process CPU s (of peak)",
          "val acc", "data alone s", "peak RSS MiB"]  # fmt: skip
LABELS = {"book": "book's d2l.Trainer", "d2lcore": "d2lcore.Trainer", "plain": "hand-written loop",
          "bf16": "hand-written loop, bf16 autocast"}  # fmt: skip


def span(values: list[float], fmt: str = "{:.2f}") -> str:
    """``median (min-max)`` of ``values``."""
    return f"{fmt.format(median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def trainer_rows(payload: dict) -> list[list[str]]:
    """One table row per (model, thread setting, variant): medians and ranges over the interleaved rounds."""
    rows, peak = [], payload["machine"]["peak"]["gflops"]
    for name, cfg in payload["configs"].items():
        part = "full epoch" if cfg["n_train"] >= 60000 else f"first {cfg['n_train'] // cfg['batch_size']} batches"
        what = f"{cfg['resize']} px, {part}; {cfg['flops']['train'] / 1e6:.1f} MFLOP/img{payload.get('label', '')}"
        flops = cfg["n_train"] * cfg["flops"]["train"] + cfg["n_val"] * cfg["flops"]["forward"]
        for t in sorted({r["threads_arg"] for r in payload["runs"]}, key=lambda t: t or 99):  # 1, then default
            sel = {
                v: [r for r in payload["runs"] if (r["model"], r["threads_arg"], r["variant"]) == (name, t, v)]
                for v in bench_trainers.VARIANTS
            }
            book = {r["round"]: r for r in sel["book"]}
            for v, runs in ((v, runs) for v, runs in sel.items() if runs):
                wall, cpu = [r["epoch_s"] for r in runs], [r["cpu_epoch_s"] for r in runs]
                main = [r["main_cpu_epoch_s"] for r in runs if "main_cpu_epoch_s" in r]
                paired = [r for r in runs if r["round"] in book]  # an interrupted round may lack the book's run
                ratio = [book[r["round"]]["epoch_s"] / r["epoch_s"] for r in paired] or [float("nan")]
                cpu_ratio = [book[r["round"]]["cpu_epoch_s"] / r["cpu_epoch_s"] for r in paired] or [float("nan")]
                rate, per_cpu = flops / median(wall) / 1e9, flops / median(main) / 1e9 if main else 0
                per_cpu = f"{per_cpu:.1f} ({100 * per_cpu / peak:.0f}%)" if main else "-"
                rows.append([
                    f"{name} ({what})", str(runs[0]["threads"]), LABELS[v], span(wall), span(cpu), span(main or [0]),
                    span(ratio) + "x", span(cpu_ratio) + "x", f"{rate:.1f}", per_cpu,
                    span([r["acc"] for r in runs], "{:.3f}"), f"{median([r['loader_s'] for r in runs]):.2f}",
                    f"{median([r['peak_rss_mb'] for r in runs]):.0f}",
                ])  # fmt: skip
    return rows


def report(trainer_payloads: list[dict], lever_payload: dict | None) -> str:
    """The generated part of RESULTS.md: machine, trainer table, FLOP counts, levers."""
    m = trainer_payloads[0]["machine"]
    p, loads = m["peak"], [r["load"] for pl in trainer_payloads for r in pl["runs"]]
    dates = " / ".join(pl["machine"]["date"] for pl in trainer_payloads)
    lines = [
        f"Measured {dates} on {m['cpu']}, {m['cores']} cores (torch {m['torch']}, default {m['default_threads']}"
        f" threads; GPU: {m['gpu'] or 'none'}); 1-minute load average at the start of the runs {min(loads):.1f}-"
        f"{max(loads):.1f}. FP32 peak estimate: {p['flop_per_cycle']} FLOP/cycle x {p['ghz']:.2f} GHz ="
        f" {p['gflops']:.0f} GFLOP/s per core; native bf16: {p['bf16']}. Medians (min-max) over the rounds.",
        "",
    ]
    lines += [markdown_table(HEADER, [row for pl in trainer_payloads for row in trainer_rows(pl)])]
    if lever_payload:
        lines += ["", f"Levers ({lever_payload.pop('threads')} thread(s); ms, medians of alternating rounds):", ""]
        body = [[k, ", ".join(f"{a} {b:.3g}" if isinstance(b, float) else f"{a}: {b}" for a, b in v.items())]
                for k, v in lever_payload.items()]  # fmt: skip
        lines.append(markdown_table(["lever", "result"], body))
    return "\n".join(lines)


def main() -> None:
    """Run (or, with ``--report-only``, reuse) the measurements and rewrite the generated tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run; writes out/RESULTS-quick.md")
    parser.add_argument("--report-only", action="store_true", help="rebuild the tables from the last JSON")
    parser.add_argument("--inputs", nargs="*", type=Path, help="trainer JSON files to report (default: the last)")
    args, rest = parser.parse_known_args()
    suffix = "-quick" * args.quick
    if not args.report_only:
        quick = ["--quick", "--models", "lenet", "--threads", "1"] if args.quick else []
        bench_trainers.main(quick + rest + ["--json", str(OUT / f"trainers{suffix}.json")])
        levers.main(["--quick"] * args.quick)
    trainers = [json.loads(p.read_text()) for p in args.inputs or [OUT / f"trainers{suffix}.json"]]
    lever_file = OUT / f"levers{suffix}.json"
    text = report(trainers, json.loads(lever_file.read_text()) if lever_file.exists() else None)
    target = OUT / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md"
    old = target.read_text() if target.exists() else f"# Benchmark results\n\n{START}\n{END}\n"
    head, rest_ = old.split(START, 1) if START in old else (old + "\n", f"\n{END}\n")
    target.write_text(f"{head}{START}\n{text}\n{END}{rest_.split(END, 1)[1]}")
    print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
