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


def write_section(name, markdown, readme=README):
    """Replace (or append) the section ``name`` of the benchmarks README with ``markdown``."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), flags=re.S)
    if pattern.search(text):
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
