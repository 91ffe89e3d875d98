"""`make student`: the exercise statements stay, the worked solutions go; and the solutions are tagged consistently."""

import re
from pathlib import Path

import nbformat
import pytest

from scripts import make_student

ROOT = Path(__file__).resolve().parent.parent

EXERCISE_NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if not p.name.startswith("00")]
STATEMENT = re.compile(r"^\*(?![*\s])")  # the book's exercise statements are set in italics


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_after_the_exercises_heading_is_a_statement_or_a_tagged_solution(path):
    cells = nbformat.read(path, as_version=4).cells
    start = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises"))
    assert not any(make_student.is_solution(c) for c in cells[:start]), "a lesson cell is tagged as a solution"
    assert cells[start].source.strip() == "## Exercises" and not make_student.is_solution(cells[start])
    solutions_per_exercise = []
    for cell in cells[start + 1 :]:
        if make_student.is_exercise_statement(cell):
            assert not make_student.is_solution(cell)
            heading, *statement = cell.source.split("\n\n")
            assert re.fullmatch(r"### Exercise \d+", heading) and statement, heading
            assert all(STATEMENT.match(p) for p in statement), f"{heading} holds more than its statement"
            solutions_per_exercise.append(0)
        else:
            assert make_student.is_solution(cell), f"untagged cell after the exercises heading: {cell.source[:60]!r}"
            if solutions_per_exercise:
                solutions_per_exercise[-1] += 1
    assert solutions_per_exercise and all(n > 0 for n in solutions_per_exercise), "an exercise has no solution"


def is_self_check(cell):
    """A cell `make student` adds for a self-check: what to define, or the check call."""
    return cell.source.startswith("**Self-check") or cell.source.startswith("from d2lcore.selfcheck import check")


def test_student_copies_keep_lesson_and_statements_and_drop_every_solution(tmp_path):
    written = make_student.main(tmp_path)
    assert [p.name for p in written] == [p.name for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    for path in written:
        original = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        student = nbformat.read(path, as_version=4)
        kept = [c for c in original.cells if not make_student.is_solution(c)]
        statements = [c for c in kept if make_student.is_exercise_statement(c)]
        added = {"", make_student.ANSWER_PROMPT}
        assert [c.source for c in student.cells if c.source not in added and not is_self_check(c)] == [
            c.source for c in kept
        ]
        assert sum(c.source == make_student.ANSWER_PROMPT for c in student.cells) == len(statements)
        solution_text = {
            o.get("text", "") for c in original.cells if make_student.is_solution(c) for o in c.get("outputs", [])
        }
        student_text = {o.get("text", "") for c in student.cells if c.cell_type == "code" for o in c.outputs}
        assert not (solution_text - {""}) & student_text, f"{path.name} keeps a solution's output"
