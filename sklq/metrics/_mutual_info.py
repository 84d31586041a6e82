"""Mutual information estimators vectorised for a whole (factors x latents) matrix.

* Discrete latents: the plug-in estimate, identical to ``sklearn.metrics.mutual_info_score``
  (contingency counts by ``np.bincount``).
* Continuous latents: the Ross (2014) nearest-neighbour estimator of
  ``sklearn.feature_selection.mutual_info_classif`` for one continuous feature and a discrete
  target, computed on sorted 1-D values instead of KD-trees (see :func:`mi_continuous_discrete`).
"""

import numpy as np
from scipy.special import digamma
from sklearn.preprocessing import StandardScaler, scale
from sklearn.utils import check_random_state

#: Relative size of the noise that ``mutual_info_classif`` adds to continuous features.
JITTER_SCALE = 1e-10


def entropy_from_codes(codes, n_values):
    """Plug-in entropy (nats) of integer codes ``0 .. n_values - 1``.

    Equals ``mutual_info_score(codes, codes)``.
    """
    counts = np.bincount(codes, minlength=n_values).astype(np.float64)
    counts = counts[counts > 0]
    n = counts.sum()
    return float(np.log(n) - np.dot(counts, np.log(counts)) / n)


def factor_entropies(factors):
    """Plug-in entropy (nats) of every column of label-encoded ``Factors``."""
    return np.array(
        [entropy_from_codes(factors.codes[:, i], k) for i, k in enumerate(factors.n_classes)]
    )


def mi_discrete(x_codes, x_n_values, y_codes, y_n_values):
    """Plug-in mutual information (nats) of two integer-coded variables.

    Same value as ``sklearn.metrics.mutual_info_score(x, y)``:
    ``sum_ab p(a, b) log(p(a, b) / (p(a) p(b)))``, clipped at 0.
    """
    n = x_codes.shape[0]
    joint = np.bincount(x_codes * y_n_values + y_codes, minlength=x_n_values * y_n_values)
    joint = joint.reshape(x_n_values, y_n_values)
    row = joint.sum(axis=1)
    col = joint.sum(axis=0)
    nonzero_rows, nonzero_cols = np.nonzero(joint)
    counts = joint[nonzero_rows, nonzero_cols].astype(np.float64)
    # log(n * n_ab / (n_a * n_b)) written as sums of logs, as sklearn does
    outer = row[nonzero_rows].astype(np.float64) * col[nonzero_cols].astype(np.float64)
    mi = np.sum(counts / n * (np.log(counts) - np.log(outer) + np.log(n)))
    return max(float(mi), 0.0)


def mi_matrix_discrete(factor_codes, factor_n_classes, latent_codes, latent_n_values):
    """Plug-in MI matrix (nats), shape ``(n_factors, n_latents)``."""
    n_factors, n_latents = factor_codes.shape[1], latent_codes.shape[1]
    mi = np.empty((n_factors, n_latents))
    for i in range(n_factors):
        for j in range(n_latents):
            mi[i, j] = mi_discrete(
                factor_codes[:, i], factor_n_classes[i], latent_codes[:, j], latent_n_values[j]
            )
    return mi


def prepare_continuous(latents, random_state=None, jitter=True):
    """Standardise latents and add the jitter ``mutual_info_classif`` adds.

    Reproduces what the reference InfoMEC feeds to the kNN estimator: each column is
    ``StandardScaler``-ed, then (inside ``mutual_info_classif``) divided by its standard
    deviation again (``scale(with_mean=False)``) and perturbed by
    ``1e-10 * max(1, mean|x|) * N(0, 1)`` noise, drawn as one ``(n_samples, n_latents)``
    matrix from ``check_random_state(random_state)``. With the same integer ``random_state``
    the noise equals that of ``mutual_info_classif(X, y, random_state=random_state)`` on the
    whole standardised matrix, for every factor ``y``. ``None`` draws it from a fresh
    ``np.random.default_rng()`` (never numpy's global RNG).
    """
    values = StandardScaler().fit_transform(latents)
    values = scale(values, with_mean=False)
    if jitter:
        rng = np.random.default_rng() if random_state is None else check_random_state(
            random_state
        )
        means = np.maximum(1.0, np.mean(np.abs(values), axis=0))
        values += JITTER_SCALE * means * rng.standard_normal(size=values.shape)
    return values


def _runs_of_equal_values(sorted_values):
    """Per index of a sorted array, the first index of its run of equal values and one past
    the last: ``searchsorted(v, v[i], "left")`` and ``searchsorted(v, v[i], "right")``."""
    n = sorted_values.shape[0]
    index = np.arange(n)
    starts_run = np.ones(n, dtype=bool)
    starts_run[1:] = sorted_values[1:] != sorted_values[:-1]
    run_start = np.maximum.accumulate(np.where(starts_run, index, 0))
    ends_run = np.ones(n, dtype=bool)
    ends_run[:-1] = starts_run[1:]
    run_end = np.minimum.accumulate(np.where(ends_run, index + 1, n)[::-1])[::-1]
    return run_start, run_end


