"""The four commands: ``demo``, ``fit``, ``evaluate`` and ``traverse``."""

import math
import time
from pathlib import Path

import numpy as np

from ._errors import CommandError
from ._files import FACTORS_KEYS, _check_model_path, _load_arrays, _load_model, _output_dir
from ._report import (
    _figures,
    _print_metrics,
    _write_report,
    evaluate,
)

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
