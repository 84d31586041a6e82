"""InfoMEC: agreement with the reference definitions, the issue's cases, degenerate input."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import special_ortho_group

from sklq.metrics import infoc_score, infoe_score, infom_score, infomec
from sklq.metrics._infomec import modularity_compactness
from sklq.metrics._reference import infoe_reference, infom_infoc_reference, nmi_reference

SIZES = (3, 6, 10, 8, 4)


@pytest.fixture(scope="module")
def factors():
    rng = np.random.default_rng(0)
    return np.stack([rng.integers(0, k, 3000) for k in SIZES], axis=1)


@pytest.fixture(scope="module")
def perfect(factors):
    """A perfectly disentangled discrete code plus five constant latents."""
    return infomec(factors, np.c_[factors, np.zeros((len(factors), 5))])


def test_perfect_code_has_plug_in_bias(perfect):
    # not 1: the plug-in MI of a factor with the other (independent) factors is positive
    assert perfect.infom == pytest.approx(0.9895, abs=5e-5)
    assert perfect.infoc == pytest.approx(0.9895, abs=5e-5)
    assert perfect.infoe > 0.999
    np.testing.assert_array_equal(perfect.active_latents, [True] * 5 + [False] * 5)
    assert perfect.discrete_latents


def test_discrete_matches_reference(factors, perfect):
    latents = np.c_[factors, np.zeros((len(factors), 5))]
    nmi = nmi_reference(factors, latents, discrete=True)
    np.testing.assert_allclose(perfect.nmi, nmi, atol=1e-9)
    infom, infoc = infom_infoc_reference(nmi, perfect.active_latents)
    assert perfect.infom == pytest.approx(infom, abs=1e-9)
    assert perfect.infoc == pytest.approx(infoc, abs=1e-9)


def test_infoe_matches_reference(factors):
    rng = np.random.default_rng(1)
    small = factors[:1000, :3]
    noisy = np.where(rng.random(small.shape) < 0.3, rng.integers(0, 10, small.shape), small)
    latents = np.c_[noisy, rng.integers(0, 4, (1000, 2))]
    assert infoe_score(small, latents) == pytest.approx(
        infoe_reference(small, latents, discrete=True), abs=1e-3
    )
    continuous = np.c_[small + rng.normal(size=small.shape), rng.normal(size=(1000, 2))]
    assert infoe_score(small, continuous) == pytest.approx(
        infoe_reference(small, continuous, discrete=False), abs=1e-3
    )


def test_continuous_matches_reference(factors):
    rng = np.random.default_rng(2)
    s = factors[:1500, :3]
    latents = np.c_[s + 0.5 * rng.normal(size=s.shape), rng.normal(size=(1500, 2)), np.zeros(1500)]
    result = infomec(s, latents, random_state=3)
    assert not result.discrete_latents
    nmi = nmi_reference(s, latents, discrete=False, random_state=3)
    np.testing.assert_allclose(result.nmi, nmi, atol=1e-6)
    infom, infoc = infom_infoc_reference(nmi, result.active_latents)
    assert result.infom == pytest.approx(infom, abs=1e-6)
    assert result.infoc == pytest.approx(infoc, abs=1e-6)
    np.testing.assert_array_equal(result.active_latents, [True] * 5 + [False])


def test_duplicated_latents_lower_infoc_not_infom(factors, perfect):
    rng = np.random.default_rng(3)
    duplicated = np.c_[factors, factors[:, :3]][:, rng.permutation(8)]
    result = infomec(factors, duplicated)
    assert result.infom == pytest.approx(perfect.infom, abs=0.01)
    assert result.infoc < perfect.infoc - 0.2


def test_rotation_of_standardized_factors(factors):
    standardized = (factors - factors.mean(0)) / factors.std(0)
    rotation = special_ortho_group.rvs(5, random_state=0)
    result = infomec(factors, standardized @ rotation, random_state=0)
    assert not result.discrete_latents
    assert result.infom < 0.6 and result.infoc < 0.5
    assert result.infoe > 0.97  # the rotation is linear: still explicit


def test_noisy_factors_and_pure_noise(factors):
    rng = np.random.default_rng(4)
    standardized = (factors - factors.mean(0)) / factors.std(0)
    noisy = infomec(factors, standardized + 0.5 * rng.normal(size=factors.shape), random_state=0)
    assert noisy.infom > 0.85 and noisy.infoc > 0.85
    assert 0.2 < noisy.infoe < 0.9
    noise = infomec(factors, rng.normal(size=(3000, 10)), random_state=0)
    # ratios of tiny positive MI estimates: far from 0, but far below a real code
    assert noise.infom < noisy.infom - 0.2
    assert noise.infoe < 0.05


def test_names_are_kept(factors):
    frame = pd.DataFrame(factors[:, :2], columns=["shape", "scale"])
    latents = pd.DataFrame(factors[:, :2] * 0.5, columns=["z0", "z1"])
    result = infomec(frame, latents)
    assert list(result.nmi.index) == ["shape", "scale"]
    assert list(result.nmi.columns) == ["z0", "z1"]
    assert result.discrete_latents  # few distinct float values -> "auto" says discrete


def test_string_and_float_factor_labels(factors):
    labels = np.array(["a", "b", "c"])[factors[:, 0]]
    mixed = np.c_[labels.astype(object), factors[:, 1] * 0.5]
    latents = factors[:, :2]
    expected = infomec(factors[:, :2], latents)
    result = infomec(mixed, latents)
    np.testing.assert_allclose(result.nmi, expected.nmi, atol=1e-12)


def test_integer_latents_and_explicit_discrete_flag(factors):
    latents = factors[:1000, :2].astype(np.int8)
    as_int = infomec(factors[:1000, :2], latents)
    as_float = infomec(factors[:1000, :2], latents.astype(float), discrete_latents=True)
    assert as_int.discrete_latents and as_float.discrete_latents
    assert as_int.infoe == pytest.approx(as_float.infoe, abs=1e-12)
    with pytest.raises(ValueError, match="discrete_latents"):
        infomec(factors[:100, :2], latents[:100], discrete_latents="yes")


def test_score_functions_agree(factors):
    s, z = factors[:800, :3], np.c_[factors[:800, :3], factors[:800, :1]]
    result = infomec(s, z)
    assert infom_score(s, z) == result.infom
    assert infoc_score(s, z) == result.infoc
    assert infoe_score(s, z) == result.infoe


def test_zero_nmi_column_counts_as_no_preference():
    # second active latent carries no information: contributes 0 to InfoM, no NaN
    nmi = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    infom, infoc = modularity_compactness(nmi)
    assert infom == pytest.approx(2 / 3)
    assert infoc == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("factors", "latents", "match"),
    [
        (np.zeros((10, 2)), np.zeros((9, 2)), "same number of samples"),
        (np.zeros(10), np.zeros((10, 2)), "2-D"),
        (np.zeros((10, 2)), np.zeros(10), "2-D"),
        (np.c_[np.arange(10), np.arange(10)], np.c_[np.arange(10.0), [np.nan] * 10], "NaN"),
        (np.c_[np.arange(10), np.arange(10)], np.c_[np.arange(10.0), [np.inf] * 10], "inf"),
        (np.c_[np.arange(10.0), [np.nan] * 10], np.zeros((10, 2)), "NaN"),
        (np.c_[np.arange(10), np.ones(10)], np.zeros((10, 2)), "single value"),
        (np.zeros((1, 1)), np.zeros((1, 1)), "at least 2 samples"),
        (np.zeros((3, 5)), np.zeros((3, 2)), "more columns"),
    ],
)
def test_degenerate_inputs_raise(factors, latents, match):
    with pytest.raises(ValueError, match=match):
        infomec(factors, latents)


def test_no_active_latent_warns_and_scores_zero(factors):
    with pytest.warns(UserWarning, match="No active latent"):
        result = infomec(factors[:200], np.ones((200, 3)))
    assert result.infom == 0.0 and result.infoc == 0.0


def test_single_active_latent_warns(factors):
    latents = np.c_[factors[:500, 0], np.zeros(500)]
    with pytest.warns(UserWarning, match="one active latent"):
        result = infomec(factors[:500, :2], latents)
    assert result.infoc == 1.0
    assert 0.0 <= result.infom <= 1.0


def test_single_factor_warns(factors):
    with pytest.warns(UserWarning, match="single factor"):
        result = infomec(factors[:500, :1], factors[:500, :2])
    assert result.infom == 1.0


@pytest.mark.parametrize(
    "case", ["binary", "multiclass", "separable", "one-hot", "one-hot binary"]
)
def test_explicitness_objective_matches_logistic_regression(case):
    # continuous latents: scikit-learn's objective with scikit-learn's L-BFGS-B call, to
    # rounding; one-hot latents: the same objective by sklq's L-BFGS (another path, the
    # same stopping rule), within the tolerance of either
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from sklq.metrics._infomec import _DesignMatrix, _explicitness
    from sklq.metrics._validation import encode_columns

    rng = np.random.default_rng(7)
    n = 600
    n_classes = 2 if case.endswith("binary") else 4
    labels = rng.integers(0, n_classes, n)
    if case == "separable":
        latents = np.c_[labels + 0.1 * rng.normal(size=n), rng.normal(size=n)]
    elif case.startswith("one-hot"):
        latents = np.c_[
            np.where(rng.random(n) < 0.3, rng.integers(0, 4, n), labels),
            rng.integers(0, 3, n),
        ]
    else:
        latents = np.c_[labels + rng.normal(size=n), rng.normal(size=(n, 2))]
    if case.startswith("one-hot"):
        features = OneHotEncoder().fit_transform(latents)
        ours = _explicitness(_DesignMatrix(*encode_columns(latents)), labels, n_classes)
    else:
        features = StandardScaler().fit_transform(latents)
        ours = _explicitness(_DesignMatrix(features), labels, n_classes)
    model = LogisticRegression(
        C=np.inf, tol=1e-4, class_weight="balanced", solver="lbfgs", max_iter=100
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, labels)
    reference = 1 - log_loss(labels, model.predict_proba(features)) / np.log(n_classes)
    # one-hot: the reference's raw 0/1 columns take another path to the same tolerance
    assert ours == pytest.approx(reference, abs=5e-5 if case.startswith("one-hot") else 1e-6)


def test_explicitness_uses_scikit_learns_log_loss_with_its_clipping():
    # InfoE's cross-entropy is log_loss(labels, predict_proba(X)): probabilities clipped to
    # [eps, 1 - eps]; here a saturated fit whose rows of value 2 all have class 0 (p = 1)
    # and a class it excludes (p = 0 exactly, not clipped for the true class)
    from sklearn.metrics import log_loss

    from sklq.metrics._infomec import (
        _DesignMatrix,
        _explicitness_of,
        _fit_logistic,
        _LogisticObjective,
    )
    from sklq.metrics._validation import encode_columns

    factor, latent = _rows(SATURATED_COUNTS)
    for exclude in (False, True):
        objective = _LogisticObjective(_DesignMatrix(*encode_columns(latent[:, None])),
                                       factor, 3, exclude_unseen=exclude)
        x = _fit_logistic(objective)
        proba = objective.predict_proba(x)
        by_sklearn = 1 - log_loss(factor, proba, labels=[0, 1, 2]) / np.log(3)
        assert _explicitness_of(objective, x) == pytest.approx(by_sklearn, abs=1e-12)
    assert np.all(proba[latent == 2, 0] == 1.0)  # clipped to 1 - eps by log_loss


def test_fits_together_match_separate_fits_exactly():
    """The factors' regressions evaluated together (stacked products) end exactly where
    each ends alone (the one-hot products do not mix score rows), every time; an error in
    one objective's evaluation reaches the caller."""
    from sklq.metrics._infomec import (
        _explicitness,
        _fit_together,
        _infoe_design,
        _infoe_per_factor,
        _LogisticObjective,
    )
    from sklq.metrics._validation import check_inputs

    rng = np.random.default_rng(3)
    factors = np.stack([rng.integers(0, k, 2000) for k in (2, 5, 12)], axis=1)
    latents = np.where(rng.random((2000, 3)) < 0.3, rng.integers(0, 8, (2000, 3)), factors)
    checked, values = check_inputs(factors, np.c_[latents, rng.integers(0, 6, 2000)])
    design = _infoe_design(values.values, True)
    separate = [_explicitness(design, checked.codes[:, i], checked.n_classes[i],
                              exclude_unseen=True)
                for i in range(3)]
    together = _infoe_per_factor(checked, values.values, True, None, design)
    np.testing.assert_array_equal(together, separate)
    np.testing.assert_array_equal(together, _infoe_per_factor(checked, values.values, True,
                                                              None, design))

    class Broken(_LogisticObjective):
        def loss_and_residual(self, raw):
            raise RuntimeError("broken objective")

    objectives = [_LogisticObjective(design, checked.codes[:, 0], 2),
                  Broken(design, checked.codes[:, 1], 5)]
    with pytest.raises(RuntimeError, match="broken objective"):
        _fit_together(objectives)


