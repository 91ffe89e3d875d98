"""Notebooks run as on Colab and Kaggle: alone, in an environment with only the preinstalled packages, installing
d2lcore with their own first cell and downloading the data through the real path (``scripts/colab_check.py``).

00_setup runs as on Colab (it downloads Fashion-MNIST), 7.2 as on Kaggle; ``make colab-check`` runs every notebook.
"""

import re
import subprocess
from pathlib import Path

import pytest

from d2lcore import sources
from scripts import colab_check

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """The environment and a data mirror on 127.0.0.1, built once for this module."""
    root = tmp_path_factory.mktemp("colab-like")
    data = sources.find_data("Fashion-MNIST")  # the verified local copy (../shared/data in CI)
    env = colab_check.build_environment(root / "env")
    with colab_check.serve_mirror(data, root / "archives") as mirror:
        yield env, mirror, root


def test_the_environment_has_colabs_packages_and_no_course_code(colab):
    env, _, _ = colab
    code = (
        "import importlib.util as u\n"
        "colab = ('torch', 'torchvision', 'numpy', 'matplotlib', 'pandas', 'PIL', 'ipykernel')\n"
        "print(sum(bool(u.find_spec(m)) for m in colab), [m for m in ('d2lcore', 'd2l', 'nbval') if u.find_spec(m)])"
    )
    out = subprocess.run([str(env.python), "-c", code], env={"PATH": "/usr/bin:/bin"}, cwd=env.root,
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert out.stdout.split() == ["7", "[]"]


@pytest.mark.parametrize(("stem", "place"), [("00_setup", "colab"), ("7.2_conv_layer", "kaggle")])
def test_a_notebook_alone_installs_the_course_and_runs(colab, stem, place):
    env, mirror, root = colab
    work = root / "runs" / stem
    nb = colab_check.run_notebook(ROOT / "notebooks" / f"{stem}.ipynb", env, mirror, work, place)
    assert sorted(p.name for p in work.iterdir()) == sorted([f"{stem}.ipynb", f"executed-{stem}.ipynb"])
    text = colab_check.outputs_text(nb)
    where = re.search(r"d2lcore from (\S+)", text)[1]
    assert where.startswith(str(env.site_packages)), f"d2lcore came from {where}, not from the notebook's install"
    assert not re.search(r"ERROR|Traceback", text), text[-2000:]
    if stem == "00_setup":  # it loads Fashion-MNIST: downloaded from the mirror, checked, moved into the cache
        cache = root / "runs" / f"{stem}-home" / ".cache" / "d2lcore"
        assert f"downloading Fashion-MNIST from {mirror}/FashionMNIST/ into {cache} (once)" in text
        assert "data: Fashion-MNIST, quick-mode subset" in text
        sources.verify_files("Fashion-MNIST", cache)
