"""Write one benchmark's results into its own section of ``benchmarks/README.md``.

Each benchmark script owns the text between ``<!-- begin NAME -->`` and
``<!-- end NAME -->``; other sections are left untouched.
"""

import csv
import platform
import re
from datetime import date
from pathlib import Path

README = Path(__file__).with_name("README.md")


def machine_summary():
    """One line describing where the numbers were measured."""
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} logical cores, Python "
        f"{platform.python_version()}, measured {date.today().isoformat()}"
    )


def _undated(text):
    """``text`` without the dates :func:`machine_summary` writes."""
    return re.sub(r"measured \d{4}-\d{2}-\d{2}", "measured", text)


def write_section(name, markdown, readme=README):
    """Replace (or append) the section ``name`` of the benchmarks README with ``markdown``;
    a section that would change only in its "measured <date>" is left as it is, so that
    re-summarising old rows keeps the date they were measured."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), flags=re.S)
    found = pattern.search(text)
    if found and _undated(found.group(0)) == _undated(block):
        return  # nothing new measured: keep the section's own date
    if found:
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text)


def read_rows(path):
    """The rows of a per-run results CSV (``[]`` when it does not exist yet)."""
    if not path.exists():
        return []
    with path.open() as f:
        return list(csv.DictReader(f))


def append_row(path, row, columns):
    """Append one run's ``row`` to the CSV at ``path`` (header first when new), at once."""
    path.parent.mkdir(exist_ok=True)
    new = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        if new:
            writer.writeheader()
        writer.writerow(row)


def mean_cell(values, digits=2, spread="range"):
    """``mean [min, max]`` (or ``mean ± std``) of the numbers among ``values`` (blank and NaN
    entries skipped); ``—`` when there is none. One value is shown alone."""
    import math
    import statistics

    numbers = [float(v) for v in values if v not in ("", None)]
    numbers = [v for v in numbers if not math.isnan(v)]
    if not numbers:
        return "—"
    mean = statistics.mean(numbers)
    if len(numbers) == 1:
        return f"{mean:.{digits}f}"
    if spread == "std":
        return f"{mean:.{digits}f} ± {statistics.stdev(numbers):.{digits}f}"
    return f"{mean:.{digits}f} [{min(numbers):.{digits}f}, {max(numbers):.{digits}f}]"


def checkpoint_table(rows, models, step_key, step_label, columns, spread="range"):
    """Markdown table lines of runs scored along their training: one line per model (in
    the order of ``models``) and step count (``rows``' ``step_key``), each cell the
    :func:`mean_cell` of a ``(label, key, digits)`` of ``columns`` over the seeds."""
    lines = [f"| model | {step_label} | seeds | "
             + " | ".join(label for label, _, _ in columns) + " |",
             "|---" * (len(columns) + 3) + "|"]
    for model in models:
        for steps in sorted({int(r[step_key]) for r in rows if r["model"] == model}):
            r = [x for x in rows if x["model"] == model and int(x[step_key]) == steps]
            cells = [mean_cell([x.get(key) for x in r], digits, spread)
                     for _, key, digits in columns]
            lines.append(f"| {model} | {steps:,} | {len(r)} | " + " | ".join(cells) + " |")
    return lines


def _job_parser(description, seeds):
    """The options every run script shares: ``--workers``, ``--seeds`` (default ``seeds``)
    and ``--summarise``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", nargs="+", type=int, default=list(seeds))
    parser.add_argument("--summarise", action="store_true")
    return parser


def run_checkpointed(description, run, *, models, seeds, results, step_key, last, summarise,
                     shown):
    """The command line of a script that scores each (model, seed) fit at several step
    counts: ``--workers``, ``--seeds`` (default ``seeds``), ``--summarise``. Runs the
    (model, seed) jobs without a row at ``last`` steps (``step_key``) in ``results``, then
    ``summarise()``."""
    args = _job_parser(description, seeds).parse_args()
    if not args.summarise:
        done = {(r["model"], int(r["seed"])) for r in read_rows(results)
                if int(r[step_key]) >= last}
        todo = [(m, s) for s in args.seeds for m in models if (m, s) not in done]
        run_jobs(run, todo, workers=args.workers, csv_path=results, after_each=summarise,
                 shown=shown)
    summarise()


def sweep_arguments(description, *, datasets, name, choices, seeds):
    """A sweep's command line: ``--workers``, ``--datasets``, ``--<name>`` (the settings or
    models, among ``choices``), ``--seeds`` (default ``seeds``) and ``--summarise``."""
    parser = _job_parser(description, seeds)
    parser.add_argument("--datasets", nargs="+", choices=sorted(datasets), default=None)
    parser.add_argument(f"--{name}", nargs="+", choices=list(choices), default=None)
    return parser.parse_args()


def pending_jobs(args, name, datasets, choices, done):
    """The (dataset, choice, seed) jobs the parsed ``args`` select that are not in ``done``."""
    return [(d, c, seed) for seed in args.seeds for d in (args.datasets or datasets)
            for c in (getattr(args, name) or choices) if (d, c, seed) not in done]


def run_jobs(run, jobs, *, workers, csv_path, columns=None, after_each=None, shown=()):
    """Run ``run(*job)`` for every job in ``workers`` single-threaded processes, appending each
    returned row (a dict, or a list of them) to ``csv_path`` (a path, or a function of the
    row giving one) as soon as it arrives, so that a study can stop and resume; then call
    ``after_each()`` (e.g. to rewrite a README section). ``columns`` default to the CSV's
    own, or the first row's keys; ``shown`` are the keys printed per row."""
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if not jobs:
        return
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with ProcessPoolExecutor(workers) as pool:
        futures = [pool.submit(run, *job) for job in jobs]
        try:
            for future in as_completed(futures):
                result = future.result()
                for row in [result] if isinstance(result, dict) else result:
                    path = csv_path(row) if callable(csv_path) else csv_path
                    existing = read_rows(path)
                    append_row(path, row,
                               columns or (list(existing[0]) if existing else list(row)))
                    print({key: row[key] for key in shown}, flush=True)
                if after_each is not None:
                    after_each()
        except BaseException:
            # a failed run or row: the queued jobs must not run (and be thrown away) while
            # the pool shuts down; the ones already running finish
            for future in futures:
                future.cancel()
            raise
