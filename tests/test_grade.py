"""`make grade`: a submission that raises, hangs, floods its output, kills its kernel or ignores interrupts is
graded (losing at most its own exercises), and the report says why. (A kernel per notebook is slow to start on a
loaded machine, so these tests grade few notebooks.)"""

import csv
import os
import time
from pathlib import Path

import nbformat

from grading import grade
from grading.in_kernel import grade_namespace

ANSWERS = [
    "import torch",
    "layers_needed = 10",
    "X = torch.ones(1, 1, 8, 8, requires_grad=True)\n"
    "torch.nn.functional.conv2d(X, torch.ones(1, 1, 3, 3)).sum().backward()\n"
    "coverage = X.grad[0, 0]",
]


def write_notebook(path, *cells):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_raising_hanging_flooding_and_crashing_submissions_are_graded(tmp_path):
    submissions = tmp_path / "submissions"
    messy = ["1 / 0", "while True:\n    pass", "for i in range(20_000):\n    print('flood' * 4)"]
    write_notebook(submissions / "alice" / "7.1_fc_to_conv.ipynb", *messy, *ANSWERS)
    write_notebook(submissions / "bob_7.1_fc_to_conv.ipynb", ANSWERS[1], "import os\nos._exit(1)", *ANSWERS[2:])
    out = tmp_path / "grades"
    # 20 s per cell: 4x what `import torch` takes in a fresh kernel on a loaded 2-core machine (5 s measured); the
    # endless loop burns CPU for all of it, which was most of this file's CPU time at 40 s
    grade.main([str(submissions), "--out", str(out), "--timeout", "300", "--cell-timeout", "20"])

    with open(out / "report.csv", encoding="utf-8") as f:
        rows = {(r["student"], r["exercise"]): r for r in csv.DictReader(f)}
    assert {k: rows[k]["points"] for k in rows} == {
        ("alice", "4"): "1", ("alice", "5"): "1",  # raising, hanging and flooding cells cost nothing
        ("bob", "4"): "0", ("bob", "5"): "0",  # the kernel died before the tests: nothing graded, said why
    }  # fmt: skip
    assert "kernel died" in rows["bob", "4"]["note"]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "| alice | ✅ | ✅ | 2/2 |" in summary and "| bob | ❌ | ❌ | 0/2 |" in summary


def test_a_notebook_that_ignores_interrupts_is_stopped_at_its_time_limit(tmp_path):
    path = tmp_path / "7.1_fc_to_conv.ipynb"
    pid_file = tmp_path / "kernel.pid"
    stubborn = (
        f"import os, signal, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)"
    )
    write_notebook(path, stubborn, *ANSWERS)
    results = grade.grade_notebook(path, "7.1", timeout=45, cell_timeout=5, quick=True)
    assert [r["key"] for r in results] == ["4", "5"]
    assert all(not r["hidden"] and "did not finish within 45 s" in r["note"] for r in results)
    if not pid_file.exists():  # on a loaded machine the kernel may not have reached the first cell in time
        return
    kernel = int(pid_file.read_text())
    for _ in range(50):  # the kernel was killed too, not left running: wait until it is reaped or gone
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        if _is_zombie(kernel):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the kernel {kernel} of the stopped notebook is still running")


def _is_zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_a_multi_line_note_stays_one_item_of_the_summary(tmp_path):
    note = "hidden test: Tensor-likes are not close!\n\nMismatched elements: 169 / 169 (100.0%)"
    row = {"student": "carol", "notebook": "7.1", "public": True, "points": 0, "note": note}
    passed = {**row, "exercise": "5", "hidden": True, "points": 1, "note": ""}
    rows = [{**row, "exercise": "4", "hidden": False}, passed]
    grade.write_report(rows, tmp_path)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| carol | ❌ | ✅ | 1/2 |" in summary
    one_line = "- carol, ex. 4: hidden test: Tensor-likes are not close! Mismatched elements: 169 / 169 (100.0%)\n"
    assert one_line in summary
    with open(tmp_path / "report.csv", encoding="utf-8") as f:
        assert next(csv.DictReader(f))["note"] == note  # the CSV keeps the message as it was


def test_in_the_kernel_each_test_has_a_time_limit_and_missing_answers_are_named(tmp_path):
    def endless(*args):
        while True:
            pass

    results = grade_namespace("7.3", {"mirror_pad": endless, "conv_macs": lambda *a: 0}, tmp_path / "r.json", 1)
    assert [(r["key"], r["public"], r["hidden"]) for r in results] == [
        ("3", False, False), ("4", False, False), ("6", False, False)
    ]  # fmt: skip
    assert "within 1 s" in results[0]["note"] and "hidden test" in results[1]["note"]
    assert results[2]["note"] == "not answered: zero_insert"
    assert (tmp_path / "r.json").exists()
