"""The command line, end to end in subprocesses (tiny budgets, single-threaded)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sklq.cli import main

#: Runs the command line in subprocesses.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
#: Subprocesses train single-threaded and import this checkout of sklq.
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
ENV.pop("SKLQ_TRACEBACK", None)


def sklq(*args, cwd=None, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "sklq", *map(str, args)], capture_output=True, text=True,
        cwd=cwd, env=ENV, timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def one_line_error(result, code, *fragments):
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sklq: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def user_data(tmp_path_factory):
    """A user's files: channels-last RGB uint8 images with factors, and a .npy of images."""
    from sklq.datasets import make_squares

    folder = tmp_path_factory.mktemp("data")
    X, factors = make_squares(160, image_size=16, dtype="uint8", random_state=0)
    rgb = np.repeat(X.transpose(0, 2, 3, 1), 3, axis=3)  # (n, H, W, 3)
    np.savez(folder / "squares.npz", images=rgb, factors=factors)
    np.save(folder / "images.npy", rgb)
    np.save(folder / "factors.npy", factors)
    return folder


@pytest.fixture(scope="module")
def model_file(user_data):
    out = user_data / "model.sklq"
    result = sklq("fit", user_data / "squares.npz", "--out", out, "--n-latents", 4,
                  "--n-values", 5, "--epochs", 1, "--batch-size", 32, "--threads", 1)
    assert "epoch" in result.stdout and "train_loss" in result.stdout  # the epoch table
    assert f"Model written to {out}" in result.stdout
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "report"
    result = sklq("demo", "--epochs", 1, "--threads", 1, "--out", out, "--dci", "hist")
    return out, result


def test_demo_writes_one_report_of_both_models(demo):
    out, result = demo
    assert f"Report written to {out / 'report.md'}" in result.stdout
    for name in ("QLAE", "AE"):
        assert f"{name}: Trained 1 epochs of 1,280 images = 20 optimiser steps" in result.stdout
    figures = {f"{model}_{kind}.png" for model in ("qlae", "ae")
               for kind in ("traversals", "nmi", "importance", "reconstructions", "history")}
    figures.add("qlae_codebook_usage.png")
    expected = {"report.md", "metrics.json", "qlae.sklq", "ae.sklq", *figures}
    assert expected <= {p.name for p in out.iterdir()}
    for name in figures:
        assert (out / name).read_bytes()[:4] == b"\x89PNG"
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["models"]) == {"QLAE", "AE"}
    for model in ("QLAE", "AE"):
        assert list(metrics["models"][model]) == [
            "infom", "infoc", "infoe", "infoe_values", "dci_disentanglement", "dci_completeness",
            "dci_informativeness", "mig", "psnr"]
        for name, row in metrics["models"][model].items():  # value, chance and adjusted
            assert set(row) == {"value", "chance", "adjusted"}
            assert row["value"] is not None
            assert (row["chance"] is None) == (name in ("dci_disentanglement",
                                                        "dci_completeness"))
        assert metrics["training"][model]["steps"] == 20
        evaluation = metrics["evaluations"][model]
        assert evaluation["n_samples"] == 320 and evaluation["dci_importance"] == "hist"
        assert evaluation["factor_names"] == ["position_x", "position_y", "size", "brightness"]
        assert np.shape(evaluation["nmi"]) == (4, 8)
    report = (out / "report.md").read_text()
    for row in ("| InfoM |", "| InfoC |", "| InfoE |", "| DCI D |", "| DCI C |", "| DCI I |",
                "| MIG |", "| PSNR |", "![qlae_traversals.png](qlae_traversals.png)",
                "![ae_traversals.png](ae_traversals.png)", "20 optimiser steps",
                'importance="hist"', "| metric | QLAE value | QLAE chance | QLAE adjusted | "
                "AE value | AE chance | AE adjusted |", "The readings use the adjusted values",
                metrics["headline"]):
        assert row in report
    qlae, ae = (metrics["models"][m]["infom"] for m in ("QLAE", "AE"))
    assert (f"| InfoM | {qlae['value']:.3f} | {qlae['chance']:.3f} | {qlae['adjusted']:.3f} | "
            f"{ae['value']:.3f} | {ae['chance']:.3f} | {ae['adjusted']:.3f} |") in report
    difference = qlae["adjusted"] - ae["adjusted"]
    assert f"InfoM {qlae['adjusted']:.2f} against {ae['adjusted']:.2f}, {difference:+.2f}" \
        in metrics["headline"]
    # InfoE with the paper's probe: the QLAE's own computation; the AE's continuous latents
    # are read the same way by either probe
    import sklq as package
    from sklq.cli._demo import demo_data
    from sklq.metrics import infomec

    probe = {m: metrics["models"][m]["infoe_values"] for m in ("QLAE", "AE")}
    _, X, factors, _, test = demo_data("squares", 0)
    codes = package.load(out / "qlae.sklq").transform(X[test])
    assert probe["QLAE"]["adjusted"] == pytest.approx(infomec(
        factors[test], codes, discrete_latents=True, adjust_for_chance=True,
        random_state=0, infoe_features="values").infoe, abs=1e-12)
    assert probe["AE"] == metrics["models"]["AE"]["infoe"]
    assert (f"| InfoE, values probe | {probe['QLAE']['value']:.3f} | "
            f"{probe['QLAE']['chance']:.3f} | {probe['QLAE']['adjusted']:.3f} |") in report
    assert f"{probe['QLAE']['adjusted']:.2f} against {probe['AE']['adjusted']:.2f} with the " \
        "paper's probe" in metrics["headline"]


