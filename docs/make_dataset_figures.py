"""Draw one figure per procedural dataset: each row varies one factor from a base point.

Run from the repository root: ``PYTHONPATH=. .venv/bin/python docs/make_dataset_figures.py``.
Writes ``docs/images/{squares,sprites,scenes}.png``.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sklq.datasets import Scenes, Sprites, Squares  # noqa: E402

OUT = Path(__file__).resolve().parent / "images"
MAX_COLUMNS = 10


def factor_rows(dataset, base):
    """For each factor, the base point with that factor swept over (at most) 10 values."""
    rows = []
    for factor, size in enumerate(dataset.factor_sizes):
        values = np.unique(np.linspace(0, size - 1, min(size, MAX_COLUMNS)).round().astype(int))
        factors = np.tile(np.asarray(base), (len(values), 1))
        factors[:, factor] = values
        rows.append((dataset.factor_names[factor], values, factors))
    return rows


def draw(dataset, base, path, title, zoom):
    """A mosaic drawn pixel for pixel (each image pixel is ``zoom`` x ``zoom`` screen pixels)."""
    rows = factor_rows(dataset, base)
    side = dataset.image_size * zoom
    gap, left, top, label = 6, 110, 28, 14
    width = left + MAX_COLUMNS * (side + gap)
    height = top + len(rows) * (side + gap + label)
    mosaic = np.ones((height, width, 3))
    fig = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    texts = []
    for r, (name, values, factors) in enumerate(rows):
        images = dataset.render(factors).transpose(0, 2, 3, 1)
        y = top + r * (side + gap + label) + label
        texts.append((left - 8, y + side / 2, name, "right"))
        for c, image in enumerate(images):
            x = left + c * (side + gap)
            mosaic[y : y + side, x : x + side] = np.kron(image, np.ones((zoom, zoom, 1)))
            texts.append((x + side / 2, y - 3, str(values[c]), "center"))
    ax.imshow(mosaic, interpolation="nearest")
    for x, y, text, align in texts:
        size = 10 if align == "right" else 8
        ax.text(x, y, text, ha=align, va="center" if align == "right" else "bottom", fontsize=size)
    ax.text(width / 2, 4, title, ha="center", va="top", fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    OUT.mkdir(exist_ok=True)
    draw(Squares(16), [4, 4, 2, 3], OUT / "squares.png",
         "Squares, 16 x 16: each row varies one factor (numbers: factor index)", 4)  # fmt: skip
    draw(Sprites(64), [2, 5, 0, 16, 16], OUT / "sprites.png",
         "Sprites, 64 x 64 (base: heart, scale 1, upright, centred)", 1)  # fmt: skip
    draw(Scenes(64), [0, 5, 2, 5, 0, 7], OUT / "scenes.png",
         "Scenes, 64 x 64 (base: red floor, cyan wall, yellow-green cube, head-on)", 1)  # fmt: skip
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
