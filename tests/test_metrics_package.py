"""Package-level checks: no torch import, public API (doctests: pytest's --doctest-modules)."""

import subprocess
import sys

import pytest

import sklq.metrics


@pytest.mark.slow  # a subprocess
def test_import_does_not_import_torch():
    code = "import sys, sklq.metrics; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_api():
    for name in sklq.metrics.__all__:
        assert hasattr(sklq.metrics, name)
        assert getattr(sklq.metrics, name).__doc__


