"""Shared test set-up: the real data sets found (or fetched once) before anything runs, off-screen drawing, seeds."""

import os
import sys
from pathlib import Path

import matplotlib
import pytest
import torch

# `../shared/data` beside the clone holds the real files on development machines and in CI (no internet there).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
if "D2LCORE_DATA" not in os.environ and SHARED_DATA.is_dir():
    os.environ["D2LCORE_DATA"] = str(SHARED_DATA)
# Set before nbval starts any kernel, so notebooks inherit it: a bare `pytest` checks the quick run that the
# committed outputs come from. (Export D2LCORE_QUICK=0 to check a full run.)
os.environ.setdefault("D2LCORE_QUICK", "1")
# The CPU thread policy, in one place: the test suite runs torch with one thread per process (notebook kernels
# inherit it). On a shared CI machine the threads of each small operation wait for one another whenever one is
# descheduled, which can make a quick run several times slower; one thread also makes timings comparable. Outside the
# tests nothing is set, and torch uses its default (one thread per core).
os.environ.setdefault("OMP_NUM_THREADS", "1")
matplotlib.use("Agg")  # this process only; notebook kernels keep their inline backend


def pytest_sessionstart(session):
    """Find both data sets (downloading them once on an online machine) or stop at once, saying how to get them."""
    from d2lcore.data import DataUnavailableError, find_data

    try:
        for name in ("Fashion-MNIST", "MNIST"):
            find_data(name)
    except DataUnavailableError as err:
        sys.stderr.write(f"\nThe tests need the real data sets. {err}\n\n")
        pytest.exit("no data sets: see the message above", returncode=4)
    os.environ["D2LCORE_OFFLINE"] = "1"  # the files are here now: no test or notebook kernel touches the network


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
