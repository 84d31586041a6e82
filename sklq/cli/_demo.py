"""``sklq demo``: a QLAE and a plain autoencoder trained side by side, one report for both."""

import io
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ._commands import _describe
from ._files import _output_dir
from ._report import (
    CHANCE_NOTE,
    _codebook_usage,
    _figures,
    _latent_rows,
    _markdown_table,
    _metric_rows,
    _number,
    _print_metrics,
    _training_record,
    _training_sentence,
    evaluate,
)

#: Built-in datasets of ``sklq demo``: generator settings, grid subset and model size.
#: ``epochs`` is the most the models may train (the time budget ends them first where a
#: machine is too slow for it: Squares' 250 epochs take about 100 s of the 3 minutes here).
DEMO_DATASETS = {
    "squares": dict(
        image_size=16, n_samples=None, n_latents=8, batch_size=64, epochs=250, dci="gbt",
        description="Squares: a square on a dark background",
    ),
    "sprites": dict(
        image_size=32, n_samples=6000, n_latents=10, batch_size=64, epochs=60, dci="hist",
        description="Sprites: dSprites' shapes on dSprites' grid, at 32x32",
    ),
    "scenes": dict(
        image_size=32, n_samples=6000, n_latents=12, batch_size=64, epochs=60, dci="hist",
        description="Scenes: Shapes3D's room, object and colours, at 32x32",
    ),
}

#: The two models the demo compares: (name in the report, estimator, parameters beyond the
#: shared ones). The QLAE's are the most modular setting measured on the demo's own split
#: (``benchmarks/demo_budget.py``, 2 seeds; benchmarks/README.md): the paper's weight decay
#: 0.1 with the codebook frozen at its initial values (the paper's ablation), at 5,000 steps
#: on Squares (``DEMO_DATASETS``' 250 epochs): adjusted InfoM 0.87 against the AE's 0.49.
#: Trained longer it gets *less* modular (0.62 at 11,200 steps); weight decay 1 stays at
#: 0.67-0.75 over the same steps.
DEMO_MODELS = (
    ("QLAE", "LatentQuantizedAutoencoder",
     {"n_values_per_latent": 10, "weight_decay": 0.1, "learn_codebook": False}),
    ("AE", "Autoencoder", {}),
)

#: Share of the demo's images held out for evaluation.
DEMO_TEST_FRACTION = 0.2
#: Largest held-out set evaluated (DCI's boosted trees grow with it).
MAX_EVALUATED = 2000


# --------------------------------------------------------------------------- training
def _train(model, X, minutes, threads):
    """Fit one model in a worker process: ``(sklq.save's bytes of it, seconds, stopped by
    the budget)`` (the file format, not pickle: the net holds the training callbacks)."""
    from .. import save
    from ._commands import _fit, _set_threads

    _set_threads(threads)
    seconds, budget = _fit(model, X, minutes)
    buffer = io.BytesIO()
    save(model, buffer)
    return buffer.getvalue(), seconds, bool(budget is not None and budget.stopped_)


def _train_side_by_side(models, X, minutes, threads):
    """Fit ``models`` at the same time, one fresh process each (the cores of a laptop);
    returns ``(fitted model, seconds, stopped by the budget)`` per model."""
    from .. import load

    context = multiprocessing.get_context("spawn")  # no fork of a process holding torch
    with ProcessPoolExecutor(max_workers=len(models), mp_context=context) as pool:
        futures = [pool.submit(_train, model, X, minutes, threads) for model in models]
        results = [future.result() for future in futures]
    return [(load(io.BytesIO(data)), seconds, stopped) for data, seconds, stopped in results]


# ---------------------------------------------------------------------------- report
def _headline(metrics):
    """One sentence stating the measured differences between the QLAE and the AE, from each
    model's ``{metric: {"value", "chance", "adjusted"}}`` (``infoe_values``: InfoE with the
    paper's probe, :func:`_values_probe`)."""
    qlae, ae = metrics["QLAE"], metrics["AE"]

    def adjusted(model_metrics, name):
        return model_metrics[name]["adjusted"]

    infom = adjusted(qlae, "infom") - adjusted(ae, "infom")
    infoe = adjusted(qlae, "infoe") - adjusted(ae, "infoe")
    psnr = qlae["psnr"]["value"] - ae["psnr"]["value"]

    def compare(difference, more, less):
        return more if difference >= 0 else less

    return (
        f"The QLAE's latents are {compare(infom, 'more', 'less')} modular than the "
        f"autoencoder's (chance-adjusted InfoM {adjusted(qlae, 'infom'):.2f} against "
        f"{adjusted(ae, 'infom'):.2f}, {infom:+.2f}) and "
        f"{compare(infoe, 'more', 'less')} explicit (adjusted InfoE "
        f"{adjusted(qlae, 'infoe'):.2f} against {adjusted(ae, 'infoe'):.2f}, {infoe:+.2f}; "
        f"{adjusted(qlae, 'infoe_values'):.2f} against {adjusted(ae, 'infoe_values'):.2f} "
        "with the paper's probe on the quantized values); "
        f"its reconstructions are {abs(psnr):.1f} dB {compare(psnr, 'better', 'worse')} "
        f"(PSNR {qlae['psnr']['value']:.1f} against {ae['psnr']['value']:.1f} dB)."
    )