def _search_boundaries(sorted_values, centres, radius, runs=None):
    """Index range ``[lo, hi)`` of ``sorted_values`` with ``|v - centre| <= radius``.

    The distance is evaluated as the rounded difference ``fl(v - centre)``, exactly as a
    1-D KD-tree computes it. ``searchsorted`` on ``centre +- radius`` can be off by one run of
    equal values because ``centre + radius`` is rounded too; the loops move the few wrong
    boundaries to the exact ones, a whole run of equal values at a time (a look-up in
    ``runs``, the :func:`_runs_of_equal_values` of ``sorted_values``, computed when None).
    """
    n = sorted_values.shape[0]
    run_start, run_end = _runs_of_equal_values(sorted_values) if runs is None else runs
    lo = np.searchsorted(sorted_values, centres - radius, side="left")
    hi = np.searchsorted(sorted_values, centres + radius, side="right")
    while True:  # lo must be the first index with centre - v <= radius
        prev = np.maximum(lo - 1, 0)
        here = np.minimum(lo, n - 1)
        left = np.flatnonzero((lo > 0) & (centres - sorted_values[prev] <= radius))
        right = np.flatnonzero((lo < n) & (centres - sorted_values[here] > radius))
        if not (left.size or right.size):
            break
        lo[left] = run_start[prev[left]]
        lo[right] = run_end[here[right]]
    while True:  # hi must be one past the last index with v - centre <= radius
        here = np.minimum(hi, n - 1)
        prev = np.maximum(hi - 1, 0)
        right = np.flatnonzero((hi < n) & (sorted_values[here] - centres <= radius))
        left = np.flatnonzero((hi > 0) & (sorted_values[prev] - centres > radius))
        if not (left.size or right.size):
            break
        hi[right] = run_end[here[right]]
        hi[left] = run_start[prev[left]]
    return lo, hi


def _kth_neighbour_distance(values, labels, class_counts, n_neighbors):
    """Per point, the distance to its k-th nearest neighbour within its own class.

    ``values`` must be sorted by ``(label, value)``; ``k = min(n_neighbors, count - 1)`` for a
    class of ``count`` points. In 1-D the neighbours of the point at sorted position ``p`` are
    its ``a`` nearest on the left and ``k - a`` nearest on the right for some ``a``, so with
    ``L_a`` (``R_b``) the distance to the a-th left (b-th right) neighbour of the same class
    (``L_0 = R_0 = 0``, infinity past the class's ends) the k-th smallest distance is
    ``min_a max(L_a, R_(k-a))``.
    """
    n = values.shape[0]
    k = np.minimum(n_neighbors, class_counts[labels] - 1)
    width = int(k.max())
    # right[b, i]: distance to the b-th right neighbour of the same class (inf past the
    # class's end). The b-th left neighbour of i is the point i - b, whose b-th right
    # neighbour is i, so the left distances are right[b] shifted: L_b[i] = right[b, i - b].
    right = np.full((width + 1, n), np.inf)
    right[0] = 0.0
    for offset in range(1, width + 1):
        gap = right[offset, :-offset]
        np.subtract(values[offset:], values[:-offset], out=gap)
        gap[labels[offset:] != labels[:-offset]] = np.inf
    if k.min() == width:  # every class has more than n_neighbors points: one k
        kth = right[width].copy()  # a = 0: max(L_0, R_k) = R_k
        candidate = np.empty(n)
        for a in range(1, width + 1):  # L_a is infinite for the first a points
            np.maximum(right[a, : n - a], right[width - a, a:], out=candidate[a:])
            np.minimum(kth[a:], candidate[a:], out=kth[a:])
        return kth, k
    left = np.full((width + 1, n), np.inf)
    for a in range(width + 1):
        left[a, a:] = right[a, : n - a]
    kth = np.empty(n)
    for k_value in np.unique(k):
        rows = np.flatnonzero(k == k_value) if k_value != width else None
        best = None
        for a in range(k_value + 1):
            if rows is None:
                candidate = np.maximum(left[a], right[k_value - a])
            else:
                candidate = np.maximum(left[a, rows], right[k_value - a, rows])
            best = candidate if best is None else np.minimum(best, candidate)
        if rows is None:
            kth[k == k_value] = best[k == k_value]
        else:
            kth[rows] = best
    return kth, k


