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


def _search_boundaries(sorted_values, centres, radius):
    """Index range ``[lo, hi)`` of ``sorted_values`` with ``|v - centre| <= radius``.

    The distance is evaluated as the rounded difference ``fl(v - centre)``, exactly as a
    1-D KD-tree computes it. ``searchsorted`` on ``centre +- radius`` can be off by one run of
    equal values because ``centre + radius`` is rounded too; the loops move the few wrong
    boundaries to the exact ones, a whole run of equal values at a time.
    """
    n = sorted_values.shape[0]
    lo = np.searchsorted(sorted_values, centres - radius, side="left")
    hi = np.searchsorted(sorted_values, centres + radius, side="right")
    while True:  # lo must be the first index with centre - v <= radius
        prev = np.maximum(lo - 1, 0)
        here = np.minimum(lo, n - 1)
        left = np.flatnonzero((lo > 0) & (centres - sorted_values[prev] <= radius))
        right = np.flatnonzero((lo < n) & (centres - sorted_values[here] > radius))
        if not (left.size or right.size):
            break
        lo[left] = np.searchsorted(sorted_values, sorted_values[prev[left]], side="left")
        lo[right] = np.searchsorted(sorted_values, sorted_values[here[right]], side="right")
    while True:  # hi must be one past the last index with v - centre <= radius
        here = np.minimum(hi, n - 1)
        prev = np.maximum(hi - 1, 0)
        right = np.flatnonzero((hi < n) & (sorted_values[here] - centres <= radius))
        left = np.flatnonzero((hi > 0) & (sorted_values[prev] - centres > radius))
        if not (left.size or right.size):
            break
        hi[right] = np.searchsorted(sorted_values, sorted_values[here[right]], side="right")
        hi[left] = np.searchsorted(sorted_values, sorted_values[prev[left]], side="left")
    return lo, hi


def _kth_neighbour_distance(values, labels, class_counts, n_neighbors):
    """Per point, the distance to its k-th nearest neighbour within its own class.

    ``values`` must be sorted by ``(label, value)``; ``k = min(n_neighbors, count - 1)`` for a
    class of ``count`` points. In 1-D the k nearest neighbours of the point at sorted position
    ``p`` are the other points of a window ``p - a .. p - a + k`` of its class for some ``a``,
    so with ``L_a = x_p - x_(p-a)`` (increasing in ``a``) and ``R_b = x_(p+b) - x_p``
    (``R_(k-a)`` decreasing in ``a``) the k-th smallest distance is
    ``min_a max(L_a, R_(k-a))``, over the ``a`` whose window lies inside the class. The
    minimum sits where ``L_a - R_(k-a)`` changes sign: with ``a*`` the first ``a`` with
    ``L_a >= R_(k-a)``, it is ``min(L_(a*), R_(k-a*+1))``, found by a binary search over ``a``
    for all points at once (the same rounded differences, so the same value).
    """
    n = values.shape[0]
    counts = class_counts[labels]
    k = np.minimum(n_neighbors, counts - 1)
    # the class of each point occupies positions first .. first + count - 1
    boundaries = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    first = np.repeat(boundaries, np.diff(np.r_[boundaries, n]))
    position = np.arange(n)
    before = position - first  # points of the class on the left
    low = np.maximum(0, k - (counts - 1 - before))  # smallest a whose window fits
    high = np.minimum(k, before) + 1  # one past the largest
    # binary search for a*: the first a in [low, high) with L_a >= R_(k-a), else high
    lo, hi = low.copy(), high.copy()
    while True:
        active = np.flatnonzero(lo < hi)
        if not active.size:
            break
        p = position[active]
        mid = (lo[active] + hi[active]) // 2
        left = values[p] - values[p - mid]
        right = values[p + k[active] - mid] - values[p]
        crossed = left >= right
        hi[active[crossed]] = mid[crossed]
        lo[active[~crossed]] = mid[~crossed] + 1
    a = lo
    kth = np.full(n, np.inf)
    inside = a < high  # L_(a*) exists
    kth[inside] = values[inside] - values[position[inside] - a[inside]]
    after = a > low  # R_(k-a*+1) exists
    right = values[np.minimum(position + k - a + 1, n - 1)] - values
    kth[after] = np.minimum(kth[after], right[after])
    return kth, k


