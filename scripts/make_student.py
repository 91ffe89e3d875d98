"""Write the student version of the course: the notebooks without the worked solutions (``make student``).

Every cell of a worked solution carries the cell tag ``solution`` (the exercise statements, ``### Exercise N`` cells,
do not). The student copy keeps the lesson and the exercise statements with their outputs, drops every solution
cell (and so its outputs), and leaves an answer cell after each statement:

    python scripts/make_student.py [OUT_DIR]      (default: student/)
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from d2lcore.files import atomic_write_text

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
ANSWER_PROMPT = "**Your answer.** Explain in words and check with code where a claim can be checked."


def is_solution(cell: nbformat.NotebookNode) -> bool:
    """Is ``cell`` part of a worked solution (tagged ``solution``)?"""
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def is_exercise_statement(cell: nbformat.NotebookNode) -> bool:
    """Is ``cell`` the statement of an exercise (a markdown cell starting with ``### Exercise``)?"""
    return cell.cell_type == "markdown" and cell.source.startswith("### Exercise")


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without solution cells, with an empty answer (prose and code) after each exercise."""
    out = nbformat.v4.new_notebook(metadata=nb.metadata)
    for cell in nb.cells:
        if is_solution(cell):
            continue
        out.cells.append(cell)
        if is_exercise_statement(cell):
            out.cells.append(nbformat.v4.new_markdown_cell(ANSWER_PROMPT))
            out.cells.append(nbformat.v4.new_code_cell(""))
    return out


def main(out_dir: str | Path = ROOT / "student") -> list[Path]:
    """Write the student version of every notebook into ``out_dir``; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        student = student_version(nbformat.read(path, as_version=4))
        nbformat.validate(student)
        written.append(atomic_write_text(out / path.name, nbformat.writes(student) + "\n"))
    return written


if __name__ == "__main__":
    for written_path in main(*sys.argv[1:2]):
        print(written_path)
