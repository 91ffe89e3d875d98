"""Write the student version of the course: the notebooks without the worked solutions (``make student``).

Every cell of a worked solution carries the cell tag ``solution`` (the exercise statements, ``### Exercise N`` cells,
do not). The student copy keeps the lesson and the exercise statements with their outputs, drops every solution
cell (and so its outputs), and leaves an answer cell after each statement. After the answer cell of every exercise
listed in the self-check registry (``d2lcore/selfcheck/registry.py``) it adds what the check needs (a line naming what
to define) and the check cell, which prints ✅ or ❌:

    python scripts/make_student.py [OUT_DIR]      (default: student/)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from d2lcore.files import atomic_write_text
from d2lcore.selfcheck import REGISTRY, Entry

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
ANSWER_PROMPT = "**Your answer.** Explain in words and check with code where a claim can be checked."


def is_solution(cell: nbformat.NotebookNode) -> bool:
    """Is ``cell`` part of a worked solution (tagged ``solution``)?"""
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def is_exercise_statement(cell: nbformat.NotebookNode) -> bool:
    """Is ``cell`` the statement of an exercise (a markdown cell starting with ``### Exercise``)?"""
    return cell.cell_type == "markdown" and cell.source.startswith("### Exercise")


def exercise_number(cell: nbformat.NotebookNode) -> str:
    """``"3"`` for the statement cell of ``### Exercise 3``."""
    return re.match(r"### Exercise (\d+)", cell.source).group(1)


def check_cells(section: str, entry: Entry) -> list[nbformat.NotebookNode]:
    """What a student reads and runs to check one answer: what to define, and the check cell."""
    part = f" (part {entry.key.split('.')[1]})" if "." in entry.key else ""
    asks = nbformat.v4.new_markdown_cell(f"**Self-check{part}.** Define {entry.asks} Then run the cell below.")
    code = nbformat.v4.new_code_cell(f'from d2lcore.selfcheck import check\n\ncheck("{section}", "{entry.key}")')
    return [asks, code]


def student_version(nb: nbformat.NotebookNode, section: str | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` without solution cells, with an empty answer (prose and code) after each exercise, and the
    self-checks that the registry lists for ``section`` after their exercise's answer cell."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    checks = REGISTRY.get(section, []) if section else []
    placed = []
    for cell in nb.cells:
        if is_solution(cell):
            continue
        out.cells.append(cell)
        if is_exercise_statement(cell):
            out.cells.append(nbformat.v4.new_markdown_cell(ANSWER_PROMPT))
            out.cells.append(nbformat.v4.new_code_cell(""))
            for entry in checks:
                if entry.key.split(".")[0] == exercise_number(cell):
                    out.cells.extend(check_cells(section, entry))
                    placed.append(entry.key)
    missing = [e.key for e in checks if e.key not in placed]
    if missing:
        raise ValueError(f"{section}: the self-check registry lists exercises {missing}, which have no statement cell")
    return out


def section_of(path: Path) -> str:
    """The section of a notebook file name: ``"7.2"`` for ``7.2_conv_layer.ipynb``."""
    return path.name.split("_")[0]


def main(out_dir: str | Path = ROOT / "student") -> list[Path]:
    """Write the student version of every notebook into ``out_dir``; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        student = student_version(nbformat.read(path, as_version=4), section_of(path))
        nbformat.validate(student)
        written.append(atomic_write_text(out / path.name, nbformat.writes(student) + "\n"))
    return written


if __name__ == "__main__":
    for written_path in main(*sys.argv[1:2]):
        print(written_path)
