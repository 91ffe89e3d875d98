"""`make run`: notebooks chosen by prefix, a time estimate for each, progress while running, outputs into runs/."""

import hashlib
from pathlib import Path

import pytest

import d2lcore as d2l
from scripts import run_notebooks

ROOT = Path(__file__).resolve().parent.parent


def test_every_notebook_has_a_time_estimate():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        quick, full = (run_notebooks.estimate_minutes(path, q) for q in (True, False))
        assert quick > 0 and full > 0, path.name


def test_readme_shows_the_estimates_that_make_run_prints():
    """The README's "How long it takes" rows carry the same minutes as QUICK_MINUTES and the full-mode record."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## How long it takes", 1)[1].split("\n\n## ", 1)[0]
    for prefix in ("7.6", "8.2", "8.6"):
        (path,) = run_notebooks.select([prefix])
        row = next(line for line in table.splitlines() if line.startswith(f"| {prefix} "))
        quick_cell, full_cell = row.split("|")[2:4]
        assert quick_cell.strip() == f"{run_notebooks.estimate_minutes(path, True):.1f} min", row
        full_s = d2l.full_mode_record(path.stem)["wall_time_s"]
        assert full_cell.strip().startswith(f"{full_s:.0f} s " if full_s < 90 else f"{full_s / 60:.0f} min "), row
    small = next(line for line in table.splitlines() if line.startswith("| 00_setup, 7.1-7.5 "))
    assert "| 6-10 s each |" in small and all(
        run_notebooks.QUICK_MINUTES[p] * 60 <= 10 for p in ("00", "7.1", "7.2", "7.3", "7.4", "7.5")
    )


def test_prefixes_select_notebooks_and_a_bad_one_lists_the_choices():
    assert [p.name for p in run_notebooks.select(["8"])] == ["8.2_vgg.ipynb", "8.6_resnet.ipynb"]
    assert len(run_notebooks.select([])) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    with pytest.raises(SystemExit, match=r"no notebook matches '9\.9'.*7\.6_lenet"):
        run_notebooks.select(["9.9"])


def test_run_shows_progress_and_leaves_the_committed_notebook_alone(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("D2LCORE_QUICK", "1")  # main() sets it for the kernels; monkeypatch restores it afterwards
    source = ROOT / "notebooks" / "00_setup.ipynb"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    assert run_notebooks.main(["--out", str(tmp_path), "--quick", "00"]) == 0
    printed = capsys.readouterr().out
    assert "Executing 1 notebook(s) in quick mode" in printed and "Expected time" in printed
    assert "cell 1/" in printed and "data: Fashion-MNIST" in printed and "done in" in printed
    assert (tmp_path / "00_setup.ipynb").exists()
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_run_seeds_lists_every_failing_cell_and_rejects_negative_seeds(capsys):
    import nbformat

    from scripts import run_seeds

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("text"), nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")]
    nb.cells[2].outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="gap 0.01", traceback=[])]
    assert run_seeds.failing_cells(nb) == ["cell 2: AssertionError: gap 0.01"]  # code cells counted from 1
    with pytest.raises(SystemExit):
        run_seeds.main(["7.6", "--seeds", "-1"])
    assert "seeds must be whole numbers >= 0" in capsys.readouterr().err
