"""Property tests: bounded, finite, invariant to latent order and factor relabelling."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklq.metrics import dci, infomec, mig_score


@st.composite
def problems(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    n_samples = draw(st.integers(20, 80))
    n_factors = draw(st.integers(1, 3))
    n_latents = draw(st.integers(2, 4))
    discrete = draw(st.booleans())
    rng = np.random.default_rng(seed)
    factors = rng.integers(0, draw(st.integers(2, 4)), size=(n_samples, n_factors))
    factors[:2] = [[0] * n_factors, [1] * n_factors]  # every factor takes >= 2 values
    if discrete:
        latents = rng.integers(0, 3, size=(n_samples, n_latents))
    else:
        latents = rng.normal(size=(n_samples, n_latents)) * draw(st.floats(1e-3, 1e3))
        latents[:, 0] += factors[:, 0]
    return factors, latents, rng


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # documented single-factor/latent cases
        return function(*args, **kwargs)


@SETTINGS
@given(problems())
def test_infomec_bounded_and_invariant(problem):
    factors, latents, rng = problem
    result = _quiet(infomec, factors, latents, random_state=0)
    values = np.array([result.infom, result.infoc, result.infoe])
    assert np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1))
    assert np.all(np.isfinite(result.nmi)) and np.all(np.asarray(result.nmi) >= 0)
    order = rng.permutation(latents.shape[1])
    permuted = _quiet(infomec, factors, latents[:, order], random_state=0)
    if result.discrete_latents:  # no jitter: exact invariance of the MI parts
        np.testing.assert_allclose(permuted.nmi, np.asarray(result.nmi)[:, order], atol=1e-12)
        assert abs(permuted.infom - result.infom) < 1e-12
        assert abs(permuted.infoc - result.infoc) < 1e-12
    assert abs(permuted.infoe - result.infoe) < 1e-3
    relabelled = _quiet(infomec, 7 - 3 * factors, latents, random_state=0)
    np.testing.assert_allclose(relabelled.nmi, result.nmi, atol=1e-12)
    assert abs(relabelled.infoe - result.infoe) < 1e-3


@SETTINGS
@given(problems())
def test_mig_bounded_and_invariant(problem):
    factors, latents, rng = problem
    value = mig_score(factors, latents)
    assert np.isfinite(value) and 0.0 <= value <= 1.0
    order = rng.permutation(latents.shape[1])
    assert abs(mig_score(factors, latents[:, order]) - value) < 1e-12
    assert abs(mig_score(factors.astype(str), latents) - value) < 1e-12


@settings(max_examples=6, deadline=None)
@given(problems())
def test_dci_bounded(problem):
    factors, latents, _ = problem
    try:
        result = _quiet(dci, factors, latents, importance="hist", random_state=0)
    except ValueError as error:  # documented: a factor constant in the training split
        assert "training split" in str(error)
        return
    values = [result.disentanglement, result.completeness, result.informativeness]
    assert all(np.isfinite(v) and 0.0 <= v <= 1.0 for v in values)


def test_random_state_none_leaves_the_global_rng_alone():
    rng = np.random.default_rng(0)
    factors = rng.integers(0, 3, size=(300, 2))
    continuous = factors + rng.normal(size=(300, 2))
    np.random.seed(123)  # noqa: NPY002 (the global RNG is what is checked)
    state = np.random.get_state()  # noqa: NPY002
    infomec(factors, continuous, random_state=None)
    dci(factors[:200], continuous[:200], random_state=None)
    dci(factors[:200], continuous[:200], importance="hist", random_state=None)
    after = np.random.get_state()  # noqa: NPY002
    assert state[0] == after[0]
    np.testing.assert_array_equal(state[1], after[1])
    assert state[2:] == after[2:]
