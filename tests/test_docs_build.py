"""The Sphinx documentation builds offline, without a single warning.

Needs the ``docs`` extra (sphinx, numpydoc, myst-parser), which the ``test`` extra includes.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

#: Builds the documentation in a subprocess.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

PUBLIC_NAMES = [
    "sklq.LatentQuantizedAutoencoder",
    "sklq.LatentQuantizedInfoGAN",
    "sklq.InfoGAN",
    "sklq.Autoencoder",
    "sklq.BetaVAE",
    "sklq.BetaTCVAE",
    "sklq.BioAE",
    "sklq.VQVAE",
    "sklq.save",
    "sklq.load",
    "sklq.metrics.infomec",
    "sklq.metrics.dci",
    "sklq.metrics.mig_score",
    "sklq.metrics.get_scorer",
    "sklq.metrics.get_scorers",
    "sklq.datasets.make_squares",
    "sklq.datasets.Squares",
    "sklq.datasets.Sprites",
    "sklq.datasets.Scenes",
    "sklq.datasets.load_dsprites",
    "sklq.plotting.plot_latent_traversals",
    "sklq.plotting.plot_reconstructions",
]


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """Build the HTML docs once, with warnings as errors, into a temporary folder."""
    out = tmp_path_factory.mktemp("docs")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:] + result.stdout[-2000:]
    return out / "html"


def test_docs_build_without_warnings(html):
    for page in ["index", "getting_started", "user_guide", "metrics", "datasets",
                 "distributed", "examples", "cli", "plotting", "benchmarks", "api"]:
        assert (html / f"{page}.html").is_file(), page


def test_api_page_documents_the_public_names(html):
    api = (html / "api.html").read_text()
    for name in PUBLIC_NAMES:
        assert f'id="{name}"' in api, name
    # methods come from the docstrings, inherited ones included
    for method in ["fit", "transform", "encode", "inverse_transform", "score"]:
        assert f'id="sklq.LatentQuantizedAutoencoder.{method}"' in api, method
    assert 'id="sklq.LatentQuantizedInfoGAN.sample"' in api


def test_pages_show_the_dataset_figures_and_benchmark_results(html):
    assert (html / "_images" / "squares.png").is_file()
    assert "squares.png" in (html / "getting_started.html").read_text()
    benchmarks = (html / "benchmarks.html").read_text()
    assert "bench_training.py" in benchmarks and "bench_metrics.py" in benchmarks


def test_examples_page_shows_every_example():
    page = (DOCS / "examples.md").read_text()
    included = set(re.findall(r"literalinclude\} \.\./examples/(\w+\.py)", page))
    assert included == {p.name for p in (ROOT / "examples").glob("*.py")}

