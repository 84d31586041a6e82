"""Package-level checks: no torch import, public API, doctests."""

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import sklq.metrics


def test_import_does_not_import_torch():
    code = "import sys, sklq.metrics; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_api():
    for name in sklq.metrics.__all__:
        assert hasattr(sklq.metrics, name)
        assert getattr(sklq.metrics, name).__doc__


MODULES = [
    importlib.import_module(f"sklq.metrics.{info.name}")
    for info in pkgutil.iter_modules(sklq.metrics.__path__)
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
