"""Converting a Falcor3D/Isaac3D-style PNG folder into sklq's cache: images per second.

Writes 2,000 RGB 128 x 128 PNGs in the authors' layout (Scenes images rendered at 64 px,
enlarged, with N(0, 3) pixel noise as rendering noise, so that they neither compress like
flat colours nor like pure noise) with an Isaac3D label array, then times
``load_isaac3d`` converting them into its 64 px cache (a fresh cache each time) with
``n_jobs=1`` and ``n_jobs=2`` decoding threads, and a load from the finished cache.
Projects the conversion of the full 737,280 images.

Run: ``.venv/bin/python benchmarks/bench_png_cache.py``. Rewrites the "png_cache" section
of ``benchmarks/README.md``.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

N_IMAGES, FULL = 2_000, 737_280


def write_folder(root):
    from sklq.datasets import Scenes

    folder = root / "Isaac3D_down128"
    (folder / "images").mkdir(parents=True)
    scenes = Scenes(image_size=64)
    factors = scenes.sample_factors(N_IMAGES, random_state=0)
    images = scenes.render(factors, dtype="uint8").transpose(0, 2, 3, 1)
    rng = np.random.default_rng(0)
    for i, image in enumerate(images):
        large = np.asarray(Image.fromarray(image).resize((128, 128), Image.Resampling.BICUBIC))
        noisy = np.clip(large + rng.normal(0, 3, large.shape), 0, 255).astype(np.uint8)
        Image.fromarray(noisy).save(folder / "images" / f"{i:06d}.png")
    labels = np.zeros((N_IMAGES, 9))
    labels[:, :6] = factors[:, :6] % np.array([3, 8, 5, 4, 4, 4])
    np.save(folder / "labels.npy", labels)
    return folder


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _report import machine_summary, write_section

    from sklq.datasets import load_isaac3d

    rows = []
    with tempfile.TemporaryDirectory() as root:
        folder = write_folder(Path(root))
        megabytes = sum(f.stat().st_size for f in (folder / "images").iterdir()) / 1e6
        for n_jobs in (1, 2):
            shutil.rmtree(folder / "sklq-cache", ignore_errors=True)
            start = time.perf_counter()
            load_isaac3d(folder, n_jobs=n_jobs, progress=False)
            seconds = time.perf_counter() - start
            rows.append((f"convert, {n_jobs} thread{'s' * (n_jobs > 1)}", seconds))
            print(rows[-1], flush=True)
        start = time.perf_counter()
        X, _ = load_isaac3d(folder, progress=False)
        int(np.asarray(X[::97]).sum())  # touch a sample of the images
        rows.append(("load the finished cache (memory map)", time.perf_counter() - start))
    lines = [
        "## Converting PNG folders into the cache (`benchmarks/bench_png_cache.py`)",
        "",
        f"{N_IMAGES:,} RGB 128×128 PNGs ({megabytes / N_IMAGES * 1e3:.0f} kB each; Scenes "
        "renders enlarged, with pixel noise) into `load_isaac3d`'s 64 px cache. Measured on "
        f"{machine_summary()}.",
        "",
        "| step | seconds | images/s | full Isaac3D (737,280 images) |",
        "|---|---|---|---|",
    ]
    for name, seconds in rows:
        rate = N_IMAGES / seconds
        projected = f"{FULL / rate / 60:.0f} min" if name.startswith("convert") else "–"
        lines.append(f"| {name} | {seconds:.2f} | {rate:,.0f} | {projected} |")
    speedup = rows[0][1] / rows[1][1]
    lines += ["", f"Two decoding threads: **{speedup:.2f}×** one (Pillow releases the GIL "
              "while it decodes and resizes)."]
    write_section("png_cache", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
