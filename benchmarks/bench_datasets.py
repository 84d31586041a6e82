"""Speed and memory of the procedural datasets (a benchmark, not a test).

(a) The full Sprites grid at 64 x 64 as uint8 (737,280 images, 3.0 GB): wall time and
    peak resident memory, in a fresh subprocess so that the peak is its own.
    Targets: under 60 s on 2 cores, under 3.5 GB.
(b) Rendering throughput (images/s) of every dataset at 32 and 64 pixels, for a
    random sample from a fresh instance (including the one-off rendering of its
    cached sprites/geometries) and again once the cache is warm.
(c) The baseline: Sprites drawn directly, supersampling the whole canvas of every
    image (what the patch cache avoids), against the cached renderer.

Writes its section of ``benchmarks/README.md``. Run:
``PYTHONPATH=. .venv/bin/python benchmarks/bench_datasets.py``.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import machine_summary, write_section  # noqa: E402

from sklq.datasets import Scenes, Sprites, Squares  # noqa: E402
from sklq.datasets._sprites import _inside  # noqa: E402

FULL_GRID_CHILD = """
import json, resource, sys, time
start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from sklq.datasets import make_sprites
start = time.perf_counter()
X, factors = make_sprites(image_size=64, dtype="uint8")
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # ru_maxrss is in KiB
print(json.dumps({"seconds": elapsed, "peak_bytes": peak, "array_bytes": X.nbytes,
                  "n_images": len(X), "start_bytes": start_rss * 1024,
                  "nonzero_fraction": float((X[::997] > 0).mean())}))
"""


def full_sprites_grid():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", FULL_GRID_CHILD], env=env, capture_output=True, text=True,
        check=True, timeout=900,
    )  # fmt: skip
    return json.loads(result.stdout)


def throughput(cls, image_size, n_samples, repeats=2):
    """Images per second: a fresh instance (cold cache) and a second pass (warm)."""
    dataset = cls(image_size)
    factors = dataset.sample_factors(min(n_samples, dataset.n_samples), random_state=0)
    start = time.perf_counter()
    dataset.render(factors, dtype="uint8")
    cold = len(factors) / (time.perf_counter() - start)
    warm = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        dataset.render(factors, dtype="uint8")
        warm = max(warm, len(factors) / (time.perf_counter() - start))
    return len(factors), cold, warm


def direct_sprites(image_size, factors, supersampling=8):
    """Baseline renderer: supersample the whole canvas of each image, no cache."""
    sprites = Sprites(image_size)
    _, scale_v, angle_v, x_v, y_v = sprites.factor_values
    samples = (np.arange(image_size * supersampling) + 0.5) / supersampling
    out = np.empty((len(factors), 1, image_size, image_size), np.uint8)
    for i, (shape, scale, orientation, x, y) in enumerate(factors):
        cx = (16.5 + 31 * x_v[x]) / 64 * image_size
        cy = (16.5 + 31 * y_v[y]) / 64 * image_size
        dx = (samples[None, :] - cx) / image_size / scale_v[scale]
        dy = (cy - samples[:, None]) / image_size / scale_v[scale]
        cos, sin = np.cos(angle_v[orientation]), np.sin(angle_v[orientation])
        inside = _inside(sprites.shape_names[shape], cos * dx + sin * dy, cos * dy - sin * dx)
        n = image_size
        coverage = inside.reshape(n, supersampling, n, supersampling).mean(axis=(1, 3))
        out[i, 0] = np.rint(coverage * 255)
    return out


def main():
    load_before = os.getloadavg()
    lines = [
        "## Datasets (`benchmarks/bench_datasets.py`)",
        "",
        f"{machine_summary()}. Load average before the run: "
        f"{', '.join(f'{v:.1f}' for v in load_before)} (other work shares these cores).",
        "",
    ]

    print("(a) full Sprites grid, 64 x 64 uint8, in a subprocess ...", flush=True)
    grid = full_sprites_grid()
    ok_time = grid["seconds"] < 60
    ok_memory = grid["peak_bytes"] < 3.5e9
    print(json.dumps(grid), flush=True)
    lines += [
        "### Full Sprites grid, 64 x 64, uint8",
        "",
        "| images | array | wall time | peak RSS | target |",
        "|---|---|---|---|---|",
        f"| {grid['n_images']:,} | {grid['array_bytes'] / 1e9:.2f} GB | "
        f"{grid['seconds']:.1f} s ({'ok' if ok_time else 'MISSED'}) | "
        f"{grid['peak_bytes'] / 1e9:.2f} GB ({'ok' if ok_memory else 'MISSED'}) | "
        "< 60 s, < 3.5 GB |",
        "",
        "The peak includes the interpreter and numpy "
        f"({grid['start_bytes'] / 1e6:.0f} MB before importing sklq).",
        "",
    ]

    print("(b) throughput ...", flush=True)
    lines += [
        "### Rendering throughput (uint8, random samples)",
        "",
        "Cold: a fresh instance, including the one-off rendering of the sprites "
        "(Sprites) or geometries (Scenes) it caches. Warm: the same call again.",
        "",
        "| dataset | image size | images | cold (images/s) | warm (images/s) |",
        "|---|---|---|---|---|",
    ]
    for cls, n_samples in ((Squares, 1600), (Sprites, 50_000), (Scenes, 20_000)):
        for image_size in (32, 64):
            n, cold, warm = throughput(cls, image_size, n_samples)
            print(cls.__name__, image_size, n, f"{cold:,.0f}", f"{warm:,.0f}", flush=True)
            lines.append(f"| {cls.__name__} | {image_size} | {n:,} | {cold:,.0f} | {warm:,.0f} |")
    lines.append("")

    print("(c) baseline: direct supersampled Sprites ...", flush=True)
    factors = Sprites(64).sample_factors(300, random_state=1)
    start = time.perf_counter()
    direct = direct_sprites(64, factors)
    direct_rate = len(factors) / (time.perf_counter() - start)
    sprites = Sprites(64)
    sprites.render(Sprites(64).sample_factors(20_000, random_state=2), dtype="uint8")  # warm
    start = time.perf_counter()
    cached = sprites.render(factors, dtype="uint8")
    cached_rate = len(factors) / (time.perf_counter() - start)
    agree = np.mean(np.abs(direct.astype(int) - cached) <= 8)
    lines += [
        "### Baseline: Sprites without the sprite cache",
        "",
        "| renderer | images/s (64 x 64) |",
        "|---|---|",
        f"| direct: 8 x 8 supersampling of every canvas | {direct_rate:,.0f} |",
        f"| sklq: cached sprites pasted into the canvas | {cached_rate:,.0f} |",
        "",
        f"Ratio: {cached_rate / direct_rate:,.0f}x. The two agree to within 8 grey levels "
        f"on {100 * agree:.2f}% of pixels (the cache folds symmetric orientations).",
        "",
        f"Load average after the run: {', '.join(f'{v:.1f}' for v in os.getloadavg())}.",
    ]
    print(f"direct {direct_rate:,.0f}/s, cached {cached_rate:,.0f}/s", flush=True)
    markdown = "\n".join(lines)
    write_section("datasets", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
