"""Training throughput of ``LatentQuantizedInfoGAN.fit`` against a plain PyTorch loop
(a benchmark, not a test).

Both train the same network (built by the same code from the same seed) on the same
data with the same batch size, doing the same alternating WGAN-GP steps of spec §6: a
critic/encoder step on every batch (value loss, gradient penalty by double backprop, code
recovery, quantization and commitment; one trunk pass over real and generated images),
a generator/codebook step after every ``critic_steps_per_generator_step``-th batch, two
AdamW optimizers with the no-decay groups and element-wise clipping of the weights'
gradients. The plain loop is what a careful PyTorch user writes: tensors sliced by a
random permutation, the critic frozen with ``requires_grad_(False)`` during the generator
step. Target: sklq >= 0.9x the plain loop's samples per second.

Measurements alternate (sklq, plain, sklq, plain, ...) and the best of each is reported,
since other work may share the CPU. Writes its section of ``benchmarks/README.md``. Run:
``PYTHONPATH=. .venv/bin/python benchmarks/bench_infogan.py``.
"""

import os
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import machine_summary, write_section  # noqa: E402

from sklq import LatentQuantizedInfoGAN  # noqa: E402
from sklq._nn import (  # noqa: E402
    CONV_LAYOUTS,
    InfoGANModule,
    LatentQuantizer,
    build_encoder_decoder,
    float32_call,
    initialize_weights_,
)
from sklq._training import (  # noqa: E402
    autocast,
    is_decayed,
    resolve_precision,
    split_critic_generator,
)
from sklq.datasets import make_squares  # noqa: E402

N_LATENTS, N_VALUES = 8, 10
#: the precision fit resolves by default here; the plain loop uses it too
PRECISION = resolve_precision("auto", "cpu")
EPOCHS = 3
ROUNDS = 3
CONFIGS = [
    # (label, image_size, batch_size, decoder)
    ("Squares 16x16, conv generator", 16, 64, "conv"),
    ("Squares 32x32, style generator", 32, 64, "style"),
]


def sklq_fit(X, batch_size, decoder, seed):
    gan = LatentQuantizedInfoGAN(
        N_LATENTS, n_values_per_latent=N_VALUES, batch_size=batch_size, max_epochs=EPOCHS,
        decoder=decoder, random_state=seed,
    )
    start = time.perf_counter()
    gan.fit(X)
    return time.perf_counter() - start, gan


