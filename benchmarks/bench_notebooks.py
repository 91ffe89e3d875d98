"""Question 3: how long the whole course takes to execute, notebook by notebook.

Every notebook that exists when the script starts (``notebooks/*.ipynb``) is executed top to bottom with
``jupyter nbconvert --execute`` into a temporary folder (the committed notebooks are never touched), in quick
mode (``D2LCORE_QUICK=1``), and the wall time of each execution is recorded, kernel start-up included.
Notebooks that the README's contents table lists but that do not exist yet are reported as missing.

If the slowest notebook took more than ``--diagnose-above`` seconds (default 120), it is executed once more
with ``OMP_NUM_THREADS=1``, to tell CPU contention between OpenMP threads from real work.
With ``--full`` (or ``--full-if-time`` seconds of budget left), the notebooks whose quick run was short are
executed once more in full mode (``D2LCORE_QUICK=0``), each stopped after 3x its quick time + 30 s.

    python benchmarks/bench_notebooks.py                 # quick mode, every notebook once
    python benchmarks/bench_notebooks.py --quick         # smoke run: only the first notebook
    python benchmarks/bench_notebooks.py --full          # also full mode for the short notebooks
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import OUT, REPO, machine, markdown_table, write_json

NOTEBOOKS = REPO / "notebooks"
QUICK_TARGET_S = 600  # the target: every notebook in quick mode within 10 minutes on 2 cores


def listed_in_readme() -> list[str]:
    """Notebook file names that the README's contents table links to."""
    text = (REPO / "README.md").read_text()
    return sorted(set(re.findall(r"\(notebooks/([^)]+\.ipynb)\)", text)))


def execute(path: Path, quick: bool, timeout: float, threads: int | None = None) -> dict:
    """Execute one notebook into a temporary folder; return its wall time and outcome.

    ``threads`` sets ``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` for the kernel (None: torch's default).
    """
    env = {**os.environ, "D2LCORE_OFFLINE": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    env["D2LCORE_QUICK"] = "1" if quick else "0"
    if threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
    jupyter = Path(sys.executable).with_name("jupyter")
    with tempfile.TemporaryDirectory(prefix="d2lnb-") as tmp:
        cmd = [
            str(jupyter) if jupyter.exists() else "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            f"--ExecutePreprocessor.timeout={int(timeout)}",
            "--output-dir",
            tmp,
            str(path),
        ]
        tic = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
            status = "ok" if proc.returncode == 0 else "error"
            detail = "" if proc.returncode == 0 else _last_error(proc.stderr)
        except subprocess.TimeoutExpired:
            status, detail = "timeout", f"stopped after {timeout:.0f} s"
        seconds = time.perf_counter() - tic
    return {"seconds": seconds, "status": status, "detail": detail}


def _last_error(stderr: str) -> str:
    """The most telling line of a failed execution's stderr (ANSI colours removed), for the table."""
    stderr = re.sub(r"\x1b\[[0-9;]*m", "", stderr)
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "error" in line]
    return (errors or lines or ["(no message)"])[-1][:200]


