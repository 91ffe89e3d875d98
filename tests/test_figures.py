"""The diagrams in images/ are exactly what the figures package draws, and each one has its drawing code."""

from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

import figures

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "images"
NAMES = sorted(figures.FIGURES)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    written = figures.main(out)
    assert sorted(p.name for p in written) == NAMES
    return out


def test_every_image_is_drawn_by_the_script_and_every_figure_is_committed():
    present = {p.name for p in IMAGES.iterdir() if not p.name.startswith(".")}
    assert not present - set(NAMES), f"images without drawing code: {sorted(present - set(NAMES))}"
    assert not set(NAMES) - present, f"figures not committed (run `make figures`): {sorted(set(NAMES) - present)}"


@pytest.mark.parametrize("name", NAMES)
def test_committed_image_matches_a_fresh_drawing(name, regenerated):
    committed = mpimg.imread(IMAGES / name)
    fresh = mpimg.imread(regenerated / name)
    hint = "the drawing code changed: run `make figures` and commit images/"
    assert committed.shape == fresh.shape, f"{name}: size {committed.shape} != {fresh.shape}; {hint}"
    diff = np.abs(committed.astype(np.float64) - fresh.astype(np.float64))
    assert diff.mean() < 0.01 and diff.max() < 0.5, f"{name}: mean diff {diff.mean():.4f}, max {diff.max():.3f}; {hint}"


@pytest.mark.parametrize("name", NAMES)
def test_image_is_legible_size_without_version_stamp(name):
    data = (IMAGES / name).read_bytes()
    assert b"Matplotlib version" not in data, f"{name} embeds the matplotlib version: save with metadata Software=None"
    height, width = mpimg.imread(IMAGES / name).shape[:2]
    assert 600 <= width <= 900, f"{name} is {width} px wide: notebooks show figures at about 600-800 px"
    assert height <= 1000, f"{name} is {height} px tall"
