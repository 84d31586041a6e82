"""The evaluation report: the metric table with readings, figures, ``report.md`` and
``metrics.json``."""

import json
import math
import sys

import numpy as np

from ..metrics._names import METRICS


def evaluate(model, X, factors, *, factor_names=None, dci_importance="gbt", random_state=0):
    """:func:`sklq.evaluate` of a fitted model, its warnings printed on stderr, one each."""
    from .._evaluation import evaluate as evaluate_model

    evaluation = evaluate_model(model, X, factors, factor_names=factor_names,
                                dci_importance=dci_importance, random_state=random_state)
    for note in evaluation.warnings:
        print(f"sklq: warning: {note}", file=sys.stderr)
    return evaluation




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
    for key, (label, meaning, *_) in METRICS.items():
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
def _figures(model, X, evaluation, out, *, n_traversals=3, prefix=""):
    """Write the report's PNGs into ``out`` (file names starting with ``prefix``); returns
    {file name: caption}."""
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no figures (pip install 'sklq[plot]').",
              file=sys.stderr)
        return {}
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .. import plotting

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
        fig.savefig(out / f"{prefix}{name}", dpi=110)
        plt.close(fig)
        written[f"{prefix}{name}"] = caption
    return written


# ----------------------------------------------------------------------------- report
CHANCE_NOTE = (
    "*value* is the metric as its authors define it; *chance* is what the same latents score "
    "when their rows are shuffled against the factors (for DCI I the accuracy of predicting "
    "the most frequent value, for PSNR the mean image); *adjusted* discounts what chance "
    "explains (0 at chance, 1 at best; InfoE adjusted is the explicitness on held-out "
    "samples; see docs/metrics.md). The readings use the adjusted values."
)


def _codebook_usage(model, X):
    """Per latent, ``"used/size"`` codebook values on ``X``; None for continuous latents."""
    codebook = getattr(model, "codebook_", None)
    if codebook is None:
        return None
    used = model.encode(X, output="indices")
    return [f"{len(np.unique(used[:, j]))}/{codebook.shape[1]}" for j in range(used.shape[1])]


def _write_report(out, *, title, intro, evaluation, model, X, training, figures, model_file):
    metrics_json = evaluation.to_dict()
    metrics_json["training"] = training
    metrics_json["model_file"] = model_file
    metrics_json["figures"] = sorted(figures)
    (out / "metrics.json").write_text(json.dumps(metrics_json, indent=2, allow_nan=False)
                                      + "\n")

    usage = _codebook_usage(model, X)
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


def _training_record(model, seconds, stopped, minutes, n_train):
    """The training facts of a report; ``stopped``: whether the time budget ended it."""
    epochs = int(model.n_iter_)
    steps_per_epoch = math.ceil(n_train / model.batch_size)
    steps = epochs * steps_per_epoch
    record = {
        "epochs": epochs, "max_epochs": int(model.max_epochs), "batch_size": model.batch_size,
        "steps": steps, "seconds": round(seconds, 1),
        "steps_per_second": round(steps / seconds, 1) if seconds > 0 else None,
        "budget_minutes": minutes,
        "stopped_by_budget": bool(stopped),
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
