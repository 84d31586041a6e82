"""The InfoGAN pair at generator-step budgets: when do G(E(x)) and the samples become images?

The study (``study.py``) gives every model the same 5,000 optimiser steps; for the two
InfoGANs those are critic steps, of which a fifth (1,000) are generator steps, and at that
budget their reconstructions G(E(x)) are no closer to the images than the training set's
mean image. This script trains the QLInfoWGAN-GP and the InfoWGAN-GP of the study (same
settings, network, data split and batch 64, one torch thread each) on Squares (and, with
``--datasets``, on the study's 32-px Scenes and Sprites) for ``CHECKPOINTS`` generator
steps, continuing one fit with ``warm_start=True``, and scores each checkpoint with the
study's ``sklq.evaluate`` row on the held-out images: the reference and chance-adjusted
metrics, PSNR of G(E(x)), and, for scale, the PSNR of the training mean image and of the
study's autoencoder at 5,000 steps. A figure per model shows eight samples (the same codes
at every checkpoint) and G(E(x)) of eight held-out images.

Rows go to ``benchmarks/results/infogan_budget.csv`` (Squares) and
``infogan_budget_<dataset>.csv`` (the others), one per model, seed and checkpoint, written
when a model's last checkpoint is done; finished models are skipped on a rerun. The tables
go to the "infogan_budget" section of ``docs/benchmarks.md``, the figures of seed 0 to
``docs/images/infogan_budget_<model>.png`` (Squares) and
``infogan_budget_<dataset>_<model>.png``. The generator steps of a checkpoint are the fit's
own count (a fifth of the critic steps, counted across epochs and continued fits), so an
epoch need not divide into generator steps.

Run: ``.venv/bin/python benchmarks/infogan_budget.py [--workers 2] [--seeds 0]
[--datasets squares scenes sprites] [--models ...] [--summarise]``.
"""

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATASETS = ("squares", "scenes", "sprites")
MODELS = ("QLInfoWGAN-GP", "InfoWGAN-GP")
#: generator steps at which the fit is scored (5 critic steps each)
CHECKPOINTS = (1_000, 2_500, 5_000)
RESULTS = HERE / "results"
IMAGES = ROOT / "docs" / "images"
SHOWN = 8


def _images(X):
    """(n, C, H, W) data in [0, 255] or [0, 1] as (n, H, W, C) floats in [0, 1]."""
    import numpy as np

    X = np.asarray(X, dtype=np.float64)
    X = X / 255.0 if X.max() > 1.5 else X
    return np.clip(X.transpose(0, 2, 3, 1), 0.0, 1.0)


def results_path(dataset):
    """The CSV of a dataset's rows (their per-factor columns differ)."""
    return RESULTS / ("infogan_budget.csv" if dataset == "squares"
                      else f"infogan_budget_{dataset}.csv")


def figure_path(dataset, model_name):
    """The figure of a dataset's model (seed 0)."""
    stem = model_name.replace("-", "_").lower()
    return IMAGES / (f"infogan_budget_{stem}.png" if dataset == "squares"
                     else f"infogan_budget_{dataset}_{stem}.png")


def _figure(dataset, model_name, seed, originals, panels):
    """Rows: the held-out originals, then per checkpoint G(E(x)) and samples."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [("held-out x", originals)]
    for steps, reconstructions, samples in panels:
        rows += [(f"G(E(x)), {steps:,}", reconstructions), (f"samples, {steps:,}", samples)]
    fig, axes = plt.subplots(len(rows), SHOWN, figsize=(SHOWN * 0.9, len(rows) * 0.95))
    for r, (label, images) in enumerate(rows):
        for c in range(SHOWN):
            ax = axes[r, c]
            image = _images(images[c:c + 1])[0]
            if image.shape[-1] == 1:  # grey levels
                ax.imshow(image[..., 0], cmap="gray", vmin=0.0, vmax=1.0,
                          interpolation="nearest")
            else:
                ax.imshow(image, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle(f"{model_name} on {dataset.capitalize()} (seed {seed}): by generator steps",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(figure_path(dataset, model_name), dpi=90)
    plt.close(fig)


def run(dataset, model_name, seed):
    """Train one model through every checkpoint; returns one row per checkpoint."""
    import math

    import numpy as np
    import torch

    torch.set_num_threads(1)
    from compare_models import evaluate
    from study import BATCH_SIZE, _factories, study_data

    from sklq._evaluation import psnr

    generator, train_factors, test_factors, X_train, X_test = study_data(dataset, seed)
    n_train = len(X_train)
    mean_image = np.broadcast_to(X_train.mean(axis=0), X_test.shape)
    mean_psnr = psnr(X_test, mean_image)
    batches = math.ceil(n_train / BATCH_SIZE)
    model = None
    rows, panels, seconds, done = [], [], 0.0, 0
    for target in CHECKPOINTS:
        if model is None:
            model = _factories(2 * len(generator.factor_sizes))[model_name](seed, 1, BATCH_SIZE)
        # enough epochs for the target; the fit counts its generator steps itself (one per
        # critic_steps_per_generator_step critic steps, across epochs and continued fits)
        per_epoch = batches / model.critic_steps_per_generator_step
        epochs = math.ceil((target - done) / per_epoch)
        model.set_params(max_epochs=epochs, warm_start=done > 0)
        start = time.perf_counter()
        model.fit(X_train)
        seconds += time.perf_counter() - start
        done = model.net_.generator_steps_
        row = {"dataset": dataset, "model": model_name, "seed": seed, "generator_steps": done,
               "critic_steps": done * model.critic_steps_per_generator_step,
               "seconds": round(seconds, 1), "mean image PSNR": round(mean_psnr, 2)}
        row.update(evaluate(model, X_test, test_factors, "hist", seed,
                            factor_names=generator.factor_names))
        rows.append({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})
        shown = X_test[:SHOWN]
        panels.append((done, model.inverse_transform(model.transform(shown)),
                       model.sample(SHOWN, random_state=0)[0]))
    if seed == 0:
        _figure(dataset, model_name, seed, X_test[:SHOWN], panels)
    return rows


def _autoencoder_psnr(dataset):
    """The study's AE on ``dataset`` at 5,000 steps: mean held-out PSNR over its seeds."""
    import statistics

    from _report import read_rows

    values = [float(r["PSNR"]) for r in read_rows(HERE / "results" / f"study_{dataset}.csv")
              if r["model"] == "AE"]
    return statistics.mean(values) if values else float("nan")


