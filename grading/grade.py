"""Grade a folder of submitted notebooks (``make grade SUBMISSIONS=folder``) and write a per-exercise report.

    python -m grading.grade SUBMISSIONS [--out grades] [--timeout 1200] [--cell-timeout 300]

``SUBMISSIONS`` holds one folder per student (``alice/7.2_conv_layer.ipynb``, ...) or notebooks named
``<student>_7.2_conv_layer.ipynb`` (or ``<student>-7.2....``). Each notebook runs in its own subprocess and kernel, in a
fresh temporary folder, with a time limit; whatever it does costs only its own exercises. The report is
``OUT/report.csv`` (one row per student, notebook and exercise) and ``OUT/summary.md`` (a table per notebook).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from d2lcore.selfcheck import REGISTRY
from grading.run_one import kernel_pid_file

ROOT = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"(?:^|[_\-\s])(\d\.\d)_[^/]*\.ipynb$")
FIELDS = ["student", "notebook", "exercise", "public", "hidden", "points", "note"]


def find_submissions(folder: Path) -> list[tuple[str, str, Path]]:
    """(student, section, path) for every notebook of a checked section under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        match = SECTION.search(path.name)
        if not match or match.group(1) not in REGISTRY:
            continue
        relative = path.relative_to(folder)
        student = relative.parts[0] if len(relative.parts) > 1 else path.name[: match.start(1)].rstrip("_- ")
        found.append((student or path.stem, match.group(1), path))
    return found


def grade_notebook(path: Path, section: str, timeout: int, cell_timeout: int, quick: bool) -> list[dict]:
    """Run one notebook in a subprocess in a temporary folder; one result per checked exercise of its section."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        work = Path(tmp) / path.name
        shutil.copyfile(path, work)
        result = Path(tmp) / "result.json"
        python_path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "PYTHONPATH": python_path, "MPLBACKEND": "Agg", "D2LCORE_QUICK": "1" if quick else "0"}
        tests = str(len(REGISTRY[section]))
        cmd = [sys.executable, "-m", "grading.run_one", str(work), str(result), section, str(cell_timeout), tests]
        process = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True)  # fmt: skip
        try:
            _, err = process.communicate(timeout=timeout)
            why = err.decode(errors="replace").strip().splitlines()[-1:] if process.returncode else []
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the runner (its kernel runs in a session of its own)
            process.communicate()
            _kill_kernel(kernel_pid_file(result))
            why = [f"the notebook did not finish within {timeout} s"]
        if result.exists():
            return json.loads(result.read_text(encoding="utf-8"))
    note = "not graded: " + (why[0] if why else "the notebook stopped before the tests ran")
    return [{"key": e.key, "public": False, "hidden": False, "note": note} for e in REGISTRY[section]]


def _kill_kernel(pid_file: Path) -> None:
    """Kill the kernel a runner noted in ``pid_file`` (it may ignore interrupts, and may have outlived the runner)."""
    with contextlib.suppress(OSError, ValueError):  # no file (no kernel started), or the kernel ended already
        os.kill(int(pid_file.read_text(encoding="utf-8")), signal.SIGKILL)


def write_report(rows: list[dict], out: Path) -> None:
    """``report.csv`` and a readable ``summary.md`` with one table per notebook (✅ = hidden test passed)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "report.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    lines = ["# Grades", "", "A point per exercise whose hidden test passed. Notes say why an exercise failed.", ""]
    for section in sorted({r["notebook"] for r in rows}):
        keys = [e.key for e in REGISTRY[section]]
        lines += [f"## {section}", "", "| student | " + " | ".join(f"ex. {k}" for k in keys) + " | points |",
                  "|---|" + "---|" * (len(keys) + 1)]  # fmt: skip
        by_student: dict[str, dict[str, dict]] = {}
        for r in rows:
            if r["notebook"] == section:
                by_student.setdefault(r["student"], {})[r["exercise"]] = r
        for student, results in sorted(by_student.items()):
            marks = ["✅" if results[k]["hidden"] else "❌" for k in keys]
            points = sum(results[k]["points"] for k in keys)
            lines.append(f"| {student} | " + " | ".join(marks) + f" | {points}/{len(keys)} |")
        notes = [
            f"- {r['student']}, ex. {r['exercise']}: {' '.join(r['note'].split())}"  # one line: a list item
            for r in rows
            if r["notebook"] == section and r["note"]
        ]
        lines += ["", *notes, ""] if notes else [""]
    (out / "summary.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path)
    parser.add_argument("--out", type=Path, default=Path("grades"))
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per notebook (default 1200)")
    parser.add_argument("--cell-timeout", type=int, default=300, help="seconds per cell and per test (default 300)")
    parser.add_argument("--full", action="store_true", help="run training cells as in the book, not in quick mode")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder: give the folder of submitted notebooks")
    submissions = find_submissions(args.submissions)
    if not submissions:
        parser.error(f"no course notebooks (names like 7.2_conv_layer.ipynb) under {args.submissions}")
    rows = []
    for n, (student, section, path) in enumerate(submissions, 1):
        print(f"[{n}/{len(submissions)}] {student}: {path.name}", flush=True)
        for r in grade_notebook(path, section, args.timeout, args.cell_timeout, not args.full):
            rows.append({"student": student, "notebook": section, "exercise": r["key"], "public": r["public"],
                         "hidden": r["hidden"], "points": int(r["hidden"]), "note": r["note"]})  # fmt: skip
    write_report(rows, args.out)
    print(f"report: {args.out / 'summary.md'} and {args.out / 'report.csv'}")
    return rows


if __name__ == "__main__":
    main()