def test_one_hot_products_without_scipys_kernels_agree_exactly(monkeypatch):
    """Without scipy's private kernels (a scipy that moved them) the one-hot products fall
    back to scipy's public ones: the same arithmetic, the same InfoE, bit for bit."""
    from sklq.metrics import _infomec

    rng = np.random.default_rng(4)
    factors = rng.integers(0, 6, (800, 2))
    latents = np.c_[np.where(rng.random((800, 2)) < 0.2, rng.integers(0, 9, (800, 2)),
                             factors), rng.integers(0, 5, 800)].astype(float)
    with_kernels = infomec(factors, latents, adjust_for_chance=True, random_state=0)
    monkeypatch.setattr(_infomec, "csr_matvecs", None)
    monkeypatch.setattr(_infomec, "csc_matvecs", None)
    public = infomec(factors, latents, adjust_for_chance=True, random_state=0)
    np.testing.assert_array_equal(public.infoe_per_factor, with_kernels.infoe_per_factor)
    assert public.unadjusted["infoe"] == with_kernels.unadjusted["infoe"]
    assert public.chance["infoe"] == with_kernels.chance["infoe"]


def test_one_hot_design_products_match_the_standardised_dense_matrix():
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from sklq.metrics._infomec import _DesignMatrix
    from sklq.metrics._validation import encode_columns

    rng = np.random.default_rng(8)
    latents = np.c_[rng.integers(0, 4, 200), rng.integers(0, 7, 200), np.zeros(200)]
    design = _DesignMatrix(*encode_columns(latents))
    dense = StandardScaler().fit_transform(OneHotEncoder().fit_transform(latents).toarray())
    coef = rng.normal(size=(3, design.n_features)).astype(np.float32)
    intercept = rng.normal(size=3).astype(np.float32)
    scores = design.scores(coef, intercept, np.empty((3, 200), np.float32))
    np.testing.assert_allclose(scores, coef @ dense.T + intercept[:, None], atol=1e-4)
    residual = rng.normal(size=(3, 200)).astype(np.float32)
    coef_gradient, intercept_gradient = design.gradient(residual)
    np.testing.assert_allclose(coef_gradient, residual @ dense, atol=1e-4)
    np.testing.assert_allclose(intercept_gradient, residual.sum(axis=1), atol=1e-5)
    # an offset on a raw column reaches exactly the rows where that column is 1
    offset = np.zeros_like(coef)
    offset[1, 2] = -1e4  # latent 0's value 2, class 1
    shifted = design.scores(coef, intercept, np.empty((3, 200), np.float32), offset)
    moved = np.abs(shifted - scores) > 1e3
    np.testing.assert_array_equal(moved[1], latents[:, 0] == 2)
    assert not moved[[0, 2]].any()


