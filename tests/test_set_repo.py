"""`make colab REPO=owner/name`: the repository location has one home, and every place derived from it follows."""

import shutil
from pathlib import Path

import nbformat
import pytest

import d2lcore
from scripts import set_repo

ROOT = Path(__file__).resolve().parent.parent


def _copy_course(tmp_path: Path) -> Path:
    (tmp_path / "d2lcore").mkdir()
    shutil.copy(ROOT / "d2lcore" / "__init__.py", tmp_path / "d2lcore" / "__init__.py")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "notebooks").mkdir()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    return tmp_path


def test_the_committed_course_already_agrees_with_its_setting(tmp_path):
    assert set_repo.set_repo(d2lcore.COURSE_REPO, _copy_course(tmp_path)) == []


def test_a_new_repo_reaches_the_package_every_badge_and_every_install_cell(tmp_path):
    root = _copy_course(tmp_path)
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    changed = set_repo.set_repo("my-org/cnn-fork", root)
    assert set(changed) == {root / "d2lcore" / "__init__.py", root / "README.md", *notebooks}
    assert 'COURSE_REPO = "my-org/cnn-fork"' in (root / "d2lcore" / "__init__.py").read_text()
    readme = (root / "README.md").read_text()
    assert d2lcore.COURSE_REPO not in readme
    for path in notebooks:
        assert set_repo.badges("my-org/cnn-fork", path.name) in readme
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].source.split("\n\n")[1] == set_repo.badges("my-org/cnn-fork", path.name)
        assert d2lcore.COURSE_REPO not in cells[0].source
        first = next(c for c in cells if c.cell_type == "code")
        assert first.source == set_repo.colab_cell("my-org/cnn-fork")
    assert set_repo.set_repo("my-org/cnn-fork", root) == []  # idempotent


def test_a_malformed_repo_is_refused_with_an_example(tmp_path):
    with pytest.raises(ValueError, match="owner/name"):
        set_repo.set_repo("https://github.com/x/y", _copy_course(tmp_path))


def test_the_install_cell_is_guarded_and_installs_only_the_package():
    cell = set_repo.colab_cell("o/n").splitlines()
    assert cell[-3:] == [
        'os.environ.setdefault("PYTORCH_ENABLE_MPS_FALLBACK", "1")',
        'if "google.colab" in sys.modules or "KAGGLE_KERNEL_RUN_TYPE" in os.environ:',
        '    %pip install --quiet "d2lcore @ git+https://github.com/o/n"',
    ]


def test_badges_open_the_notebook_on_colab_and_kaggle():
    assert set_repo.badge_url("o/n", "7.2_x.ipynb") == (
        "https://colab.research.google.com/github/o/n/blob/main/notebooks/7.2_x.ipynb"
    )
    assert set_repo.kaggle_url("o/n", "7.2_x.ipynb") == (
        "https://kaggle.com/kernels/welcome?src=https://github.com/o/n/blob/main/notebooks/7.2_x.ipynb"
    )
    assert set_repo.badges("o/n", "7.2_x.ipynb") == (
        "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/o/n/blob/main/notebooks/7.2_x.ipynb) "
        "[![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)]"
        "(https://kaggle.com/kernels/welcome?src=https://github.com/o/n/blob/main/notebooks/7.2_x.ipynb)"
    )


def test_badges_go_under_the_title_once_whatever_was_there():
    plain = "# 7.2 Title\n\n*Book: section 7.2.*\n\nProse."
    once = set_repo.with_badges(plain, "o/n", "7.2_x.ipynb")
    assert once == f"# 7.2 Title\n\n{set_repo.badges('o/n', '7.2_x.ipynb')}\n\n*Book: section 7.2.*\n\nProse."
    assert set_repo.with_badges(once, "o/n", "7.2_x.ipynb") == once
    assert set_repo.with_badges(once, "new/repo", "7.2_x.ipynb") == once.replace("o/n", "new/repo")
