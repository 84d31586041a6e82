"""Tune one hyperparameter of a comparison model with ``GridSearchCV`` and the sklq scorers.

The ground-truth factors go in as ``y``: they reach only the scorers, which compute InfoM,
InfoC, InfoE and DCI D on each held-out fold (plain shuffled ``KFold``). The candidate with
the best held-out InfoM is refit, as ``refit="infom"`` does. The models and their budget
(steps of a given batch size) are those of ``compare_models.py``. Writes
``<out>/tuning.csv`` and ``<out>/tuning.md``.

Example (the run in ``docs/benchmarks.md``)::

    .venv/bin/python benchmarks/tune_models.py --dataset sprites --image-size 32 \\
        --model QLAE --param weight_decay --values 0 0.01 0.1 1 --steps 600
"""

import argparse
import math
import sys
from pathlib import Path

import pandas as pd
import torch
from sklearn.model_selection import GridSearchCV, KFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_models import DATASETS, model_factories  # noqa: E402

from sklq.metrics import get_scorers  # noqa: E402

METRICS = ["infom", "infoc", "infoe", "dci_disentanglement"]


def parse_value(text):
    """``"0.1"`` -> 0.1, ``"10"`` -> 10, ``"true"`` -> True, anything else stays a string."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="squares")
    parser.add_argument("--image-size", type=int, default=None)
    parser.add_argument("--n-samples", type=int, default=8000,
                        help="images in the search (each fold trains on half)")
    parser.add_argument("--model", default="QLAE")
    parser.add_argument("--param", required=True, help="the estimator parameter to tune")
    parser.add_argument("--values", nargs="+", required=True)
    parser.add_argument("--steps", type=int, default=600, help="optimiser steps per fit")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("tuning-results"))
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    dataset_cls = DATASETS[args.dataset]
    dataset = dataset_cls() if args.image_size is None else dataset_cls(image_size=args.image_size)
    n_latents = 2 * len(dataset.factor_sizes)
    factors = dataset.sample_factors(args.n_samples, random_state=args.seed)
    X = dataset.render(factors)
    n_fit = args.n_samples - args.n_samples // args.folds  # training rows per fold
    epochs = math.ceil(args.steps / math.ceil(n_fit / args.batch_size))
    model = model_factories(n_latents)[args.model](args.seed, epochs, args.batch_size)
    grid = {args.param: [parse_value(v) for v in args.values]}
    search = GridSearchCV(
        model,
        grid,
        scoring=get_scorers(METRICS, random_state=args.seed),
        refit="infom",
        cv=KFold(args.folds, shuffle=True, random_state=args.seed),
    )
    search.fit(X, factors)

    results = pd.DataFrame(search.cv_results_)
    columns = [f"param_{args.param}"]
    for metric in METRICS:
        columns += [f"mean_test_{metric}", f"std_test_{metric}"]
    table = results[columns + ["mean_fit_time"]]
    args.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out / "tuning.csv", index=False)
    steps = epochs * math.ceil(n_fit / args.batch_size)
    lines = [
        f"{args.model} on {args.dataset} (image size {dataset.image_shape[1]}), "
        f"{args.n_samples} images, {args.folds}-fold CV, {steps} "
        f"steps of batch {args.batch_size} per fit, seed {args.seed}; held-out scores, mean ± std "
        f"over folds. Best by InfoM: `{search.best_params_}`.",
        "",
        f"| {args.param} | " + " | ".join(METRICS) + " |",
        "|---" * (len(METRICS) + 1) + "|",
    ]
    for _, row in table.iterrows():
        cells = [f"{row[f'mean_test_{m}']:.3f} ± {row[f'std_test_{m}']:.3f}" for m in METRICS]
        lines.append(f"| {row[f'param_{args.param}']} | " + " | ".join(cells) + " |")
    (args.out / "tuning.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
