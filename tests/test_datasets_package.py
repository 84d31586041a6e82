"""Package-level checks of sklq.datasets: no torch import, runnable docstring examples."""

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import sklq.datasets


def test_import_does_not_import_torch():
    code = (
        "import sys, sklq.datasets\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "assert 'h5py' not in sys.modules, 'h5py imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _modules():
    yield sklq.datasets
    for info in pkgutil.iter_modules(sklq.datasets.__path__, "sklq.datasets."):
        yield importlib.import_module(info.name)


@pytest.mark.parametrize("module", list(_modules()), ids=lambda m: m.__name__)
def test_doctests(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, module.__name__):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module.__name__}"


def test_public_api_documented():
    for name in sklq.datasets.__all__:
        obj = getattr(sklq.datasets, name)
        if not callable(obj):
            continue
        assert obj.__doc__ and "Examples" in obj.__doc__, name