def mi_continuous_discrete(
    values, sort_index, labels, n_classes, n_neighbors=10, runs=None, clip=True
):
    """Nearest-neighbour MI (nats) between one continuous variable and one discrete label.

    Same definition as scikit-learn's ``_compute_mi_cd`` (Ross 2014), used by
    ``mutual_info_classif(..., discrete_features=False)``:

    * for each class with ``count > 1`` points, ``k = min(n_neighbors, count - 1)`` and
      ``d`` = distance to the k-th nearest neighbour of the same class;
    * points whose class has a single sample are dropped (``N`` counts the rest);
    * ``m`` = number of kept points, of any class, at distance ``<= nextafter(d, 0)`` (that is,
      strictly closer than ``d``), the point itself included;
    * ``MI = psi(N) + mean psi(k) - mean psi(count) - mean psi(m)``, clipped at 0.

    The 1-D case needs no tree: the points are sorted once (``sort_index``), neighbours
    within a class are adjacent after a stable sort by label, and ``m`` comes from two binary
    searches per point. Distances are the rounded differences a KD-tree computes, so the
    counts agree with scikit-learn's exactly whenever it uses a KD-tree. For classes of
    fewer than ``2 * n_neighbors + 2`` points scikit-learn switches to a brute-force search
    whose distances (``|x|^2 - 2xy + |y|^2``) carry rounding errors that can put the k-th
    neighbour itself inside the radius; this moved scikit-learn's estimate by up to about
    1e-5 nats in our tests (sklq follows the exact definition).

    ``runs`` may pass the :func:`_runs_of_equal_values` of ``values[sort_index]``, shared by
    the factors of one latent. Returns 0 when every class has a single sample. ``clip=False``
    returns the estimate before clipping at 0 (the chance adjustment needs its null
    distribution, which the clipping would turn into a point mass at 0).
    """
    class_counts = np.bincount(labels, minlength=n_classes)
    sorted_values = values[sort_index]
    sorted_labels = labels[sort_index]
    if class_counts.min(initial=2, where=class_counts > 0) < 2:
        kept = class_counts[sorted_labels] > 1
        if not kept.any():
            return 0.0
        sorted_values = sorted_values[kept]
        sorted_labels = sorted_labels[kept]
        runs = None  # were computed for all the points
    # a stable sort of small integers is a radix sort in numpy
    small = sorted_labels.astype(np.int16) if n_classes < 2**15 else sorted_labels
    by_class = np.argsort(small, kind="stable")
    class_values = sorted_values[by_class]
    class_labels = sorted_labels[by_class]
    kth, k = _kth_neighbour_distance(class_values, class_labels, class_counts, n_neighbors)
    # query in value order (sorted keys make the binary searches cache-friendly)
    radius = np.empty_like(kth)
    radius[by_class] = np.nextafter(kth, 0)
    lo, hi = _search_boundaries(sorted_values, sorted_values, radius, runs)
    m = hi - lo
    n_kept = class_values.shape[0]
    # digamma of integers 1 .. n_kept by table look-up (the same values, computed once);
    # the per-point means of psi(k) and psi(count) are weighted sums over the classes
    table = _digamma_table(n_kept)
    counts = class_counts[class_counts > 1]  # the kept classes
    mi = (
        table[n_kept]
        + np.dot(counts, table[np.minimum(n_neighbors, counts - 1)]) / n_kept
        - np.dot(counts, table[counts]) / n_kept
        - np.mean(table[m])
    )
    return max(float(mi), 0.0) if clip else float(mi)


_DIGAMMA = np.empty(0)


def _digamma_table(n):
    """``digamma(i)`` for ``i = 0 .. n`` (entry 0 unused), cached and grown on demand."""
    global _DIGAMMA
    if _DIGAMMA.shape[0] <= n:
        _DIGAMMA = digamma(np.arange(max(n + 1, 2 * _DIGAMMA.shape[0]), dtype=np.float64))
    return _DIGAMMA


def mi_matrix_continuous(factor_codes, factor_n_classes, values, n_neighbors=10, clip=True):
    """kNN MI matrix (nats), shape ``(n_factors, n_latents)``, on prepared latent values.

    ``clip=False`` keeps the estimates below 0 (see :func:`mi_continuous_discrete`).
    """
    n_factors, n_latents = factor_codes.shape[1], values.shape[1]
    mi = np.empty((n_factors, n_latents))
    for j in range(n_latents):
        column = values[:, j]
        sort_index = np.argsort(column, kind="stable")
        runs = _runs_of_equal_values(column[sort_index])
        for i in range(n_factors):
            mi[i, j] = mi_continuous_discrete(
                column, sort_index, factor_codes[:, i], factor_n_classes[i], n_neighbors, runs,
                clip,
            )
    return mi
