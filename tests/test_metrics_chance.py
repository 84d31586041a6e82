"""Chance-adjusted InfoM, InfoC, InfoE and MIG: null models, hand-computed cases, the
properties the adjustment promises (noise near 0, perfect codes near 1, spare latents and
the scoring mode change little)."""

import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.special import gammaln
from sklearn.metrics import adjusted_mutual_info_score, mutual_info_score

from sklq.metrics import infomec, mig
from sklq.metrics._chance import (
    FAMILY_ALPHA,
    MIN_INFORMATION,
    _expanded_mi_terms,
    adjusted_nmi,
    discrete_null,
    expected_mutual_information,
    per_entry_alpha,
    sampled_null,
    weighted_modularity_compactness,
)
from sklq.metrics._mutual_info import mi_discrete

#: The factor sizes of the built-in datasets: Squares, Sprites (dSprites), Scenes (Shapes3D).
FACTOR_SIZES = {
    "squares": (10, 10, 4, 4),
    "sprites": (3, 6, 40, 32, 32),
    "scenes": (10, 10, 15, 8, 4, 10),
}


def _factors(sizes, n, rng):
    return np.stack([rng.integers(0, k, n) for k in sizes], axis=1)


def _adjusted(factors, latents, discrete, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # documented single-latent cases
        return infomec(factors, latents, discrete_latents=discrete, adjust_for_chance=True,
                       random_state=0, **kwargs)


# ----------------------------------------------------------------------------- null models
def test_expected_mutual_information_by_hand():
    # n = 4, two classes of 2 on each side: every cell count is hypergeometric on {0, 1, 2}
    # with probabilities 1/6, 4/6, 1/6; only n_ab = 2 contributes, 2/4 * log(4 * 2 / 4)
    expected = 4 * (1 / 6) * 0.5 * np.log(2)
    assert expected_mutual_information([2, 2], [2, 2]) == pytest.approx(expected, abs=1e-12)
    assert expected_mutual_information([4], [2, 2]) == 0.0  # one class: MI is exactly 0


@pytest.mark.parametrize("n, r, c", [(40, 3, 4), (320, 10, 10), (2000, 40, 10)])
def test_expected_mutual_information_matches_adjusted_mutual_info(n, r, c):
    rng = np.random.default_rng(n)
    x, y = rng.integers(0, r, n), rng.integers(0, c, n)
    mi = mutual_info_score(x, y)
    h = max(mutual_info_score(x, x), mutual_info_score(y, y))
    ami = adjusted_mutual_info_score(x, y, average_method="max")  # (MI - E) / (h - E)
    emi = (mi - ami * h) / (1 - ami)
    assert expected_mutual_information(np.bincount(x), np.bincount(y)) == pytest.approx(
        emi, rel=1e-8
    )


def test_expected_mutual_information_expansion_of_large_cells():
    # cells expecting >= 20 samples by the expansion: within 1e-4 of the exact sum on
    # tables mixing large and sparse cells; without large cells it is the exact sum
    rng = np.random.default_rng(2)
    for n, r in [(10_000, 15), (10_000, 4), (5_000, 40)]:
        a = np.bincount(rng.integers(0, r, n), minlength=r)
        b = np.bincount(np.clip(np.round(rng.normal(9, 3, n)), 0, 18).astype(int))
        exact = expected_mutual_information(a, b)
        assert expected_mutual_information(a, b, exact_below=20) == pytest.approx(exact,
                                                                                rel=1e-4)
    # one large cell by hand: E[x log(x / mu)] / n for x hypergeometric, mu = 100
    n, a, b = 1000.0, 400.0, 250.0
    x = np.arange(0, 251)
    log_pmf = (gammaln(a + 1) - gammaln(x + 1) - gammaln(a - x + 1) + gammaln(n - a + 1)
               - gammaln(b - x + 1) - gammaln(n - a - b + x + 1) - gammaln(n + 1)
               + gammaln(b + 1) + gammaln(n - b + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(x > 0, x * np.log(x / 100.0), 0.0)
    by_hand = float(np.sum(np.exp(log_pmf) * terms)) / n
    assert _expanded_mi_terms(np.array([a]), np.array([b]), n)[0] == pytest.approx(
        by_hand, rel=1e-3)
    small = [3, 5, 4]  # no cell expects 20 samples: the exact sum
    assert expected_mutual_information(small, small, exact_below=20) == (
        expected_mutual_information(small, small))


@pytest.mark.parametrize("n, r, c", [(320, 10, 10), (320, 4, 10), (1000, 32, 10)])
def test_discrete_threshold_is_calibrated(n, r, c):
    """Under independence the plug-in MI exceeds the threshold at about the nominal rate."""
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, r, n), rng.integers(0, c, n)
    alpha = 0.05
    mean, threshold = discrete_null(x[:, None], [r], y[:, None], [c], alpha)
    draws = np.array([mi_discrete(x, r, rng.permutation(y), c) for _ in range(1500)])
    assert mean[0, 0] == pytest.approx(draws.mean(), rel=0.05)
    assert 0.2 * alpha < np.mean(draws > threshold[0, 0]) < 2 * alpha


def test_sampled_null_is_a_prediction_bound():
    samples = np.array([[0.0, 1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0]])
    mean, threshold = sampled_null(samples, alpha=0.01)
    np.testing.assert_allclose(mean, [1.5, 1.0])
    bound = 1.5 + stats.t.ppf(0.99, 3) * np.std(samples[0], ddof=1) * np.sqrt(1.25)
    np.testing.assert_allclose(threshold, [bound, 1.0])


def test_per_entry_alpha_is_bonferroni():
    assert per_entry_alpha(5, 10) == pytest.approx(FAMILY_ALPHA / 50)


# ------------------------------------------------------------------ adjusted matrix and scores
def test_adjusted_nmi_by_hand():
    mi = np.array([[1.0, 0.55, 0.1], [0.3, 0.0, 2.0]])
    entropies = np.array([1.0, 2.0])
    threshold = np.array([[0.1, 0.1, 0.1], [0.5, 0.5, 2.5]])
    adjusted = adjusted_nmi(mi, entropies, threshold)
    # (1 - 0.1) / (1 - 0.1), (0.55 - 0.1) / 0.9, at the threshold, below it, no room left
    np.testing.assert_allclose(adjusted, [[1.0, 0.5, 0.0], [0.0, 0.0, 0.0]])


def test_weighted_modularity_compactness_by_hand():
    # latent 0 carries 0.6 about factor 0 and 0.2 about factor 1; latent 1 0.4 about factor 1
    adjusted = np.array([[0.6, 0.0, 0.0], [0.2, 0.4, 0.0]])
    infom, infoc, informative = weighted_modularity_compactness(adjusted)
    # modularity: latent 0 (0.75 - 1/2) / (1/2) = 0.5 with weight 0.8, latent 1: 1, weight 0.4
    assert infom == pytest.approx((0.5 * 0.8 + 1.0 * 0.4) / 1.2)
    # compactness over L = 2 informative latents: factor 0 -> 1 (weight 0.6), factor 1:
    # max/sum = 2/3 -> (2/3 - 1/2) / (1/2) = 1/3 (weight 0.6)
    assert infoc == pytest.approx((1.0 * 0.6 + (1 / 3) * 0.6) / 1.2)
    np.testing.assert_array_equal(informative, [True, True, False])


def test_weighted_scores_shrink_when_almost_nothing_is_informative():
    tiny = np.array([[0.01, 0.0], [0.0, 0.0]])  # one entry just above its threshold
    infom, infoc, _ = weighted_modularity_compactness(tiny)
    assert infom == pytest.approx(0.01 / MIN_INFORMATION)
    assert infoc == pytest.approx(0.01 / MIN_INFORMATION)
    assert weighted_modularity_compactness(np.zeros((2, 3)))[:2] == (0.0, 0.0)


# ------------------------------------------------------------------------------ properties
NOISE_CASES = [
    (name, n, discrete)
    for name in FACTOR_SIZES
    for n in (320, 2000, 10_000)
    for discrete in (True, False)
]


@pytest.mark.parametrize("name, n, discrete", NOISE_CASES)
def test_pure_noise_scores_near_zero(name, n, discrete):
    rng = np.random.default_rng(n + len(name))
    sizes = FACTOR_SIZES[name]
    factors = _factors(sizes, n, rng)
    shape = (n, 2 * len(sizes))
    latents = rng.integers(0, 10, shape).astype(float) if discrete else rng.normal(size=shape)
    result = _adjusted(factors, latents, discrete)
    bound = 0.1 if n < 1000 else 0.05
    assert abs(result.infom) <= bound
    assert abs(result.infoc) <= bound
    assert abs(result.infoe) <= bound
    assert abs(mig(factors, latents, adjust_for_chance=True).mig) <= bound
    # the reference definitions are far from 0 on the same latents, and so their chance levels
    if discrete and n == 320:
        assert result.unadjusted["infoe"] > 0.5 and result.chance["infoe"] > 0.5
    if not discrete:
        assert result.unadjusted["infom"] > 0.3 and result.chance["infom"] > 0.3


@pytest.mark.parametrize("name", FACTOR_SIZES)
@pytest.mark.parametrize("n", [320, 2000])
def test_perfect_code_scores_near_one(name, n):
    rng = np.random.default_rng(n)
    factors = _factors(FACTOR_SIZES[name], n, rng)
    code = np.c_[factors, np.zeros_like(factors)].astype(float)  # spare latents constant
    result = _adjusted(factors, code, True)
    assert result.infom >= 0.95 and result.infoc >= 0.95 and result.infoe >= 0.95
    # 20 bins cannot separate Sprites' 32 and 40 positions: with as many bins as values the
    # binned code is exact (that ceiling is the reference MIG's, not the adjustment's)
    n_bins = max(20, max(FACTOR_SIZES[name]))
    assert mig(factors, code, adjust_for_chance=True, n_bins=n_bins).mig >= 0.95
    jittered = code + rng.normal(0, 0.01, code.shape)  # the same code as continuous latents
    continuous = _adjusted(factors, jittered, False)
    assert continuous.infom >= 0.95 and continuous.infoc >= 0.95
    np.testing.assert_array_equal(result.informative_latents, [True] * factors.shape[1]
                                  + [False] * factors.shape[1])


def _noisy_code(factors, rng, replaced=0.3):
    """Factor indices with a share of entries replaced at random."""
    flip = rng.random(factors.shape) < replaced
    return np.where(flip, rng.integers(0, 10, factors.shape), factors).astype(float)


@pytest.mark.parametrize("name", FACTOR_SIZES)
@pytest.mark.parametrize("n", [320, 5000])
def test_spare_latents_and_scoring_mode_change_little(name, n):
    rng = np.random.default_rng(n + 1)
    factors = _factors(FACTOR_SIZES[name], n, rng)
    code = _noisy_code(factors, rng)
    spare = rng.integers(0, 10, code.shape).astype(float)  # independent of every factor
    with_spare = np.c_[code, spare]
    results = {
        "discrete": _adjusted(factors, code, True),
        "discrete + spare": _adjusted(factors, with_spare, True),
        "continuous": _adjusted(factors, code + rng.normal(0, 0.01, code.shape), False),
        "continuous + spare": _adjusted(
            factors, with_spare + rng.normal(0, 0.01, with_spare.shape), False
        ),
    }
    for metric in ("infom", "infoc"):
        values = [getattr(result, metric) for result in results.values()]
        assert max(values) - min(values) <= 0.05, (metric, values)
    # the reference InfoM moves a lot between the same four
    reference = [result.unadjusted["infom"] for result in results.values()]
    assert max(reference) - min(reference) > 0.2


def test_noisy_code_held_out_explicitness_is_below_in_sample():
    rng = np.random.default_rng(3)
    factors = _factors(FACTOR_SIZES["scenes"], 1000, rng)
    latents = np.c_[_noisy_code(factors, rng), rng.integers(0, 10, factors.shape)]
    result = _adjusted(factors, latents, True)
    assert 0.2 < result.infoe < result.unadjusted["infoe"]
    assert np.all(result.infoe_per_factor >= 0) and np.all(result.infoe_per_factor <= 1)


# ----------------------------------------------------------------------- result and inputs
def test_default_is_the_reference_and_unchanged_by_the_option():
    rng = np.random.default_rng(0)
    factors = _factors((3, 4), 400, rng)
    latents = factors + rng.normal(0, 0.5, factors.shape)
    reference = infomec(factors, latents, random_state=0)
    adjusted = infomec(factors, latents, random_state=0, adjust_for_chance=True)
    assert not reference.adjusted_for_chance and reference.chance is None
    assert reference.unadjusted is None and reference.nmi_adjusted is None
    assert adjusted.adjusted_for_chance
    assert adjusted.unadjusted == {"infom": reference.infom, "infoc": reference.infoc,
                                   "infoe": reference.infoe}
    np.testing.assert_array_equal(adjusted.nmi, reference.nmi)
    assert set(adjusted.chance) == {"infom", "infoc", "infoe"}
    assert adjusted.nmi_adjusted.shape == reference.nmi.shape


def test_adjusted_is_reproducible_and_named():
    import pandas as pd

    rng = np.random.default_rng(1)
    factors = pd.DataFrame(_factors((3, 4), 300, rng), columns=["shape", "size"])
    latents = pd.DataFrame(factors.to_numpy() + rng.normal(0, 1, (300, 2)), columns=["a", "b"])
    first = infomec(factors, latents, adjust_for_chance=True, random_state=5)
    second = infomec(factors, latents, adjust_for_chance=True, random_state=5)
    assert (first.infom, first.infoc, first.infoe) == (second.infom, second.infoc,
                                                        second.infoe)
    assert first.chance == second.chance
    assert list(first.nmi_adjusted.index) == ["shape", "size"]
    assert list(first.nmi_adjusted.columns) == ["a", "b"]


@pytest.mark.parametrize("discrete", [True, False])
def test_infoe_score_and_infomec_draw_the_same_folds(discrete):
    # InfoE's shuffle and folds come from a stream of their own, not after the MI's shuffles
    from sklq.metrics import infoe_score

    rng = np.random.default_rng(2)
    factors = _factors((3, 5), 400, rng)
    noise = rng.integers(0, 3, factors.shape) if discrete else rng.normal(0, 1, factors.shape)
    latents = (factors + noise).astype(float)
    for seed in (0, 7):
        together = infomec(factors, latents, adjust_for_chance=True, random_state=seed)
        alone = infoe_score(factors, latents, adjust_for_chance=True, random_state=seed)
        assert alone == together.infoe


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_adjust_for_chance_must_be_boolean(value):
    factors = np.array([[0], [1]] * 10)
    with pytest.raises(ValueError, match="adjust_for_chance must be True or False"):
        infomec(factors, factors.astype(float), adjust_for_chance=value)
    with pytest.raises(ValueError, match="adjust_for_chance must be True or False"):
        mig(factors, np.c_[factors, factors].astype(float), adjust_for_chance=value)


def test_mig_result_carries_reference_and_chance():
    rng = np.random.default_rng(2)
    factors = _factors((4, 4), 1000, rng)
    latents = np.c_[factors + rng.normal(0, 0.3, factors.shape), rng.normal(size=(1000, 2))]
    result = mig(factors, latents, adjust_for_chance=True, random_state=0)
    reference = mig(factors, latents)
    assert result.unadjusted == reference.mig and not reference.adjusted_for_chance
    assert 0 <= result.chance < 0.1 < result.mig
    np.testing.assert_array_equal(result.mi, reference.mi)
