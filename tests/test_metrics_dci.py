"""DCI: D and C by hand, agreement with disentanglement_lib's definition, splits, errors."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from sklearn.model_selection import train_test_split

from sklq.metrics import dci, disentanglement_completeness
from sklq.metrics._importance import equivalent_columns, split_thresholds
from sklq.metrics._reference import dci_reference


def _entropy(p, base):
    p = np.asarray(p, dtype=float) + 1e-11
    p = p / p.sum()
    return -np.sum(p * np.log(p)) / np.log(base)


def test_disentanglement_completeness_by_hand():
    # latent 0 serves factor 0 only; latent 1 splits evenly between both factors
    importance = np.array([[0.5, 0.0], [0.5, 1.0]])
    # rows: latent 0 -> entropy 0 -> D_0 = 1; latent 1 -> (1/3, 2/3)
    d1 = 1 - _entropy([1 / 3, 2 / 3], 2)
    expected_d = (0.5 / 2) * 1.0 + (1.5 / 2) * d1
    # columns: factor 0 -> (1/2, 1/2) -> C_0 = 0; factor 1 -> (0, 1) -> C_1 = 1
    expected_c = (1 / 2) * 0.0 + (1 / 2) * 1.0
    d, c = disentanglement_completeness(importance)
    assert d == pytest.approx(expected_d, abs=1e-9)
    assert c == pytest.approx(expected_c, abs=1e-9)
    # numbers written out: D = 0.25 + 0.75 * (1 - H2(1/3, 2/3)) = 0.3615
    assert d == pytest.approx(0.25 + 0.75 * (1 - 0.9182958340544896), abs=1e-9)


def test_disentanglement_completeness_edge_cases():
    assert disentanglement_completeness(np.eye(3)) == pytest.approx((1.0, 1.0))
    assert disentanglement_completeness(np.zeros((3, 2))) == pytest.approx((0.0, 0.0), abs=1e-9)
    with pytest.warns(UserWarning, match="single factor"):
        assert disentanglement_completeness(np.ones((3, 1)))[0] == 1.0
    with pytest.warns(UserWarning, match="single latent"):
        assert disentanglement_completeness(np.ones((1, 3)))[1] == 1.0
    with pytest.raises(ValueError, match="importance_matrix"):
        disentanglement_completeness(-np.eye(2))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 600
    factors = np.stack([rng.integers(0, k, n) for k in (2, 3, 3)], axis=1)
    latents = np.c_[
        factors[:, 0] + 0.3 * rng.normal(size=n),
        factors[:, 1] + factors[:, 2] + 0.3 * rng.normal(size=n),
        factors[:, 2] + 0.3 * rng.normal(size=n),
        rng.normal(size=n),
    ]
    return factors, latents


def test_gbt_matches_disentanglement_lib(data):
    factors, latents = data
    result = dci(factors, latents, importance="gbt", random_state=0)
    train, test = train_test_split(np.arange(600), test_size=0.25, random_state=0)
    d, c, informativeness, importance = dci_reference(factors, latents, train, test, 0)
    np.testing.assert_allclose(result.importance_matrix, importance, atol=1e-9)
    assert result.disentanglement == pytest.approx(d, abs=1e-3)
    assert result.completeness == pytest.approx(c, abs=1e-3)
    assert result.informativeness == pytest.approx(informativeness, abs=5e-3)
    assert result.importance_matrix.shape == (4, 3)


def test_unshuffled_split_uses_last_rows_for_test(data):
    factors, latents = data
    factors, latents = factors[:300, :2], latents[:300]
    result = dci(factors, latents, shuffle=False, test_size=100, importance="gbt",
                 random_state=0)
    d, c, informativeness, _ = dci_reference(
        factors, latents, np.arange(200), np.arange(200, 300), 0
    )
    assert result.disentanglement == pytest.approx(d, abs=1e-9)
    assert result.informativeness == pytest.approx(informativeness, abs=1e-12)


def test_default_importance_is_hist(data):
    factors, latents = data
    default = dci(factors, latents, random_state=0)
    hist = dci(factors, latents, importance="hist", random_state=0)
    assert default.importance == "hist"
    np.testing.assert_array_equal(default.importance_matrix, hist.importance_matrix)


def test_hist_bins_grow_for_small_training_sets():
    from sklq.metrics._importance import MAX_BINS, MIN_BINS, bins_for

    assert bins_for(100) == MAX_BINS
    assert bins_for(10**6) == MIN_BINS
    assert bins_for(1_600) > bins_for(4_000) > bins_for(8_000)


def test_hist_importance_is_close_to_gbt(data):
    factors, latents = data
    gbt = dci(factors, latents, importance="gbt", random_state=0)
    hist = dci(factors, latents, importance="hist", random_state=0)
    assert hist.importance == "hist"
    assert abs(hist.disentanglement - gbt.disentanglement) < 0.05
    assert abs(hist.completeness - gbt.completeness) < 0.05
    assert abs(hist.informativeness - gbt.informativeness) < 0.05


def test_hist_shares_importance_between_equivalent_latents(data):
    factors, latents = data
    duplicated = np.c_[latents, latents[:, 0], -2 * latents[:, 0]]  # copy and decreasing map
    result = dci(factors, duplicated, importance="hist", random_state=0)
    column = result.importance_matrix[:, 0]
    assert column[0] == pytest.approx(column[4]) and column[0] == pytest.approx(column[5])
    representatives, group = equivalent_columns(duplicated)
    np.testing.assert_array_equal(representatives, [0, 1, 2, 3])
    np.testing.assert_array_equal(group, [0, 1, 2, 3, 0, 0])


def test_names_and_n_jobs(data):
    factors, latents = data
    frame = pd.DataFrame(factors, columns=["a", "b", "c"])
    with parallel_config(backend="threading"):  # no process start-up in the test
        result = dci(frame, latents, importance="hist", random_state=0, n_jobs=2)
    assert list(result.importance_matrix.columns) == ["a", "b", "c"]
    sequential = dci(frame, latents, importance="hist", random_state=0)
    np.testing.assert_allclose(result.importance_matrix, sequential.importance_matrix)


def test_dci_errors(data):
    factors, latents = data
    with pytest.raises(ValueError, match="importance"):
        dci(factors, latents, importance="forest")
    with pytest.raises(ValueError, match="test_size"):
        dci(factors, latents, test_size=1.5)
    rare = factors.copy()
    rare[:, 0] = 0
    rare[-1, 0] = 1  # the only "1" lands in the (unshuffled) test split
    with pytest.raises(ValueError, match="single value in the training split"):
        dci(rare, latents, shuffle=False)
    with pytest.raises(ValueError, match="same number of samples"):
        dci(factors, latents[:-1])


def test_constant_latents_warn(data):
    factors, _ = data
    with pytest.warns(UserWarning, match="Every importance is zero"):
        result = dci(factors[:100], np.zeros((100, 3)), importance="hist", random_state=0)
    assert result.disentanglement == pytest.approx(0.0, abs=1e-9)


def test_hist_reproduces_gbt_on_discrete_latents():
    # with few distinct values every GBT split is available to the binned booster, which
    # then runs the GBT's own algorithm: D and C agree to rounding and tie-breaking
    rng = np.random.default_rng(5)
    n = 500
    factors = np.stack([rng.integers(0, k, n) for k in (2, 3, 5)], axis=1)
    code = np.c_[factors, rng.integers(0, 4, (n, 2))]
    latents = np.where(rng.random(code.shape) < 0.2, rng.integers(0, 5, code.shape), code)
    latents = latents.astype(float)
    gbt = dci(factors, latents, importance="gbt", random_state=0)
    hist = dci(factors, latents, importance="hist", random_state=0)
    assert hist.disentanglement == pytest.approx(gbt.disentanglement, abs=5e-3)
    assert hist.completeness == pytest.approx(gbt.completeness, abs=5e-3)
    assert hist.informativeness == pytest.approx(gbt.informativeness, abs=1e-2)


def test_split_thresholds_are_the_gbt_midpoints():
    column = np.array([3.0, 1.0, 2.0, 2.0, 1.0 + 5e-8])
    # 1 and 1 + 5e-8 are closer than the splitter's 1e-7: no split between them
    thresholds = split_thresholds(column)
    np.testing.assert_allclose(thresholds, [1.5, 2.5], rtol=1e-6)
    many = np.arange(1000, dtype=np.float32)
    assert split_thresholds(many, max_bins=16).size == 15
    assert split_thresholds(np.ones(5, dtype=np.float32)).size == 0


def test_informativeness_chance_is_the_majority_class_accuracy():
    rng = np.random.default_rng(4)
    # factor 0: 70% zeros; factor 1: uniform over 4 values
    factors = np.c_[(rng.random(1000) < 0.3).astype(int), rng.integers(0, 4, 1000)]
    result = dci(factors, factors.astype(float), random_state=0, test_size=0.5)
    train, test = train_test_split(np.arange(1000), test_size=0.5, shuffle=True,
                                   random_state=0)
    majority = [np.bincount(factors[train, i]).argmax() for i in range(2)]
    expected = np.mean([np.mean(factors[test, i] == majority[i]) for i in range(2)])
    assert result.informativeness_chance == pytest.approx(expected)
    assert result.informativeness == 1.0 and result.informativeness_adjusted == 1.0
    noise = dci(factors, rng.normal(size=(1000, 2)), random_state=0, test_size=0.5)
    assert abs(noise.informativeness_adjusted) < 0.1 < noise.informativeness