# ------------------------------------------------- InfoE: classes a latent value excludes
# one latent, values 0-2, a factor with classes 0-2: rows per (value, class)
SATURATED_COUNTS = np.array([[4, 2, 0],   # value 0 never has class 2
                             [0, 3, 3],   # value 1 never has class 0
                             [2, 0, 0]])  # value 2 always has class 0


def _rows(counts):
    values, classes = np.nonzero(counts)
    repeats = counts[values, classes]
    return np.repeat(classes, repeats), np.repeat(values, repeats).astype(float)


def test_infoe_of_one_latent_is_the_weighted_class_frequencies_per_value():
    # One one-hot latent with an intercept is saturated: the optimum predicts, for each
    # value, the class-weighted frequencies of its rows, p(k | v) = w_k n_vk / sum_k' w_k' n_vk'
    # with the balanced weights w_k = n / (K n_k); classes a value never has get exactly 0.
    factor, latent = _rows(SATURATED_COUNTS)
    n, K = SATURATED_COUNTS.sum(), 3
    weights = n / (K * SATURATED_COUNTS.sum(axis=0))  # 14/18, 14/15, 14/9
    weighted = SATURATED_COUNTS * weights
    p = weighted / weighted.sum(axis=1, keepdims=True)
    # by hand: value 0 -> (0.625, 0.375, 0), value 1 -> (0, 0.375, 0.625), value 2 -> (1, 0, 0)
    np.testing.assert_allclose(p, [[0.625, 0.375, 0], [0, 0.375, 0.625], [1, 0, 0]])
    cross_entropy = -(SATURATED_COUNTS[p > 0] * np.log(p[p > 0])).sum() / n
    expected = 1 - cross_entropy / np.log(K)
    # L-BFGS stops at a gradient of 1e-4: within 1.5e-6 here (4e-5 without the exclusion)
    assert infoe_score(factor[:, None], latent[:, None]) == pytest.approx(expected, abs=5e-6)
    # with a second factor the same regression runs together with the other's
    other = np.arange(n) % 2
    with pytest.warns(UserWarning, match="Only one active latent"):
        per_factor = infomec(np.c_[factor, other], latent[:, None]).infoe_per_factor
    assert per_factor[0] == pytest.approx(expected, abs=5e-6)