def mi_continuous_discrete(values, sort_index, labels, n_classes, n_neighbors=10):
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

    Returns 0 when every class has a single sample.
    """
    class_counts = np.bincount(labels, minlength=n_classes)
    sorted_values = values[sort_index]
    sorted_labels = labels[sort_index]
    kept = class_counts[sorted_labels] > 1
    if not kept.any():
        return 0.0
    sorted_values = sorted_values[kept]
    sorted_labels = sorted_labels[kept]
    # a stable sort of small integers is a radix sort in numpy
    small = sorted_labels.astype(np.int16) if n_classes < 2**15 else sorted_labels
    by_class = np.argsort(small, kind="stable")
    class_values = sorted_values[by_class]
    class_labels = sorted_labels[by_class]
    kth, k = _kth_neighbour_distance(class_values, class_labels, class_counts, n_neighbors)
    # query in value order (sorted keys make the binary searches cache-friendly)
    radius = np.empty_like(kth)
    radius[by_class] = np.nextafter(kth, 0)
    lo, hi = _search_boundaries(sorted_values, sorted_values, radius)
    m = hi - lo
    n_kept = class_values.shape[0]
    # digamma of integers 1 .. n_kept by table look-up (the same values, computed once)
    table = _digamma_table(n_kept)
    mi = (
        table[n_kept]
        + np.mean(table[k])
        - np.mean(table[class_counts[class_labels]])
        - np.mean(table[m])
    )
    return max(float(mi), 0.0)


_DIGAMMA = np.empty(0)


def _digamma_table(n):
    """``digamma(i)`` for ``i = 0 .. n`` (entry 0 unused), cached and grown on demand."""
    global _DIGAMMA
    if _DIGAMMA.shape[0] <= n:
        _DIGAMMA = digamma(np.arange(max(n + 1, 2 * _DIGAMMA.shape[0]), dtype=np.float64))
    return _DIGAMMA


def _mi_continuous_factors(sorted_values, sorted_labels, n_classes, n_neighbors):
    """:func:`mi_continuous_discrete` of one latent for several factors at once.

    ``sorted_values``: the latent's values in increasing order (n,); ``sorted_labels``: the
    factors' codes in the same order, shape (n_factors, n). Every class of every factor must
    have at least 2 samples (then no point is dropped and every factor searches the same
    array). The factors' classes get disjoint keys, so one stable sort by key groups every
    (factor, class) and one set of binary searches serves all factors; the values equal
    those of :func:`mi_continuous_discrete` up to the order of summation.
    """
    n_factors, n = sorted_labels.shape
    offsets = np.concatenate([[0], np.cumsum(n_classes)[:-1]])
    keys = (sorted_labels + offsets[:, None]).ravel()
    class_counts = np.bincount(keys, minlength=int(np.sum(n_classes)))
    small = keys.astype(np.int16) if class_counts.size < 2**15 else keys
    by_class = np.argsort(small, kind="stable")  # radix sort; factor blocks stay in order
    centres = np.tile(sorted_values, n_factors)
    class_values = centres[by_class]
    class_labels = keys[by_class]
    kth, k = _kth_neighbour_distance(class_values, class_labels, class_counts, n_neighbors)
    radius = np.empty_like(kth)
    radius[by_class] = np.nextafter(kth, 0)
    lo, hi = _search_boundaries(sorted_values, centres, radius)
    m = (hi - lo).reshape(n_factors, n)
    table = _digamma_table(n)
    mi = (
        table[n]
        + table[k].reshape(n_factors, n).mean(axis=1)
        - table[class_counts[class_labels]].reshape(n_factors, n).mean(axis=1)
        - table[m].mean(axis=1)
    )
    return np.maximum(mi, 0.0)


def mi_matrix_continuous(factor_codes, factor_n_classes, values, n_neighbors=10):
    """kNN MI matrix (nats), shape ``(n_factors, n_latents)``, on prepared latent values.

    Each latent is sorted once for all factors; the factors without single-sample classes
    are computed together (:func:`_mi_continuous_factors`), the others one by one.
    """
    n_factors, n_latents = factor_codes.shape[1], values.shape[1]
    factor_n_classes = np.asarray(factor_n_classes)
    # factors with a single-sample class drop points, so they search their own array
    together = np.array(
        [not np.any(np.bincount(factor_codes[:, i]) == 1) for i in range(n_factors)],
        dtype=bool,
    )
    batch = np.flatnonzero(together)
    mi = np.empty((n_factors, n_latents))
    for j in range(n_latents):
        column = values[:, j]
        sort_index = np.argsort(column, kind="stable")
        if batch.size:
            mi[batch, j] = _mi_continuous_factors(
                column[sort_index],
                factor_codes[sort_index][:, batch].T,
                factor_n_classes[batch],
                n_neighbors,
            )
        for i in np.flatnonzero(~together):
            mi[i, j] = mi_continuous_discrete(
                column, sort_index, factor_codes[:, i], factor_n_classes[i], n_neighbors
            )
    return mi
