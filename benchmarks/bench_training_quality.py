"""What the training defaults change in the learned code: weight init and precision.

Trains the QLAE for about 1,250 steps of batch 64, three seeds each, on Scenes (32×32,
8,000 training images, 10 latents: 10 epochs of 125 batches = 1,250 steps) and on Squares
(the demo's data: 16×16, 1,280 training images, 8 latents: 64 epochs of 20 batches = 1,280
steps), in three settings:

* ``reference init``: ``weight_init="reference"`` (PyTorch's default init, the reference's),
  with the fast path (``precision="auto"``, channels-last);
* ``float32``: the signal-preserving init in float32;
* ``defaults``: the signal-preserving init with the fast path (what ``fit`` does by default).

Reported on held-out images (2,000 of Scenes, the other 320 of Squares; ``sklq.evaluate``):
InfoM, InfoC, InfoE (the reference's definitions) and InfoM/InfoE adjusted for chance, PSNR,
and codebook usage (mean share of a latent's codebook values that the held-out codes use).
During training, a probe batch of 256 held-out images is encoded every 25 steps: the table
gives the first step at which the median over latents of the continuous code's std across
the probe reaches 0.05 (the codes "move": below that they sit within half a codebook step of
one value).

Every run's row goes to ``benchmarks/results/training_quality.csv`` as it finishes (runs
already there are skipped). Run: ``.venv/bin/python benchmarks/bench_training_quality.py
[--datasets scenes squares]``; ``--summarise`` rewrites the README section from the CSV
without training.
"""

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from _report import append_row, machine_summary, read_rows, write_section
from skorch.callbacks import Callback

import sklq
from sklq import LatentQuantizedAutoencoder
from sklq.datasets import Scenes, Squares

BATCH_SIZE = 64
#: dataset -> (generator, image size, training images, held-out images, epochs, latents)
DATASETS = {
    "scenes": (Scenes, 32, 8_000, 2_000, 10, 10),
    "squares": (Squares, 16, 1_280, 320, 64, 8),
}
SEEDS = (0, 1, 2)
SETTINGS = {
    "reference init": {"weight_init": "reference", "precision": "auto"},
    "float32": {"weight_init": "signal_preserving", "precision": "float32"},
    "defaults": {"weight_init": "signal_preserving", "precision": "auto"},
}
PROBE_EVERY, MOVING_STD = 25, 0.05
RESULTS = Path(__file__).with_name("results") / "training_quality.csv"
COLUMNS = ["dataset", "setting", "seed", "precision", "steps", "seconds", "first_moving_step",
           "probe_std_step0", "infom", "infoc", "infoe", "infom_adjusted", "infoe_adjusted",
           "psnr", "codebook_usage"]


class CodeProbe(Callback):
    """Median per-latent std of the continuous code over a probe batch, every few steps."""

    def __init__(self, probe, every):
        self.probe, self.every = probe, every

    def on_train_begin(self, net, **kwargs):
        self.steps_, self.stds_ = [], []
        self._step = 0
        self._record(net)

    def on_batch_end(self, net, training=True, **kwargs):
        if training:
            self._step += 1
            if self._step % self.every == 0:
                self._record(net)

    def _record(self, net):
        was_training = net.module_.training
        with torch.no_grad(), torch.random.fork_rng(devices=[]), net.autocast():
            net.module_.eval()
            code = net.module_.encode(net.prepare_batch(self.probe)).continuous
            net.module_.train(was_training)
        self.steps_.append(self._step)
        self.stds_.append(float(code.std(dim=0).median()))

    def first_moving_step(self, threshold):
        return next((s for s, v in zip(self.steps_, self.stds_, strict=True) if v >= threshold),
                    None)


def data(dataset):
    cls, image_size, n_train, n_test, _, _ = DATASETS[dataset]
    generator = cls(image_size=image_size)
    factors = generator.sample_factors(n_train + n_test, random_state=0)
    X = generator.render(factors, dtype="uint8")
    return (X[:n_train], X[n_train:]), (factors[:n_train], factors[n_train:]), generator


def run(dataset, setting, seed, X_train, X_test, factors_test, factor_names):
    probe = torch.from_numpy(X_test[:256]).float().div_(255.0)
    callback = CodeProbe(probe, PROBE_EVERY)
    _, _, _, _, epochs, n_latents = DATASETS[dataset]
    model = LatentQuantizedAutoencoder(
        n_latents, batch_size=BATCH_SIZE, max_epochs=epochs, random_state=seed,
        callbacks=[callback], **SETTINGS[setting],
    )
    start = time.perf_counter()
    model.fit(X_train)
    seconds = time.perf_counter() - start
    evaluation = sklq.evaluate(model, X_test, factors_test, factor_names=factor_names,
                               random_state=seed)
    table = evaluation.to_frame()
    indices = model.encode(X_test, output="indices")
    usage = np.mean([len(np.unique(indices[:, j])) / model.n_values_per_latent
                     for j in range(indices.shape[1])])
    return {
        "dataset": dataset, "setting": setting, "seed": seed, "precision": model.precision_,
        "steps": int(model.history_["train_batch_count"].sum()), "seconds": round(seconds, 1),
        "first_moving_step": callback.first_moving_step(MOVING_STD),
        "probe_std_step0": round(callback.stds_[0], 5),
        "infom": table.loc["infom", "value"], "infoc": table.loc["infoc", "value"],
        "infoe": table.loc["infoe", "value"], "infom_adjusted": table.loc["infom", "adjusted"],
        "infoe_adjusted": table.loc["infoe", "adjusted"], "psnr": table.loc["psnr", "value"],
        "codebook_usage": usage,
    }


