"""The study's quantized models scored with both InfoE probes: one-hot codes and the values.

sklq's InfoE follows the authors' standalone ``infomec.py``: a discrete latent enters the
logistic regressions as one indicator per value. The authors' training-time code, which
produced the paper's tables, standardises the QLAE's quantized *values* instead (spec §8.3;
``infoe_features="values"``), the probe every continuous model gets. This script refits the
study's QLAE runs (``study.train``: the same data, network, seed and 5,000 steps, one torch
thread) and scores each on its held-out images with both probes, reference and adjusted,
next to the study's own numbers for the run (the one-hot column must reproduce them: a
check that the refit is the same model). The continuous baselines' InfoE does not depend on
the probe; their study rows are the comparison.

Per-run rows go to ``benchmarks/results/infoe_features_<dataset>.csv`` (one per dataset: the
per-factor columns differ) as they arrive; the table to the "infoe_features" section of
``benchmarks/README.md``.

Run: ``.venv/bin/python benchmarks/infoe_features.py [--workers 2] [--datasets scenes ...]
[--models QLAE ...] [--seeds 0 1 2] [--summarise]`` (without ``--models``: the first three
of :data:`MODELS`).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _report import (  # noqa: E402
    machine_summary,
    mean_cell,
    pending_jobs,
    read_rows,
    run_jobs,
    sweep_arguments,
    write_section,
)

DATASETS = ("squares", "scenes", "sprites")
#: the study's quantized autoencoders, most telling first
MODELS = ("QLAE", "QLAE, frozen codebook", "QLAE, 5 values", "QLAE, wd 1, frozen codebook",
          "QLAE, 20 values", "QLAE, weight_decay=0", "QLAE, global codebook",
          "QLAE, wd 0.2, 20 values")
#: the study's continuous baselines, shown beside them
BASELINES = ("AE", "β-VAE", "β-TCVAE", "BioAE")
SEEDS = (0, 1, 2)
PROBES = ("one-hot", "values")


def results_path(dataset):
    """The per-run CSV of ``dataset``."""
    return HERE / "results" / f"infoe_features_{dataset}.csv"


def run(dataset, model_name, seed):
    """Refit one study run and score its held-out codes with both probes: the CSV row."""
    import numpy as np
    from study import train

    from sklq.metrics import infomec

    model, data, row = train(dataset, model_name, seed)
    generator, _, test_factors, _, X_test = data
    latents = np.asarray(model.transform(X_test))
    for probe in PROBES:
        result = infomec(test_factors, latents, adjust_for_chance=True, random_state=seed,
                         infoe_features=probe)
        row[f"InfoE {probe}"] = result.unadjusted["infoe"]
        row[f"InfoE chance {probe}"] = result.chance["infoe"]
        row[f"InfoE adj {probe}"] = result.infoe
        for name, value in zip(generator.factor_names, result.infoe_per_factor, strict=True):
            row[f"InfoE adj {probe} {name}"] = value
    row["InfoM adj"] = result.infom  # the same with either probe
    return {key: round(value, 4) if isinstance(value, float) else value
            for key, value in row.items()}


def _study_rows(dataset):
    return read_rows(HERE / "results" / f"study_{dataset}.csv")


def section(rows):
    """The README section: per dataset, the quantized models with both probes and the
    continuous baselines' (probe-independent) adjusted InfoE from the study."""
    lines = [
        "## InfoE of quantized models with both probes (`benchmarks/infoe_features.py`)",
        "",
        "The study's QLAE runs refit (same data, network, seed, 5,000 steps) and scored on "
        "their held-out images with InfoE's two probes: one-hot codes (sklq's default, the "
        "authors' `infomec.py`) and the standardised values (`infoe_features=\"values\"`, "
        "the authors' training-time code behind the paper's tables). *study*: the study's "
        "own adjusted InfoE of the same run (one-hot), which the refit must reproduce. "
        "Continuous baselines (InfoE independent of the probe) from the study's rows. "
        "Mean [min, max] over seeds; *adj*: chance-adjusted (held-out, 2-fold). Per-run "
        f"rows: `benchmarks/results/infoe_features_<dataset>.csv`. {machine_summary()}.",
    ]
    for dataset in DATASETS:
        runs = [r for r in rows if r["dataset"] == dataset]
        if not runs:
            continue
        study = _study_rows(dataset)
        names = [k.removeprefix("InfoE adj values ") for k in runs[0]
                 if k.startswith("InfoE adj values ")]
        lines += ["", f"### {dataset.capitalize()}", "",
                  "| model | seeds | InfoM adj | InfoE adj, one-hot | InfoE adj, values | "
                  "study InfoE adj | InfoE one-hot | InfoE values | "
                  + " | ".join(f"values: {n}" for n in names) + " |",
                  "|---" * (8 + len(names)) + "|"]
        for model in MODELS:
            r = [x for x in runs if x["model"] == model]
            if not r:
                continue
            seeds = {x["seed"] for x in r}
            studied = [x for x in study if x["model"] == model and x["seed"] in seeds]
            cells = [mean_cell([x["InfoM adj"] for x in r]),
                     mean_cell([x["InfoE adj one-hot"] for x in r]),
                     mean_cell([x["InfoE adj values"] for x in r]),
                     mean_cell([x["InfoE adj"] for x in studied]),
                     mean_cell([x["InfoE one-hot"] for x in r]),
                     mean_cell([x["InfoE values"] for x in r]),
                     *(mean_cell([x[f"InfoE adj values {n}"] for x in r]) for n in names)]
            lines.append(f"| {model} | {len(r)} | " + " | ".join(cells) + " |")
        for model in BASELINES:
            r = [x for x in study if x["model"] == model]
            if r:
                cells = [mean_cell([x["InfoM adj"] for x in r]), "—", "—",
                         mean_cell([x["InfoE adj"] for x in r]), mean_cell([x["InfoE"] for x in r]),
                         "—", *(mean_cell([x.get(f"InfoE adj {n}") for x in r]) for n in names)]
                lines.append(f"| {model} (study) | {len(r)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _all_rows():
    return [row for dataset in DATASETS for row in read_rows(results_path(dataset))]


def summarise():
    write_section("infoe_features", section(_all_rows()))


def main():
    args = sweep_arguments(__doc__.splitlines()[0], datasets=DATASETS, name="models",
                           choices=MODELS, seeds=SEEDS)
    if not args.summarise:
        done = {(r["dataset"], r["model"], int(r["seed"])) for r in _all_rows()}
        jobs = pending_jobs(args, "models", DATASETS, MODELS[:3], done)  # default: 3 models
        run_jobs(run, jobs, workers=args.workers,
                 csv_path=lambda row: results_path(row["dataset"]), after_each=summarise,
                 shown=("dataset", "model", "seed", "InfoE adj one-hot", "InfoE adj values"))
    summarise()


if __name__ == "__main__":
    main()