def test_demo_models_load_safely(demo):
    import sklq

    qlae, ae = (sklq.load(demo[0] / f"{name}.sklq") for name in ("qlae", "ae"))
    assert type(qlae).__name__ == "LatentQuantizedAutoencoder" and type(ae).__name__ == \
        "Autoencoder"
    assert qlae.n_latents == ae.n_latents == 8 and qlae.callbacks is None
    assert qlae.batch_size == ae.batch_size and qlae.random_state == ae.random_state


def test_time_budget_stops_training(user_data, tmp_path, capsys):
    # in process (cheaper than a subprocess that imports torch)
    code = main(["fit", str(user_data / "images.npy"), "--out", str(tmp_path / "m.sklq"),
                 "--epochs", "50", "--minutes", "0.001", "--n-latents", "2", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Time budget of 0.001 min reached after epoch 1" in out
    assert "Trained 1 epochs (2 steps)" in out
    assert "(stopped by the time budget)" in out


def test_evaluate_and_traverse_user_files(model_file, user_data, tmp_path):
    result = sklq("evaluate", model_file, user_data / "squares.npz", "--factor-names",
                  "x,y,size,brightness", "--out", tmp_path / "report", "--threads", 1)
    assert "InfoM" in result.stdout and "PSNR" in result.stdout
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert metrics["factor_names"] == ["x", "y", "size", "brightness"]
    assert (tmp_path / "report" / "traversals.png").exists()


def test_npy_images_with_separate_factors(model_file, user_data, tmp_path):
    png = tmp_path / "t.png"
    result = sklq("traverse", model_file, user_data / "images.npy", "--factors",
                  user_data / "factors.npy", "--out", png)
    assert png.read_bytes()[:4] == b"\x89PNG"
    result = sklq("evaluate", model_file, user_data / "images.npy", check=False)
    one_line_error(result, 1, "has no factors", "--factors")


def test_every_command_has_help():
    for command in ([], ["demo"], ["fit"], ["evaluate"], ["traverse"]):
        result = sklq(*command, "--help")
        assert result.stdout.startswith("usage: sklq")


def test_argument_errors_are_one_line(tmp_path):
    one_line_error(sklq("demo", "--epochs", "0", check=False), 2,
                   "--epochs must be positive, got '0'", "sklq demo --help")
    one_line_error(sklq("demo", "--dataset", "mnist", check=False), 2, "invalid choice: 'mnist'")
    one_line_error(sklq("demo", "--minutes", "soon", check=False), 2, "must be a number")
    one_line_error(sklq("nope", check=False), 2, "invalid choice")
    one_line_error(sklq(check=False), 2, "required")
    one_line_error(sklq("fit", check=False), 2, "DATA")


def in_process_error(capsys, argv, code, *fragments):
    """main() in this process: same one-line error, no subprocess importing torch again."""
    assert main([str(a) for a in argv]) == code
    captured = capsys.readouterr()
    one_line_error(subprocess.CompletedProcess(argv, code, captured.out, captured.err), code,
                   *fragments)


def test_estimator_refusals_are_one_line(user_data, model_file, tmp_path, capsys):
    odd = tmp_path / "odd.npy"
    np.save(odd, np.zeros((4, 1, 4, 4), dtype=np.float32))
    in_process_error(capsys, ["fit", odd, "--epochs", 1], 1, "8 to 256 pixels per side")
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, X=np.zeros((10, 1, 32, 32), dtype=np.float32), factors=np.zeros((10, 2)))
    in_process_error(capsys, ["traverse", model_file, wrong, "--out", tmp_path / "t.png"], 1,
                     "fitted on samples of shape (3, 16, 16)")


def test_user_mistakes_are_one_line(user_data, model_file, tmp_path):
    one_line_error(sklq("fit", tmp_path / "missing.npz", check=False), 1,
                   "missing.npz: no such file")
    bad = tmp_path / "bad.npz"
    np.savez(bad, something=np.zeros((4, 3)), other=np.zeros(3))
    one_line_error(sklq("fit", bad, check=False), 1, "has no images array", "--images-key")
    flat = tmp_path / "flat.npy"
    np.save(flat, np.zeros(10))
    one_line_error(sklq("fit", flat, check=False), 1, "have shape (10,)")
    text = tmp_path / "data.csv"
    text.write_text("1,2\n")
    one_line_error(sklq("fit", text, check=False), 1, "expected a .npz or .npy file")
    one_line_error(sklq("evaluate", tmp_path / "none.sklq", user_data / "squares.npz",
                        check=False), 1, "none.sklq: no such file")
    one_line_error(sklq("evaluate", user_data / "factors.npy", user_data / "squares.npz",
                        check=False), 1, "not an sklq model file")
    one_line_error(sklq("evaluate", model_file, user_data / "squares.npz", "--factor-names",
                        "a,b", check=False), 1, "--factor-names has 2 names")


def test_npy_images_are_memory_mapped_not_read(tmp_path):
    from sklq._out_of_core import is_out_of_core
    from sklq.cli._files import _load_arrays

    path = tmp_path / "images.npy"
    np.save(path, np.zeros((4, 1, 8, 8), np.uint8))
    images, factors = _load_arrays(path)
    assert is_out_of_core(images) and images.shape == (4, 1, 8, 8) and factors is None
    np.save(path, np.full((4, 8, 8), np.nan, np.float32))
    with pytest.raises(Exception, match="NaN or infinite"):
        _load_arrays(path)
