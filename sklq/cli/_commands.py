"""The four commands: ``demo``, ``fit``, ``evaluate`` and ``traverse``."""

import math
import sys
import time
from pathlib import Path

import numpy as np

from ._errors import CommandError
from ._files import FACTORS_KEYS, _check_model_path, _load_arrays, _load_model, _output_dir
from ._report import (
    _figures,
    _print_metrics,
    _training_record,
    _training_sentence,
    _write_report,
    evaluate,
)

#: Built-in datasets of ``sklq demo``: generator settings, grid subset and model size.
DEMO_DATASETS = {
    "squares": dict(
        image_size=16, n_samples=None, n_latents=8, batch_size=32, epochs=60, dci="gbt",
        description="Squares: a square on a dark background",
    ),
    "sprites": dict(
        image_size=32, n_samples=6000, n_latents=10, batch_size=64, epochs=12, dci="hist",
        description="Sprites: dSprites' shapes on dSprites' grid, at 32x32",
    ),
    "scenes": dict(
        image_size=32, n_samples=6000, n_latents=12, batch_size=64, epochs=8, dci="hist",
        description="Scenes: Shapes3D's room, object and colours, at 32x32",
    ),
}


#: Share of the demo's images held out for evaluation.
DEMO_TEST_FRACTION = 0.2


#: Largest held-out set evaluated (DCI's boosted trees grow with it).
MAX_EVALUATED = 2000


MODELS = {
    "qlae": "LatentQuantizedAutoencoder",
    "qlinfogan": "LatentQuantizedInfoGAN",
    "infogan": "InfoGAN",
}


# --------------------------------------------------------------------------- training
def _fit(model, X, minutes):
    """Fit ``model`` with an optional time budget; returns (seconds, budget callback)."""
    from .._training._callbacks import TimeBudget

    budget = TimeBudget(minutes * 60, sink=lambda message: print(message, flush=True)) \
        if minutes else None
    model.set_params(callbacks=[budget] if budget else None)
    start = time.perf_counter()
    try:
        model.fit(X)
    except ValueError as exc:  # data the estimator refuses (shape, range, ...)
        raise CommandError(str(exc).splitlines()[0]) from None
    seconds = time.perf_counter() - start
    model.set_params(callbacks=None)  # training-only; keeps the model savable
    return seconds, budget


def _set_threads(threads):
    if threads:
        import torch

        torch.set_num_threads(threads)


def _describe(model):
    """The estimator's repr on one line (for Markdown)."""
    return " ".join(repr(model).split())


# ------------------------------------------------------------------------------ demo
def run_demo(args):
    """Fit a QLAE on a built-in dataset, evaluate it on held-out images, write a report."""
    from .. import LatentQuantizedAutoencoder, datasets, save

    spec = DEMO_DATASETS[args.dataset]
    _set_threads(args.threads)
    out = _output_dir(args.out)
    cls = {"squares": datasets.Squares, "sprites": datasets.Sprites,
           "scenes": datasets.Scenes}[args.dataset]
    data = cls(image_size=spec["image_size"])
    X, factors = data.make(spec["n_samples"], dtype="uint8", random_state=args.seed)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(X))
    n_test = int(round(len(X) * DEMO_TEST_FRACTION))
    test, train = order[:n_test][:MAX_EVALUATED], order[n_test:]
    shape = "x".join(str(s) for s in X.shape[1:])
    grid = "the whole grid" if spec["n_samples"] is None else (
        f"a random {len(X):,} of its {data.n_samples:,} grid points")
    print(f"{spec['description']}: {grid}, images {shape}, factors "
          f"{', '.join(data.factor_names)}.\n{len(train):,} images for training, "
          f"{len(test):,} held out.", flush=True)

    epochs = args.epochs or spec["epochs"]
    model = LatentQuantizedAutoencoder(
        spec["n_latents"], n_values_per_latent=10, max_epochs=epochs,
        batch_size=spec["batch_size"], random_state=args.seed,
        verbose=2 if sys.stdout.isatty() else 1,
    )
    print(f"Training a {_describe(model)} for up to {epochs} epochs "
          f"(time budget {args.minutes:g} min):", flush=True)
    seconds, budget = _fit(model, X[train], args.minutes)
    record = _training_record(model, seconds, budget, args.minutes, len(train))
    print(_training_sentence(record, len(train)), flush=True)

    print(f"Evaluating on the {len(test):,} held-out images...", flush=True)
    evaluation = evaluate(model, X[test], factors[test], factor_names=data.factor_names,
                          dci_importance=args.dci or spec["dci"], random_state=args.seed)
    _print_metrics(evaluation)
    model_file = "model.sklq"
    save(model, out / model_file)
    figures = _figures(model, X[test], evaluation, out)
    intro = [
        f"Dataset: {spec['description']} — {grid}, images of shape {shape}, factors "
        f"{', '.join(f'`{n}`' for n in data.factor_names)}; {len(train):,} images for "
        f"training and {len(test):,} held out (seed {args.seed}).",
        "",
        f"Model: `{_describe(model)}`.",
        "",
        _training_sentence(record, len(train)),
        "",
        "Reproduce with `python -m sklq demo --dataset "
        f"{args.dataset} --seed {args.seed} --minutes {args.minutes:g}"
        + (f" --epochs {args.epochs}" if args.epochs else "") + "`.",
    ]
    _write_report(out, title=f"sklq demo: a QLAE on {args.dataset.capitalize()}", intro=intro,
                  evaluation=evaluation, model=model, X=X[test], training=record,
                  figures=figures, model_file=model_file)
    print(f"\nReport written to {out / 'report.md'} (figures, metrics.json and the model "
          f"{model_file} beside it).")
    return 0


