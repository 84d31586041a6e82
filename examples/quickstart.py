"""Quick start: fit a QLAE on the Squares dataset, read off its codes, decode them.

Runs in well under a minute on 2 CPU cores.
"""

import numpy as np

from sklq import LatentQuantizedAutoencoder
from sklq.datasets import Squares, make_squares

X, factors = make_squares(image_size=16, random_state=0)
print("data:", X.shape, "factors:", Squares.factor_names)

qlae = LatentQuantizedAutoencoder(8, n_values_per_latent=10, max_epochs=6, batch_size=32,
                                  random_state=0)
Z = qlae.fit_transform(X)
codes = qlae.encode(X, output="indices")
X_hat = qlae.inverse_transform(Z)

print("latent values of the first image:", Z[0].round(2))
print("their codebook indices:          ", codes[0])
print(f"pixel MSE of the reconstructions: {np.mean((X_hat - X) ** 2):.4f}")
print(f"pixel MSE of the mean image:      {np.mean((X - X.mean(axis=0)) ** 2):.4f}")
print("values used per latent:", [len(np.unique(Z[:, j])) for j in range(Z.shape[1])])
print(qlae.history_[["epoch", "reconstruction_loss", "quantization_loss", "commitment_loss"]]
      .tail(3).to_string(index=False))