def _values_probe(evaluation, model, X, factors, random_state):
    """InfoE with ``infoe_features="values"`` (the authors' training-time probe: a discrete
    code's values as linear features, not one indicator per value) as ``{"value", "chance",
    "adjusted"}``; continuous latents are read that way already (their InfoE row)."""
    from ..metrics import infomec

    if not evaluation.discrete_latents:
        row = evaluation.to_frame().loc["infoe", ["value", "chance", "adjusted"]]
        return {key: float(row[key]) for key in ("value", "chance", "adjusted")}
    result = infomec(factors, model.transform(X), discrete_latents=True,
                     adjust_for_chance=True, random_state=random_state,
                     infoe_features="values")
    return {"value": float(result.unadjusted["infoe"]), "chance": float(result.chance["infoe"]),
            "adjusted": float(result.infoe)}


#: the comparison table's row of InfoE with the paper's probe (after InfoE's)
VALUES_PROBE_LABEL = "InfoE, values probe"
VALUES_PROBE_NOTE = (
    "*InfoE, values probe*: InfoE with `infoe_features=\"values\"`, the probe of the authors' "
    "training-time code that produced the paper's tables: a discrete code's values are read "
    "as linear features, not one indicator per value (continuous latents are read that way "
    "in either row). See docs/metrics.md."
)


def _side_by_side_rows(evaluations, probes):
    """Rows of the comparison table: metric, then value / chance / adjusted per model, with
    InfoE's values-probe row (``probes``: per model, :func:`_values_probe`) after InfoE."""
    per_model = {name: _metric_rows(evaluation) for name, evaluation in evaluations.items()}
    rows = []
    for i, (label, *_) in enumerate(per_model["QLAE"]):
        row = [label]
        for name in evaluations:
            _, value, chance, adjusted, _ = per_model[name][i]
            row += [value, chance, adjusted]
        rows.append(row)
        if label == "InfoE":
            rows.append([VALUES_PROBE_LABEL] + [
                _number(probes[name][key]) for name in evaluations
                for key in ("value", "chance", "adjusted")])
    return rows


def _write_demo_report(out, *, title, intro, headline, evaluations, probes, summaries, models,
                       X, records, figures, model_files):
    metrics_json = {
        "headline": headline,
        "models": {name: summary["metrics"] for name, summary in summaries.items()},
        "evaluations": summaries,
        "training": records,
        "model_files": model_files,
        "figures": sorted(name for model_figures in figures.values() for name in model_figures),
    }
    (out / "metrics.json").write_text(json.dumps(metrics_json, indent=2, allow_nan=False)
                                      + "\n")
    names = list(evaluations)
    any_evaluation = evaluations[names[0]]
    header = ["metric"] + [f"{name} {column}" for name in names
                           for column in ("value", "chance", "adjusted")]
    lines = [f"# {title}", "", f"**{headline}**", "", *intro, "", "## Metrics", "",
             f"On the same {any_evaluation.n_samples:,} held-out images. DCI uses "
             f"`importance=\"{any_evaluation.dci_importance}\"`.", "",
             _markdown_table(header, _side_by_side_rows(evaluations, probes)), "",
             CHANCE_NOTE, "", VALUES_PROBE_NOTE, ""]
    for name, evaluation in evaluations.items():
        lines += [f"### Readings: {name}", "",
                  _markdown_table(("metric", "value", "chance", "adjusted", "reading"),
                                  _metric_rows(evaluation)), "",
                  *[f"Warning: {note}\n" for note in evaluation.warnings]]
    for name, evaluation in evaluations.items():
        usage = _codebook_usage(models[name], X)
        lines += [f"## What each latent captures: {name}", "",
                  _markdown_table(("latent", "active", "codebook values used",
                                   "shares most information with", "runner-up"),
                                  _latent_rows(evaluation, usage)), ""]
    if any(figures.values()):
        lines += ["## Figures", "", "Each kind of figure for both models, one after the other.",
                  ""]
        kinds = dict.fromkeys(file.split("_", 1)[1] for files in figures.values()
                              for file in files)
        for kind in kinds:  # traversals first, as _figures draws them
            for name, model_figures in figures.items():
                file = f"{name.lower()}_{kind}"
                if file in model_figures:
                    lines += [f"**{name}: {model_figures[file]}**", "", f"![{file}]({file})",
                              ""]
    lines += ["## Files", "",
              "* `metrics.json`: `models` holds each model's metrics (value, chance and "
              "adjusted); `evaluations` the NMI matrices and per-latent tables; `training` "
              "the training records.",
              *[f"* `{file}`: the fitted {name}; `sklq.load(\"{file}\")` reads it back without "
                "executing code (or `sklq evaluate` / `sklq traverse` it)."
                for name, file in model_files.items()], ""]
    (out / "report.md").write_text("\n".join(lines))