def test_excluded_classes_get_probability_zero_and_their_coefficients_stay_zero():
    from sklq.metrics._infomec import (
        _DesignMatrix,
        _fit_logistic,
        _LogisticObjective,
    )
    from sklq.metrics._validation import encode_columns

    factor, latent = _rows(SATURATED_COUNTS)
    design = _DesignMatrix(*encode_columns(latent[:, None]))
    unseen = design.unseen_classes(factor, 3)
    np.testing.assert_array_equal(unseen, SATURATED_COUNTS == 0)  # one latent: its values
    excluded = unseen[latent.astype(int)]  # (row, class)
    objective = _LogisticObjective(design, factor, 3, exclude_unseen=True)
    x = _fit_logistic(objective)
    proba = objective.predict_proba(x)
    assert np.all(proba[excluded] == 0.0)
    assert np.all(proba[~excluded] > 0.0)
    coef = x[:9].reshape(3, 3)  # (class, value)
    assert np.all(coef[(SATURATED_COUNTS == 0).T] == 0.0)
    # two classes: the single score pushed to the row's own class
    binary = (factor == 0).astype(int)  # value 2 rows are all class 1
    objective = _LogisticObjective(design, binary, 2, exclude_unseen=True)
    proba = objective.predict_proba(_fit_logistic(objective))
    np.testing.assert_array_equal(proba[latent == 2], [[0.0, 1.0]] * 2)
    counts = np.array([[np.sum((latent == v) & (binary == k)) for k in (0, 1)]
                       for v in range(3)])
    w = len(binary) / (2 * np.bincount(binary))  # saturated, as above
    expected = counts * w / (counts * w).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, expected[latent.astype(int)], atol=1e-3)  # L-BFGS tol


