"""The paper's comparison on sklq's own datasets: QLAE against the baselines, and ablations.

Every model trains the same network for the same number of optimiser steps (same batch
size), on the same training sample; all metrics are computed on a **held-out** sample of the
factor grid (disjoint from the training sample), by :func:`sklq.evaluate`. Reported per model,
mean ± std over seeds: InfoM, InfoC, InfoE, DCI D/C/I (fast ``"hist"`` importance unless
``--dci gbt``), MIG and the held-out reconstruction PSNR, each metric with a chance level
also adjusted for chance (``adj``; the CSV holds the chance levels and the per-factor adjusted
InfoE too), and the number of active latents (those InfoM and InfoC count).
Writes ``<out>/results.csv``, ``<out>/results.md`` and
``<out>/results.png``.

Examples (the runs committed in ``docs/benchmarks.md``; one process per dataset, in
parallel, one torch thread each)::

    .venv/bin/python benchmarks/compare_models.py --dataset scenes --image-size 32 \
        --n-train 20000 --n-test 5000 --steps 1000 --batch-size 64 --seeds 0 1 2 \
        --models QLAE AE "β-VAE" "β-TCVAE" BioAE "VQ-VAE" --out results/scenes
    .venv/bin/python benchmarks/compare_models.py --summarise results/scenes/results.csv \
        --out results/scenes-summary

``--steps`` is rounded up to whole epochs (1,000 -> 1,252 steps for 20,000 images of batch
64).
"""

import argparse
import math
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import sklq
from sklq.datasets import Scenes, Sprites, Squares

DATASETS = {"squares": Squares, "sprites": Sprites, "scenes": Scenes}


def model_factories(n_latents):
    """Model name -> function(seed, max_epochs, batch_size) building an unfitted model."""

    def make(cls, **params):
        return lambda seed, epochs, batch: cls(
            n_latents, max_epochs=epochs, batch_size=batch, random_state=seed, **params
        )

    return {
        "QLAE": make(sklq.LatentQuantizedAutoencoder),
        "QLAE, weight_decay=0": make(sklq.LatentQuantizedAutoencoder, weight_decay=0.0),
        "QLAE, frozen codebook": make(sklq.LatentQuantizedAutoencoder, learn_codebook=False),
        "QLAE, global codebook": make(sklq.LatentQuantizedAutoencoder, global_codebook=True),
        "QLAE, 5 values": make(sklq.LatentQuantizedAutoencoder, n_values_per_latent=5),
        "QLAE, 20 values": make(sklq.LatentQuantizedAutoencoder, n_values_per_latent=20),
        "AE": make(sklq.Autoencoder),
        "β-VAE": make(sklq.BetaVAE),
        "β-TCVAE": make(sklq.BetaTCVAE),
        "BioAE": make(sklq.BioAE),
        "VQ-VAE": make(sklq.VQVAE),
        "QLInfoWGAN-GP": make(sklq.LatentQuantizedInfoGAN),
        "InfoWGAN-GP": make(sklq.InfoGAN),
    }


def held_out_split(dataset, n_train, n_test, seed):
    """Disjoint train and test samples of the factor grid."""
    factors = dataset.sample_factors(n_train + n_test, random_state=seed)
    return factors[:n_train], factors[n_train:]


#: compare_models' column -> row of sklq.evaluate's table
COLUMNS = {"InfoM": "infom", "InfoC": "infoc", "InfoE": "infoe", "DCI D": "dci_disentanglement",
           "DCI C": "dci_completeness", "DCI I": "dci_informativeness", "MIG": "mig",
           "PSNR": "psnr"}
#: the metrics with a chance level: "<name> chance" and "<name> adj" columns too
ADJUSTED = ["InfoM", "InfoC", "InfoE", "DCI I", "MIG"]


def evaluate(model, X_test, factors_test, dci_importance, seed, factor_names=None):
    """One run's row: :func:`sklq.evaluate`'s values, chance levels and adjusted values."""
    evaluation = sklq.evaluate(model, X_test, factors_test, factor_names=factor_names,
                               dci_importance=dci_importance, random_state=seed)
    table = evaluation.to_frame()
    row = {column: table.loc[name, "value"] for column, name in COLUMNS.items()}
    for column in ADJUSTED:
        row[f"{column} chance"] = table.loc[COLUMNS[column], "chance"]
        row[f"{column} adj"] = table.loc[COLUMNS[column], "adjusted"]
    for i, value in enumerate(evaluation.results["infomec"].infoe_per_factor):
        row[f"InfoE adj {evaluation.factor_names[i]}"] = value
    row["active"] = int(evaluation.latents["active"].sum())  # latents InfoM and InfoC count
    row["informative"] = int(evaluation.latents["informative"].sum())  # the adjusted ones
    return row


METRICS = ["InfoM", "InfoM adj", "InfoC", "InfoC adj", "InfoE", "InfoE adj", "DCI D", "DCI C",
           "DCI I", "MIG", "MIG adj", "PSNR", "active"]


