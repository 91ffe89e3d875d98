"""Shared test set-up: never touch the network, draw off-screen, seed everything."""

import os

import matplotlib
import pytest
import torch

os.environ.setdefault("D2LCORE_OFFLINE", "1")
matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
