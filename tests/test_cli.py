"""The command line, end to end in a subprocess."""

import os
import subprocess
import sys

#: Subprocesses train single-threaded, like the rest of the test suite.
SINGLE_THREAD_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def test_demo_runs_and_reports(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sklq", "demo", "--epochs", "1", "--threads", "1"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
        env=SINGLE_THREAD_ENV,
    )
    out = result.stdout
    assert "Trained 40 steps" in out
    assert "held-out PSNR" in out
    assert "z7:" in out


def test_bad_arguments_are_one_line_errors():
    result = subprocess.run(
        [sys.executable, "-m", "sklq", "demo", "--epochs", "0"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "sklq: error: --epochs must be at least 1"
    result = subprocess.run([sys.executable, "-m", "sklq", "nope"], capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice" in result.stderr
