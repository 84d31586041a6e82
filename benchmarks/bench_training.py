"""Training throughput: ``LatentQuantizedAutoencoder.fit`` against plain PyTorch loops.

Every side trains the *same* network (built by the same functions, same seed, same
signal-preserving init), with the same optimizer groups (AdamW with weight decay on weights,
none on biases and codebook), element-wise gradient clipping, batch size and data. The plain
loops keep the whole dataset as one float tensor and slice batches from it: the least
overhead a hand-written loop can have. Two plain loops:

* **fp32**: float32, standard (NCHW) memory layout: what a PyTorch user writes first.
* **same path**: the precision and memory layout ``fit`` resolves by default on this machine
  (bfloat16 autocast where the CPU computes it natively; channels-last for the ``cpu``
  network, standard layout for the instance-normalised ones), with the quantizer and the
  losses in float32 as in sklq.

Each side runs several epochs, alternating between the sides to share any drift in machine
load; the first epoch of every run is a warm-up and is not counted. Throughput is the
median over the counted epochs. ``torch.compile`` of the same-path loop is measured once
(compile time and steady-state throughput).

Run: ``.venv/bin/python benchmarks/bench_training.py [--quick]``. Writes its section of
``benchmarks/README.md``.
"""

import argparse
import statistics
import time

import torch
from _report import machine_summary, write_section
from torch.nn import functional as F

from sklq import LatentQuantizedAutoencoder
from sklq._nn import (
    CONV_LAYOUTS,
    LatentAutoencoder,
    LatentQuantizer,
    build_encoder_decoder,
    initialize_weights_,
)
from sklq._training import autocast, is_decayed, resolve_precision
from sklq.datasets import make_sprites

BATCH_SIZE = 64
N_LATENTS = 10


def build_model(X, network_size, seed, channels_last):
    torch.manual_seed(seed)
    encoder, decoder = build_encoder_decoder(
        X.shape[1:], N_LATENTS, N_LATENTS, architecture="conv", network_size=network_size,
        decoder="conv" if network_size == "cpu" else "style",
    )
    model = initialize_weights_(LatentAutoencoder(encoder, LatentQuantizer(N_LATENTS, 10),
                                                  decoder))
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model


def plain_loop_epochs(X, network_size, n_epochs, precision, channels_last, seed=0,
                      compile_model=False):
    """Seconds per epoch of a hand-written training loop over the same network (and, when
    ``compile_model``, the seconds the first epoch spent compiling)."""
    model = build_model(X, network_size, seed, channels_last)
    named = list(model.named_parameters())
    decayed = [p for n, p in named if is_decayed(n)]
    optimizer = torch.optim.AdamW(
        [{"params": decayed}, {"params": [p for n, p in named if not is_decayed(n)],
                               "weight_decay": 0.0}],
        lr=1e-3, weight_decay=0.1,
    )
    forward = torch.compile(model) if compile_model else model
    data = torch.from_numpy(X).float().div_(255.0)
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    durations = []
    for _ in range(n_epochs):
        start = time.perf_counter()
        order = torch.randperm(len(data))
        for begin in range(0, len(data), BATCH_SIZE):
            x = data[order[begin:begin + BATCH_SIZE]].contiguous(memory_format=memory_format)
            with autocast(precision, "cpu"):
                latent, logits = forward(x)
            loss = (F.binary_cross_entropy_with_logits(logits, x)
                    + 0.01 * LatentQuantizer.quantization_loss(latent)
                    + 0.01 * LatentQuantizer.commitment_loss(latent))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_value_(decayed, 1.0)
            optimizer.step()
        durations.append(time.perf_counter() - start)
    return durations


def sklq_epochs(X, network_size, n_epochs, seed=0):
    """Seconds per epoch of ``LatentQuantizedAutoencoder.fit`` (skorch's epoch timer)."""
    model = LatentQuantizedAutoencoder(
        N_LATENTS, network_size=network_size, batch_size=BATCH_SIZE, max_epochs=n_epochs,
        random_state=seed,
    ).fit(X)
    return model.history_["dur"].tolist(), model.precision_


def measure(image_size, network_size, n_samples, n_epochs, rounds, precision):
    X, _ = make_sprites(n_samples=n_samples, image_size=image_size, dtype="uint8",
                        random_state=0)
    fp32, same, ours = [], [], []
    for _ in range(rounds):
        fp32 += plain_loop_epochs(X, network_size, n_epochs, "float32", False)[1:]
        same += plain_loop_epochs(X, network_size, n_epochs, precision,
                                  CONV_LAYOUTS[network_size].channels_last)[1:]
        durations, resolved = sklq_epochs(X, network_size, n_epochs)
        assert resolved == precision
        ours += durations[1:]
    return [n_samples / statistics.median(d) for d in (fp32, same, ours)]


#: (image size, network, samples per epoch) of the memory-layout comparison
LAYOUT_CONFIGS = [(32, "cpu", 2048), (32, "image_small", 256), (64, "image_small", 64)]


