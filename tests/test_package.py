"""Package-level promises: public names, lazy torch import, layering."""

import subprocess
import sys

import pytest

import sklq


def test_public_names():
    from sklq import LatentQuantizedAutoencoder

    assert "LatentQuantizedAutoencoder" in sklq.__all__
    assert LatentQuantizedAutoencoder.__module__ == "sklq._autoencoder"
    assert "LatentQuantizedAutoencoder" in dir(sklq)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        sklq.Nope  # noqa: B018


@pytest.mark.slow  # a subprocess
@pytest.mark.parametrize("module", ["sklq", "sklq.metrics", "sklq.datasets", "sklq.exceptions"])
def test_importing_does_not_import_torch(module):
    code = f"import sys, {module}; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow  # a subprocess
def test_torch_modules_do_not_import_sklearn_or_skorch():
    code = (
        "import sys, sklq._nn; "
        "bad = [m for m in ('sklearn', 'skorch') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_exceptions_are_the_raised_ones():
    import sklq._persistence
    import sklq._training
    import sklq.exceptions

    assert sklq._training.TrainingDivergedError is sklq.exceptions.TrainingDivergedError
    assert sklq._persistence.ModelFileError is sklq.exceptions.ModelFileError
    assert issubclass(sklq.exceptions.ModelFileError, ValueError)
    assert issubclass(sklq.exceptions.TrainingDivergedError, FloatingPointError)
