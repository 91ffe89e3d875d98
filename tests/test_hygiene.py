"""Repository hygiene: every notebook listed, Colab- and Kaggle-ready, executed cleanly; every image used, embedded
and up to date."""

import importlib
import json
import os
import re
import sys
from pathlib import Path

import pytest

import d2lcore
from figures import embed
from scripts import set_repo

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
README = (ROOT / "README.md").read_text()

COLAB_CELL = set_repo.colab_cell(d2lcore.COURSE_REPO)  # the cell `make colab` writes


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ is empty"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_listed_in_readme_with_colab_and_kaggle_badges(path):
    assert f"(notebooks/{path.name})" in README, f"{path.name} is not linked from README.md"
    assert set_repo.badges(d2lcore.COURSE_REPO, path.name) in README, (
        f"{path.name} lacks its Colab and Kaggle badges in README.md: run make colab REPO={d2lcore.COURSE_REPO}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_and_first_cells(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    title = _source(nb["cells"][0])
    assert nb["cells"][0]["cell_type"] == "markdown" and title.startswith("# ")
    assert title.split("\n\n")[1] == set_repo.badges(d2lcore.COURSE_REPO, path.name), (
        f"{path.name}: no Colab and Kaggle badges under the title: run make colab REPO={d2lcore.COURSE_REPO}"
    )
    assert _source(_code_cells(nb)[0]) == COLAB_CELL


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_cleanly_in_order(path):
    cells = _code_cells(_load(path))
    counts = [c["execution_count"] for c in cells]
    assert None not in counts, f"{path.name} has unexecuted code cells"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not executed top to bottom in one run"
    for cell in cells:
        assert _source(cell).strip(), f"{path.name} has an empty code cell"
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name} has an error output"
            text = "".join(out.get("text", ""))
            assert out.get("name") != "stderr" or not text.strip(), f"{path.name} writes to stderr: {text[:200]}"
            assert "Warning" not in text, f"{path.name} shows a warning: {text[:200]}"


IGNORE_TAG = "nbval-ignore-output"
TEST_MARKER = re.compile(r"NBVAL_\w+|# fmt: (?:skip|off|on)")
MACHINE_DEPENDENT = re.compile(r"d2l\.describe\(|best_time\(|perf_counter\(")  # settings and timings


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_test_machinery_stays_out_of_the_code(path):
    """Students read the code: nbval is told to ignore a cell's output by the cell tag, never by a comment."""
    for i, cell in enumerate(_code_cells(_load(path))):
        source, tags = _source(cell), cell.get("metadata", {}).get("tags", [])
        marker = TEST_MARKER.search(source)
        assert not marker, (
            f"{path.name}, code cell {i + 1}: '{marker and marker[0]}' in the code; give the cell the tag "
            f"'{IGNORE_TAG}' instead (NBVAL_SKIP is not allowed: skipped code is untested code)"
        )
        if MACHINE_DEPENDENT.search(source):
            assert IGNORE_TAG in tags, f"{path.name}, code cell {i + 1}: its output depends on the machine; tag it"
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] == "markdown":
            talk = re.search(r"nbval|\bCI\b|development machine", _source(cell))
            assert not talk, f"{path.name}, cell {i}: a lesson talks about the test machinery ('{talk and talk[0]}')"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_optional_reading_has_one_heading(path):
    """Optional blocks start with a markdown cell whose first line is '### Going further: <title>' (CONTRIBUTING.md)."""
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        lines = _source(cell).splitlines()
        for n, line in enumerate(lines):
            if re.match(r"#+ .*going further", line, re.I):
                assert n == 0 and re.match(r"### Going further: \S", line), (
                    f"{path.name}, cell {i}: write optional blocks as a cell whose first line is "
                    f"'### Going further: <title>', not '{line}'"
                )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_plot_is_in_the_outputs(path):
    """A cell that shows a figure (a top-level plt.show()) must carry the image: a run with a non-inline
    matplotlib backend (MPLBACKEND=Agg) would otherwise commit notebooks without their plots."""
    for i, cell in enumerate(_code_cells(_load(path))):
        if re.search(r"^plt\.show\(\)", _source(cell), re.M):
            images = [o for o in cell["outputs"] if "image/png" in o.get("data", {})]
            assert images, f"{path.name}, code cell {i + 1}: plt.show() but no image in its outputs"


def _markdown(nb: dict) -> str:
    return "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_is_embedded_and_is_the_committed_image(path):
    """A notebook carries its figures (so it shows them when opened alone), each a byte-exact copy of images/."""
    markdown = _markdown(_load(path))
    assert "../images/" not in markdown, f"{path.name} links a figure by a relative path: run python -m figures --embed"
    for name, png in embed.embedded_figures(markdown).items():
        image = ROOT / "images" / name
        assert image.is_file(), f"{path.name} shows images/{name}, which does not exist"
        assert png == image.read_bytes(), f"{path.name}'s copy of images/{name} is out of date: run make figures"


def test_every_image_is_shown_by_a_notebook():
    used = set().union(*(embed.figure_names(_markdown(_load(p))) for p in NOTEBOOKS)) if NOTEBOOKS else set()
    present = {p.name for p in (ROOT / "images").glob("*") if p.suffix in {".png", ".svg", ".jpg"}}
    assert not present - used, f"images no notebook shows: {sorted(present - used)}"


