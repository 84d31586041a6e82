"""The MI estimators: hand-computed values and agreement with scikit-learn."""

import numpy as np
import pytest
from sklearn.feature_selection import mutual_info_classif
from sklearn.metrics import mutual_info_score
from sklearn.preprocessing import StandardScaler

from sklq.metrics._mutual_info import (
    _runs_of_equal_values,
    _search_boundaries,
    entropy_from_codes,
    mi_continuous_discrete,
    mi_discrete,
    mi_matrix_continuous,
    prepare_continuous,
)


def test_discrete_mi_by_hand():
    # 4 samples: x = [0, 0, 1, 1], y = [0, 1, 1, 1]
    # p(x=0,y=0)=1/4, p(0,1)=1/4, p(1,1)=1/2; p(x)=(1/2,1/2), p(y)=(1/4,3/4)
    # I = 1/4 log(2) + 1/4 log(2/3) + 1/2 log(4/3)
    expected = 0.25 * np.log(2) + 0.25 * np.log(2 / 3) + 0.5 * np.log(4 / 3)
    x, y = np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])
    assert mi_discrete(x, 2, y, 2) == pytest.approx(expected, abs=1e-12)
    assert entropy_from_codes(x, 2) == pytest.approx(np.log(2), abs=1e-12)
    assert entropy_from_codes(y, 2) == pytest.approx(-(0.25 * np.log(0.25) + 0.75 * np.log(0.75)))


def test_runs_of_equal_values_match_searchsorted(rng):
    for _ in range(100):
        values = np.sort(rng.integers(0, rng.integers(1, 20), rng.integers(1, 50)) / 7)
        run_start, run_end = _runs_of_equal_values(values)
        np.testing.assert_array_equal(run_start, np.searchsorted(values, values, "left"))
        np.testing.assert_array_equal(run_end, np.searchsorted(values, values, "right"))


def test_search_boundaries_count_rounded_distances_exactly(rng):
    # ties and radii equal to an actual distance (or one ulp below): the cases in which
    # searchsorted on centre +- radius lands one run of equal values off
    values = np.sort(np.r_[rng.integers(0, 40, 300) * 0.1, rng.normal(size=100)])
    centres = values[rng.integers(0, values.size, 400)]
    others = values[rng.integers(0, values.size, 400)]
    radius = np.abs(others - centres)
    radius[::2] = np.nextafter(radius[::2], 0)
    lo, hi = _search_boundaries(values, centres, radius)
    inside = np.abs(values[None, :] - centres[:, None]) <= radius[:, None]
    np.testing.assert_array_equal(hi - lo, inside.sum(axis=1))
    np.testing.assert_array_equal(lo, inside.argmax(axis=1))


def test_discrete_mi_matches_sklearn(rng):
    x = rng.integers(0, 7, 1000)
    y = (x + rng.integers(0, 3, 1000)) % 5
    assert mi_discrete(x, 7, y, 5) == pytest.approx(mutual_info_score(x, y), abs=1e-12)
    # unused code values (empty rows of the contingency table) change nothing
    assert mi_discrete(x, 9, y, 6) == pytest.approx(mutual_info_score(x, y), abs=1e-12)


@pytest.mark.parametrize("tied", [False, True])
def test_continuous_mi_matches_mutual_info_classif(rng, tied):
    n = 1500
    labels = rng.integers(0, 4, n)
    latents = np.c_[labels + rng.normal(size=n), rng.normal(size=n), np.zeros(n)]
    if tied:  # heavy ties, broken only by the 1e-10 jitter
        latents = np.round(latents, 1)
    ours = mi_matrix_continuous(
        labels[:, None], np.array([4]), prepare_continuous(latents, random_state=7), 10
    )[0]
    reference = mutual_info_classif(
        StandardScaler().fit_transform(latents), labels, discrete_features=False,
        n_neighbors=10, random_state=7,
    )
    np.testing.assert_allclose(ours, reference, atol=1e-9)


def test_continuous_mi_small_and_singleton_classes(rng, monkeypatch):
    # class 3 has 5 samples (k = 4 < n_neighbors), class 4 a single sample (dropped)
    n = 600
    labels = rng.integers(0, 3, n)
    labels[:5] = 3
    labels[5] = 4
    latent = (labels + rng.normal(size=n))[:, None]
    ours = mi_matrix_continuous(
        labels[:, None], np.array([5]), prepare_continuous(latent, random_state=1), 10
    )[0, 0]
    reference = mutual_info_classif(
        StandardScaler().fit_transform(latent), labels, discrete_features=False,
        n_neighbors=10, random_state=1,
    )[0]
    # scikit-learn uses a brute-force search for the small class, whose rounded distances
    # can put the k-th neighbour inside the radius: close, not identical
    assert ours == pytest.approx(reference, abs=1e-4)
    # with exact (KD-tree) distances for every class the definitions agree to rounding
    import sklearn.feature_selection._mutual_info as sklearn_mi
    from sklearn.neighbors import NearestNeighbors

    monkeypatch.setattr(
        sklearn_mi, "NearestNeighbors", lambda: NearestNeighbors(algorithm="kd_tree")
    )
    exact = mutual_info_classif(
        StandardScaler().fit_transform(latent), labels, discrete_features=False,
        n_neighbors=10, random_state=1,
    )[0]
    assert ours == pytest.approx(exact, abs=1e-12)


def test_continuous_mi_all_singletons_is_zero():
    values = np.array([0.0, 1.0, 2.0])
    assert mi_continuous_discrete(values, np.argsort(values), np.array([0, 1, 2]), 3) == 0.0


def test_jitter_is_controlled_by_random_state(rng):
    latents = rng.integers(0, 3, size=(200, 2)).astype(float)
    a = prepare_continuous(latents, random_state=0)
    np.testing.assert_array_equal(a, prepare_continuous(latents, random_state=0))
    assert not np.array_equal(a, prepare_continuous(latents, random_state=1))
    no_jitter = prepare_continuous(latents, jitter=False)
    assert np.abs(a - no_jitter).max() < 1e-8
