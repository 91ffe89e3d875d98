"""Execute the course's notebooks with progress on the terminal: ``make run`` and ``make refresh``.

    python scripts/run_notebooks.py [--out DIR | --in-place] [--quick | --full] [NB ...]

NB selects notebooks by a prefix of their file name (``7.6``, ``8``, ``00_setup``); default: all of them.
Each notebook is executed into ``--out`` (default ``runs/``), so the committed notebooks stay as they are;
``--in-place`` overwrites them (for maintainers refreshing the committed quick-mode outputs).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from d2lcore.files import atomic_write_text
from d2lcore.records import load_records

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# Wall time of each whole notebook in quick mode on the course's development machine (2 CPU cores, no GPU), in
# minutes. The README's "How long it takes" table shows these (tests/test_run_notebooks.py keeps the two equal).
QUICK_MINUTES = {
    **dict.fromkeys(("00", "7.1", "7.2", "7.3", "7.4", "7.5"), 0.15),
    "7.6": 4.3,
    "8.2": 3.5,
    "8.6": 1.7,
}


def select(prefixes: list[str]) -> list[Path]:
    """The notebooks whose file names start with one of ``prefixes`` (all notebooks when none is given)."""
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not prefixes:
        return paths
    chosen = [p for p in paths if any(p.name.startswith(prefix) for prefix in prefixes)]
    if not chosen:
        names = ", ".join(p.stem for p in paths)
        sys.exit(f"no notebook matches {' '.join(prefixes)!r}; choose a prefix of one of: {names}")
    return chosen


def estimate_minutes(path: Path, quick: bool) -> float:
    """Expected wall time of one notebook on a 2-core CPU (a GPU makes full mode much faster).

    Quick mode: the measured whole notebook. Full mode: the recorded full-mode run up to the end of its main
    training (``d2lcore/full_mode.json``); the exercises of the training notebooks train more networks on top.
    """
    quick_min = next(t for prefix, t in QUICK_MINUTES.items() if path.name.startswith(prefix))
    record = load_records().get(f"{path.stem}/cpu")
    return quick_min if quick or record is None else record["notebook_wall_time_s"] / 60


class ProgressClient(NotebookClient):
    """A notebook client that prints, while it runs, which cell it executes and the text the cells print."""

    def __init__(self, nb: nbformat.NotebookNode, **kwargs) -> None:
        super().__init__(nb, **kwargs)
        self._code_cells = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
        self._live = False  # is the terminal's last line a progress line that the next update overwrites?

    def _line(self, text: str, overwrite: bool = False) -> None:
        if self._live and not overwrite:
            sys.stdout.write("\n")
        sys.stdout.write(("\r\033[K" if overwrite else "") + text)
        sys.stdout.write("" if overwrite else "\n")
        sys.stdout.flush()
        self._live = overwrite

    def on_cell_start(self, cell, cell_index: int) -> None:  # nbclient hook
        number = self._code_cells.index(cell_index) + 1 if cell_index in self._code_cells else 0
        if number:
            first = next((line for line in cell.source.splitlines() if not line.startswith("#")), "").strip()
            self._line(f"  cell {number}/{len(self._code_cells)}: {first[:70]}")

    def process_message(self, msg: dict, cell, cell_index: int):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            for line in content["text"].rstrip("\n").splitlines():
                self._line(f"      {line}")
        elif kind in ("display_data", "update_display_data") and (content.get("transient") or {}).get("display_id"):
            text = content.get("data", {}).get("text/plain")  # the Trainer's progress line, updated in place
            if text:
                self._line(f"      {text}", overwrite=True)
        return super().process_message(msg, cell, cell_index)


def write(nb: nbformat.NotebookNode, out: Path) -> None:
    """Write ``nb`` to ``out`` atomically, so an interrupted write never leaves half a notebook."""
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, nbformat.writes(nb) + "\n")  # what nbformat.write writes


def run(path: Path, out: Path, timeout: int | None) -> float:
    """Execute one notebook with its folder as working directory, write it to ``out``; return the seconds taken.

    When a cell fails, the outputs so far are written too (they show where and why), except over the source.
    """
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = ProgressClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except BaseException:
        if out.resolve() != path.resolve():
            write(nb, out)
        raise
    write(nb, out)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=Path("runs"), help="folder for the executed copies (default runs/)")
    where.add_argument("--in-place", action="store_true", help="overwrite the committed notebooks (maintainers)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="quick mode: small subset, few epochs (default)")
    mode.add_argument("--full", action="store_true", help="full mode: train as the book does (hours on a CPU)")
    parser.add_argument("notebooks", nargs="*", metavar="NB", help="notebook name prefixes, e.g. 7.6 or 8")
    args = parser.parse_args(argv)

    quick = not args.full
    os.environ["D2LCORE_QUICK"] = "1" if quick else "0"  # the kernels inherit it
    paths = select(args.notebooks)
    total = sum(estimate_minutes(p, quick) for p in paths)
    target = "in place (the committed notebooks)" if args.in_place else f"into {args.out}/"
    print(f"Executing {len(paths)} notebook(s) in {'quick' if quick else 'full'} mode, {target}.")
    if quick:
        print(f"Expected time on a 2-core CPU: about {max(total, 1):.0f} min.")
    else:
        print(f"Expected time on a 2-core CPU: over {total:.0f} min for the main training runs alone, plus the")
        print("exercises of 7.6, 8.2 and 8.6, which train more networks (a GPU is many times faster).")
    for i, path in enumerate(paths, 1):
        out = path if args.in_place else args.out / path.name
        print(f"==> [{i}/{len(paths)}] {path.name} (about {estimate_minutes(path, quick):.1f} min)")
        try:
            seconds = run(path, out, timeout=None if not quick else 1800)
        except Exception as error:  # nbclient's CellExecutionError carries the traceback text
            kept = "" if args.in_place else f"; its outputs up to the failing cell are in {out}"
            print(f"\n{path.name} failed{kept}\n{error}", file=sys.stderr)
            return 1
        print(f"    done in {seconds:.0f} s -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
