"""MIG: a hand-computed example, the reference definition, degenerate input."""

import numpy as np
import pytest

from sklq.metrics import mig_score
from sklq.metrics._mig import histogram_discretize
from sklq.metrics._reference import mig_reference


def test_mig_by_hand():
    # factor s = [0, 0, 1, 1]; latent 0 copies it, latent 1 = [0, 1, 0, 1] is independent.
    # I(s; z0) = H(s) = log 2, I(s; z1) = 0 -> gap / H = 1. With latent 1 = [0, 0, 0, 1]:
    # I(s; z1) = H(z1) - H(z1 | s) = H(1/4) - 1/2 H(1/2) = 0.5623 - 0.3466 = 0.2158 nats.
    s = np.array([[0], [0], [1], [1]])
    assert mig_score(s, np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)) == 1.0
    h_quarter = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    expected = (np.log(2) - (h_quarter - 0.5 * np.log(2))) / np.log(2)
    latents = np.array([[0, 0], [0, 0], [1, 0], [1, 1]], dtype=float)
    assert mig_score(s, latents) == pytest.approx(expected, abs=1e-12)


def test_histogram_discretize_matches_digitize(rng):
    z = rng.normal(size=(500, 3))
    binned = histogram_discretize(z, 20)
    for j in range(3):
        np.testing.assert_array_equal(
            binned[:, j], np.digitize(z[:, j], np.histogram(z[:, j], 20)[1][:-1])
        )
    assert binned.min() >= 1 and binned.max() == 20


@pytest.mark.parametrize("n_bins", [5, 20])
def test_mig_matches_reference(rng, n_bins):
    s = rng.integers(0, 5, size=(1000, 3))
    z = np.c_[s + 0.5 * rng.normal(size=(1000, 3)), rng.normal(size=(1000, 2))]
    assert mig_score(s, z, n_bins=n_bins) == pytest.approx(
        mig_reference(s, z, n_bins), abs=1e-9
    )


def test_mig_degenerate_inputs(rng):
    s = rng.integers(0, 3, size=(50, 2))
    with pytest.raises(ValueError, match="at least 2 latents"):
        mig_score(s, rng.normal(size=(50, 1)))
    with pytest.raises(ValueError, match="n_bins"):
        mig_score(s, rng.normal(size=(50, 2)), n_bins=0)
    # constant latents: no information, MIG 0
    assert mig_score(s, np.zeros((50, 3))) == 0.0
