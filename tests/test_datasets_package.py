"""Package-level checks of sklq.datasets: no torch import, documented public API."""

import subprocess
import sys

import pytest

import sklq.datasets


@pytest.mark.slow  # a subprocess
def test_import_does_not_import_torch():
    code = (
        "import sys, sklq.datasets\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "assert 'h5py' not in sys.modules, 'h5py imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_public_api_documented():
    for name in sklq.datasets.__all__:
        obj = getattr(sklq.datasets, name)
        if not callable(obj):
            continue
        assert obj.__doc__ and "Examples" in obj.__doc__, name
