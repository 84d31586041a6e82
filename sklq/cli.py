"""The ``sklq`` command line (also ``python -m sklq``).

Commands:

* ``sklq demo``: train a QLAE on a built-in dataset, evaluate it on held-out images and write
  a report folder (metrics, figures, the fitted model).
* ``sklq fit DATA``: train a model on your own images (``.npz``/``.npy``) and save it.
* ``sklq evaluate MODEL DATA``: disentanglement metrics of a saved model against the factors
  in ``DATA`` (and optionally the same report folder as the demo).
* ``sklq traverse MODEL DATA``: a latent-traversal picture.

A user mistake (missing file, wrong array shape, bad value) is one line on stderr and exit
status 2 (argument errors) or 1 (everything else). Set ``SKLQ_TRACEBACK=1`` for tracebacks.
"""

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

#: Exit status of an invalid command line (as argparse) and of any other user mistake.
USAGE_ERROR, USER_ERROR = 2, 1

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
IMAGES_KEYS = ("X", "images", "imgs", "x")
FACTORS_KEYS = ("factors", "y", "latents_classes")
MODELS = {
    "qlae": "LatentQuantizedAutoencoder",
    "qlinfogan": "LatentQuantizedInfoGAN",
    "infogan": "InfoGAN",
}


class CommandError(Exception):
    """A user mistake: reported as one line on stderr, no traceback."""


