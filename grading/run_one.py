"""Execute one submitted notebook and grade it.

    python -m grading.run_one NOTEBOOK RESULT.json SECTION SECONDS TESTS

The grader starts this in a subprocess, in a temporary folder, with a time limit for the whole notebook. Here every
cell gets ``SECONDS`` (then the kernel is interrupted and the next cell runs), a cell that raises does not stop the
rest, output beyond a limit per cell is dropped, and a last cell appended to the notebook runs the tests.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
MAX_OUTPUT_CHARS = 200_000
"""Output kept per cell; a cell that prints more loses the rest of its output (and keeps running)."""


class CappedClient(NotebookClient):
    """A NotebookClient that drops a cell's output beyond :data:`MAX_OUTPUT_CHARS`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._used: dict[int, int] = {}

    def output(self, outs, msg, display_id, cell_index):
        used = self._used.get(cell_index, 0) + len(json.dumps(msg.get("content", {})))
        self._used[cell_index] = used
        return None if used > MAX_OUTPUT_CHARS else super().output(outs, msg, display_id, cell_index)


def grading_cell(section: str, result: Path, seconds: int) -> nbformat.NotebookNode:
    """The appended cell: import the grader's tests (outside the student's folder) and run them on the namespace."""
    cell = nbformat.v4.new_code_cell(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from grading.in_kernel import grade_namespace\n"
        f"grade_namespace({section!r}, globals(), {str(result)!r}, {seconds})"
    )
    cell.metadata["grading"] = True
    return cell


def cell_time_limit(seconds: int, tests: int) -> Callable[[nbformat.NotebookNode], int]:
    """``seconds`` per student cell; the grading cell gets that per test, plus two minutes for its imports."""
    return lambda cell: seconds * tests + 120 if cell.metadata.get("grading") else seconds


def kernel_pid_file(result: Path) -> Path:
    """Where the runner notes its kernel's process id, for the grader to kill it at the time limit."""
    return result.with_suffix(".kernel-pid")


def _write_kernel_pid(client: NotebookClient, result: Path) -> None:
    pid = getattr(client.km.provisioner, "pid", None)
    if pid is not None:
        kernel_pid_file(result).write_text(str(pid), encoding="utf-8")


def main(notebook: str, result: str, section: str, seconds: str, tests: str) -> int:
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(grading_cell(section, Path(result).resolve(), int(seconds)))
    client = CappedClient(
        nb, timeout_func=cell_time_limit(int(seconds), int(tests)), interrupt_on_timeout=True, allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(notebook).parent)}},
    )  # fmt: skip
    client.on_notebook_start = lambda notebook: _write_kernel_pid(client, Path(result))
    try:
        client.execute()
    except DeadKernelError:
        print("the kernel died (the notebook ended its own process, or ran out of memory)", file=sys.stderr)
        return 3
    nbformat.write(nb, Path(result).with_suffix(".executed.ipynb"))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
