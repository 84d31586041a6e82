"""The quantized-latent InfoGAN (QLInfoWGAN-GP): fit on Squares, generate, inspect the codes.

The generator draws a code from per-latent scalar codebooks and turns it into an image; an
encoder sharing the critic's trunk learns to recover that code from the image. This runs only
a few hundred critic steps on the CPU (the paper trains 200,000 on a GPU), so the generator is
far from done — the script shows the API and what to look at while it learns: the loss terms,
``sample``, how much each latent changes the generated image, and how often the encoder reads
back the code that generated an image.
"""

import numpy as np

from sklq import LatentQuantizedInfoGAN
from sklq.datasets import make_squares

X, factors = make_squares(image_size=16, random_state=0)
gan = LatentQuantizedInfoGAN(8, n_values_per_latent=10, max_epochs=4, batch_size=32,
                             random_state=0)
gan.fit(X)
steps = gan.n_iter_ * int(np.ceil(len(X) / gan.batch_size))
print(f"trained {steps} critic steps and {steps // gan.critic_steps_per_generator_step} "
      f"generator steps on {X.shape[0]} images of {X.shape[2]}x{X.shape[3]}")
print(gan.history_[["epoch", "wasserstein_estimate", "gradient_penalty_loss", "latent_loss",
                    "generator_loss"]].round(3).to_string(index=False))

# New images from codes drawn uniformly from the codebooks; the same seed, the same images.
X_new, Z_new = gan.sample(400, random_state=1)
assert np.array_equal(X_new, gan.sample(400, random_state=1)[0])
print(f"\nsampled images {X_new.shape}, codes {Z_new.shape}; "
      f"pixel values in [{X_new.min():.2f}, {X_new.max():.2f}]")
print("learned codebook of latent 0:", gan.codebook_[0].round(2))

# How much does each latent change the generated image? Sweep it over its codebook with the
# other latents fixed, and measure the mean absolute change of the pixels.
base = np.repeat(Z_new[:50], gan.n_values_per_latent, axis=0)
effect = []
for j in range(gan.n_latents):
    Z_swept = base.copy()
    Z_swept[:, j] = np.tile(gan.codebook_[j], 50)
    images = gan.inverse_transform(Z_swept).reshape(50, gan.n_values_per_latent, -1)
    effect.append(np.abs(images - images.mean(axis=1, keepdims=True)).mean())
print("mean pixel change when sweeping each latent:", np.round(effect, 4))

# Does the encoder read back the code that generated each image?
true_indices = np.abs(Z_new[:, :, None] - gan.codebook_[None]).argmin(axis=2)
read_indices = gan.encode(X_new, output="indices")
print("code read back correctly, per latent (chance 0.10):",
      (read_indices == true_indices).mean(axis=0).round(2))
print("encoded training images:", gan.transform(X).shape)