# ------------------------------------------------------------------------- arguments
def _positive(kind, name):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not value > 0 or (kind is float and not math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{name} must be positive, got {text!r}")
        return value

    return parse


def _non_negative_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``sklq: error: ...`` and the command's --help hint."""

    def error(self, message):
        hint = f" (see '{self.prog} --help')"
        print(f"sklq: error: {message}{hint}", file=sys.stderr)
        sys.exit(USAGE_ERROR)


# ------------------------------------------------------------------------------ data
def _load_arrays(path, images_key=None, factors_key=None, factors_path=None):
    """Images (and factors, or None) from a ``.npz``/``.npy`` file, checked."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    factors = None
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                keys = list(archive.keys())
                key = _pick_key(keys, images_key, IMAGES_KEYS, path, "images", "--images-key")
                images = archive[key]
                if factors_path is None:
                    fkey = _pick_key(keys, factors_key, FACTORS_KEYS, path, "factors",
                                     "--factors-key", required=factors_key is not None)
                    factors = None if fkey is None else archive[fkey]
        elif path.suffix == ".npy":
            if images_key or factors_key:
                raise CommandError(f"{path}: a .npy file holds one array; --images-key and "
                                   "--factors-key apply to .npz files")
            images = np.load(path, allow_pickle=False)
        else:
            raise CommandError(f"{path}: expected a .npz or .npy file, not '{path.suffix}'")
        if factors_path is not None:
            factors_path = Path(factors_path)
            if not factors_path.is_file():
                raise CommandError(f"{factors_path}: no such file")
            factors = np.load(factors_path, allow_pickle=False)
    except CommandError:
        raise
    except (ValueError, OSError, EOFError) as exc:  # corrupt file, pickled objects, ...
        raise CommandError(f"{path}: cannot read the arrays ({exc})") from None
    return _check_images(images, path), _check_factors(factors, len(images), path)


def _pick_key(keys, key, defaults, path, what, option, required=True):
    if key is not None:
        if key not in keys:
            raise CommandError(f"{path} has no array {key!r} (it has {', '.join(keys)})")
        return key
    for candidate in defaults:
        if candidate in keys:
            return candidate
    if what == "images" and len(keys) == 1:
        return keys[0]
    if required and what == "images":
        raise CommandError(
            f"{path} has no images array: expected one of {', '.join(defaults)} (it has "
            f"{', '.join(keys) or 'no arrays'}); name it with {option}"
        )
    return None


def _check_images(images, path):
    if images.dtype == bool:
        images = images.astype(np.uint8) * 255
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise CommandError(f"{path}: the images must be numbers, not {images.dtype}")
    if images.ndim not in (2, 3, 4) or len(images) < 2:
        raise CommandError(
            f"{path}: the images have shape {images.shape}; expected (n, H, W), (n, C, H, W), "
            "(n, H, W, C) or flat rows (n, n_features) with n >= 2"
        )
    if images.ndim == 4 and images.shape[-1] in (1, 3) and images.shape[1] not in (1, 3):
        images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))  # channels last -> first
    if images.dtype != np.uint8:
        if np.issubdtype(images.dtype, np.integer):
            if images.min() < 0 or images.max() > 255:
                raise CommandError(f"{path}: integer images must be in [0, 255]")
            images = images.astype(np.uint8)
        else:
            images = images.astype(np.float32)
            if not np.isfinite(images).all():
                raise CommandError(f"{path}: the images contain NaN or infinite values")
    return images


def _check_factors(factors, n_images, path):
    if factors is None:
        return None
    if factors.ndim == 1:
        factors = factors[:, None]
    if factors.ndim != 2 or len(factors) != n_images:
        raise CommandError(
            f"{path}: the factors have shape {factors.shape}; expected ({n_images}, "
            "n_factors), one row per image"
        )
    if not (np.issubdtype(factors.dtype, np.number) or factors.dtype.kind in "USb"):
        raise CommandError(f"{path}: the factors must be numbers or labels")
    return factors


def _check_model_path(path):
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    return path


def _load_model(path, X=None):
    """A model saved by ``sklq fit``/``sklq.save``; checks it fits the samples of ``X``."""
    import sklq

    try:
        model = sklq.load(_check_model_path(path))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    fitted = getattr(model, "sample_shape_", None)
    if X is not None and fitted is not None and X.shape[1:] != tuple(fitted):
        raise CommandError(
            f"the data has samples of shape {X.shape[1:]}, but {path} was fitted on samples "
            f"of shape {tuple(fitted)}"
        )
    return model


# --------------------------------------------------------------------------- training
def _fit(model, X, minutes):
    """Fit ``model`` with an optional time budget; returns (seconds, budget callback)."""
    from ._training._callbacks import TimeBudget

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


# ------------------------------------------------------------------------- evaluation
def _describe(model):
    """The estimator's repr on one line (for Markdown)."""
    return " ".join(repr(model).split())


def evaluate(model, X, factors, *, factor_names=None, dci_importance="gbt", random_state=0):
    """:func:`sklq.evaluate` of a fitted model, its warnings printed on stderr, one each."""
    from ._evaluation import evaluate as evaluate_model

    evaluation = evaluate_model(model, X, factors, factor_names=factor_names,
                                dci_importance=dci_importance, random_state=random_state)
    for note in evaluation.warnings:
        print(f"sklq: warning: {note}", file=sys.stderr)
    return evaluation


READINGS = {
    "infom": ("InfoM", "modularity: does each latent capture one factor only?"),
    "infoc": ("InfoC", "compactness: is each factor captured by one latent only?"),
    "infoe": ("InfoE", "explicitness: how well a linear model reads the factors off the latents"),
    "dci_disentanglement": ("DCI D", "disentanglement: does each latent matter for one factor?"),
    "dci_completeness": ("DCI C", "completeness: is each factor predicted by one latent?"),
    "dci_informativeness": ("DCI I", "informativeness: held-out accuracy of boosted trees"),
    "mig": ("MIG", "gap between the two latents most informative about each factor"),
}


def _verdict(value):
    if value >= 0.8:
        return "high"
    if value >= 0.5:
        return "moderate"
    if value >= 0.25:
        return "low"
    return "very low"


def _number(value, digits=3):
    return "n/a" if not np.isfinite(value) else f"{value:.{digits}f}"


def _metric_rows(evaluation):
    """(label, value, chance, adjusted, reading) per metric; readings use the adjusted value
    where there is one (DCI's D and C have no chance level: their own value)."""
    table = evaluation.to_frame()
    rows = []
    for key, (label, meaning) in READINGS.items():
        value, chance, adjusted = table.loc[key, ["value", "chance", "adjusted"]]
        judged = adjusted if np.isfinite(adjusted) else value
        basis = "" if np.isfinite(adjusted) else " (no chance level: the value itself)"
        verdict = f"{_verdict(judged)}{basis}" if np.isfinite(judged) else "not computed"
        rows.append((label, _number(value), _number(chance), _number(adjusted),
                     f"{verdict}. {meaning[0].upper()}{meaning[1:]} (1 is best)"))
    if "psnr" in table.index:
        psnr, baseline, gain = table.loc["psnr", ["value", "chance", "adjusted"]]
        rows.append((
            "PSNR", f"{psnr:.1f} dB", f"{baseline:.1f} dB", f"{gain:+.1f} dB",
            "reconstruction quality; chance is predicting the mean image, adjusted is the "
            "gain over it (higher is better)",
        ))
    return rows


def _latent_rows(evaluation, codebook_usage):
    table = evaluation.latents
    rows = []
    for j, (name, latent) in enumerate(table.iterrows()):
        if not latent["active"]:
            captured = "nothing"
        elif latent["informative"]:
            captured = (f"{latent['factor']} (NMI {latent['nmi']:.2f}, beyond chance "
                        f"{latent['nmi_adjusted']:.2f})")
        else:
            captured = "no factor beyond chance"
        runner_up = (f"{latent['runner_up']} ({latent['runner_up_nmi']:.2f})"
                     if latent["active"] and isinstance(latent["runner_up"], str) else "")
        rows.append((name, "yes" if latent["active"] else "no (constant)",
                     codebook_usage[j] if codebook_usage else "", captured, runner_up))
    return rows


def _print_metrics(evaluation, file=sys.stdout):
    print(f"  {'metric':<7} {'value':>9} {'chance':>9} {'adjusted':>9}   reading", file=file)
    for label, value, chance, adjusted, reading in _metric_rows(evaluation):
        print(f"  {label:<7} {value:>9} {chance:>9} {adjusted:>9}   {reading}", file=file)


def _markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- figures
def _figures(model, X, evaluation, out, *, n_traversals=3):
    """Write the report's PNGs into ``out``; returns {file name: caption}."""
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no figures (pip install 'sklq[plot]').",
              file=sys.stderr)
        return {}
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plotting

    result, dci_result = evaluation.results["infomec"], evaluation.results["dci"]
    names = evaluation.factor_names
    figures = {
        "traversals.png": (
            "Latent traversals: each row sweeps one latent over its codebook, the most "
            "informative first, labelled with the factor it shares most information with.",
            lambda: plotting.plot_latent_traversals(
                model, X, n_samples=n_traversals, nmi=result, factor_names=names),
        ),
        "nmi.png": ("Normalised mutual information between factors and latents (InfoMEC; "
                    "the title gives the chance-adjusted scores).",
                    lambda: plotting.plot_nmi(result, factor_names=names)),
        "importance.png": ("DCI importance of each latent for each factor.",
                           lambda: plotting.plot_importance(dci_result, factor_names=names)),
        "reconstructions.png": ("Held-out images, their reconstructions and the error.",
                                lambda: plotting.plot_reconstructions(model, X)),
        "codebook_usage.png": ("How often each learned codebook value is used.",
                               lambda: plotting.plot_codebook_usage(model, X)),
        "history.png": ("Training losses per epoch.", lambda: plotting.plot_history(model)),
    }
    if getattr(model, "codebook_", None) is None:
        del figures["codebook_usage.png"]
    written = {}
    for name, (caption, draw) in figures.items():
        fig = draw()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        written[name] = caption
    return written


