"""Signal at initialisation: how much the networks' outputs vary before any training.

For each layout and image size: the median over latents of the encoder output's std across
128 images (Squares at 16 px, Sprites at 32 and 64 px), and the mean over pixels of the
decoded image's std (in [0, 1] after the sigmoid) across 128 codes drawn from the initial
codebook, with ``weight_init="reference"`` (PyTorch's default) and ``"signal_preserving"``.
Two seeds each (mean). The codebook's values are 0.11 apart: an encoder whose outputs vary
by 1e-3 maps every image to one code. ``docs/training.md`` quotes this table.

Run: ``.venv/bin/python benchmarks/init_signal.py``. Writes its section of
``benchmarks/README.md``.
"""

import numpy as np
import torch
from _report import machine_summary, write_section

from sklq._nn import signal_at_init
from sklq.datasets import make_sprites, make_squares

SIZES = (16, 32, 64)
LAYOUTS = [("cpu", "conv"), ("cpu", "style"), ("image_small", "conv"),
           ("image_small", "style"), ("image", "conv")]
SEEDS = (0, 1)


def images(size):
    make = make_squares if size == 16 else make_sprites
    X, _ = make(n_samples=128, image_size=size, random_state=0)
    return torch.from_numpy(np.asarray(X, dtype=np.float32)).reshape(128, -1, size, size)


def main():
    rows = []
    for size in SIZES:
        x = images(size)
        for network_size, decoder in LAYOUTS:
            cells = []
            for weight_init in ("reference", "signal_preserving"):
                values = np.mean([signal_at_init(x, network_size, decoder, weight_init, seed=seed)
                                  for seed in SEEDS], axis=0)
                cells += [f"{values[0]:.2g}", f"{values[1]:.2g}"]
            row = f"| {size} | `{network_size}` | {decoder} | " + " | ".join(cells) + " |"
            print(row, flush=True)
            rows.append(row)
    write_section("init_signal", "\n".join([
        "## Signal at initialisation (`benchmarks/init_signal.py`)",
        "",
        "Encoder: median per-latent std of the output across 128 images; decoder: mean pixel "
        "std across 128 codebook codes, in [0, 1]; mean of seeds "
        f"{', '.join(map(str, SEEDS))}. Measured on {machine_summary()}, "
        f"torch {torch.__version__}.",
        "",
        "| px | network | decoder | encoder, reference | decoder, reference | "
        "encoder, signal-preserving | decoder, signal-preserving |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]))


if __name__ == "__main__":
    main()
