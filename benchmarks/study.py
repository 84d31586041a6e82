"""The paper's comparison at 5,000 steps: every model and the QLAE ablations, 3 seeds, 3 datasets.

Every model (the eight estimators, the QLAE ablations of ``compare_models.model_factories`` —
no weight decay, frozen codebook, global codebook, 5 and 20 values — the QLAE with the
frozen codebook at weight decay 1 and with 20 values at weight decay 0.2) trains the same
network (``network_size="cpu"``, twice as many latents as factors) for ``STEPS`` optimiser
steps of batch 64 (critic steps for the InfoGANs: a fifth of them are generator steps) on
the same training sample, one torch thread each. Each run is scored by ``sklq.evaluate``
twice, side by side:

* on held-out images of the factor grid, disjoint from the training sample (sklq's
  protocol), and
* on the first 10,000 training images (the reference's protocol; Squares: all 1,280),

with the reference and the chance-adjusted metrics, their chance levels, per-factor
adjusted InfoE, PSNR and active latents (``compare_models.evaluate``'s row, the training
columns prefixed ``train``), plus steps and seconds.

Two worker processes (one per core) run the jobs; every finished run is appended to
``benchmarks/results/study_<dataset>.csv`` at once and skipped when the script runs again,
so the study can stop and resume across sessions. ``--summarise`` (also after every run)
rewrites the "study" section of ``docs/benchmarks.md`` and its charts in ``docs/images``.

Run: ``.venv/bin/python benchmarks/study.py [--workers 2] [--datasets squares ...]
[--models QLAE AE ...] [--summarise]``.
"""

import math
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
STEPS, BATCH_SIZE, TRAIN_EVALUATED = 5000, 64, 10_000
#: dataset -> (image size, training images, held-out images)
DATASETS = {"squares": (16, 1_280, 320), "scenes": (32, 20_000, 5_000),
            "sprites": (32, 20_000, 5_000)}
#: one more model: the frozen codebook at weight decay 1 (the demo's QLAE until the
#: demo's budget study, ``demo_budget.py``, moved it to the frozen codebook at 0.1)
RECIPE = "QLAE, wd 1, frozen codebook"
#: and the recipe sweep's closest to the recipe goal on Scenes (``recipe_sweep.py``: 20
#: values per latent at weight decay 0.2 reconstructs within 0.3 dB of the AE there)
RECIPE_20 = "QLAE, wd 0.2, 20 values"
MODELS = ["QLAE", RECIPE, RECIPE_20, "QLAE, weight_decay=0", "QLAE, frozen codebook",
          "QLAE, global codebook", "QLAE, 5 values", "QLAE, 20 values", "AE", "β-VAE",
          "β-TCVAE", "BioAE", "VQ-VAE", "QLInfoWGAN-GP", "InfoWGAN-GP"]
SEEDS = (0, 1, 2)
RESULTS = HERE / "results"
DOCS = ROOT / "docs" / "benchmarks.md"


def _factories(n_latents):
    from compare_models import model_factories

    import sklq

    factories = model_factories(n_latents)
    factories[RECIPE] = lambda seed, epochs, batch: sklq.LatentQuantizedAutoencoder(
        n_latents, weight_decay=1.0, learn_codebook=False, max_epochs=epochs,
        batch_size=batch, random_state=seed)
    factories[RECIPE_20] = lambda seed, epochs, batch: sklq.LatentQuantizedAutoencoder(
        n_latents, weight_decay=0.2, n_values_per_latent=20, max_epochs=epochs,
        batch_size=batch, random_state=seed)
    return factories


def study_data(dataset, seed):
    """The study's generator, training and held-out factors and uint8 images of a seed."""
    from compare_models import DATASETS as GENERATORS
    from compare_models import held_out_split

    image_size, n_train, n_test = DATASETS[dataset]
    generator = GENERATORS[dataset](image_size=image_size)
    train_factors, test_factors = held_out_split(generator, n_train, n_test, seed)
    return (generator, train_factors, test_factors, generator.render(train_factors, dtype="uint8"),
            generator.render(test_factors, dtype="uint8"))


def train(dataset, model_name, seed):
    """Fit one (dataset, model, seed) of the study, on one torch thread: returns the fitted
    model, :func:`study_data`'s tuple and the run's first CSV columns (steps, seconds)."""
    import torch

    torch.set_num_threads(1)
    data = study_data(dataset, seed)
    generator, X_train = data[0], data[3]
    n_train = len(X_train)
    batches = math.ceil(n_train / BATCH_SIZE)
    epochs = math.ceil(STEPS / batches)
    model = _factories(2 * len(generator.factor_sizes))[model_name](seed, epochs, BATCH_SIZE)
    start = time.perf_counter()
    model.fit(X_train)
    seconds = time.perf_counter() - start
    steps = epochs * batches
    critic_steps = getattr(model, "critic_steps_per_generator_step", None)
    row = {"dataset": dataset, "model": model_name, "seed": seed, "steps": steps,
           "generator_steps": steps // critic_steps if critic_steps else steps,
           "seconds": round(seconds, 1), "precision": model.precision_}
    return model, data, row


def run(dataset, model_name, seed):
    """Train and score one (dataset, model, seed); returns its CSV row."""
    from compare_models import evaluate

    model, data, row = train(dataset, model_name, seed)
    generator, train_factors, test_factors, X_train, X_test = data
    n_train = len(X_train)
    names = generator.factor_names
    row.update(evaluate(model, X_test, test_factors, "hist", seed, factor_names=names))
    n_scored = min(TRAIN_EVALUATED, n_train)
    trained = evaluate(model, X_train[:n_scored], train_factors[:n_scored], "hist", seed,
                       factor_names=names)
    row.update({f"train {key}": value for key, value in trained.items()})
    return {key: round(value, 4) if isinstance(value, float) else value
            for key, value in row.items()}


