"""Re-execute notebooks whole with other seeds, the check a sceptical reader makes: ``make seeds``.

    python scripts/run_seeds.py NB ... --seeds 101 202 303 [--out runs/seeds] [--full]

Every training notebook seeds its runs with ``d2l.seed(default)``, which takes ``D2LCORE_SEED`` from the
environment when it is set. This script sets it to each seed in turn and executes each notebook into
``--out/seed-<seed>/`` (the committed notebooks stay as they are). A failing cell does not stop the run: the
remaining cells still execute, so every assert that fails is seen, and the summary lists them. The exit status
is 1 when any cell of any run raised.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.run_notebooks import ProgressClient, select, write


def failing_cells(nb: nbformat.NotebookNode) -> list[str]:
    """'cell N: ErrorName: message' for every code cell (numbered from 1) whose execution raised."""
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    failures = []
    for number, cell in enumerate(code_cells, 1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                failures.append(f"cell {number}: {out['ename']}: {out['evalue'][:200]}")
    return failures


def run_with_seed(path: Path, seed: int, out: Path) -> tuple[list[str], float]:
    """Execute ``path`` with ``D2LCORE_SEED=seed`` into ``out``; return its failing cells and the seconds taken."""
    os.environ["D2LCORE_SEED"] = str(seed)  # the kernel inherits it
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = ProgressClient(
        nb, timeout=None, allow_errors=True, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    write(nb, out)
    return failing_cells(nb), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", required=True, help="the seeds, e.g. 101 202 303")
    parser.add_argument("--out", type=Path, default=Path("runs/seeds"), help="folder for the executed copies")
    parser.add_argument("--full", action="store_true", help="full mode (hours on a CPU); default: quick mode")
    parser.add_argument("notebooks", nargs="+", metavar="NB", help="notebook name prefixes, e.g. 7.6 8.2")
    args = parser.parse_args(argv)
    if any(seed < 0 for seed in args.seeds):
        parser.error("seeds must be whole numbers >= 0, e.g. --seeds 101 202 303")

    os.environ["D2LCORE_QUICK"] = "0" if args.full else "1"
    summary = []
    for path in select(args.notebooks):
        for seed in args.seeds:
            out = args.out / f"seed-{seed}" / path.name
            print(f"==> {path.name} with seed {seed} -> {out}")
            failures, seconds = run_with_seed(path, seed, out)
            verdict = "passed" if not failures else f"FAILED ({len(failures)} cell(s))"
            summary.append(f"{path.stem:<14} seed {seed:<6} {verdict} in {seconds:.0f} s")
            summary.extend(f"    {failure}" for failure in failures)
    print("\n".join(["", "Summary:", *summary]))
    return 1 if any(line.startswith("    ") for line in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