# ----------------------------------------------------------------------------- report
CHANCE_NOTE = (
    "*value* is the metric as its authors define it; *chance* is what the same latents score "
    "when their rows are shuffled against the factors (for DCI I the accuracy of predicting "
    "the most frequent value, for PSNR the mean image); *adjusted* discounts what chance "
    "explains (0 at chance, 1 at best; InfoE adjusted is the explicitness on held-out "
    "samples; see docs/metrics.md). The readings use the adjusted values."
)


def _write_report(out, *, title, intro, evaluation, model, X, training, figures, model_file):
    metrics_json = evaluation.to_dict()
    metrics_json["training"] = training
    metrics_json["model_file"] = model_file
    metrics_json["figures"] = sorted(figures)
    (out / "metrics.json").write_text(json.dumps(metrics_json, indent=2, allow_nan=False)
                                      + "\n")

    codebook = getattr(model, "codebook_", None)
    usage = None
    if codebook is not None:
        used = model.encode(X, output="indices")
        usage = [f"{len(np.unique(used[:, j]))}/{codebook.shape[1]}"
                 for j in range(used.shape[1])]
    lines = [f"# {title}", "", *intro, "", "## Metrics", "",
             f"On {evaluation.n_samples:,} held-out images. DCI uses "
             f"`importance=\"{evaluation.dci_importance}\"`"
             + (" (scikit-learn's gradient boosting, as disentanglement_lib)."
                if evaluation.dci_importance == "gbt"
                else " (histogram gradient boosting, sklq's fast option for many images; "
                     "close to \"gbt\" but not identical)."),
             "", _markdown_table(("metric", "value", "chance", "adjusted", "reading"),
                                 _metric_rows(evaluation)), "",
             CHANCE_NOTE, "",
             *[f"Warning: {note}\n" for note in evaluation.warnings],
             "## What each latent captures", "",
             _markdown_table(
                 ("latent", "active", "codebook values used", "shares most information with",
                  "runner-up"),
                 _latent_rows(evaluation, usage)),
             ""]
    if figures:
        lines += ["## Figures", ""]
        for name, caption in figures.items():
            lines += [f"**{caption}**", "", f"![{name}]({name})", ""]
    lines += ["## Files", "",
              "* `metrics.json`: the numbers above (value, chance and adjusted of each "
              "metric), the NMI matrices and the training record.",
              f"* `{model_file}`: the fitted model; `sklq.load(\"{model_file}\")` reads it "
              "back without executing code (or `sklq evaluate` / `sklq traverse` it).", ""]
    (out / "report.md").write_text("\n".join(lines))