def section(rows_by_dataset):
    from _report import checkpoint_table, machine_summary
    from study import DATASETS as SIZES

    columns = [(key, key, digits) for key, digits in [
        ("InfoM adj", 2), ("InfoC adj", 2), ("InfoE adj", 2), ("MIG adj", 2), ("InfoM", 2),
        ("InfoE", 2), ("PSNR", 1), ("mean image PSNR", 1), ("seconds", 0)]]
    lines = [
        "## The InfoGAN pair by generator steps (`benchmarks/infogan_budget.py`)",
        "",
        "The study's two InfoGANs (same settings, `network_size=\"cpu\"`, 2 latents per "
        "factor, batch 64, 5 critic steps per generator step, one torch thread) on the "
        "study's data split of each dataset, one fit continued with `warm_start=True` and "
        "scored at each budget on the held-out images. *PSNR*: G(E(x)) against x; *mean "
        "image PSNR*: the training set's mean image as every reconstruction; *AE*: the "
        "study's autoencoder at 5,000 steps (mean over its seeds). *seconds*: training time "
        "up to the checkpoint. Mean ± std over the seeds in the *seeds* column; rows: "
        "`benchmarks/results/infogan_budget*.csv`. Measured on "
        f"{machine_summary()}.",
    ]
    for dataset, rows in rows_by_dataset.items():
        image_size, n_train, n_test = SIZES[dataset]
        lines += [
            "",
            f"### {dataset.capitalize()} ({image_size}×{image_size}, {n_train:,} training and "
            f"{n_test:,} held-out images; AE {_autoencoder_psnr(dataset):.1f} dB)",
            "",
            *checkpoint_table(rows, MODELS, "generator_steps", "generator steps", columns,
                              spread="std"),
        ]
        for model in MODELS:
            path = figure_path(dataset, model)
            if path.exists():
                lines += ["", f"![{model} on {dataset.capitalize()}](images/{path.name})"]
    return "\n".join(lines)


def summarise():
    from _report import read_rows, write_section
    from study import DOCS

    rows = {dataset: read_rows(results_path(dataset)) for dataset in DATASETS}
    write_section("infogan_budget", section({d: r for d, r in rows.items() if r}),
                  readme=DOCS)


def main():
    from _report import pending_jobs, read_rows, run_jobs, sweep_arguments

    args = sweep_arguments(__doc__.splitlines()[0], datasets=DATASETS, name="models",
                           choices=MODELS, seeds=(0,))
    if args.datasets is None:
        args.datasets = ["squares"]
    if not args.summarise:
        done = {(r["dataset"], r["model"], int(r["seed"])) for dataset in DATASETS
                for r in read_rows(results_path(dataset))
                if int(r["generator_steps"]) >= CHECKPOINTS[-1]}
        todo = pending_jobs(args, "models", DATASETS, MODELS, done)
        run_jobs(run, todo, workers=args.workers, after_each=summarise,
                 csv_path=lambda row: results_path(row["dataset"]),
                 shown=("dataset", "model", "seed", "generator_steps", "seconds",
                        "InfoM adj", "InfoE adj", "PSNR", "mean image PSNR"))
    summarise()


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
