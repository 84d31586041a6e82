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


@pytest.fixture(scope="module")
def tabular():
    """120 random rows of 6 features in [0, 1), float32 (treat as read-only)."""
    return np.random.default_rng(0).random((120, 6)).astype(np.float32)


@pytest.fixture(scope="module")
def images():
    """40 random 16 x 16 one-channel images in [0, 1), float32 (treat as read-only)."""
    return np.random.default_rng(1).random((40, 1, 16, 16)).astype(np.float32)
