"""A short fit on a small ground-truth dataset learns something real."""

import numpy as np
import pytest

from sklq import LatentQuantizedAutoencoder
from sklq.datasets import make_squares


@pytest.fixture(scope="module")
def squares():
    X, factors = make_squares(n_samples=800, image_size=16, random_state=0)
    return X, factors


def _mse(estimator, X):
    return float(((estimator.inverse_transform(estimator.transform(X)) - X) ** 2).mean())


def test_short_fit_reconstructs_clearly_better_than_initialisation(squares):
    X, _ = squares
    untrained = LatentQuantizedAutoencoder(
        8, max_epochs=1, learning_rate=1e-12, batch_size=64, random_state=0
    ).fit(X)
    trained = LatentQuantizedAutoencoder(8, max_epochs=10, batch_size=16, random_state=0).fit(X)
    mean_image_mse = float(((X - X.mean(axis=0)) ** 2).mean())
    assert _mse(trained, X) < 0.25 * _mse(untrained, X)
    assert _mse(trained, X) < 0.6 * mean_image_mse  # better than the average image
    assert trained.score(X) > untrained.score(X) + 0.2
    losses = trained.history_["reconstruction_loss"].to_numpy()
    assert losses[-1] < 0.5 * losses[0]
    # the code is used: several latents take more than one value
    Z = trained.transform(X)
    assert sum(len(np.unique(Z[:, j])) > 1 for j in range(Z.shape[1])) >= 2
