"""``benchmarks/compare_models.py`` and ``tune_models.py`` run end to end on a tiny budget."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

#: Runs the benchmark scripts in subprocesses.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SINGLE_THREAD_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
SCRIPT = ROOT / "benchmarks" / "compare_models.py"


def run(*args):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT,
        timeout=300, env=SINGLE_THREAD_ENV,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_compare_models_writes_held_out_results_and_merges(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    common = ["--dataset", "squares", "--n-train", "64", "--n-test", "64", "--steps", "4",
              "--batch-size", "32"]
    run(*common, "--seeds", "0", "--models", "QLAE", "AE", "--out", str(first))
    run(*common, "--seeds", "1", "--models", "QLAE", "--out", str(second))
    runs = pd.read_csv(first / "results.csv")
    assert list(runs["model"]) == ["QLAE", "AE"]
    assert (runs["steps"] == 4).all()
    for metric in ["InfoM", "InfoC", "InfoE", "DCI D", "DCI C", "DCI I", "MIG"]:
        assert runs[metric].between(0, 1).all(), metric
    for metric in ["InfoM", "InfoC", "InfoE", "DCI I", "MIG"]:  # with a chance level
        assert runs[f"{metric} chance"].between(0, 1).all(), metric
        assert runs[f"{metric} adj"].between(-1, 1).all(), metric
    assert {"InfoE adj position_x", "informative"} <= set(runs.columns)
    assert (runs["PSNR"] > 0).all()
    assert (first / "results.png").stat().st_size > 0
    assert "QLAE" in (first / "results.md").read_text()

    merged = tmp_path / "merged"
    out = run("--summarise", str(first / "results.csv"), str(second / "results.csv"),
              "--out", str(merged))
    table = (merged / "results.md").read_text()
    assert table == out.strip() + "\n"
    qlae_row = next(line for line in table.splitlines() if line.startswith("| QLAE |"))
    assert qlae_row.startswith("| QLAE | 2 |")  # two seeds merged
    assert "| AE | 1 |" in table
    assert (merged / "results.png").stat().st_size > 0


def test_tune_models_runs_a_grid_search_with_the_scorers(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "tune_models.py"), "--dataset", "squares",
         "--n-samples", "96", "--model", "QLAE", "--param", "weight_decay",
         "--values", "0", "0.1", "--steps", "2", "--batch-size", "24", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, env=SINGLE_THREAD_ENV,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    table = pd.read_csv(tmp_path / "tuning.csv")
    assert list(table["param_weight_decay"]) == [0.0, 0.1]
    for metric in ["infom", "infoc", "infoe", "dci_disentanglement"]:
        assert table[f"mean_test_{metric}"].between(0, 1).all(), metric
    assert "Best by InfoM" in (tmp_path / "tuning.md").read_text()