def test_excluding_unseen_classes_lands_nearer_the_optimum():
    """Many values per latent: the exclusion's InfoE is within 1e-4 of the regression's
    optimum (L-BFGS to a gradient of 1e-10, no exclusion), the plain 100 iterations are
    not as close."""
    from scipy import optimize

    from sklq.metrics._infomec import (
        _explicitness,
        _explicitness_of,
        _infoe_design,
        _LogisticObjective,
    )
    from sklq.metrics._validation import check_inputs

    rng = np.random.default_rng(11)
    factors = np.stack([rng.integers(0, k, 1500) for k in (8, 12)], axis=1)
    latents = np.round(np.c_[2 * factors + rng.normal(0, 1.0, factors.shape),
                             3 * rng.normal(size=(1500, 2))])
    checked, values = check_inputs(factors, latents)
    design = _infoe_design(values.values, True)
    for i, k in enumerate(checked.n_classes):
        labels = checked.codes[:, i]
        objective = _LogisticObjective(design, labels, k)
        optimum = optimize.minimize(
            objective, np.zeros((objective.n_features + 1) * objective.n_scores),
            method="L-BFGS-B", jac=True,
            options={"maxiter": 20_000, "maxls": 50, "gtol": 1e-10, "ftol": 0},
        ).x
        best = _explicitness_of(objective, optimum)
        excluded = _explicitness(design, labels, k, exclude_unseen=True)
        plain = _explicitness(design, labels, k)
        assert abs(excluded - best) <= 1e-4
        assert abs(excluded - best) < abs(plain - best)


