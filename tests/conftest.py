"""Shared test set-up: never touch the network, draw off-screen, seed everything."""

import os

import matplotlib
import pytest
import torch

# Set before nbval starts any kernel, so notebooks inherit them: a bare `pytest` checks the quick, offline run
# that the committed outputs come from. (Export D2LCORE_QUICK=0 to check a full run.)
os.environ.setdefault("D2LCORE_OFFLINE", "1")
os.environ.setdefault("D2LCORE_QUICK", "1")
matplotlib.use("Agg")  # this process only; notebook kernels keep their inline backend


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