def summarise(runs):
    """Markdown table: mean ± std over seeds per model, and the number of seeds."""
    runs = runs.reindex(columns=list(dict.fromkeys([*runs.columns, *METRICS])))
    grouped = runs.groupby("model", sort=False)[METRICS]
    mean, std = grouped.mean(), grouped.std().fillna(0.0)
    seeds = runs.groupby("model", sort=False)["seed"].nunique()
    lines = ["| model | seeds | " + " | ".join(METRICS) + " |",
             "|---" * (len(METRICS) + 2) + "|"]
    counts = grouped.count()  # runs per model and metric

    def cell(name, metric):
        value, spread = mean.loc[name, metric], std.loc[name, metric]
        if np.isnan(value):
            return "–"
        digits = 1 if metric in ("PSNR", "active") else 2
        if counts.loc[name, metric] < 2:  # one run: no spread to show
            return f"{value:.{digits}f}"
        return f"{value:.{digits}f} ± {spread:.{digits}f}"

    for name in mean.index:
        cells = [cell(name, m) for m in METRICS]
        lines.append(f"| {name} | {seeds[name]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bar_chart(runs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = ["InfoM", "InfoC", "InfoE", "DCI D", "MIG"]
    grouped = runs.groupby("model", sort=False)[shown]
    mean, std = grouped.mean(), grouped.std().fillna(0.0)
    fig, ax = plt.subplots(figsize=(12, 4.5))
    width = 0.8 / len(mean.index)
    x = np.arange(len(shown))
    for i, name in enumerate(mean.index):
        ax.bar(x + i * width, mean.loc[name], width, yerr=std.loc[name], label=name)
    ax.set_xticks(x + 0.4 - width / 2, shown)
    ax.set_ylim(0, 1)
    ax.set_ylabel("score (held-out)")
    ax.legend(ncols=5, fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="squares")
    parser.add_argument("--image-size", type=int, default=None)
    parser.add_argument("--n-train", type=int, default=1280)
    parser.add_argument("--n-test", type=int, default=320)
    parser.add_argument("--steps", type=int, default=1500, help="optimiser steps per run")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--models", nargs="+", default=None, help="subset of model names")
    parser.add_argument("--dci", choices=["hist", "gbt"], default="hist")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("compare-results"))
    parser.add_argument("--summarise", type=Path, nargs="+", default=None, metavar="CSV",
                        help="train nothing: merge these results.csv files into one table "
                             "and chart in --out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.summarise:
        runs = pd.concat([pd.read_csv(path) for path in args.summarise], ignore_index=True)
        if runs["dataset"].nunique() > 1:
            parser.error(f"the CSV files mix datasets {sorted(runs['dataset'].unique())}; "
                         "summarise one dataset at a time")
        (args.out / "results.md").write_text(summarise(runs) + "\n")
        bar_chart(runs, args.out / "results.png")
        print(summarise(runs))
        return

    torch.set_num_threads(args.threads)
    dataset_cls = DATASETS[args.dataset]
    dataset = dataset_cls() if args.image_size is None else dataset_cls(image_size=args.image_size)
    n_latents = 2 * len(dataset.factor_sizes)  # the paper's "twice the sources"
    epochs = math.ceil(args.steps / math.ceil(args.n_train / args.batch_size))
    factories = model_factories(n_latents)
    names = args.models or list(factories)
    rows = []
    csv_path = args.out / "results.csv"
    for seed in args.seeds:
        train_factors, test_factors = held_out_split(dataset, args.n_train, args.n_test, seed)
        X_train, X_test = dataset.render(train_factors), dataset.render(test_factors)
        for name in names:
            model = factories[name](seed, epochs, args.batch_size)
            start = time.perf_counter()
            model.fit(X_train)
            seconds = time.perf_counter() - start
            row = {"dataset": args.dataset, "model": name, "seed": seed, "seconds": seconds,
                   "steps": epochs * math.ceil(args.n_train / args.batch_size),
                   **evaluate(model, X_test, test_factors, args.dci, seed,
                              factor_names=dataset.factor_names)}
            rows.append(row)
            pd.DataFrame(rows).to_csv(csv_path, index=False)  # survives an interrupted run
            print(", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                            for k, v in row.items()), flush=True)
    runs = pd.DataFrame(rows)
    table = summarise(runs)
    header = (
        f"{args.dataset} (image size {dataset.image_shape[1]}), {n_latents} latents, "
        f"{args.n_train} training / {args.n_test} held-out images, {rows[0]['steps']} steps "
        f"of batch {args.batch_size} per run, seeds {args.seeds}, DCI importance "
        f"`{args.dci}`, {args.threads} torch thread(s), {platform.machine()}."
    )
    (args.out / "results.md").write_text(header + "\n\n" + table + "\n")
    bar_chart(runs, args.out / "results.png")
    print("\n" + header + "\n\n" + table)


if __name__ == "__main__":
    main()
