"""The demo's recipe: QLAE settings on Squares at 12,000 steps, against the autoencoder.

``make demo`` trains a QLAE and a plain autoencoder side by side on Squares (16 px, 1,280
training and 320 held-out images) for the same number of steps, one process each; it used
to train about 12,000 (its settings now come from ``benchmarks/demo_budget.py``, which
scores them along the training on the demo's own split). This measures candidate QLAE
settings at that former budget (``STEPS`` steps of batch 64, on
``recipe_sweep.run``'s sample of the grid), two seeds
each, scored on the held-out images with ``sklq.evaluate`` like ``benchmarks/recipe_sweep.py``
(whose ``run`` it uses): the paper's weight decay 0.1, weight decay 1 and 2, a learning rate
of 3e-3, 5 values per latent, a frozen codebook (also at the paper's weight decay) and some
of their combinations, a cosine learning-rate decay, and the autoencoder at both learning
rates and with the decay.

Every finished run is appended to ``benchmarks/results/demo_recipe.csv`` at once and skipped
when the script runs again. Run: ``.venv/bin/python benchmarks/demo_recipe.py [--workers 1]``;
rewrites the "demo_recipe" section of ``benchmarks/README.md``.
"""

import argparse
from pathlib import Path

STEPS = 12_000
QLAE, AE = "LatentQuantizedAutoencoder", "Autoencoder"
SETTINGS = {
    "QLAE wd 0.1 (paper)": (QLAE, {"weight_decay": 0.1}),
    "QLAE wd 1, lr 3e-3": (QLAE, {"weight_decay": 1.0, "learning_rate": 3e-3}),
    "QLAE wd 2, lr 3e-3": (QLAE, {"weight_decay": 2.0, "learning_rate": 3e-3}),
    "QLAE wd 1, 5 values, lr 3e-3": (QLAE, {"weight_decay": 1.0, "n_values_per_latent": 5,
                                            "learning_rate": 3e-3}),
    "QLAE wd 1, 5 values": (QLAE, {"weight_decay": 1.0, "n_values_per_latent": 5}),
    "QLAE wd 2, 5 values, lr 3e-3": (QLAE, {"weight_decay": 2.0, "n_values_per_latent": 5,
                                            "learning_rate": 3e-3}),
    "QLAE wd 1, frozen codebook": (QLAE, {"weight_decay": 1.0, "learn_codebook": False}),
    "QLAE wd 1, frozen codebook, lr 3e-3": (QLAE, {"weight_decay": 1.0, "learn_codebook": False,
                                                   "learning_rate": 3e-3}),
    "AE": (AE, {}),
    "AE, lr 3e-3": (AE, {"learning_rate": 3e-3}),
    "QLAE wd 0.1, frozen codebook": (QLAE, {"weight_decay": 0.1, "learn_codebook": False}),
    "QLAE wd 0.1, frozen codebook, cosine lr": (QLAE, {"weight_decay": 0.1,
                                                       "learn_codebook": False,
                                                       "lr_schedule": "cosine"}),
    "AE, cosine lr": (AE, {"lr_schedule": "cosine"}),
}
SEEDS = (0, 1)
RESULTS = Path(__file__).with_name("results") / "demo_recipe.csv"


def run(setting, seed):
    from recipe_sweep import run as run_one

    return run_one("squares", setting, seed, steps=STEPS, settings=SETTINGS)


def section(rows):
    from _report import machine_summary
    from recipe_sweep import table

    lines = [
        "## The demo's recipe (`benchmarks/demo_recipe.py`)",
        "",
        f"Squares 16×16, 1,280 training and 320 held-out images, {STEPS:,} steps of batch 64, "
        "8 latents, signal-preserving init, bfloat16 where native; mean [min, max] over "
        f"seeds {', '.join(map(str, SEEDS))}; *adj*: chance-adjusted. Per-run rows: "
        f"`benchmarks/results/demo_recipe.csv`. Measured on {machine_summary()}.",
        "",
        *table(rows, SETTINGS),
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=None,
                        help="run only these settings (default: all)")
    parser.add_argument("--summarise", action="store_true")
    args = parser.parse_args()
    from _report import read_rows, run_jobs, write_section
    from recipe_sweep import COLUMNS

    def summarise():
        write_section("demo_recipe", section(read_rows(RESULTS)))

    done = {(r["setting"], int(r["seed"])) for r in read_rows(RESULTS)}
    todo = [(s, seed) for seed in SEEDS for s in (args.settings or SETTINGS)
            if (s, seed) not in done]
    if not args.summarise:
        run_jobs(run, todo, workers=args.workers, csv_path=RESULTS, columns=COLUMNS,
                 after_each=summarise, shown=("setting", "seed", "seconds", "infom_adjusted",
                                              "infoe_adjusted", "psnr"))
    summarise()


if __name__ == "__main__":
    main()