def _run_install_cell() -> list[tuple]:
    """Run the install cell as IPython would; return the line magics it called."""
    from IPython.core.inputtransformer2 import TransformerManager

    calls = []

    class FakeShell:
        def run_line_magic(self, *args):
            calls.append(args)

    code = TransformerManager().transform_cell(COLAB_CELL)
    exec(compile(code, "<install-cell>", "exec"), {"get_ipython": FakeShell})
    return calls


def test_install_cell_does_nothing_but_the_mps_setting_outside_colab_and_kaggle(monkeypatch):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv("PYTORCH_ENABLE_MPS_FALLBACK", raising=False)
    assert _run_install_cell() == [], "the install cell must not install anything outside Colab and Kaggle"
    assert os.environ["PYTORCH_ENABLE_MPS_FALLBACK"] == "1"
    monkeypatch.setenv("PYTORCH_ENABLE_MPS_FALLBACK", "0")
    _run_install_cell()
    assert os.environ["PYTORCH_ENABLE_MPS_FALLBACK"] == "0", "a setting the user made must be kept"


@pytest.mark.parametrize("place", ["colab", "kaggle"])
def test_install_cell_installs_the_package_on_colab_and_kaggle(place, monkeypatch):
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if place == "colab":
        monkeypatch.setitem(sys.modules, "google.colab", object())  # Colab's kernel has imported it
    else:
        monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")  # set in every Kaggle notebook
    calls = _run_install_cell()
    assert calls == [("pip", f'install --quiet "d2lcore @ git+https://github.com/{d2lcore.COURSE_REPO}"')]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_come_from_the_real_data(path):
    for cell in _code_cells(_load(path)):
        for out in cell["outputs"]:
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r"stand-in|look-alike|synthetic", text, re.I), f"{path.name}: {text[:200]}"
            for line in re.findall(r"^data: .*$", text, re.M):
                assert re.match(r"data: (Fashion-MNIST|MNIST)[ ,]", line), f"{path.name}: {line}"


TRAINING_NOTEBOOKS = ["7.6_lenet", "8.2_vgg", "8.6_resnet"]


@pytest.mark.parametrize("name", TRAINING_NOTEBOOKS)
def test_full_mode_record_holds_a_real_full_run(name):
    record = d2lcore.full_mode_record(name, "cpu")
    assert record["data"] == "Fashion-MNIST" and (record["train_images"], record["val_images"]) == (60000, 10000)
    assert record["epochs"] == 10 and len(record["history"]["val_acc"]) == 10
    assert record["val_acc"] == record["history"]["val_acc"][-1] and 0.1 < record["val_acc"] < 1
    assert record["command"].endswith(f"notebooks/{name}.ipynb")
    nb = _load(ROOT / "notebooks" / f"{name}.ipynb")
    assert any(f'results_table("{name}"' in _source(c) for c in _code_cells(nb)), f"{name} does not show the record"


TRAINER_CALL = re.compile(r"Trainer\(([^()]*(?:\([^()]*\)[^()]*)*)\)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_training_calls_state_their_epochs_and_lessons_set_no_threads(path):
    code = "\n".join(_source(c) for c in _code_cells(_load(path)))
    for args in TRAINER_CALL.findall(code):
        epochs = re.search(r"max_epochs=([^,)]+)", args)
        assert epochs, f"{path.name}: Trainer({args}) does not say how many epochs it trains"
        assert not epochs.group(1).strip().isdigit(), (
            f"{path.name}: Trainer({args}) trains a fixed number of epochs in both modes; "
            "state the quick-mode budget with max_epochs=d2l.pick(full=..., quick=...)"
        )
    assert "set_num_threads" not in code, f"{path.name} sets torch's threads: that policy lives in tests/conftest.py"


def test_every_function_a_notebook_teaches_says_where():
    """Like the book's "Defined in" notes: the package's docstring names the notebook that writes it out."""
    import inspect

    aliases = set(importlib.import_module("d2lcore.aliases").__all__)  # torch's functions under the book's names
    for name in d2lcore.__all__:
        obj = getattr(d2lcore, name)
        if not callable(obj) or name in aliases:
            continue
        doc = inspect.getdoc(obj) or ""
        taught_in = re.findall(r"Taught in notebooks/(\S+\.ipynb)", doc)
        inline = [p.name for p in NOTEBOOKS if re.search(rf"^(?:def|class) {name}\b", _all_code(p), re.M)]
        for notebook in inline:
            assert notebook in taught_in, f"{name} is written out in {notebook}; its docstring must say so"
        for notebook in taught_in:
            assert (ROOT / "notebooks" / notebook).exists() and name in _all_code(ROOT / "notebooks" / notebook)


def _all_code(path: Path) -> str:
    return "\n".join(_source(c) for c in _code_cells(_load(path)))


def test_readme_layout_lists_every_module_of_the_package():
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| `d2lcore/` |"))
    for module in sorted((ROOT / "d2lcore").glob("*.py")):
        if module.stem != "__init__":
            assert f"`{module.stem}`" in row, f"README's layout table does not mention d2lcore/{module.name}"
