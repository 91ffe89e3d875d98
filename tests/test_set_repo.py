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
        assert set_repo.badge_url("my-org/cnn-fork", path.name) in readme
        first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert first.source == set_repo.colab_cell("my-org/cnn-fork")


def test_a_malformed_repo_is_refused_with_an_example(tmp_path):
    with pytest.raises(ValueError, match="owner/name"):
        set_repo.set_repo("https://github.com/x/y", _copy_course(tmp_path))


def test_the_install_cell_is_guarded_and_installs_only_the_package():
    cell = set_repo.colab_cell("o/n").splitlines()
    assert cell[-2:] == [
        'if "google.colab" in sys.modules:',
        '    %pip install --quiet "d2lcore @ git+https://github.com/o/n"',
    ]