def summarise(rows):
    metrics = ["infom", "infoc", "infoe", "infom_adjusted", "infoe_adjusted", "psnr",
               "codebook_usage"]
    lines = ["| setting | precision | first step the codes move (per seed) | s per run | "
             + " | ".join(metrics) + " |", "|---" * (4 + len(metrics)) + "|"]
    for setting in SETTINGS:
        runs = [r for r in rows if r["setting"] == setting]
        if not runs:
            continue
        cells = []
        for m in metrics:
            values = [float(r[m]) for r in runs]
            digits = 1 if m == "psnr" else 3
            cells.append(f"{statistics.mean(values):.{digits}f} "
                         f"[{min(values):.{digits}f}, {max(values):.{digits}f}]")
        moving = ", ".join(r["first_moving_step"] or "never" for r in runs)
        seconds = statistics.mean(float(r["seconds"]) for r in runs)
        lines.append(f"| {setting} | {runs[0]['precision']} | {moving} | {seconds:.0f} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines + ["", *verdicts(rows)])


#: metrics whose fast-path mean must lie within the float32 seeds' [min, max]
WITHIN_FP32_SPREAD = ["infom", "infoe", "psnr", "codebook_usage"]


def verdicts(rows):
    """One line per metric: is the fast path's mean within the float32 seeds' range?"""
    fp32 = [r for r in rows if r["setting"] == "float32"]
    fast = [r for r in rows if r["setting"] == "defaults"]
    if not fp32 or not fast:
        return []
    out = []
    for m in WITHIN_FP32_SPREAD:
        low, high = (f([float(r[m]) for r in fp32]) for f in (min, max))
        mean = statistics.mean(float(r[m]) for r in fast)
        ok = low - 1e-9 <= mean <= high + 1e-9
        out.append(f"- {m}: defaults' mean {mean:.3f}, float32 seeds [{low:.3f}, {high:.3f}]: "
                   + ("**within**" if ok else "**outside**"))
    return out


def section(rows):
    parts = [
        "## What weight init and precision change in the learned code "
        "(`benchmarks/bench_training_quality.py`)",
        "",
        f"QLAE, batch {BATCH_SIZE}, seeds {', '.join(map(str, SEEDS))}; metrics on held-out "
        "images (mean [min, max] over seeds). *first step the codes move*: the probe batch's "
        f"median per-latent std of the continuous code reaches {MOVING_STD} (checked every "
        f"{PROBE_EVERY} steps). *reference init*: `weight_init=\"reference\"` with the fast "
        "path; *float32*: signal-preserving init in float32; *defaults*: both defaults. "
        "Per-run rows: `benchmarks/results/training_quality.csv`.",
        "",
        f"Measured on {machine_summary()}, torch {torch.__version__}.",
    ]
    for dataset, (cls, size, n_train, n_test, epochs, n_latents) in DATASETS.items():
        runs = [r for r in rows if r.get("dataset", "scenes") == dataset]
        if not runs:
            continue
        steps = epochs * (n_train // BATCH_SIZE)
        parts += ["", f"### {cls.__name__} {size}×{size}: {n_train:,} training, {n_test:,} "
                  f"held-out images, {n_latents} latents, {steps:,} steps", "",
                  summarise(runs)]
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summarise", action="store_true", help="README from the CSV only")
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS),
                        default=list(DATASETS))
    args = parser.parse_args()
    rows = read_rows(RESULTS)
    for dataset in [] if args.summarise else args.datasets:
        (X_train, X_test), (_, factors_test), generator = data(dataset)
        done = {(r.get("dataset", "scenes"), r["setting"], int(r["seed"])) for r in rows}
        for seed in SEEDS:
            for setting in SETTINGS:
                if (dataset, setting, seed) in done:
                    continue
                row = run(dataset, setting, seed, X_train, X_test, factors_test,
                          generator.factor_names)
                print(row, flush=True)
                append_row(RESULTS, row, COLUMNS)
                rows = read_rows(RESULTS)
    write_section("training_quality", section(rows))


if __name__ == "__main__":
    main()