def measure(
    paths: list[Path],
    full: bool,
    full_budget: float | None,
    full_max_quick: float,
    diagnose_above: float | None,
    log=print,
) -> dict:
    results: dict[str, dict] = {}
    start = time.perf_counter()
    for path in paths:
        r = execute(path, quick=True, timeout=900)
        results[path.name] = {"quick": r}
        log(f"  {path.name:<34} quick {r['seconds']:6.1f} s  {r['status']} {r['detail']}".rstrip())
    quick_total = sum(r["quick"]["seconds"] for r in results.values())
    # The slowest notebook, when it is slow, once more with one OpenMP thread: is it the CPU contention?
    slowest = max(results, key=lambda name: results[name]["quick"]["seconds"], default=None)
    if (
        diagnose_above is not None
        and slowest is not None
        and results[slowest]["quick"]["status"] == "ok"
        and results[slowest]["quick"]["seconds"] > diagnose_above
    ):
        r = execute(NOTEBOOKS / slowest, quick=True, timeout=900, threads=1)
        results[slowest]["quick_1thread"] = r
        log(f"  {slowest:<34} quick, OMP_NUM_THREADS=1 {r['seconds']:6.1f} s  {r['status']} {r['detail']}".rstrip())
    for path in paths:
        quick = results[path.name]["quick"]
        if not (full or full_budget is not None) or quick["status"] != "ok" or quick["seconds"] > full_max_quick:
            continue
        timeout = 3 * quick["seconds"] + 30  # a short notebook that trains little in quick mode
        if full_budget is not None:
            timeout = min(timeout, full_budget - (time.perf_counter() - start))
        if timeout < 30:
            results[path.name]["full"] = {"status": "not run (time budget used up)", "seconds": None}
            continue
        r = execute(path, quick=False, timeout=timeout)
        results[path.name]["full"] = r
        log(f"  {path.name:<34} full  {r['seconds']:6.1f} s  {r['status']} {r['detail']}".rstrip())
    listed = listed_in_readme()
    present = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    return {
        "results": results,
        "quick_total_s": quick_total,
        "quick_target_s": QUICK_TARGET_S,
        "full_max_quick_s": full_max_quick,
        "diagnose_above_s": diagnose_above,
        "listed": listed,
        "missing": [name for name in listed if name not in present],
        "not_listed": [name for name in present if name not in listed],
    }


def table(payload: dict) -> str:
    one_thread = any("quick_1thread" in r for r in payload["results"].values())
    header = ["notebook", "quick mode s", "status", "full mode s"] + (["quick, 1 thread s"] if one_thread else [])
    rows = []
    for name, r in payload["results"].items():
        quick = r["quick"]
        full = r.get("full")
        if full is None:
            full_text = "-"
        elif full.get("seconds") is None:
            full_text = full["status"]
        else:
            full_text = f"{full['seconds']:.1f}" + ("" if full["status"] == "ok" else f" ({full['status']})")
        detail = re.sub(r"\x1b\[[0-9;]*m", "", quick["detail"])
        status = quick["status"] + (f": {detail}" if detail else "")
        row = [name, f"{quick['seconds']:.1f}", status, full_text]
        if one_thread:
            single = r.get("quick_1thread")
            row.append(f"{single['seconds']:.1f}" if single else "-")
        rows.append(row)
    pad = [""] * (len(header) - 2)
    rows.append(["**all notebooks**", f"**{payload['quick_total_s']:.0f}**", *pad])
    for name in payload["missing"]:
        rows.append([name, "not written yet", "missing", *pad[1:]])
    return markdown_table(header, rows, "lrl" + "r" * (len(header) - 3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: only the first notebook")
    parser.add_argument("--full", action="store_true", help="also run the short notebooks in full mode")
    parser.add_argument(
        "--full-if-time",
        type=float,
        default=None,
        metavar="SECONDS",
        help="run the full-mode pass only while the script has been running for less than SECONDS",
    )
    parser.add_argument(
        "--full-max-quick",
        type=float,
        default=60.0,
        help="full mode only for notebooks whose quick run took at most this many seconds (default 60)",
    )
    parser.add_argument(
        "--diagnose-above",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="re-run the slowest notebook with OMP_NUM_THREADS=1 if its quick run took longer (default 120; "
        "a negative value turns this off)",
    )
    parser.add_argument("--json", type=Path, default=None, help="where to write the raw results")
    args = parser.parse_args()
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.quick:
        paths = paths[:1]
    info = machine()
    print(f"notebooks: {len(paths)} found in {NOTEBOOKS.relative_to(REPO)}/", flush=True)
    tic = time.perf_counter()
    diagnose = args.diagnose_above if args.diagnose_above >= 0 else None
    payload = measure(
        paths, args.full, args.full_if_time, args.full_max_quick, diagnose, log=lambda s: print(s, flush=True)
    )
    payload.update(machine=info, quick=args.quick, seconds=time.perf_counter() - tic)
    print(table(payload))
    if payload["missing"]:
        print("not written yet: " + ", ".join(payload["missing"]))
    write_json(args.json or OUT / ("notebooks-quick.json" if args.quick else "notebooks.json"), payload)


if __name__ == "__main__":
    main()