# ------------------------------------------------------------------ fit / evaluate / traverse
def run_fit(args):
    """Train a model on the images of a ``.npz``/``.npy`` file and save it."""
    import sklq

    from .. import save

    X, _ = _load_arrays(args.data, args.images_key)
    _set_threads(args.threads)
    cls = getattr(sklq, MODELS[args.model])
    params = dict(random_state=args.seed, verbose=0 if args.quiet else 1)
    for option, param in (("n_latents", "n_latents"), ("n_values", "n_values_per_latent"),
                          ("weight_decay", "weight_decay"), ("epochs", "max_epochs"),
                          ("batch_size", "batch_size"), ("learning_rate", "learning_rate")):
        value = getattr(args, option)
        if value is not None:
            if param == "n_values_per_latent" and args.model == "infogan":
                raise CommandError("--n-values does not apply to --model infogan (its latents "
                                   "are continuous)")
            params[param] = value
    model = cls(**params)
    out = Path(args.out) if args.out else Path(args.data).with_suffix(".sklq")
    if out.is_dir():
        raise CommandError(f"{out} is a folder; --out takes a file name, e.g. model.sklq")
    if not out.parent.is_dir():
        raise CommandError(f"{out.parent}: no such folder")
    print(f"Fitting {_describe(model)} on {len(X):,} samples of shape {X.shape[1:]}.", flush=True)
    seconds, budget = _fit(model, X, args.minutes)
    steps = model.n_iter_ * math.ceil(len(X) / model.batch_size)
    print(f"Trained {model.n_iter_} epochs ({steps:,} steps) in {seconds:.0f} s"
          + (" (stopped by the time budget)" if budget is not None and budget.stopped_ else "")
          + ".")
    save(model, out)
    print(f"Model written to {out}")
    return 0


def run_evaluate(args):
    """Metrics of a saved model against the factors of a data file."""
    _check_model_path(args.model)
    X, factors = _load_arrays(args.data, args.images_key, args.factors_key, args.factors)
    if factors is None:
        raise CommandError(
            f"{args.data} has no factors (an array named {' or '.join(FACTORS_KEYS)}); "
            "evaluate needs the ground truth: add it, or pass --factors FILE.npy or "
            "--factors-key NAME"
        )
    _set_threads(args.threads)
    names = args.factor_names.split(",") if args.factor_names else None
    if names is not None and len(names) != factors.shape[1]:
        raise CommandError(f"--factor-names has {len(names)} names, but there are "
                           f"{factors.shape[1]} factors")
    model = _load_model(args.model, X)
    if len(X) > args.max_samples:
        rows = np.random.default_rng(args.seed).choice(len(X), args.max_samples, replace=False)
        X, factors = X[np.sort(rows)], factors[np.sort(rows)]
    try:
        evaluation = evaluate(model, X, factors, factor_names=names, dci_importance=args.dci,
                              random_state=args.seed)
    except ValueError as exc:
        raise CommandError(str(exc).splitlines()[0]) from None
    print(f"{type(model).__name__} from {args.model} on {len(X):,} samples of {args.data}:")
    _print_metrics(evaluation)
    if args.out:
        out = _output_dir(args.out)
        figures = _figures(model, X, evaluation, out)
        _write_report(
            out, title=f"sklq evaluate: {Path(args.model).name} on {Path(args.data).name}",
            intro=[f"Model: `{_describe(model)}` from `{args.model}`.", "",
                   f"Data: `{args.data}`, {len(X):,} samples of shape {X.shape[1:]}."],
            evaluation=evaluation, model=model, X=X, training=None, figures=figures,
            model_file=str(Path(args.model).resolve()),
        )
        print(f"Report written to {out / 'report.md'}")
    return 0


def run_traverse(args):
    """A latent-traversal figure of a saved model on the images of a data file."""
    _check_model_path(args.model)
    X, factors = _load_arrays(args.data, args.images_key, args.factors_key, args.factors)
    model = _load_model(args.model, X)
    try:
        import matplotlib
    except ImportError:
        raise CommandError("traverse needs matplotlib: pip install 'sklq[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plotting import plot_latent_traversals

    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"{out.parent}: no such folder")
    if len(X) > args.max_samples:
        rows = np.sort(np.random.default_rng(args.seed).choice(len(X), args.max_samples,
                                                                replace=False))
        X, factors = X[rows], None if factors is None else factors[rows]
    try:
        fig = plot_latent_traversals(model, X, n_samples=args.n_samples, factors=factors,
                                     n_values=args.n_values)
    except ValueError as exc:
        raise CommandError(str(exc).splitlines()[0]) from None
    fig.savefig(out, dpi=110)
    plt.close(fig)
    print(f"Traversals written to {out}")
    return 0