# -------------------------------------------------------------------------- summaries
def _mean(rows, key, digits=2):
    from _report import mean_cell

    return mean_cell([r.get(key) for r in rows], digits, spread="std")


SUMMARY = [("InfoM adj", "InfoM adj"), ("InfoC adj", "InfoC adj"), ("InfoE adj", "InfoE adj"),
           ("MIG adj", "MIG adj"), ("InfoM adj, train", "train InfoM adj"),
           ("InfoE adj, train", "train InfoE adj"), ("PSNR", "PSNR"), ("active", "active")]
REFERENCE = [("InfoM", "InfoM"), ("InfoM chance", "InfoM chance"), ("InfoC", "InfoC"),
             ("InfoC chance", "InfoC chance"), ("InfoE", "InfoE"),
             ("InfoE chance", "InfoE chance"), ("DCI D", "DCI D"), ("MIG", "MIG"),
             ("InfoM, train", "train InfoM"), ("InfoE, train", "train InfoE")]


def _table(rows, columns, extra=()):
    lines = ["| model | seeds | " + " | ".join(label for label, _ in columns)
             + "".join(f" | {label}" for label, _ in extra) + " |",
             "|---" * (len(columns) + len(extra) + 2) + "|"]
    for model in MODELS:
        r = [x for x in rows if x["model"] == model]
        if not r:
            continue
        cells = [_mean(r, key, 1 if key.endswith(("PSNR", "active")) else 2)
                 for _, key in columns]
        cells += [_mean(r, key, 0) for _, key in extra]
        lines.append(f"| {model} | {len(r)} | " + " | ".join(cells) + " |")
    return lines


def _chart(rows, dataset, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    models = [m for m in MODELS if any(r["model"] == m for r in rows)]
    shown = [("InfoM adj", "InfoM adj"), ("InfoC adj", "InfoC adj"), ("InfoE adj", "InfoE adj"),
             ("MIG adj", "MIG adj")]
    fig, ax = plt.subplots(figsize=(12, 4.2))
    width = 0.8 / max(len(models), 1)
    for i, model in enumerate(models):
        r = [x for x in rows if x["model"] == model]
        means = [statistics.mean(float(x[key]) for x in r) for _, key in shown]
        ax.bar(np.arange(len(shown)) + i * width, means, width, label=model)
    ax.set_xticks(np.arange(len(shown)) + 0.4 - width / 2, [label for label, _ in shown])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(f"{dataset}: held-out, chance-adjusted")
    ax.legend(ncols=5, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def section(all_rows):
    from _report import machine_summary

    lines = [
        "## The comparison at 5,000 steps (`benchmarks/study.py`)",
        "",
        f"Every model: the same `network_size=\"cpu\"` network, 2 × factors latents, {STEPS:,} "
        f"steps of batch {BATCH_SIZE} (critic steps for the InfoGANs, a fifth of them "
        "generator steps), one torch thread, seeds 0–2 (mean ± std over the seeds done so "
        "far; the *seeds* column counts them). Scored on held-out images of the grid and "
        f"on the first {TRAIN_EVALUATED:,} training images (*train*; the reference's "
        "protocol). *adj*: chance-adjusted (docs/metrics.md). Per-run rows, with every "
        "chance level, per-factor adjusted InfoE and DCI: `benchmarks/results/study_*.csv`. "
        f"Measured on {machine_summary()}.",
    ]
    for dataset, (size, n_train, n_test) in DATASETS.items():
        rows = [r for r in all_rows if r["dataset"] == dataset]
        if not rows:
            continue
        lines += ["", f"### {dataset.capitalize()} ({size}×{size}; {n_train:,} training, "
                  f"{n_test:,} held-out images)", "",
                  *_table(rows, SUMMARY, [("steps", "steps"), ("s per run", "seconds")]), "",
                  "Reference metrics and their chance levels:", "",
                  *_table(rows, REFERENCE), "",
                  "Adjusted InfoE of each factor (held-out):", "",
                  *_table(rows, [(key.removeprefix("InfoE adj "), key) for key in rows[0]
                                 if key.startswith("InfoE adj ")]), "",
                  f"![{dataset}](images/study_{dataset}.png)"]
        _chart(rows, dataset, ROOT / "docs" / "images" / f"study_{dataset}.png")
    return "\n".join(lines)


def summarise():
    from _report import read_rows, write_section

    rows = [r for dataset in DATASETS for r in read_rows(RESULTS / f"study_{dataset}.csv")]
    write_section("study", section(rows), readme=DOCS)


def main():
    sys.path.insert(0, str(HERE))
    from _report import pending_jobs, read_rows, run_jobs, sweep_arguments

    args = sweep_arguments(__doc__.splitlines()[0], datasets=DATASETS, name="models",
                           choices=MODELS, seeds=SEEDS)

    if not args.summarise:
        done = {(r["dataset"], r["model"], int(r["seed"]))
                for dataset in DATASETS for r in read_rows(RESULTS / f"study_{dataset}.csv")}
        todo = pending_jobs(args, "models", DATASETS, MODELS, done)
        run_jobs(run, todo, workers=args.workers, after_each=summarise,
                 csv_path=lambda row: RESULTS / f"study_{row['dataset']}.csv",
                 shown=("dataset", "model", "seed", "seconds", "InfoM adj", "InfoE adj",
                        "PSNR"))
    summarise()


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
