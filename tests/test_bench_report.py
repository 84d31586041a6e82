"""``benchmarks/_report.write_section``: sections replaced in place, dates kept for old rows."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import write_section  # noqa: E402


def test_write_section_appends_then_replaces_in_place(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nintro\n")
    write_section("a", "## A\n\none", readme=readme)
    write_section("b", "## B", readme=readme)
    write_section("a", "## A\n\ntwo", readme=readme)
    text = readme.read_text()
    assert text.startswith("# Benchmarks\n\nintro\n")
    assert text.count("<!-- begin a -->") == 1 and "two" in text and "one" not in text
    assert text.index("<!-- begin a -->") < text.index("<!-- begin b -->")


def test_write_section_keeps_the_date_when_nothing_else_changed(tmp_path):
    readme = tmp_path / "README.md"
    write_section("s", "Rows: 3. Measured on x86_64, measured 2026-11-30.", readme=readme)
    write_section("s", "Rows: 3. Measured on x86_64, measured 2026-12-02.", readme=readme)
    assert "measured 2026-11-30" in readme.read_text()  # same rows: the old date stays
    write_section("s", "Rows: 4. Measured on x86_64, measured 2026-12-02.", readme=readme)
    text = readme.read_text()
    assert "Rows: 4" in text and "measured 2026-12-02" in text and "2026-11-30" not in text