# ------------------------------------------------------------------------------- run
def demo_data(dataset, seed):
    """The demo's data: ``(generator, X, factors, train, test)`` for a name of
    :data:`DEMO_DATASETS` and a seed, ``train`` and ``test`` the row indices of ``X`` (uint8
    images) that train both models and that every number of the report is measured on."""
    from .. import datasets

    spec = DEMO_DATASETS[dataset]
    cls = {"squares": datasets.Squares, "sprites": datasets.Sprites,
           "scenes": datasets.Scenes}[dataset]
    data = cls(image_size=spec["image_size"])
    X, factors = data.make(spec["n_samples"], dtype="uint8", random_state=seed)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * DEMO_TEST_FRACTION))
    return data, X, factors, order[n_test:], order[:n_test][:MAX_EVALUATED]


def run_demo(args):
    """Train a QLAE and an autoencoder on a built-in dataset side by side, evaluate both on
    the same held-out images and write one report."""
    import sklq

    from .. import save

    spec = DEMO_DATASETS[args.dataset]
    out = _output_dir(args.out)
    data, X, factors, train, test = demo_data(args.dataset, args.seed)
    shape = "x".join(str(s) for s in X.shape[1:])
    grid = "the whole grid" if spec["n_samples"] is None else (
        f"a random {len(X):,} of its {data.n_samples:,} grid points")
    print(f"{spec['description']}: {grid}, images {shape}, factors "
          f"{', '.join(data.factor_names)}.\n{len(train):,} images for training, "
          f"{len(test):,} held out.", flush=True)

    epochs = args.epochs or spec["epochs"]
    models = {
        name: getattr(sklq, estimator)(
            spec["n_latents"], max_epochs=epochs, batch_size=spec["batch_size"],
            random_state=args.seed, **params)
        for name, estimator, params in DEMO_MODELS
    }
    for name, model in models.items():
        print(f"{name}: {_describe(model)}", flush=True)
    print(f"Training both at once, one process each, for up to {epochs} epochs (time "
          f"budget {args.minutes:g} min each)...", flush=True)
    trained = _train_side_by_side(list(models.values()), X[train], args.minutes,
                                  args.threads)
    records = {}
    for name, (model, seconds, stopped) in zip(models, trained, strict=True):
        models[name] = model
        records[name] = _training_record(model, seconds, stopped, args.minutes, len(train))
        print(f"{name}: {_training_sentence(records[name], len(train))}", flush=True)

    evaluations = {}
    for name, model in models.items():
        print(f"Evaluating the {name} on the {len(test):,} held-out images...", flush=True)
        evaluations[name] = evaluate(model, X[test], factors[test],
                                     factor_names=data.factor_names,
                                     dci_importance=args.dci or spec["dci"],
                                     random_state=args.seed)
        _print_metrics(evaluations[name])
    probes = {name: _values_probe(evaluations[name], model, X[test], factors[test], args.seed)
              for name, model in models.items()}
    summaries = {name: evaluation.to_dict() for name, evaluation in evaluations.items()}
    for name, summary in summaries.items():  # the values probe right after InfoE
        metrics = {}
        for metric, row in summary["metrics"].items():
            metrics[metric] = row
            if metric == "infoe":
                metrics["infoe_values"] = probes[name]
        summary["metrics"] = metrics
    headline = _headline({name: summary["metrics"] for name, summary in summaries.items()})
    print("\n" + headline, flush=True)

    model_files = {name: f"{name.lower()}.sklq" for name in models}
    for name, model in models.items():
        save(model, out / model_files[name])
    figures = {name: _figures(model, X[test], evaluations[name], out,
                              prefix=f"{name.lower()}_")
               for name, model in models.items()}
    intro = [
        f"Dataset: {spec['description']} — {grid}, images of shape {shape}, factors "
        f"{', '.join(f'`{n}`' for n in data.factor_names)}; {len(train):,} images for "
        f"training and {len(test):,} held out (seed {args.seed}). Both models have the same "
        "network, latents, batch size and seed, and train for the same time budget, at the "
        "same time.",
        "",
        *[f"{name}: `{_describe(model)}`. "
          f"{_training_sentence(records[name], len(train))}\n" for name, model in models.items()],
        "Reproduce with `python -m sklq demo --dataset "
        f"{args.dataset} --seed {args.seed} --minutes {args.minutes:g}"
        + (f" --epochs {args.epochs}" if args.epochs else "") + "`.",
    ]
    _write_demo_report(out, title=f"sklq demo: a QLAE and an autoencoder on "
                       f"{args.dataset.capitalize()}", intro=intro, headline=headline,
                       evaluations=evaluations, probes=probes, summaries=summaries,
                       models=models,
                       X=X[test], records=records,
                       figures=figures, model_files=model_files)
    print(f"\nReport written to {out / 'report.md'} (figures, metrics.json and the models "
          f"{', '.join(model_files.values())} beside it).")
    return 0
