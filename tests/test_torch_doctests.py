"""The examples in the docstrings of the torch layers (``sklq._nn``, ``sklq._training``)."""

import doctest
import importlib
import pkgutil

import pytest

import sklq._nn
import sklq._training


def _modules():
    for package in (sklq._nn, sklq._training):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            yield importlib.import_module(info.name)


@pytest.mark.parametrize("module", list(_modules()), ids=lambda m: m.__name__)
def test_doctests(module):
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, module.__name__):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module.__name__}"