def measure_layouts(precision, n_epochs=3):
    """Channels-last against the standard layout, plain loop in ``precision``: the evidence
    for ``ConvLayout.channels_last``. Returns README table rows."""
    rows = []
    for image_size, network_size, n_samples in LAYOUT_CONFIGS:
        X, _ = make_sprites(n_samples=n_samples, image_size=image_size, dtype="uint8",
                            random_state=0)
        standard = plain_loop_epochs(X, network_size, n_epochs, precision, False)[1:]
        last = plain_loop_epochs(X, network_size, n_epochs, precision, True)[1:]
        rates = [n_samples / statistics.median(d) for d in (standard, last)]
        chosen = "channels-last" if CONV_LAYOUTS[network_size].channels_last else "standard"
        print(f"{image_size}x{image_size} {network_size:<12} standard {rates[0]:8.1f}/s  "
              f"channels-last {rates[1]:8.1f}/s  ratio {rates[1] / rates[0]:.2f}", flush=True)
        rows.append(f"| {image_size}×{image_size} | `{network_size}` | {rates[0]:,.1f} | "
                    f"{rates[1]:,.1f} | **{rates[1] / rates[0]:.2f}×** | {chosen} |")
    return rows


def measure_compile(precision, n_samples=2048, n_epochs=4):
    X, _ = make_sprites(n_samples=n_samples, image_size=32, dtype="uint8", random_state=0)
    eager = plain_loop_epochs(X, "cpu", n_epochs, precision, True)
    try:
        compiled = plain_loop_epochs(X, "cpu", n_epochs, precision, True, compile_model=True)
    except Exception as exc:  # noqa: BLE001 - report whatever stops inductor here
        return f"`torch.compile` failed on this machine: {type(exc).__name__}: {exc}"[:300]
    rate = n_samples / statistics.median(compiled[1:])
    eager_rate = n_samples / statistics.median(eager[1:])
    compile_s = compiled[0] - statistics.median(compiled[1:])
    return (f"`torch.compile` (inductor) of the same-path loop, 32×32 `cpu` network: "
            f"{rate:,.0f} samples/s against {eager_rate:,.0f} eager "
            f"(**{rate / eager_rate:.2f}×**), after {compile_s:.0f} s of compilation in the "
            "first epoch. sklq does not compile.")


CONFIGS = [
    # image size, network size, samples per epoch, epochs per run
    (32, "cpu", 2048, 3),
    (64, "cpu", 1024, 3),
    (32, "image_small", 256, 3),
    (64, "image_small", 64, 3),
]

#: fit's defaults against the fp32 standard-layout loop, by (image size, network)
FP32_TARGETS = {(32, "cpu"): 2.0, (64, "cpu"): 2.5}
SAME_PATH_TARGET = 0.9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no README update")
    parser.add_argument("--rounds", type=int, default=2, help="alternations per config (2)")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    precision = resolve_precision("auto", "cpu")
    rows = []
    print(f"torch threads: {torch.get_num_threads()}, batch {BATCH_SIZE}, 1-channel sprites, "
          f"fit's precision here: {precision}")
    for image_size, network_size, n_samples, n_epochs in CONFIGS:
        fp32, same, ours = measure(image_size, network_size, n_samples, n_epochs, rounds,
                                   precision)
        target = FP32_TARGETS.get((image_size, network_size))
        verdict = "" if target is None else (" (ok)" if ours / fp32 >= target else " (MISSED)")
        line = (f"{image_size}x{image_size} {network_size:<12} plain fp32 {fp32:8.1f}/s  "
                f"plain same path {same:8.1f}/s  sklq {ours:8.1f}/s  "
                f"vs fp32 {ours / fp32:.2f}{verdict}  vs same path {ours / same:.2f}")
        print(line, flush=True)
        rows.append(
            f"| {image_size}×{image_size} | `{network_size}` | {fp32:,.1f} | {same:,.1f} | "
            f"{ours:,.1f} | **{ours / fp32:.2f}×**"
            + ("" if target is None else f" (target ≥ {target})")
            + f" | **{ours / same:.2f}×** |"
        )
    if args.quick:
        return
    layout_rows = measure_layouts(precision)
    compile_line = measure_compile(precision)
    print(compile_line)
    write_section("training", "\n".join([
        "## Training throughput: `LatentQuantizedAutoencoder.fit` vs plain PyTorch loops",
        "",
        "`benchmarks/bench_training.py`: the same network (signal-preserving init), optimizer "
        f"groups, clipping, batch size ({BATCH_SIZE}) and data (uint8 sprites); samples/s, "
        f"median over epochs after a warm-up epoch, {rounds} alternating runs per side. "
        "*plain fp32*: float32, standard memory layout. *plain same path*: the precision "
        f"`fit` resolves here (`precision=\"auto\"` → **{precision}**) and its memory "
        "layout (channels-last for `cpu`, standard for the instance-normalised "
        "`image_small`). "
        f"Targets: ≥ 2.0× (32 px) and ≥ 2.5× (64 px) against plain fp32 for the `cpu` "
        f"network; ≥ {SAME_PATH_TARGET}× against the same path.",
        "",
        f"Measured on {machine_summary()}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads.",
        "",
        "| images | network | plain fp32 (samples/s) | plain same path (samples/s) | "
        "sklq `fit` (samples/s) | sklq / plain fp32 | sklq / same path |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Memory layout, plain loop in {precision}: samples/s in the standard layout and in "
        "channels-last, and the layout `fit` uses (`ConvLayout.channels_last`).",
        "",
        "| images | network | standard | channels-last | channels-last / standard | fit uses |",
        "|---|---|---|---|---|---|",
        *layout_rows,
        "",
        compile_line,
    ]))


if __name__ == "__main__":
    main()
