"""The demo's models by training steps: does modularity hold up over the demo's budget?

``make demo`` trains its QLAE and autoencoder on Squares (the whole 1,600-image grid, 1,280
training and 320 held-out images, ``sklq.cli._demo.demo_data``); it used to train them for
11,200 steps of batch 64 with the QLAE at weight decay 1 and a frozen codebook. This trains,
on that very split, that QLAE, the same QLAE at the paper's weight decay 0.1 (the demo's
QLAE since, at 5,000 steps, from these results) and the autoencoder, one fit each
continued with ``warm_start=True``, and scores every ``CHECKPOINTS`` steps on the held-out
images with ``sklq.evaluate`` (reference and chance-adjusted metrics, PSNR), seeds 0 and 1.

Rows: ``benchmarks/results/demo_budget.csv`` (one per model, seed and checkpoint, written
when a model's last checkpoint is done; finished models are skipped on a rerun); table:
the "demo_budget" section of ``benchmarks/README.md``.

Run: ``.venv/bin/python benchmarks/demo_budget.py [--workers 2] [--seeds 0 1]
[--summarise]``.
"""

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: steps of batch 64 at which every fit is scored (20 batches per epoch on Squares)
CHECKPOINTS = (2_000, 5_000, 8_000, 11_200)
QLAE, AE = "LatentQuantizedAutoencoder", "Autoencoder"
MODELS = {
    "QLAE wd 1, frozen codebook": (QLAE, {"weight_decay": 1.0, "learn_codebook": False}),
    "QLAE wd 0.1, frozen codebook (the demo's)": (QLAE, {"weight_decay": 0.1,
                                                         "learn_codebook": False}),
    "AE": (AE, {}),
}
SEEDS = (0, 1)
RESULTS = HERE / "results" / "demo_budget.csv"
SHOWN = ["infom", "infoc", "infoe", "mig", "psnr"]


def run(model_name, seed):
    """Train one model through every checkpoint; returns one row per checkpoint."""
    import math

    import torch

    torch.set_num_threads(1)
    import sklq
    from sklq.cli._demo import DEMO_DATASETS, demo_data

    spec = DEMO_DATASETS["squares"]
    data, X, factors, train, test = demo_data("squares", seed)
    estimator, params = MODELS[model_name]
    model = getattr(sklq, estimator)(spec["n_latents"], batch_size=spec["batch_size"],
                                     random_state=seed, **params)
    batches = math.ceil(len(train) / spec["batch_size"])
    rows, seconds, epochs_done = [], 0.0, 0
    for steps in CHECKPOINTS:
        epochs = math.ceil(steps / batches) - epochs_done
        model.set_params(max_epochs=epochs, warm_start=epochs_done > 0)
        start = time.perf_counter()
        model.fit(X[train])
        seconds += time.perf_counter() - start
        epochs_done += epochs
        table = sklq.evaluate(model, X[test], factors[test], factor_names=data.factor_names,
                              random_state=seed).to_frame()
        row = {"model": model_name, "seed": seed, "steps": epochs_done * batches,
               "seconds": round(seconds, 1)}
        for metric in SHOWN:
            for column in ("value", "adjusted") if metric != "psnr" else ("value",):
                row[f"{metric} {column}"] = round(float(table.loc[metric, column]), 4)
        rows.append(row)
    return rows


def section(rows):
    from _report import checkpoint_table, machine_summary

    columns = [("InfoM adj", "infom adjusted", 2), ("InfoC adj", "infoc adjusted", 2),
               ("InfoE adj", "infoe adjusted", 2), ("MIG adj", "mig adjusted", 2),
               ("InfoM", "infom value", 2), ("PSNR", "psnr value", 1), ("s", "seconds", 1)]
    return "\n".join([
        "## The demo's models by training steps (`benchmarks/demo_budget.py`)",
        "",
        "`make demo`'s own split (Squares, 1,280 training and 320 held-out images), batch 64, "
        "8 latents, one torch thread; one fit per model continued with `warm_start=True` and "
        "scored on the held-out images at each step count; mean [min, max] over seeds "
        f"{', '.join(map(str, SEEDS))}. Rows: `benchmarks/results/demo_budget.csv`. "
        f"Measured on {machine_summary()}.",
        "",
        *checkpoint_table(rows, MODELS, "steps", "steps", columns),
    ])


def summarise():
    from _report import read_rows, write_section

    write_section("demo_budget", section(read_rows(RESULTS)))


def main():
    from _report import run_checkpointed

    run_checkpointed(
        __doc__.splitlines()[0], run, models=MODELS, seeds=SEEDS, results=RESULTS,
        step_key="steps", last=CHECKPOINTS[-1], summarise=summarise,
        shown=("model", "seed", "steps", "infom adjusted", "infoe adjusted", "psnr value"))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
