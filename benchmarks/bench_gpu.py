"""One short GPU check of sklq's fast training path (finishes in well under 4 minutes).

On a CUDA device, with the defaults (``precision="auto"``: bfloat16 autocast where the GPU
computes it natively; channels-last for the ``cpu`` network):

1. a QLAE and a QLInfoWGAN-GP: ``fit``, ``transform``, ``inverse_transform``, ``score``, and
   ``sklq.save``/``sklq.load`` (the loaded model must transform exactly as the fitted one);
2. training steps per second of a QLAE at 64×64 with ``network_size="image"`` (the paper's
   encoder and style decoder), batch 128 (the paper's), in bfloat16 and in float32.

Run on a GPU machine: ``.venv/bin/python benchmarks/bench_gpu.py``; it prints every result
and writes its section of ``benchmarks/README.md``. ``--device cpu --smoke`` runs the same
steps at toy sizes on the CPU (the test suite does, so the script cannot rot without a GPU).
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from _report import machine_summary, write_section

import sklq
from sklq import LatentQuantizedAutoencoder, LatentQuantizedInfoGAN
from sklq.datasets import make_sprites


def check_round_trip(model, X, label, log):
    """fit / transform / inverse_transform / score / save-load on ``X``; returns seconds."""
    start = time.perf_counter()
    model.fit(X)
    fit_s = time.perf_counter() - start
    Z = model.transform(X)
    X_back = model.inverse_transform(Z)
    score = model.score(X)
    assert Z.shape == (len(X), model.n_latents) and np.isfinite(Z).all(), label
    assert X_back.shape == X.shape and X_back.dtype == X.dtype, label
    assert np.isfinite(score), label
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.sklq"
        sklq.save(model, path)
        loaded = sklq.load(path)
    np.testing.assert_array_equal(loaded.transform(X), Z, err_msg=label)
    log(f"{label}: fit {fit_s:.1f} s on {model.net_.device}, precision {model.precision_}, "
        f"score {score:.4f}, {len(np.unique(Z, axis=0))} distinct codes; save/load exact")
    return fit_s


def steps_per_second(X, device, precision, batch_size, network_size, epochs):
    model = LatentQuantizedAutoencoder(
        10, network_size=network_size, batch_size=batch_size, max_epochs=epochs,
        precision=precision, device=device, random_state=0,
    ).fit(X)
    durations = model.history_["dur"].tolist()[1:] or model.history_["dur"].tolist()
    steps = model.history_["train_batch_count"].iloc[-1]
    return steps / np.median(durations), model.precision_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--smoke", action="store_true", help="toy sizes, no README update")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        # not an error: `make bench` runs every script, on machines without a GPU too
        print("bench_gpu.py: skipped, no CUDA device here (run it on a GPU machine, or use "
              "--device cpu --smoke for a dry run).")
        return
    lines = []

    def log(line):
        print(line, flush=True)
        lines.append(f"- {line}")

    name = torch.cuda.get_device_name() if args.device == "cuda" else "CPU"
    log(f"torch {torch.__version__} on {name}")
    size, n = (16, 64) if args.smoke else (64, 4096)
    X, _ = make_sprites(n_samples=n, image_size=max(size, 32), dtype="uint8", random_state=0)
    X = X[..., :size, :size] if args.smoke else X
    epochs = 1 if args.smoke else 3
    check_round_trip(LatentQuantizedAutoencoder(10, batch_size=128, max_epochs=epochs,
                                                device=args.device, random_state=0),
                     X, "QLAE (cpu network)", log)
    check_round_trip(LatentQuantizedInfoGAN(10, batch_size=64, max_epochs=epochs,
                                            device=args.device, random_state=0),
                     X, "QLInfoWGAN-GP (cpu network)", log)
    network, batch = ("cpu", 16) if args.smoke else ("image", 128)
    n_fast = 64 if args.smoke else 128 * 40
    X_fast, _ = make_sprites(n_samples=n_fast, image_size=32 if args.smoke else 64,
                             dtype="uint8", random_state=0)
    rates = {}
    for precision in ("auto", "float32"):
        rate, resolved = steps_per_second(X_fast, args.device, precision, batch, network,
                                          epochs=2 if args.smoke else 3)
        rates[resolved] = rate
        log(f"QLAE network_size={network!r}, {X_fast.shape[-1]} px, batch {batch}, "
            f"{resolved}: {rate:.1f} steps/s")
    if "bfloat16" in rates and "float32" in rates:
        log(f"bfloat16 / float32: {rates['bfloat16'] / rates['float32']:.2f}×")
    if args.smoke:
        return
    write_section("gpu", "\n".join([
        "## GPU check (`benchmarks/bench_gpu.py`)",
        "",
        f"Measured on {name}, {machine_summary()}.",
        "",
        *lines,
    ]))


if __name__ == "__main__":
    main()
