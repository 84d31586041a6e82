"""Does the QLInfoWGAN-GP learn from its first steps? ``G(encode(x))`` PSNR over training.

Trains ``LatentQuantizedInfoGAN`` with its defaults (the paper's recipe: 5 critic steps per
generator step, gradient penalty 10, latent weight 200, lr 2e-4; sklq's ``cpu`` networks)
on Sprites 32×32 (4,096 training images, batch 64), once with ``weight_init="reference"``
and once with the default signal-preserving init. After every epoch it measures, on 1,024
held-out images, the PSNR of ``G(encode(x))`` against ``x`` (the reference's evaluation of
a GAN) and the pixel std across 256 samples of the prior (0 for a generator that ignores
its code).

Run: ``.venv/bin/python benchmarks/bench_infogan_learning.py``. Writes its section of
``benchmarks/README.md``.
"""

import numpy as np
import torch
from _report import machine_summary, write_section
from skorch.callbacks import Callback

from sklq import LatentQuantizedInfoGAN
from sklq._evaluation import psnr
from sklq._training import ArrayDataset, concat_batches
from sklq.datasets import Sprites

EPOCHS, N_TRAIN, N_TEST, BATCH_SIZE = 30, 4096, 1024, 64
REPORTED_EPOCHS = (1, 2, 3, 4, 6, 8, 10, 15, 20, 25, 30)


class EpochProbe(Callback):
    """After each epoch: PSNR of G(encode(x)) on held-out images, spread of prior samples."""

    def __init__(self, model, X_test):
        self.model, self.X_test = model, X_test

    def on_train_begin(self, net, **kwargs):
        self.rows_ = []

    def on_epoch_end(self, net, **kwargs):
        self.model.net_ = net  # transform/inverse_transform work on the net being trained
        with torch.random.fork_rng(devices=[]):
            reconstructed = self.model.inverse_transform(self.model.transform(self.X_test))
            torch.manual_seed(0)
            codes, _ = net.module_.latent.sample(256)
            codes = codes.detach().cpu().numpy()
            samples = concat_batches(net.map_batches(ArrayDataset(codes, codes.shape[1:]),
                                                     net.module_.generate))
        self.rows_.append((len(net.history), psnr(self.X_test, reconstructed),
                           float(samples.std(axis=0).mean())))


def run(weight_init, X_train, X_test):
    model = LatentQuantizedInfoGAN(10, batch_size=BATCH_SIZE, max_epochs=EPOCHS,
                                   weight_init=weight_init, random_state=0)
    probe = EpochProbe(model, X_test)
    model.set_params(callbacks=[probe])
    model.fit(X_train)
    return probe.rows_, model.precision_


def main():
    sprites = Sprites(image_size=32)
    factors = sprites.sample_factors(N_TRAIN + N_TEST, random_state=0)
    X = sprites.render(factors, dtype="float32")
    X_train, X_test = X[:N_TRAIN], X[N_TRAIN:]
    mean_image = psnr(X_test, np.broadcast_to(X_train.mean(axis=0), X_test.shape))
    results = {}
    for weight_init in ("reference", "signal_preserving"):
        rows, precision = run(weight_init, X_train, X_test)
        results[weight_init] = rows
        for epoch, value, spread in rows:
            print(f"{weight_init:18s} epoch {epoch:2d}  PSNR {value:5.2f} dB  "
                  f"sample std {spread:.2e}", flush=True)
    steps = N_TRAIN // BATCH_SIZE
    table = ["| epoch (critic steps) | reference init: PSNR (dB) | sample std | "
             "signal-preserving: PSNR (dB) | sample std |", "|---|---|---|---|---|"]
    for (epoch, p_ref, s_ref), (_, p_new, s_new) in zip(
        results["reference"], results["signal_preserving"], strict=True
    ):
        if epoch not in REPORTED_EPOCHS:
            continue
        table.append(f"| {epoch} ({epoch * steps}) | {p_ref:.2f} | {s_ref:.1e} | {p_new:.2f} | "
                     f"{s_new:.1e} |")
    write_section("infogan_learning", "\n".join([
        "## QLInfoWGAN-GP learning from the first steps "
        "(`benchmarks/bench_infogan_learning.py`)",
        "",
        f"`LatentQuantizedInfoGAN` defaults (paper recipe, `cpu` networks, {precision}), "
        f"Sprites 32×32, {N_TRAIN:,} training images, batch {BATCH_SIZE}; after each epoch "
        f"the PSNR of `G(encode(x))` on {N_TEST:,} held-out images and the mean pixel std "
        "across 256 prior samples (0 when the generator ignores its code). For scale: the "
        f"mean training image has a held-out PSNR of {mean_image:.2f} dB.",
        "",
        f"Measured on {machine_summary()}, torch {torch.__version__}.",
        "",
        *table,
    ]))
    print("final PSNR:", {k: round(v[-1][1], 2) for k, v in results.items()})


if __name__ == "__main__":
    main()