def _training_record(model, seconds, budget, minutes, n_train):
    epochs = int(model.n_iter_)
    steps_per_epoch = math.ceil(n_train / model.batch_size)
    steps = epochs * steps_per_epoch
    record = {
        "epochs": epochs, "max_epochs": int(model.max_epochs), "batch_size": model.batch_size,
        "steps": steps, "seconds": round(seconds, 1),
        "steps_per_second": round(steps / seconds, 1) if seconds > 0 else None,
        "budget_minutes": minutes,
        "stopped_by_budget": bool(budget is not None and budget.stopped_),
    }
    if minutes and seconds > 0:
        record["budget_steps_estimate"] = int(minutes * 60 * steps / seconds)
    return record


def _training_sentence(record, n_train):
    text = (f"Trained {record['epochs']} epochs of {n_train:,} images = {record['steps']:,} "
            f"optimiser steps (batch {record['batch_size']}) in {record['seconds']:.0f} s "
            f"({record['steps_per_second']} steps/s)")
    if record["budget_minutes"]:
        text += (f"; the time budget was {record['budget_minutes']:g} min, about "
                 f"{record['budget_steps_estimate']:,} steps at this speed")
        text += (", and it ended training early" if record["stopped_by_budget"]
                 else f", training ended at max_epochs={record['max_epochs']}")
    return text + "."


# ------------------------------------------------------------------------------ demo
def run_demo(args):
    """Fit a QLAE on a built-in dataset, evaluate it on held-out images, write a report."""
    from . import LatentQuantizedAutoencoder, datasets, save

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


def _output_dir(path):
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise CommandError(f"{out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create {out}: {exc.strerror or exc}") from None
    return out


# ------------------------------------------------------------------ fit / evaluate / traverse
def run_fit(args):
    """Train a model on the images of a ``.npz``/``.npy`` file and save it."""
    import sklq

    from . import save

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

    from .plotting import plot_latent_traversals

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


