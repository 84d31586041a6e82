"""L-BFGS for InfoE's one-hot regressions, several problems evaluated together.

scipy's ``L-BFGS-B`` drives the function evaluations itself, one problem at a time. InfoE
fits one logistic regression per factor on one shared design matrix, and its evaluations
are cheapest when the factors' score products are stacked into one call. Here each
problem's L-BFGS is a generator that yields the points it wants evaluated, so a single
thread can evaluate the pending points of every problem still running together, round
after round (:func:`minimise_together`).
"""

import numpy as np
from scipy.optimize import OptimizeResult

#: Correction pairs kept (scipy's and scikit-learn's ``maxcor`` default).
MEMORY = 10
#: Sufficient decrease of the backtracking line search: ``f(x + t d) <= f(x) + c t g.d``.
ARMIJO = 1e-4
#: Trial steps per line search before the run ends where it is.
MAX_STEPS = 20


def lbfgs(x0, *, max_iter, gtol, ftol, callback=None):
    """Minimise a smooth convex function from ``x0`` by L-BFGS, as a generator.

    The generator yields the points to evaluate and is sent ``(f, g)``, the value and
    gradient there; its return value (``StopIteration.value``) is the last accepted point.
    The stopping rules are those of scipy's ``L-BFGS-B`` without bounds, as scikit-learn
    calls it: the largest gradient entry at most ``gtol``, ``max_iter`` iterations, or a
    relative decrease ``(f_k - f_k+1) / max(|f_k|, |f_k+1|, 1)`` of at most ``ftol``. The
    line search is a backtracking one (sufficient decrease :data:`ARMIJO`, safeguarded
    quadratic interpolation); convexity keeps every correction pair's curvature
    ``s . y`` non-negative, so no curvature condition is needed. The first iteration tries
    a step of unit length along ``-g``, as scipy's does, later ones the two-loop
    recursion's direction scaled by the newest pair, step 1 first. After each iteration
    ``callback(OptimizeResult(x=..., fun=...))`` is called; raising ``StopIteration`` ends
    the run there.

    Examples
    --------
    >>> import numpy as np
    >>> scales = np.array([1.0, 10.0])
    >>> run = lbfgs(np.ones(2), max_iter=100, gtol=1e-8, ftol=0.0)
    >>> x = next(run)
    >>> try:
    ...     while True:
    ...         x = run.send((0.5 * np.sum(scales * x**2), scales * x))
    ... except StopIteration as stop:
    ...     x = stop.value
    >>> bool(np.allclose(x, 0.0, atol=1e-8))
    True
    """
    x = np.array(x0, dtype=np.float64)
    f, g = yield x
    pairs = []  # (s, y, 1 / s.y), oldest first
    if np.max(np.abs(g), initial=0.0) <= gtol:
        return x
    for _ in range(max_iter):
        direction, step = _direction(g, pairs), 1.0
        if direction is None:  # the first iteration: a unit step along -g, as scipy's
            direction, step = -g, 1.0 / np.linalg.norm(g)
        slope = float(np.dot(g, direction))
        if slope >= 0:  # lost to rounding: start again from steepest descent
            pairs.clear()
            direction, step, slope = -g, 1.0 / np.linalg.norm(g), -float(np.dot(g, g))
        for _ in range(MAX_STEPS):
            trial = x + step * direction
            f_trial, g_trial = yield trial
            if np.isfinite(f_trial) and f_trial <= f + ARMIJO * step * slope:
                break
            step = _backtrack(step, slope, f, f_trial)
        else:
            return x  # no decrease left within the precision of the evaluations
        s, y = trial - x, g_trial - g
        curvature = float(np.dot(s, y))
        if curvature > 1e-10 * float(np.dot(y, y)):
            pairs.append((s, y, 1.0 / curvature))
            del pairs[:-MEMORY]
        decrease = f - f_trial
        x, f, g = trial, f_trial, g_trial
        if callback is not None:
            try:
                callback(OptimizeResult(x=x, fun=f))
            except StopIteration:
                return x
        if np.max(np.abs(g)) <= gtol or decrease <= ftol * max(abs(f + decrease), abs(f), 1.0):
            return x
    return x


def _direction(g, pairs):
    """The two-loop recursion: ``-H g`` for the L-BFGS inverse Hessian ``H`` of ``pairs``,
    or None without pairs."""
    if not pairs:
        return None
    q = g.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        alpha = rho * float(np.dot(s, q))
        q -= alpha * y
        alphas.append(alpha)
    s, y, rho = pairs[-1]
    q *= 1.0 / (rho * float(np.dot(y, y)))  # s.y / y.y
    for (s, y, rho), alpha in zip(pairs, reversed(alphas), strict=True):
        q += (alpha - rho * float(np.dot(y, q))) * s
    return -q


def _backtrack(step, slope, f, f_trial):
    """The next trial step: the minimum of the quadratic through ``f``, the slope and
    ``f_trial``, kept within [0.1, 0.5] of ``step`` (half when ``f_trial`` is not finite)."""
    if not np.isfinite(f_trial):
        return 0.5 * step
    curvature = 2.0 * (f_trial - f - slope * step)
    guess = -slope * step * step / curvature if curvature > 0 else 0.5 * step
    return min(max(guess, 0.1 * step), 0.5 * step)


def minimise_together(evaluate, starts, runs_kwargs):
    """Run :func:`lbfgs` for several problems, evaluating each round's points in one call.

    ``evaluate(keys, points)`` returns the ``(f, g)`` of problem ``keys[i]`` at
    ``points[i]``, for the problems still running (in order). ``starts`` are the starting
    points and ``runs_kwargs`` the keyword arguments of each problem's :func:`lbfgs`.
    Returns the final points, in order. Every round holds one point of every problem still
    running, so the results do not depend on how the problems are grouped.

    Examples
    --------
    >>> import numpy as np
    >>> scales = [np.array([1.0, 4.0]), np.array([2.0])]
    >>> def evaluate(keys, points):
    ...     return [(0.5 * np.sum(scales[k] * x**2), scales[k] * x)
    ...             for k, x in zip(keys, points)]
    >>> options = {"max_iter": 100, "gtol": 1e-9, "ftol": 0.0}
    >>> ends = minimise_together(evaluate, [np.ones(2), np.ones(1)], [options] * 2)
    >>> [bool(np.allclose(x, 0.0, atol=1e-9)) for x in ends]
    [True, True]
    """
    runs = [lbfgs(x0, **kwargs) for x0, kwargs in zip(starts, runs_kwargs, strict=True)]
    ends = [None] * len(runs)
    pending = {k: next(run) for k, run in enumerate(runs)}
    while pending:
        keys = list(pending)
        values = evaluate(keys, [pending[k] for k in keys])
        for k, value in zip(keys, values, strict=True):
            try:
                pending[k] = runs[k].send(value)
            except StopIteration as stop:
                ends[k] = stop.value
                del pending[k]
    return ends
