"""sklq's L-BFGS for InfoE's one-hot regressions (sklq.metrics._lbfgs)."""

import numpy as np
import pytest
from scipy import optimize

from sklq.metrics._lbfgs import lbfgs, minimise_together


def _run(function, x0, **options):
    """Drive one :func:`lbfgs` run; return its end point and number of evaluations."""
    options = {"max_iter": 100, "gtol": 1e-9, "ftol": 0.0, **options}
    run = lbfgs(x0, **options)
    x, evaluations = next(run), 0
    try:
        while True:
            evaluations += 1
            x = run.send(function(x))
    except StopIteration as stop:
        return stop.value, evaluations


def _logistic_problem():
    """A binomial logistic loss (mean over 300 rows, 4 features and an intercept)."""
    rng = np.random.default_rng(0)
    features = np.c_[rng.normal(size=(300, 4)), np.ones(300)]
    labels = (features[:, 0] - features[:, 1] + rng.logistic(size=300) > 0).astype(float)

    def function(w):
        score = features @ w
        value = np.mean(np.logaddexp(0.0, score) - labels * score)
        return value, features.T @ (1.0 / (1.0 + np.exp(-score)) - labels) / len(labels)

    return function


def test_reaches_scipys_optimum_of_a_logistic_regression():
    function = _logistic_problem()
    ours, _ = _run(function, np.zeros(5))
    best = optimize.minimize(function, np.zeros(5), jac=True, method="L-BFGS-B",
                             options={"gtol": 1e-12, "ftol": 0.0, "maxiter": 1000}).x
    np.testing.assert_allclose(ours, best, atol=1e-7)
    assert np.max(np.abs(function(ours)[1])) <= 1e-9


def test_a_quadratic_by_hand():
    # f = (x - 3)^2 / 2 + 2 (y + 1)^2: minimum at (3, -1), reached to the gradient tolerance
    def function(x):
        return 0.5 * (x[0] - 3) ** 2 + 2 * (x[1] + 1) ** 2, np.array([x[0] - 3, 4 * (x[1] + 1)])

    x, _ = _run(function, np.zeros(2), gtol=1e-10)
    np.testing.assert_allclose(x, [3.0, -1.0], atol=1e-10)


def test_stops_at_max_iter_and_where_the_callback_says():
    function = _logistic_problem()
    seen = []
    _run(function, np.zeros(5), max_iter=3, callback=lambda result: seen.append(result.x))
    assert len(seen) == 3  # one callback per iteration, three iterations

    def stop_at_second(result):
        seen.append(result.fun)
        if len(seen) == 2:
            raise StopIteration

    seen.clear()
    x, _ = _run(function, np.zeros(5), callback=stop_at_second)
    assert len(seen) == 2 and function(x)[0] == seen[-1]  # ends at the second iterate


def test_starting_at_the_optimum_takes_one_evaluation():
    x, evaluations = _run(lambda x: (float(x @ x), 2 * x), np.zeros(3), gtol=1e-4)
    assert evaluations == 1 and np.all(x == 0)


def test_backtracks_from_non_finite_values():
    # infinite outside |x| < 1: the first trial (a unit step from 0.9) lands outside
    def function(x):
        if abs(x[0]) >= 1:
            return np.inf, np.array([np.nan])
        return float((x[0] + 0.5) ** 2), np.array([2 * (x[0] + 0.5)])

    x, _ = _run(function, np.array([0.9]))
    assert x[0] == pytest.approx(-0.5, abs=1e-9)


def test_relative_decrease_rule_ends_a_flat_run():
    # ftol: a decrease of at most ftol * max(|f|, 1) ends the run (here at once)
    function = _logistic_problem()
    _, loose = _run(function, np.zeros(5), ftol=1.0)
    _, tight = _run(function, np.zeros(5))
    assert loose < tight


def test_problems_run_together_end_as_alone_whatever_their_order():
    scales = [np.array([1.0, 5.0, 0.5]), np.array([2.0]), np.array([3.0, 0.1])]
    rounds = []

    def evaluate(keys, points):
        rounds.append(list(keys))
        return [(0.5 * float(np.sum(scales[k] * (x - k) ** 2)), scales[k] * (x - k))
                for k, x in zip(keys, points, strict=True)]

    options = {"max_iter": 100, "gtol": 1e-10, "ftol": 0.0}
    starts = [np.zeros(len(s)) for s in scales]
    together = minimise_together(evaluate, starts, [options] * 3)
    for k, x in enumerate(together):
        alone, _ = _run(lambda x, k=k: evaluate([k], [x])[0], starts[k], **options)
        np.testing.assert_array_equal(x, alone)
        np.testing.assert_allclose(x, k, atol=1e-9)
    assert len(rounds[0]) == 3 and len(rounds[-1]) == 1  # finished problems drop out
    reordered = minimise_together(lambda keys, points: evaluate([2 - k for k in keys], points),
                                  starts[::-1], [options] * 3)
    for x, y in zip(reordered[::-1], together, strict=True):
        np.testing.assert_array_equal(x, y)