# ----------------------------------------------------------------------------- parser
def build_parser():
    parser = _Parser(
        prog="sklq",
        description="Disentangled representation learning with latent quantization.",
        epilog="Run 'sklq COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"sklq {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)

    demo = commands.add_parser(
        "demo", help="train a QLAE on a built-in dataset and write a report",
        description="Generate a built-in dataset, train a QLAE on 80% of it, evaluate it on "
                    "the rest and write DIR/ with report.md, metrics.json, figures and the "
                    "fitted model (model.sklq).",
    )
    demo.add_argument("--dataset", choices=sorted(DEMO_DATASETS), default="squares",
                      help="built-in dataset (default: squares, 16x16, the fastest)")
    demo.add_argument("--minutes", type=_positive(float, "--minutes"), default=3.0,
                      help="time budget for training; it stops after the epoch that would "
                           "pass it (default: 3)")
    demo.add_argument("--epochs", type=_positive(int, "--epochs"), default=None,
                      help="maximum passes over the training images (default: per dataset, "
                           "squares 60, sprites 12, scenes 8)")
    demo.add_argument("--out", default="sklq-demo", metavar="DIR",
                      help="report folder (default: ./sklq-demo)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument("--dci", choices=("gbt", "hist"), default=None,
                      help="DCI importance estimator (default: gbt for squares, hist for the "
                           "32x32 datasets)")
    demo.add_argument("--threads", type=_positive(int, "--threads"), default=1,
                      help="torch threads (default: 1; the demo's small networks train as "
                           "fast on one, and more slow down on a busy machine)")
    demo.set_defaults(run=run_demo)

    data_help = ("a .npz file (images under X, images or imgs; factors under factors, y or "
                 "latents_classes) or a .npy file of images; images as (n, H, W), (n, C, H, W) "
                 "or (n, H, W, C), uint8 in [0, 255] or floats")

    fit = commands.add_parser(
        "fit", help="train a model on your images and save it",
        description="Train a model on the images of DATA and save it (safe format, read "
                    "with sklq.load).",
    )
    fit.add_argument("data", metavar="DATA", help=data_help)
    fit.add_argument("--out", metavar="FILE", help="model file (default: DATA with .sklq)")
    fit.add_argument("--model", choices=sorted(MODELS), default="qlae",
                     help="qlae (default), qlinfogan or infogan")
    fit.add_argument("--n-latents", type=_positive(int, "--n-latents"), default=None,
                     help="number of latents (default 10; about twice the number of factors)")
    fit.add_argument("--n-values", type=_positive(int, "--n-values"), default=None,
                     help="values per latent codebook (default 10)")
    fit.add_argument("--weight-decay", type=_non_negative_float, default=None,
                     help="AdamW weight decay (default: the model's, 0.1 for qlae)")
    fit.add_argument("--learning-rate", type=_positive(float, "--learning-rate"), default=None)
    fit.add_argument("--epochs", type=_positive(int, "--epochs"), default=None,
                     help="passes over the data (default: the model's)")
    fit.add_argument("--batch-size", type=_positive(int, "--batch-size"), default=None)
    fit.add_argument("--minutes", type=_positive(float, "--minutes"), default=None,
                     help="time budget for training (default: none)")
    fit.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    fit.add_argument("--images-key", default=None, help="name of the images array in DATA")
    fit.add_argument("--threads", type=_positive(int, "--threads"), default=None)
    fit.add_argument("--quiet", action="store_true", help="no epoch table")
    fit.set_defaults(run=run_fit)

    evaluate_parser = commands.add_parser(
        "evaluate", help="disentanglement metrics of a saved model on your data",
        description="InfoM/InfoC/InfoE, DCI, MIG and PSNR of MODEL on the images and factors "
                    "of DATA; with --out, also a report folder with figures.",
    )
    evaluate_parser.add_argument("model", metavar="MODEL", help="a file written by sklq fit")
    evaluate_parser.add_argument("data", metavar="DATA", help=data_help)
    evaluate_parser.add_argument("--factors", metavar="FILE",
                                 help=".npy file of factors, one row per image")
    evaluate_parser.add_argument("--factors-key", default=None,
                                 help="name of the factors array in DATA")
    evaluate_parser.add_argument("--factor-names", default=None, metavar="A,B,...",
                                 help="comma-separated factor names for the report")
    evaluate_parser.add_argument("--images-key", default=None)
    evaluate_parser.add_argument("--dci", choices=("gbt", "hist"), default="hist",
                                 help="DCI importance estimator (default: hist, fast)")
    evaluate_parser.add_argument("--max-samples", type=_positive(int, "--max-samples"),
                                 default=5000, help="evaluate a random subset this large "
                                 "(default: 5000)")
    evaluate_parser.add_argument("--out", metavar="DIR", default=None,
                                 help="also write report.md, metrics.json and figures here")
    evaluate_parser.add_argument("--seed", type=int, default=0)
    evaluate_parser.add_argument("--threads", type=_positive(int, "--threads"), default=None)
    evaluate_parser.set_defaults(run=run_evaluate)

    traverse = commands.add_parser(
        "traverse", help="draw latent traversals of a saved model",
        description="Decode each latent of MODEL swept over its values, for a few images of "
                    "DATA, into a PNG (rows ordered by NMI when DATA has factors).",
    )
    traverse.add_argument("model", metavar="MODEL", help="a file written by sklq fit")
    traverse.add_argument("data", metavar="DATA", help=data_help)
    traverse.add_argument("--out", metavar="PNG", default="traversals.png",
                          help="image file (default: traversals.png)")
    traverse.add_argument("--n-samples", type=_positive(int, "--n-samples"), default=3,
                          help="images traversed (default: 3)")
    traverse.add_argument("--n-values", type=_positive(int, "--n-values"), default=8,
                          help="values per continuous latent (default: 8)")
    traverse.add_argument("--factors", metavar="FILE", default=None)
    traverse.add_argument("--factors-key", default=None)
    traverse.add_argument("--images-key", default=None)
    traverse.add_argument("--max-samples", type=_positive(int, "--max-samples"), default=5000,
                          help="use a random subset this large (default: 5000)")
    traverse.add_argument("--seed", type=int, default=0)
    traverse.set_defaults(run=run_traverse)
    return parser


def _version():
    from . import __version__

    return __version__


def main(argv=None):
    """Entry point of the ``sklq`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CommandError as exc:
        if os.environ.get("SKLQ_TRACEBACK"):
            raise
        print(f"sklq: error: {exc}", file=sys.stderr)
        return USER_ERROR
    except KeyboardInterrupt:
        print("sklq: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
