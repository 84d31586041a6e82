"""Shared test configuration: small models run single-threaded and deterministic."""

import numpy as np
import pytest

try:  # the metrics and datasets tests must run without torch being imported first
    import torch
except ImportError:  # pragma: no cover - torch is a hard dependency
    torch = None


def pytest_configure(config):
    if torch is not None:
        torch.set_num_threads(1)


@pytest.fixture
def rng():
    return np.random.default_rng(0)
