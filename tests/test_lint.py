"""ruff (lint and import order) over the project's Python code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

#: Runs ruff in a subprocess.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed; `make install` installs it with the test extra")
    folders = ("sklq", "tests", "benchmarks", "examples", "docs")
    targets = [folder for folder in folders if (ROOT / folder).exists()]
    result = subprocess.run([ruff, "check", *targets], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