def plain_fit(X, batch_size, decoder, seed, critic_steps_per_generator_step=5, lr=2e-4,
              betas=(0.0, 0.9), weight_decay=1e-3, clip=1.0, weights=(10.0, 200.0, 0.01, 0.01)):
    gp_weight, latent_weight, q_weight, c_weight = weights
    start = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        encoder, generator = build_encoder_decoder(
            X.shape[1:], N_LATENTS, N_LATENTS, architecture="conv", decoder=decoder
        )
        module = InfoGANModule(encoder, LatentQuantizer(N_LATENTS, N_VALUES), generator)
        initialize_weights_(module)
        memory_format = (torch.channels_last if CONV_LAYOUTS["cpu"].channels_last
                         else torch.contiguous_format)
        module.to(memory_format=memory_format)
        sides = split_critic_generator(module.named_parameters())
        optimizers, clipped = [], []
        for named in sides:
            decayed = [p for n, p in named if is_decayed(n)]
            undecayed = [p for n, p in named if not is_decayed(n)]
            optimizers.append(torch.optim.AdamW(
                [{"params": undecayed, "weight_decay": 0.0}, {"params": decayed}],
                lr=lr, betas=betas, weight_decay=weight_decay,
            ))
            clipped.append(decayed)
        critic_optimizer, generator_optimizer = optimizers
        critic_params = [p for _, p in sides[0]]
        data = torch.from_numpy(X).contiguous(memory_format=memory_format)
        n, step = len(data), 0
        for _ in range(EPOCHS):
            for batch_indices in torch.randperm(n).split(batch_size):
                x_real = data[batch_indices]
                b = len(x_real)
                # critic / encoder step
                critic_optimizer.zero_grad(set_to_none=True)
                with torch.no_grad(), autocast(PRECISION, "cpu"):
                    z_fake, _ = module.latent.sample(b)
                    x_fake = torch.sigmoid(module.generator(z_fake).float())
                module.latent.codebook.requires_grad_(False)
                with autocast(PRECISION, "cpu"):
                    features = module.encoder.features(torch.cat([x_real, x_fake]))
                    values = module.critic(features).squeeze(-1).float()
                    q = float32_call(module.latent, module.encoder.head(features[b:]))
                    eps = torch.rand(b, 1, 1, 1)
                    x_int = (eps * x_real + (1 - eps) * x_fake).requires_grad_(True)
                    score = module.critic(module.encoder.features(x_int)).float().sum()
                    (grad,) = torch.autograd.grad(score, x_int, create_graph=True)
                gp = (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()
                loss = (
                    (values[b:] - values[:b]).mean() + gp_weight * gp
                    + latent_weight * F.mse_loss(q.straight_through, z_fake)
                    + q_weight * (q.continuous.detach() - q.quantized).pow(2).mean()
                    + c_weight * (q.continuous - q.quantized.detach()).pow(2).mean()
                )
                loss.backward()
                module.latent.codebook.requires_grad_(True)
                torch.nn.utils.clip_grad_value_(clipped[0], clip)
                critic_optimizer.step()
                step += 1
                if step % critic_steps_per_generator_step:
                    continue
                # generator / codebook step
                generator_optimizer.zero_grad(set_to_none=True)
                for p in critic_params:
                    p.requires_grad_(False)
                z_fake, _ = module.latent.sample(b)
                with autocast(PRECISION, "cpu"):
                    x_fake = torch.sigmoid(module.generator(z_fake).float())
                    features = module.encoder.features(x_fake)
                    q = float32_call(module.latent, module.encoder.head(features))
                    value = module.critic(features).float()
                loss = (
                    -value.mean()
                    + latent_weight * F.mse_loss(q.straight_through, z_fake)
                    + q_weight * (q.continuous.detach() - q.quantized).pow(2).mean()
                    + c_weight * (q.continuous - q.quantized.detach()).pow(2).mean()
                )
                loss.backward()
                for p in critic_params:
                    p.requires_grad_(True)
                torch.nn.utils.clip_grad_value_(clipped[1], clip)
                generator_optimizer.step()
    return time.perf_counter() - start, step


def main():
    torch.set_num_threads(1)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        "## InfoWGAN-GP training throughput (`benchmarks/bench_infogan.py`)",
        "",
        f"{machine_summary()}. torch {torch.__version__}, 1 thread. Load average before "
        f"the run: {load} (other work shares these cores).",
        "",
        f"`LatentQuantizedInfoGAN.fit` ({N_LATENTS} latents x {N_VALUES} values, "
        f'network_size="cpu", defaults of the paper: 5 critic steps per generator step) '
        f"against a plain PyTorch loop doing the same alternating steps on the same network "
        f"(signal-preserving init), in the same precision ({PRECISION}) and memory layout, "
        f"batch and data; {EPOCHS} epochs over the 1,600 Squares images, best of "
        f"{ROUNDS} alternating runs each. Target: ratio >= 0.9.",
        "",
        "| data, generator | batch | critic steps | sklq (samples/s) | plain loop (samples/s)"
        " | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for label, image_size, batch_size, decoder in CONFIGS:
        X, _ = make_squares(image_size=image_size)
        n_seen = len(X) * EPOCHS
        sklq_times, plain_times = [], []
        for round_ in range(ROUNDS):
            seconds, gan = sklq_fit(X, batch_size, decoder, seed=round_)
            sklq_times.append(seconds)
            seconds, steps = plain_fit(X, batch_size, decoder, seed=round_)
            plain_times.append(seconds)
            assert steps == gan.net_.critic_steps_, (steps, gan.net_.critic_steps_)
            print(label, f"sklq {sklq_times[-1]:.2f} s, plain {plain_times[-1]:.2f} s",
                  flush=True)
        sklq_rate, plain_rate = n_seen / min(sklq_times), n_seen / min(plain_times)
        ratio = sklq_rate / plain_rate
        verdict = "ok" if ratio >= 0.9 else "below target"
        lines.append(
            f"| {label} | {batch_size} | {steps} | {sklq_rate:,.0f} | {plain_rate:,.0f} | "
            f"{ratio:.2f} ({verdict}) |"
        )
    lines += [
        "",
        "Samples/s counts real images consumed by the critic (one per critic step and "
        "sample); each fifth step also runs a generator step. sklq's time includes input "
        "validation and building the skorch net.",
    ]
    markdown = "\n".join(lines)
    write_section("infogan", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
