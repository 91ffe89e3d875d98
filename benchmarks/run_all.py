"""Run every benchmark (trainers, corr2d, then the notebooks, last) and write benchmarks/RESULTS.md.

    python benchmarks/run_all.py                 # what `make bench` runs: 8-15 minutes on 2 cores
    python benchmarks/run_all.py --quick         # smoke run of every script; writes benchmarks/out/RESULTS-quick.md
    python benchmarks/run_all.py --report-only   # rebuild RESULTS.md from the JSON of the last run

Each script also runs on its own (see benchmarks/README.md). Raw results go to benchmarks/out/ (not committed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import bench_corr2d
import bench_notebooks
import bench_trainers
from common import HERE, OUT, load_average, machine_lines, read_json

TIME_BUDGET_S = 14 * 60  # the full-mode notebook pass runs only while the whole run is within this budget


def run(script: str, *args: str) -> None:
    cmd = [sys.executable, str(HERE / script), *args]
    print(f"==> {' '.join(cmd[1:])}", flush=True)
    subprocess.run(cmd, check=True)


# ------------------------------------------------------------------------------------------------- analysis
def nm(name: str) -> str:
    """Display name of a benchmark configuration (LeNet, ResNet-18)."""
    return bench_trainers.MODEL_NAMES.get(name, name)


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def trainers_section(t: dict) -> list[str]:
    s = t["summary"]
    if not isinstance(t["repeats"], dict):  # JSON written before repeats were per model
        t["repeats"] = {name: t["repeats"] for name in t["configs"]}
    lines = ["## 1. Training: d2lcore's Trainer vs the book's Trainer vs a hand-written loop", ""]
    lines += [
        "Same network architecture, same images, batch size, learning rate, SGD and number of epochs in all three "
        "variants; each run is a fresh process, and the variants were interleaved "
        f"with a rotating order (A B C, B C A, C A B, ...). **Runs per variant: "
        f"{', '.join(f'{nm(k)} {v}' for k, v in t['repeats'].items())}; the table shows "
        f"medians** (min-max over the runs next to them). Every run used **torch threads: "
        f"{t['runs'][0]['threads']}** (`torch.set_num_threads`; see *Threads* below for why). Initial weights are "
        "identical in every run; run r shuffles the training set with seed r in all three variants, so the "
        "accuracy ranges show what the shuffling alone does. The images are the first "
        "images of the real Fashion-MNIST (from `D2LCORE_DATA`), written as torchvision's raw IDX "
        "files so that the book's `d2l.FashionMNIST` reads them through torchvision without a download.",
        "",
        bench_trainers.setup_table(t),
        "",
        "The number of training images is capped (batches per epoch above) so that one run takes seconds, not "
        "minutes, on a CPU core"
        + "".join(
            f"; ResNet-18 is trained at {c['resize']}x{c['resize']} rather than the book's 96x96"
            for c in t["configs"].values()
            if c["model"] == "resnet18"
        )
        + ".",
        "",
        bench_trainers.table(t, s),
        "",
        "- *images/s*: training images per second of `fit()` wall time (which includes the evaluation on the "
        "validation set after every epoch, in all three variants); *s / epoch* is `fit()` time / epochs.",
        "- *CPU s / epoch*: user + system CPU time of the training process and its finished child processes (the "
        "book's loader workers) during `fit()`, per epoch.",
        "- *data pipeline alone*: one pass over the training loader with no model, measured after training.",
        "- *data set-up*: building the data module (reading the files; d2lcore and the loop resize here, once).",
        "- *peak RSS*: the training process's peak resident memory (Linux `VmHWM`, fresh per run); *growth*: "
        "peak minus the RSS after `import torch`. The book's DataLoader workers are separate processes, not "
        "included (largest worker peak: "
        + ", ".join(f"{nm(name)} {s[name]['rows']['book']['worker_peak_rss_mb']:.0f} MiB" for name in t["configs"])
        + ", mostly pages shared with the main process by `fork`).",
        "",
    ]
    if any(r["rows"]["d2lcore"].get("gpu_peak_mb") for r in s.values()):
        lines += [
            "GPU peak memory (`torch.cuda.max_memory_allocated`, MiB): "
            + "; ".join(
                f"{nm(name)} "
                + ", ".join(f"{v} {s[name]['rows'][v]['gpu_peak_mb']:.0f}" for v in bench_trainers.VARIANTS)
                for name in t["configs"]
            ),
            "",
        ]
    lines += ["### Goals", ""]
    for name, cfg in t["configs"].items():
        r = s[name]
        model = f"{nm(name)} at {cfg['resize']}x{cfg['resize']}"
        per_book = ", ".join(f"{x:.2f}" for x in r["per_repeat_vs_book"])
        per_plain = ", ".join(f"{x:.2f}" for x in r["per_repeat_vs_plain"])
        lines.append(
            f"- {model}: d2lcore is **{r['speedup_vs_book']:.2f}x** the speed of the book's Trainer (goal >= 1.5x: "
            f"{verdict(r['speedup_vs_book'] >= 1.5)}; per run: {per_book}) and runs at "
            f"**{100 * r['ratio_vs_plain']:.0f}%** of the hand-written loop's speed (goal >= 90%: "
            f"{verdict(r['ratio_vs_plain'] >= 0.9)}; per run: {per_plain})."
        )
    lines += ["", "### Why", ""]
    pipeline = "; ".join(
        f"{nm(n)}: {s[n]['rows']['book']['loader_s']:.2f} s of its {s[n]['rows']['book']['epoch_s']:.2f} s epoch "
        f"(d2lcore's: {s[n]['rows']['d2lcore']['loader_s']:.3f} s)"
        for n in t["configs"]
    )
    lines.append(
        "- **The book's Trainer.** `d2l.FashionMNIST` turns every image into a PIL image, resizes it and converts "
        "it back with `ToTensor`, one image at a time in Python; its `DataLoader` forks 4 worker processes for "
        "every pass over the data (training and validation, every epoch) and ships each batch back through shared "
        "memory. Its data pipeline alone, with no model, needs " + pipeline + ". On top of that the book's Module "
        "converts every training loss to NumPy for its board and redraws the matplotlib board several times per "
        "epoch, piling new line objects onto the same figure. d2lcore keeps the images as one uint8 tensor, "
        "resizes them once, and cuts batches by indexing: no per-image Python, no processes."
        + (
            " Counted in CPU time (the training process plus its loader workers), the book spends "
            + "; ".join(
                f"{nm(n)}: {s[n]['rows']['book']['cpu_epoch_s']:.2f} CPU s per epoch against d2lcore's "
                f"{s[n]['rows']['d2lcore']['cpu_epoch_s']:.2f} "
                f"({s[n]['rows']['book']['cpu_epoch_s'] / s[n]['rows']['d2lcore']['cpu_epoch_s']:.2f}x)"
                for n in t["configs"]
            )
            + ": on a machine with no idle core, that is the ratio that counts."
            if all("cpu_epoch_s" in s[n]["rows"]["book"] for n in t["configs"])
            else ""
        )
    )
    for name in t["configs"]:
        r = s[name]
        floor = r["rows"]["plain"]["images_per_s"] / r["rows"]["book"]["images_per_s"]
        if r["speedup_vs_book"] >= 1.5:
            continue
        book_epoch, plain_epoch = r["rows"]["book"]["epoch_s"], r["rows"]["plain"]["epoch_s"]
        lines.append(
            f"- **{nm(name)}: why the 1.5x goal is out of reach.** "
            + (
                f"Even the hand-written loop, which has no overhead at all, is only {floor:.2f}x the book's speed: "
                f"the network's own forward and backward passes take {plain_epoch:.2f} s of the book's "
                f"{book_epoch:.2f} s epoch, and no trainer can make those faster without changing the computation "
                "(lower precision, `torch.compile`, another layout: `channels_last` is measured below). "
                f"{nm(name)} is compute-bound on a CPU: the book's per-image and per-epoch costs are a small share of "
                "its epoch here, and would be smaller still in full 60 000-image epochs, where its per-epoch worker "
                "start-up is spread over many more batches. With one torch thread the book's loader workers also "
                "run on the second core almost for free; its CPU time (above) shows what they cost on a machine "
                "with no idle core. On a GPU, where the convolutions are fast and the per-image PIL work is what "
                "is left, the gap would be much larger; no GPU was available to measure that."
                if floor < 1.5
                else f"The hand-written loop is {floor:.2f}x the book's speed, so d2lcore's own overhead is what "
                "keeps it from the goal: see the next point."
            )
        )
    extra = {
        n: (s[n]["rows"]["d2lcore"]["epoch_s"] - s[n]["rows"]["plain"]["epoch_s"]) * t["configs"][n]["epochs"]
        for n in t["configs"]
    }
    lines.append(
        "- **d2lcore vs the hand-written loop.** Both slice batches out of one uint8 tensor and run the same "
        "forward, backward and SGD step, so all that differs is d2lcore's bookkeeping: losses and accuracies are "
        "summed on the device and read with one `.item()` per epoch, a progress string per step (shown at most "
        "twice a second in Jupyter, printed once per epoch elsewhere), and two fixed costs per `fit`: one board "
        "rendering at the end, and (once per process) importing IPython to find out whether it runs inside "
        "Jupyter, which is free in a notebook, where IPython is already loaded. "
        "Measured difference in `fit()` time (medians, d2lcore minus loop): "
        + ", ".join(f"{nm(n)} {d:+.2f} s per fit" for n, d in extra.items())
        + "; per-run speed ratios d2lcore / loop: "
        + "; ".join(f"{nm(n)} " + ", ".join(f"{x:.2f}" for x in s[n]["per_repeat_vs_plain"]) for n in t["configs"])
        + ". "
        + " ".join(_noise_or_overhead(n, s[n]["per_repeat_vs_plain"]) for n in t["configs"])
    )
    layout = t.get("layout_check") or {}
    if layout:
        lines.append(
            "- **channels_last.** Median training step with contiguous (NCHW) vs `channels_last` (NHWC) weights "
            "and inputs, same process, alternating: "
            + "; ".join(
                f"{nm(n)} {r['median_step_ms']['contiguous']:.1f} ms vs {r['median_step_ms']['channels_last']:.1f} ms"
                for n, r in layout.items()
            )
            + ". "
            + _layout_text(layout)
            + " Evaluation already runs under `torch.inference_mode`, and no training step calls `.item()`."
        )
    accs = {n: {v: s[n]["rows"][v]["acc"] for v in bench_trainers.VARIANTS} for n in t["configs"]}
    lines.append(
        "- **Accuracy.** Median validation accuracy after the runs: "
        + "; ".join(
            f"{nm(n)}: " + ", ".join(f"{bench_trainers.LABELS[v]} {a:.3f}" for v, a in accs[n].items()) for n in accs
        )
        + ". "
        + " ".join(_accuracy_text(n, s[n]["rows"]) for n in t["configs"])
        + " With so few steps these are far from converged values: they check that the three loops train the "
        "same model equally well, not how good the model is."
    )
    checks = t.get("thread_check") or {}
    if checks:
        ms = checks["median_step_ms"]
        one, many = ms["1"], ms[str(checks["default_threads"])]
        worst = checks["worst_step_ms"][str(checks["default_threads"])]
        lines += [
            "",
            "### Threads",
            "",
            f"One LeNet training step (batch {checks['batch_size']}) took a median **{one:.1f} ms with one thread "
            f"and {many:.1f} ms with torch's default {checks['default_threads']} threads** on this machine during "
            f"this run ({checks['rounds']} alternating rounds of {checks['steps']} steps; slowest "
            f"{checks['default_threads']}-thread step {worst:.0f} ms). "
            + (
                "When other processes keep the cores busy, the OpenMP threads of every operator wait for each "
                "other at the end of each parallel region, and a step becomes many times slower and erratic. "
                "That is why every run above uses one thread: with two, the noise would swamp the differences "
                "between the loops. On a shared machine (CI, a busy laptop) `torch.set_num_threads(1)` or "
                "`OMP_NUM_THREADS=1` can make small-model training faster, not slower; on an idle machine the "
                "default is the better choice. d2lcore does not change the thread count behind the user's back."
                if many > 1.3 * one
                else "At the moment of this check the machine was quiet enough that two threads helped. The load "
                "of this shared machine changes from minute to minute, though: when other jobs keep the cores "
                "busy, two OpenMP threads wait for each other at every operator and a step becomes many times "
                "slower and erratic (while these scripts were written, this check measured 9 ms with one thread "
                "against 355 ms with two). The runs above therefore use one thread, which gives numbers that stay "
                "comparable whatever the load; `--threads 0` measures with torch's default instead."
            ),
        ]
    return lines + [""]


def _noise_or_overhead(name: str, ratios: list[float]) -> str:
    if min(ratios) < 1 < max(ratios):
        return f"For {nm(name)} the per-run ratios fall on both sides of 1: the gap between the medians is noise."
    if min(ratios) >= 0.9:
        return f"For {nm(name)} every run is within 10% of the loop."
    if max(ratios) < 0.9:
        return (
            f"For {nm(name)} every run is more than 10% slower than the loop: a real overhead, which, being fixed per "
            "`fit`, weighs most on short fits."
        )
    return f"For {nm(name)} the runs scatter around the 10% line: noise of the shared CPU dominates."


def _layout_text(layout: dict) -> str:
    gains = {n: r["median_step_ms"]["contiguous"] / r["median_step_ms"]["channels_last"] for n, r in layout.items()}
    best = max(gains, key=gains.get)
    text = (
        "d2lcore keeps the default layout. "
        + (
            f"`channels_last` gave {100 * (gains[best] - 1):.0f}% on {nm(best)}'s step here, "
            if gains[best] > 1.05
            else "`channels_last` made no difference worth having here, "
        )
        + "and it would come at a price in a course: the Trainer would have to convert the student's model in "
        "place, and `channels_last` weights and activations are non-contiguous, so the `.view()` calls that "
        "students write on them fail. Anyone who wants it can call `model.to(memory_format=torch.channels_last)` "
        "before `fit`; the loop in this benchmark does not use it either."
    )
    return text


def _accuracy_text(name: str, rows: dict) -> str:
    ranges = {v: (min(rows[v]["acc_all"]), max(rows[v]["acc_all"])) for v in bench_trainers.VARIANTS}
    lo = max(r[0] for r in ranges.values())
    hi = min(r[1] for r in ranges.values())
    medians = [rows[v]["acc"] for v in bench_trainers.VARIANTS]
    width = max(r[1] - r[0] for r in ranges.values())
    same = rows["d2lcore"]["acc_all"] == rows["plain"]["acc_all"]
    twins = (
        " d2lcore and the hand-written loop reached exactly the same accuracy in every run: with the same seed "
        "they shuffle alike and compute the same thing."
        if same
        else ""
    )
    if lo <= hi:
        return (
            f"For {nm(name)} the accuracy ranges of the three variants overlap: the same accuracy within the noise "
            f"of the shuffling.{twins}"
        )
    return (
        f"For {nm(name)} the medians span {min(medians):.3f}-{max(medians):.3f} while one variant's runs span up to "
        f"{width:.3f}:{twins} "
        + (
            "a gap of the size of the shuffling noise."
            if max(medians) - min(medians) <= 1.5 * width
            else "a larger gap than shuffling alone gives, so look at the per-run accuracies in out/trainers.json "
            "(the book's loader also resizes with PIL rather than `F.interpolate`)."
        )
    )


def corr2d_section(c: dict) -> list[str]:
    sec = {m: {int(k): v for k, v in d.items()} for m, d in c["seconds"].items()}
    loop, fast, conv = (sec[m] for m in bench_corr2d.METHODS)
    g = c["growth"]
    big = max(n for n in loop) if loop else None
    lines = [
        "## 2. corr2d: the book's loop vs `corr2d_fast` vs `F.conv2d`",
        "",
        f"An `n x n` float32 input and a 3x3 kernel; median time per call over {c['rounds']} interleaved rounds "
        f"(the loop: at most 3 rounds above 128x128), {c['threads']} torch thread(s). All three results were "
        "checked to agree before timing.",
        "",
        bench_corr2d.table(c),
        "",
        "![corr2d timings, log-log](corr2d.png)",
        "",
    ]
    limit = c.get("loop_limit", 10.0)
    if c["skipped"]:
        lines.append(
            "The loop was skipped at "
            + ", ".join(f"{s['n']}x{s['n']} (predicted {s['predicted_s']:.0f} s per call)" for s in c["skipped"])
            + f", because one call would take more than the {limit:g} s limit."
        )
    else:
        lines.append(
            f"The loop stayed under the {limit:g} s limit at every size, so nothing was skipped "
            f"(its slowest call, at {big}x{big}, took {loop[big]:.2f} s)."
        )
    k_loop, k_fast, k_conv = (g[m] for m in bench_corr2d.METHODS)
    flat = max(n for n in conv if conv[n] < 2 * conv[min(conv)])
    lines += [
        "",
        f"- **The loop** does the same Python work (a slice, a multiply, a sum, an assignment: about "
        f"{1e6 * loop[big] / (big - 2) ** 2:.0f} µs here) for each of the (n-2)² output positions, so its time "
        f"grows like n^{k_loop:.2f}"
        + (
            ", parallel to the dotted slope-2 reference line from the smallest size on."
            if 1.8 <= k_loop <= 2.2
            else " (off the ideal slope 2 because the load of the shared machine changed between sizes)."
        ),
        f"- **`corr2d_fast`** costs {1e3 * fast[min(fast)]:.3f} ms even at {min(fast)}x{min(fast)} (argument "
        f"checks, building the `unfold` view, `einsum` dispatch), then grows like n^{k_fast:.2f}; at {big}x{big} "
        f"it is {loop[big] / fast[big]:,.0f}x faster than the loop, and the gap widens with n because the loop "
        "pays its Python cost per output position while `corr2d_fast` pays it once per call.",
        f"- **`F.conv2d`** is nearly flat, about {1e3 * conv[min(conv)]:.3f} ms per call, up to {flat}x{flat}: "
        f"there the fixed cost of a call dominates. Over the larger sizes it grows like n^{k_conv:.2f}"
        + (
            ", steeper than the n² of the arithmetic: above 128x128 the input and output (1 MiB each at 512x512) "
            "probably no longer fit in the CPU's caches."
            if k_conv > 2.2
            else "."
        )
        + f" It is the fastest at every size: {fast[max(fast)] / conv[max(conv)]:.1f}x ahead of `corr2d_fast` "
        f"and {loop[big] / conv[big]:,.0f}x ahead of the loop at {big}x{big}. This is why the notebooks teach "
        "with the loop and then use `nn.Conv2d`.",
        "",
    ]
    return lines


def notebooks_section(nb: dict) -> list[str]:
    total = nb["quick_total_s"]
    n_ok = sum(r["quick"]["status"] == "ok" for r in nb["results"].values())
    lines = [
        "## 3. The whole course: executing every notebook",
        "",
        "Each notebook that existed when the script started was executed once, top to bottom, with "
        "`D2LCORE_QUICK=1 jupyter nbconvert --to notebook --execute` into a temporary folder (kernel start-up "
        "included; torch's default thread count, as a student would run it). Notebooks whose quick run took at "
        f"most {nb['full_max_quick_s']:.0f} s were then executed in full mode (`D2LCORE_QUICK=0`) while the "
        "time budget of `make bench` allowed, each stopped after 3x its quick time + 30 s or when the budget ran "
        "out (*timeout*: a notebook that trains for real in full mode). Single runs on a shared machine: read "
        "differences of a few seconds as noise, and expect a training notebook to take several times longer "
        "while other jobs hold the cores, since the kernels use torch's default two threads (see *Threads* in "
        "part 1).",
        "",
        bench_notebooks.table(nb),
        "",
        f"Quick mode, all {len(nb['results'])} notebooks present: **{total:.0f} s ({total / 60:.1f} min)**, "
        f"{n_ok} of them executed without error. Target: all notebooks under {nb['quick_target_s'] // 60} "
        f"minutes on 2 cores: {verdict(total < nb['quick_target_s'])}"
        + (
            f" for the notebooks that exist, but **{len(nb['missing'])} notebook(s) listed in the README did not "
            f"exist yet** when this ran ({', '.join(nb['missing'])}), so this is not yet the whole course's time."
            if nb["missing"]
            else "."
        ),
        "",
    ]
    results = nb["results"]
    if results:
        slow = max(results, key=lambda name: results[name]["quick"]["seconds"])
        sec = results[slow]["quick"]["seconds"]
        text = f"The slowest notebook is {slow}: {sec:.0f} s, {100 * sec / total:.0f}% of the total."
        single = results[slow].get("quick_1thread")
        if single and single["status"] == "ok":
            ratio = sec / single["seconds"]
            text += (
                f" Executed once more with `OMP_NUM_THREADS=1` (one run each, minutes apart), it took "
                f"{single['seconds']:.0f} s"
                + (
                    f", {ratio:.1f}x less: most of its default-thread time went to torch's two OpenMP threads "
                    "waiting for each other while other jobs held the cores (see *Threads* in part 1), not to "
                    "computing. On a shared machine like this one, running the notebook kernels with one thread "
                    "(`OMP_NUM_THREADS=1`, or `torch.set_num_threads(1)`) would cut the course's quick-mode time; "
                    "on an idle machine two threads are the faster choice."
                    if ratio > 1.5
                    else f" ({ratio:.1f}x): its time is real work, not thread contention, so its quick-mode "
                    "budget (batches, epochs, image size) is what would need trimming to bring it down."
                )
            )
        lines += [text, ""]
    if nb["not_listed"]:
        lines += [f"Notebooks present but not in the README's table: {', '.join(nb['not_listed'])}.", ""]
    return lines


def write_results(path: Path, trainers: dict | None, corr2d: dict | None, notebooks: dict | None, meta: dict) -> None:
    info = (trainers or corr2d or notebooks)["machine"]
    loads = [r.get("load_before") for r in (trainers or {}).get("runs", []) if r.get("load_before")]
    start_load = meta.get("load_at_start")
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run_all.py`); how to run and what each script measures: "
        "[README.md](README.md).",
        "",
        "## Machine",
        "",
        *machine_lines(info),
        f"- total time of this `make bench`: {meta['seconds'] / 60:.1f} min"
        + (
            f", of which {notebooks['seconds'] / 60:.1f} min executing the notebooks"
            if notebooks and notebooks.get("seconds")
            else ""
        ),
    ]
    first = start_load[0] if start_load else None
    shared = (first is not None and first > 0.5) or (loads and max(x[0] for x in loads) > 2.5)
    if shared:
        during = [x[0] for x in loads] or [first]
        before = f"{first:.1f} before the first benchmark started, " if first is not None else ""
        lines.append(
            "- **shared machine**: other jobs were running on the same 2 cores during these measurements "
            f"(1-minute load average {before}{min(during):.1f}-{max(during):.1f} at the starts of the training "
            "runs, which use one core themselves). That is why every comparison interleaves its variants and "
            "reports medians; absolute numbers are lower and noisier than on an idle machine, the ratios are what "
            "to read."
        )
    lines.append("")
    if meta.get("quick"):
        lines += ["**Smoke run (`--quick`): tiny sizes, one run each. These numbers mean nothing.**", ""]
    if trainers:
        lines += trainers_section(trainers)
    if corr2d:
        lines += corr2d_section(corr2d)
    if notebooks:
        lines += notebooks_section(notebooks)
    path.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run of every script (results to out/)")
    parser.add_argument("--report-only", action="store_true", help="only rebuild RESULTS.md from existing JSON")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: trainers,corr2d,notebooks")
    args = parser.parse_args()
    suffix = "-quick" if args.quick else ""
    files = {part: OUT / f"{part}{suffix}.json" for part in ("trainers", "corr2d", "notebooks")}
    skip = set(filter(None, args.skip.split(",")))
    meta_path = OUT / f"run_all{suffix}.json"
    tic = time.perf_counter()
    if args.report_only:
        meta = read_json(meta_path) if meta_path.exists() else {"seconds": 0.0, "load_at_start": None}
    else:
        meta = {"load_at_start": load_average(), "quick": args.quick}
        quick = ["--quick"] if args.quick else []
        if "trainers" not in skip:
            run("bench_trainers.py", *quick, "--json", str(files["trainers"]))
        if "corr2d" not in skip:
            run("bench_corr2d.py", *quick, "--json", str(files["corr2d"]))
        if "notebooks" not in skip:  # last: other people may still be adding notebooks
            left = TIME_BUDGET_S - (time.perf_counter() - tic)
            full = [] if args.quick or left < 60 else ["--full-if-time", f"{left - 60:.0f}"]
            run("bench_notebooks.py", *quick, *full, "--json", str(files["notebooks"]))
        meta["seconds"] = time.perf_counter() - tic
        from common import write_json

        write_json(meta_path, meta)
    loaded = {part: read_json(path) if path.exists() and part not in skip else None for part, path in files.items()}
    target = OUT / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md"
    if loaded["corr2d"]:  # redraw from the JSON, so that --report-only also refreshes the figure
        bench_corr2d.plot(loaded["corr2d"], OUT / "corr2d-quick.png" if args.quick else HERE / "corr2d.png")
    write_results(target, loaded["trainers"], loaded["corr2d"], loaded["notebooks"], meta)


if __name__ == "__main__":
    main()
