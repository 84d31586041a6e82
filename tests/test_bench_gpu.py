"""benchmarks/bench_gpu.py stays runnable without a GPU: its CPU dry run."""

import subprocess
import sys
from pathlib import Path

import pytest

#: Runs benchmarks/bench_gpu.py in subprocesses.
pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_gpu.py"


def test_gpu_script_dry_run_on_cpu():
    result = subprocess.run([sys.executable, str(SCRIPT), "--device", "cpu", "--smoke"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("save/load exact") == 2, result.stdout
    assert result.stdout.count("steps/s") == 2, result.stdout


def test_gpu_script_refuses_a_machine_without_cuda():
    import torch

    if torch.cuda.is_available():  # pragma: no cover - only on GPU machines
        pytest.skip("a CUDA device is present")
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr  # `make bench` runs every script
    assert "skipped, no CUDA device" in result.stdout
