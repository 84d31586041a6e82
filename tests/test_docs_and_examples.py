"""The README's usage example and every script in examples/ run as written."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


#: Subprocesses train single-threaded, like the rest of the test suite.
SINGLE_THREAD_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def test_readme_usage_example_runs(capsys):
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no python example"
    assert len(blocks[0].strip().splitlines()) <= 12
    exec(compile(blocks[0], "README.md", "exec"), {})  # noqa: S102
    out = capsys.readouterr().out
    assert "reconstruction score:" in out


def test_readme_quick_start_names_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.slow  # a subprocess
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script):
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=300,
        env=SINGLE_THREAD_ENV,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()


def test_examples_exist():
    assert any(p.name == "quickstart.py" for p in EXAMPLES)
    assert runpy  # examples are plain scripts, runnable with runpy or python


def test_comparison_example_is_under_30_lines():
    # the baselines issue: "how a user runs the same comparison on their own data in under
    # 30 lines"
    lines = (ROOT / "examples" / "compare_on_your_data.py").read_text().splitlines()
    assert len(lines) < 30
