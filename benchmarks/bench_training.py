"""Training throughput: ``LatentQuantizedAutoencoder.fit`` against a plain PyTorch loop.

Both sides train the *same* network (built by the same function, same seed), with the same
optimizer groups (AdamW with weight decay on weights, none on biases and codebook),
element-wise gradient clipping, batch size and data. The plain loop keeps the whole dataset
as one float tensor and slices batches from it: the least overhead a hand-written loop can
have. Each side runs several epochs, alternating between the two to share any drift in
machine load; the first epoch of every run is a warm-up and is not counted. Throughput is
the median over the counted epochs.

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
from sklq._nn import LatentAutoencoder, LatentQuantizer, build_encoder_decoder
from sklq._training import is_decayed
from sklq.datasets import make_sprites

BATCH_SIZE = 64
N_LATENTS = 10


def plain_loop_epochs(X, network_size, n_epochs, seed=0):
    """Seconds per epoch of a hand-written training loop over the same network."""
    torch.manual_seed(seed)
    encoder, decoder = build_encoder_decoder(
        X.shape[1:], N_LATENTS, N_LATENTS, architecture="conv", network_size=network_size,
        decoder="conv" if network_size == "cpu" else "style",
    )
    model = LatentAutoencoder(encoder, LatentQuantizer(N_LATENTS, 10), decoder)
    named = list(model.named_parameters())
    decayed = [p for n, p in named if is_decayed(n)]
    optimizer = torch.optim.AdamW(
        [{"params": decayed}, {"params": [p for n, p in named if not is_decayed(n)],
                               "weight_decay": 0.0}],
        lr=1e-3, weight_decay=0.1,
    )
    data = torch.from_numpy(X).float().div_(255.0)
    durations = []
    for _ in range(n_epochs):
        start = time.perf_counter()
        order = torch.randperm(len(data))
        for begin in range(0, len(data), BATCH_SIZE):
            x = data[order[begin:begin + BATCH_SIZE]]
            latent, logits = model(x)
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
    return model.history_["dur"].tolist()


def measure(image_size, network_size, n_samples, n_epochs, rounds):
    X, _ = make_sprites(n_samples=n_samples, image_size=image_size, dtype="uint8",
                        random_state=0)
    plain, ours = [], []
    for _ in range(rounds):
        plain += plain_loop_epochs(X, network_size, n_epochs)[1:]
        ours += sklq_epochs(X, network_size, n_epochs)[1:]
    plain_rate = n_samples / statistics.median(plain)
    sklq_rate = n_samples / statistics.median(ours)
    return plain_rate, sklq_rate


CONFIGS = [
    # image size, network size, samples per epoch, epochs per run
    (32, "cpu", 2048, 3),
    (64, "cpu", 1024, 3),
    (32, "image_small", 256, 3),
    (64, "image_small", 64, 3),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no README update")
    parser.add_argument("--rounds", type=int, default=2, help="alternations per config (2)")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    rows = []
    print(f"torch threads: {torch.get_num_threads()}, batch {BATCH_SIZE}, 1-channel sprites")
    for image_size, network_size, n_samples, n_epochs in CONFIGS:
        plain_rate, sklq_rate = measure(image_size, network_size, n_samples, n_epochs, rounds)
        ratio = sklq_rate / plain_rate
        line = (f"{image_size}x{image_size} {network_size:<12} plain {plain_rate:8.1f}/s  "
                f"sklq {sklq_rate:8.1f}/s  ratio {ratio:.2f}")
        print(line, flush=True)
        rows.append(f"| {image_size}×{image_size} | `{network_size}` | {plain_rate:.1f} | "
                    f"{sklq_rate:.1f} | **{ratio:.2f}×** |")
    if args.quick:
        return
    write_section("training", "\n".join([
        "## Training throughput: `LatentQuantizedAutoencoder.fit` vs a plain PyTorch loop",
        "",
        "`benchmarks/bench_training.py`: same network, optimizer groups, clipping, batch "
        f"size ({BATCH_SIZE}) and data (uint8 sprites); samples/s, median over epochs after "
        f"a warm-up epoch, {rounds} alternating runs per side. Target: ratio ≥ 0.9.",
        "",
        f"Measured on {machine_summary()}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads.",
        "",
        "| images | network | plain loop (samples/s) | sklq (samples/s) | ratio |",
        "|---|---|---|---|---|",
        *rows,
    ]))


if __name__ == "__main__":
    main()