# ------------------------------------------------------------ InfoE on the values themselves
def test_infoe_on_values_is_the_continuous_probe_of_the_same_values():
    rng = np.random.default_rng(5)
    factors = rng.integers(0, 5, (600, 2))
    codes = np.c_[np.clip(factors + rng.integers(-1, 2, factors.shape), 0, 4),
                  rng.integers(0, 3, (600, 2))].astype(float)
    values = infoe_score(factors, codes, infoe_features="values")
    # the same standardised columns as the continuous mode, and the reference's there
    assert values == pytest.approx(infoe_score(factors, codes, discrete_latents=False),
                                   abs=1e-12)
    assert values == pytest.approx(infoe_reference(factors, codes, discrete=False), abs=1e-3)
    # in-sample, the one-hot probe (a coefficient per value, not per latent) fits an
    # ordinal code a little better than the values probe
    one_hot = infoe_score(factors, codes)
    assert 0 < one_hot - values < 0.2


def test_infoe_on_values_cannot_read_a_factor_no_threshold_separates():
    # factor 1 at the code values 1 and 2, 0 at 0 and 3: by symmetry the best linear
    # function of the value is a constant, so InfoE is 0 exactly; one-hot reads it all
    code = np.repeat(np.arange(4.0), 50)[:, None]
    inner = ((code == 1) | (code == 2)).astype(int)
    assert infoe_score(inner, code, infoe_features="values") == pytest.approx(0.0, abs=1e-9)
    assert infoe_score(inner, code) > 0.999


def test_infoe_features_leaves_continuous_latents_alone():
    rng = np.random.default_rng(6)
    factors = rng.integers(0, 4, (500, 2))
    latents = np.c_[factors + rng.normal(0, 0.5, factors.shape), rng.normal(size=(500, 1))]
    one_hot = infomec(factors, latents, random_state=0)
    values = infomec(factors, latents, random_state=0, infoe_features="values")
    assert not values.discrete_latents
    assert values.infoe == one_hot.infoe
    assert (one_hot.infoe_features, values.infoe_features) == ("one-hot", "values")


def test_infoe_on_values_adjusted_for_chance():
    rng = np.random.default_rng(7)
    factors = rng.integers(0, 6, (2000, 3))
    noise = rng.integers(0, 10, (2000, 6)).astype(float)
    result = infomec(factors, noise, adjust_for_chance=True, random_state=0,
                     infoe_features="values")
    assert abs(result.infoe) <= 0.05
    assert result.infoe_features == "values"
    ordinal = np.c_[factors, rng.integers(0, 10, (2000, 3))].astype(float)
    assert infomec(factors, ordinal, adjust_for_chance=True, random_state=0,
                   infoe_features="values").infoe > 0.3


@pytest.mark.parametrize("bad", ["onehot", "Values", None, 1])
def test_infoe_features_invalid(bad):
    factors = np.array([[0], [1]] * 10)
    with pytest.raises(ValueError, match=r"infoe_features must be one of .*got"):
        infomec(factors, factors, infoe_features=bad)
    with pytest.raises(ValueError, match=r"infoe_features must be one of .*got"):
        infoe_score(factors, factors, infoe_features=bad)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_discrete_infoe_with_workers_equals_one_worker(backend):
    """n_jobs=2 fits each factor's regression in a worker (the design pickled to worker
    processes, or shared by threads with a scratch buffer each), n_jobs=1 all together:
    the same InfoE, bit for bit, plain and adjusted."""
    from joblib import parallel_backend

    rng = np.random.default_rng(12)
    factors = rng.integers(0, 5, (600, 3))
    latents = np.c_[np.where(rng.random((600, 3)) < 0.3, rng.integers(0, 7, (600, 3)),
                             factors), rng.integers(0, 4, 600)].astype(float)
    for adjust in (False, True):
        alone = infomec(factors, latents, adjust_for_chance=adjust, random_state=0)
        with parallel_backend(backend):
            workers = infomec(factors, latents, adjust_for_chance=adjust, random_state=0,
                              n_jobs=2)
        np.testing.assert_array_equal(workers.infoe_per_factor, alone.infoe_per_factor)
        assert workers.infoe == alone.infoe
