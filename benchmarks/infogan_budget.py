"""The InfoGAN pair at generator-step budgets: when do G(E(x)) and the samples become images?

The study (``study.py``) gives every model the same 5,000 optimiser steps; for the two
InfoGANs those are critic steps, of which a fifth (1,000) are generator steps, and at that
budget their reconstructions G(E(x)) are no closer to the images than the training set's
mean image. This script trains the QLInfoWGAN-GP and the InfoWGAN-GP of the study (same
settings, network, data split and batch 64, one torch thread each) on Squares for
``CHECKPOINTS`` generator steps, continuing one fit with ``warm_start=True``, and scores
each checkpoint with the study's ``sklq.evaluate`` row on the held-out images: the
reference and chance-adjusted metrics, PSNR of G(E(x)), and, for scale, the PSNR of the
training mean image and of the study's autoencoder at 5,000 steps. A figure per model shows
eight samples (the same codes at every checkpoint) and G(E(x)) of eight held-out images.

Rows go to ``benchmarks/results/infogan_budget.csv`` (one per model, seed and checkpoint,
written when a model's last checkpoint is done; finished models are skipped on a rerun),
the table to the "infogan_budget" section of ``docs/benchmarks.md``, the figures to
``docs/images/infogan_budget_<model>.png``.

Run: ``.venv/bin/python benchmarks/infogan_budget.py [--workers 2] [--seeds 0]
[--summarise]``.
"""

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATASET = "squares"
MODELS = ("QLInfoWGAN-GP", "InfoWGAN-GP")
#: generator steps at which the fit is scored (5 critic steps each)
CHECKPOINTS = (1_000, 2_500, 5_000)
RESULTS = HERE / "results" / "infogan_budget.csv"
IMAGES = ROOT / "docs" / "images"
SHOWN = 8


def _images(X):
    """(n, C, H, W) data in [0, 255] or [0, 1] as (n, H, W, C) floats in [0, 1]."""
    import numpy as np

    X = np.asarray(X, dtype=np.float64)
    X = X / 255.0 if X.max() > 1.5 else X
    return np.clip(X.transpose(0, 2, 3, 1), 0.0, 1.0)


def _figure(model_name, seed, originals, panels):
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
    fig.suptitle(f"{model_name} on Squares (seed {seed}): by generator steps", fontsize=9)
    fig.tight_layout()
    path = IMAGES / f"infogan_budget_{model_name.replace('-', '_').lower()}.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run(model_name, seed):
    """Train one model through every checkpoint; returns one row per checkpoint."""
    import math

    import numpy as np
    import torch

    torch.set_num_threads(1)
    from compare_models import evaluate
    from study import BATCH_SIZE, _factories, study_data

    from sklq._evaluation import psnr

    generator, train_factors, test_factors, X_train, X_test = study_data(DATASET, seed)
    n_train = len(X_train)
    mean_image = np.broadcast_to(X_train.mean(axis=0), X_test.shape)
    mean_psnr = psnr(X_test, mean_image)
    batches = math.ceil(n_train / BATCH_SIZE)
    model = None
    rows, panels, seconds, done = [], [], 0.0, 0
    for target in CHECKPOINTS:
        if model is None:
            model = _factories(2 * len(generator.factor_sizes))[model_name](seed, 1, BATCH_SIZE)
        # generator steps per epoch: exact when the critic steps of an epoch divide evenly
        # (Squares: 20 batches, 5 critic steps per generator step)
        if batches % model.critic_steps_per_generator_step:
            raise ValueError(f"{batches} batches per epoch do not divide into generator steps")
        per_epoch = batches // model.critic_steps_per_generator_step
        epochs = math.ceil((target - done) / per_epoch)
        model.set_params(max_epochs=epochs, warm_start=done > 0)
        start = time.perf_counter()
        model.fit(X_train)
        seconds += time.perf_counter() - start
        done += epochs * per_epoch
        row = {"dataset": DATASET, "model": model_name, "seed": seed, "generator_steps": done,
               "critic_steps": done * model.critic_steps_per_generator_step,
               "seconds": round(seconds, 1), "mean image PSNR": round(mean_psnr, 2)}
        row.update(evaluate(model, X_test, test_factors, "hist", seed,
                            factor_names=generator.factor_names))
        rows.append({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})
        shown = X_test[:SHOWN]
        panels.append((done, model.inverse_transform(model.transform(shown)),
                       model.sample(SHOWN, random_state=0)[0]))
    if seed == 0:
        _figure(model_name, seed, X_test[:SHOWN], panels)
    return rows


def _autoencoder_psnr():
    """The study's AE on Squares at 5,000 steps: mean held-out PSNR over its seeds."""
    import statistics

    from _report import read_rows

    values = [float(r["PSNR"]) for r in read_rows(HERE / "results" / "study_squares.csv")
              if r["model"] == "AE"]
    return statistics.mean(values) if values else float("nan")


def section(rows):
    from _report import checkpoint_table, machine_summary

    columns = [(key, key, digits) for key, digits in [
        ("InfoM adj", 2), ("InfoC adj", 2), ("InfoE adj", 2), ("MIG adj", 2), ("InfoM", 2),
        ("InfoE", 2), ("PSNR", 1), ("mean image PSNR", 1), ("seconds", 0)]]
    lines = [
        "## The InfoGAN pair by generator steps (`benchmarks/infogan_budget.py`)",
        "",
        "The study's two InfoGANs (same settings, `network_size=\"cpu\"`, 8 latents, batch "
        "64, 5 critic steps per generator step, one torch thread) on Squares (16×16, 1,280 "
        "training and 320 held-out images), one fit continued with `warm_start=True` and "
        "scored at each budget on the held-out images. *PSNR*: G(E(x)) against x; *mean "
        "image PSNR*: the training set's mean image as every reconstruction; the study's "
        f"autoencoder reaches {_autoencoder_psnr():.1f} dB at 5,000 steps. *seconds*: "
        "training time up to the checkpoint. Mean ± std over the seeds in the *seeds* "
        f"column; rows: `benchmarks/results/infogan_budget.csv`. Measured on "
        f"{machine_summary()}.",
        "",
        *checkpoint_table(rows, MODELS, "generator_steps", "generator steps", columns,
                          spread="std"),
    ]
    for model in MODELS:
        name = model.replace("-", "_").lower()
        if (IMAGES / f"infogan_budget_{name}.png").exists():
            lines += ["", f"![{model}](images/infogan_budget_{name}.png)"]
    return "\n".join(lines)


def summarise():
    from _report import read_rows, write_section
    from study import DOCS

    write_section("infogan_budget", section(read_rows(RESULTS)), readme=DOCS)


def main():
    from _report import run_checkpointed

    run_checkpointed(
        __doc__.splitlines()[0], run, models=MODELS, seeds=(0,), results=RESULTS,
        step_key="generator_steps", last=CHECKPOINTS[-1], summarise=summarise,
        shown=("model", "seed", "generator_steps", "seconds", "InfoM adj", "InfoE adj",
               "PSNR", "mean image PSNR"))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
