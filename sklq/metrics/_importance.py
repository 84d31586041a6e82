"""Fast DCI importance: the GBT's boosting, vectorised over trees, on binned latents.

``GradientBoostingClassifier()`` (disentanglement_lib's DCI classifier) grows, per stage and
class, a depth-3 regression tree on the negative gradient ``y_k - p_k`` with squared-error
splits, sets each leaf by one Newton step and sums, per feature, the squared-error decrease
of its splits. :func:`boosted_importances` runs the same algorithm for all the trees of a
stage (of every factor) at once: the latents are binned once, the residual sums and counts
of every (tree, node, bin) come from one float32 product of the bin indicator (sparse, or
dense when there are few bins) per tree level, and the best split of every node from
cumulative sums over the bins. Latents with fewer distinct values than ``max_bins`` are
binned exactly (every split the GBT can make is available); others are cut at
``max_bins - 1`` quantiles, on the midpoints between consecutive values that the GBT uses as
thresholds. ``max_bins`` follows the training size (:func:`bins_for`).
"""


import numpy as np
from scipy import sparse
from scipy.special import expit

from .._checks import check_seed

#: The GBT's settings (``GradientBoostingClassifier`` defaults).
N_STAGES = 100
LEARNING_RATE = 0.1
MAX_DEPTH = 3
#: Bins per latent for ``importance="hist"``: about ``BIN_BUDGET / n_train``, within
#: [MIN_BINS, MAX_BINS]. Small training sets get finer bins: their trees split down to a few
#: samples, where the exact threshold matters; large ones get coarser bins, which keeps the
#: split search (whose cost grows with the bins) and the histograms (with the samples) balanced.
MIN_BINS = 256
MAX_BINS = 1024
BIN_BUDGET = 2**21
#: With at most this many bins per latent (and at most DENSE_MAX_ENTRIES entries), the bin
#: indicator is a dense matrix.
DENSE_MAX_BINS = 32
DENSE_MAX_ENTRIES = 25_000_000


def bins_for(n_train):
    """Bins per latent for a training set of ``n_train`` rows.

    Examples
    --------
    >>> from sklq.metrics._importance import bins_for
    >>> bins_for(1_600), bins_for(4_000), bins_for(8_000)
    (1024, 524, 262)
    """
    return int(min(MAX_BINS, max(MIN_BINS, BIN_BUDGET // max(n_train, 1))))
#: The tree splitter's tolerance: values closer than this are not split between.
FEATURE_THRESHOLD = 1e-7
#: Gains within this relative distance of the best count as tied (broken at random).
TIE_TOLERANCE = 1e-10


def equivalent_columns(values):
    """Group columns that are strictly monotone transforms of each other.

    Such columns induce the same partitions of the samples, so every split on one is tied
    with a split on the other. Returns ``(representatives, group)``: the index of the first
    column of each group, and for each column the position of its group in
    ``representatives``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics._importance import equivalent_columns
    >>> x = np.array([[0.0, 5.0, 1.0], [1.0, 3.0, 1.0], [2.0, 1.0, 0.0]])
    >>> equivalent_columns(x)
    (array([0, 2]), array([0, 0, 1]))
    """
    keys = {}
    representatives = []
    group = np.empty(values.shape[1], dtype=np.intp)
    for j in range(values.shape[1]):
        ranks = np.unique(values[:, j], return_inverse=True)[1].astype(np.int64)
        flipped = ranks.max() - ranks
        differ = np.flatnonzero(ranks != flipped)
        if differ.size and flipped[differ[0]] < ranks[differ[0]]:
            ranks = flipped  # orientation-free key: decreasing transforms tie too
        key = ranks.tobytes()
        if key not in keys:
            keys[key] = len(representatives)
            representatives.append(j)
        group[j] = keys[key]
    return np.asarray(representatives, dtype=np.intp), group


def split_thresholds(column, max_bins=MIN_BINS):
    """Candidate thresholds of one latent: midpoints between consecutive distinct values.

    All of them when there are fewer than ``max_bins``, else the ``max_bins - 1`` at
    (approximately) equally spaced quantiles. Values closer than ``FEATURE_THRESHOLD`` are
    not split between, as in the tree splitter. ``x <= thresholds[b]`` is "bin ``<= b``".
    """
    distinct = np.unique(column).astype(np.float64)
    if distinct.size < 2:
        return np.empty(0)
    separated = np.flatnonzero(distinct[1:] > distinct[:-1] + FEATURE_THRESHOLD)
    if separated.size > max_bins - 1:
        # the gap after the value at each quantile rank of the sorted data
        ordered = np.sort(column).astype(np.float64)
        ranks = np.linspace(0, ordered.size - 1, max_bins + 1)[1:-1].astype(np.intp)
        position = np.searchsorted(distinct, ordered[ranks])
        separated = separated[np.unique(np.searchsorted(separated, position))]
        separated = separated[separated < distinct.size - 1]
    return distinct[separated] / 2.0 + distinct[separated + 1] / 2.0


def _bin(values, thresholds):
    """Bin index of every value: ``b`` with ``thresholds[b - 1] < x <= thresholds[b]``."""
    return np.searchsorted(thresholds, values.astype(np.float64), side="left")


class _Boosting:
    """Stage-wise state of the GBTs of several factors (their trees side by side).

    Class-major: ``raw`` has one row per tree and one column per sample (training rows
    first), so the softmax over a factor's classes reduces over a few long rows.
    """

    def __init__(self, codes, n_classes, n_rows):
        self.n_classes = [int(k) for k in n_classes]
        # one tree per class, a single tree for a binary factor (binomial loss)
        self.n_trees = [k if k > 2 else 1 for k in self.n_classes]
        self.offsets = np.concatenate([[0], np.cumsum(self.n_trees)])
        targets, raw = [], []
        for i, k in enumerate(self.n_classes):
            y = codes[:, i]
            prior = np.bincount(y, minlength=k) / y.shape[0]
            eps = np.finfo(np.float64).eps
            prior = np.clip(prior, eps, 1 - eps)
            if k == 2:
                targets.append((y == 1).astype(np.float64)[None])
                start = np.log(prior[1] / (1 - prior[1]))
                raw.append(np.full((1, n_rows), start))
            else:
                onehot = np.zeros((k, y.shape[0]))
                onehot[y, np.arange(y.shape[0])] = 1.0
                targets.append(onehot)
                logs = np.log(prior)
                raw.append(np.repeat((logs - logs.mean())[:, None], n_rows, axis=1))
        self.target = np.vstack(targets)  # (n_trees, n_train)
        self.raw = np.vstack(raw)  # (n_trees, n_rows)
        # the Newton step's factor (K - 1) / K for the multinomial loss, 1 for binomial
        self.step_factor = np.concatenate(
            [
                np.full(t, (k - 1) / k if k > 2 else 1.0)
                for t, k in zip(self.n_trees, self.n_classes, strict=True)
            ]
        )

    def gradients(self, n_train):
        """Negative gradients ``y - p`` and hessians ``p (1 - p)``, (n_trees, n_train)."""
        proba = np.empty_like(self.target)
        for i in range(len(self.n_trees)):
            trees = slice(self.offsets[i], self.offsets[i + 1])
            raw = self.raw[trees, :n_train]
            if raw.shape[0] == 1:
                expit(raw, out=proba[trees])
            else:
                shifted = np.subtract(raw, raw.max(axis=0), out=proba[trees])
                np.exp(shifted, out=shifted)
                shifted /= shifted.sum(axis=0)
        residual = self.target - proba
        proba *= 1.0 - proba
        return residual, proba

    def predictions(self, rows):
        """Predicted class codes of the given rows, one column per factor."""
        predicted = []
        for i in range(len(self.n_classes)):
            raw = self.raw[self.offsets[i] : self.offsets[i + 1], rows]
            predicted.append((raw[0] > 0).astype(np.intp) if raw.shape[0] == 1 else
                             np.argmax(raw, axis=0))
        return np.column_stack(predicted)


def boosted_importances(x_train, codes_train, x_test, n_classes, random_state=None,
                        max_bins=None, factor_ids=None):
    """Importances of the GBTs of several factors, grown side by side.

    Parameters
    ----------
    x_train, x_test : ndarray of shape (n_train, n_latents), (n_test, n_latents)
    codes_train : ndarray of shape (n_train, n_factors)
        Integer class codes ``0 .. n_classes[i] - 1``.
    n_classes : sequence of int
        Number of classes of each factor (every one >= 2).
    random_state : int, RandomState instance or None
        Breaks ties between equally good splits on different latents (the GBT visits the
        latents in a random order).
    max_bins : int, optional
        Bins per latent (see :func:`split_thresholds`); by default :func:`bins_for` the
        number of training rows.
    factor_ids : sequence of int, optional
        An id per factor; the tie-breaking of factor ``i`` draws from a generator seeded by
        ``(seed, factor_ids[i])``, so a factor's result does not depend on which other
        factors are grown alongside it. Defaults to ``0 .. n_factors - 1``.

    Returns
    -------
    importance : ndarray of shape (n_latents, n_factors)
        Each column normalised to sum to 1 (or all zero when no tree split): per latent, the
        summed squared-error decrease ``S_L^2/n_L + S_R^2/n_R - S^2/n`` of its splits, as
        ``GradientBoostingClassifier.feature_importances_``.
    predicted_train, predicted_test : ndarray of shape (n_rows, n_factors)
        Predicted class codes.
    """
    seed = check_seed(random_state)
    if factor_ids is None:
        factor_ids = range(len(n_classes))
    generators = [np.random.default_rng([seed, int(i)]) for i in factor_ids]
    x_train = np.asarray(x_train, dtype=np.float32)  # the GBT fits on float32 latents
    x_test = np.asarray(x_test, dtype=np.float32)
    n_train, n_features = x_train.shape
    everything = np.vstack([x_train, x_test])
    if max_bins is None:
        max_bins = bins_for(n_train)
    thresholds = [split_thresholds(x_train[:, f], max_bins) for f in range(n_features)]
    width = max(1, max(t.size for t in thresholds))  # split positions per latent
    n_bins = width + 1
    # bins, latent-major: (n_latents, n_rows)
    binned = np.vstack([_bin(everything[:, f], thresholds[f]) for f in range(n_features)])
    binned = binned.astype(np.int16 if n_bins < 2**15 else np.intp)
    # one-hot of the training rows' bins: (n_features * n_bins, n_train). The histogram
    # products run in float32 (exact counts; residual sums to ~1e-7 relative), about twice
    # as fast as float64; the split gains are computed in float64.
    indicator = sparse.csr_matrix(
        (
            np.ones(n_train * n_features, dtype=np.float32),
            (binned[:, :n_train].T + n_bins * np.arange(n_features)).ravel(),
            np.arange(0, n_train * n_features + 1, n_features),
        ),
        shape=(n_train, n_features * n_bins),
    ).T.tocsr()
    if n_bins <= DENSE_MAX_BINS and indicator.shape[0] * n_train <= DENSE_MAX_ENTRIES:
        # few bins (discrete codes): a dense float32 matrix product is faster than the
        # sparse one, and takes the transposed operand without a copy
        indicator = indicator.toarray()
    boosting = _Boosting(np.asarray(codes_train), n_classes, everything.shape[0])
    n_trees = boosting.raw.shape[0]
    n_factors = len(boosting.n_trees)
    tree_factor = np.repeat(np.arange(n_factors), boosting.n_trees)
    gains = np.zeros((n_features, n_trees))
    trees = np.arange(n_trees)[:, None]
    bin_counts = np.asarray(indicator.sum(axis=1), dtype=np.float64)
    # rows: (tree, left node) residual sums, then (tree, left node) counts
    stacked_buffer = np.empty((n_trees * 2**MAX_DEPTH, n_train), dtype=np.float32)
    leaf_offsets = (trees * 2**MAX_DEPTH).astype(np.int32)
    for _ in range(N_STAGES):
        residual, hessian = boosting.gradients(n_train)
        residual32 = residual.astype(np.float32)
        node = np.zeros((n_trees, everything.shape[0]), dtype=np.int8)  # < 2**MAX_DEPTH
        parent_sums = parent_counts = None
        for depth in range(MAX_DEPTH):
            n_nodes = 2**depth
            if depth == 0:
                sums = np.asarray(indicator @ residual32.T, dtype=np.float64).reshape(
                    n_features, n_bins, n_trees, 1
                )
                counts = np.broadcast_to(
                    bin_counts.reshape(n_features, n_bins, 1, 1), sums.shape
                )
            else:
                # left children from the data, right children as parent minus left
                half = n_nodes // 2
                left = node[:, None, :n_train] == np.arange(0, n_nodes, 2, dtype=np.int8)[
                    None, :, None
                ]  # (trees, left nodes, n_train)
                stacked = stacked_buffer[: 2 * n_trees * half]
                np.multiply(residual32[:, None, :], left,
                            out=stacked[: n_trees * half].reshape(n_trees, half, n_train))
                stacked[n_trees * half :] = left.reshape(n_trees * half, n_train)
                product = np.asarray(indicator @ stacked.T, dtype=np.float64).reshape(
                    n_features, n_bins, 2, n_trees, half
                )
                sums = np.empty((n_features, n_bins, n_trees, n_nodes))
                counts = np.empty_like(sums)
                sums[..., 0::2], counts[..., 0::2] = product[:, :, 0], product[:, :, 1]
                sums[..., 1::2] = parent_sums - product[:, :, 0]
                counts[..., 1::2] = parent_counts - product[:, :, 1]
            parent_sums, parent_counts = sums, counts
            left_sums = np.cumsum(sums[:, :-1], axis=1)
            left_counts = np.cumsum(counts[:, :-1], axis=1)
            total_sums = sums.sum(axis=1)[:, None]
            total_counts = counts.sum(axis=1)[:, None]
            right_sums = total_sums - left_sums
            right_counts = total_counts - left_counts
            valid = (left_counts > 0.5) & (right_counts > 0.5)
            with np.errstate(divide="ignore", invalid="ignore"):
                gain = (
                    left_sums**2 / left_counts
                    + right_sums**2 / right_counts
                    - total_sums**2 / total_counts
                )
            gain = np.where(valid, np.maximum(gain, 0.0), -np.inf)
            # best position per latent, then the best latent (ties at random)
            position = np.argmax(gain, axis=1)  # (features, trees, nodes)
            best = np.take_along_axis(gain, position[:, None], axis=1)[:, 0]
            top = best.max(axis=0)
            tied = best >= top - TIE_TOLERANCE * np.abs(top)
            tied &= np.isfinite(top)
            # drawn at every level, so each factor's stream does not depend on the others
            noise = np.concatenate(
                [
                    generator.random((n_features, count, n_nodes))
                    for generator, count in zip(generators, boosting.n_trees, strict=True)
                ],
                axis=1,
            )
            feature = np.argmax(np.where(tied, noise, -1.0), axis=0)  # (trees, nodes)
            split = np.isfinite(top)  # no valid split: everything goes left
            threshold = np.take_along_axis(position, feature[None], axis=0)[0]
            threshold = np.where(split, threshold, n_bins)
            np.add.at(gains, (feature[split], np.nonzero(split)[0]), top[split])
            # every row of every tree: the split of its node, read off its latent's bin
            go_right = binned[feature[:, 0]] > threshold[:, :1]
            for m in range(1, n_nodes):
                np.copyto(go_right, binned[feature[:, m]] > threshold[:, m : m + 1],
                          where=node == m)
            node = 2 * node + go_right.view(np.int8)
        # leaves: one Newton step each, then the learning rate
        leaf = node + leaf_offsets  # (tree, leaf) of every row, as a flat index
        key = leaf[:, :n_train].ravel()
        size = n_trees * 2**MAX_DEPTH
        numerator = np.bincount(key, weights=residual.ravel(), minlength=size)
        denominator = np.bincount(key, weights=hessian.ravel(), minlength=size)
        safe = np.abs(denominator) >= 1e-150
        value = np.zeros(size)
        value[safe] = numerator[safe] / denominator[safe]
        value = value.reshape(n_trees, -1) * boosting.step_factor[:, None]
        # the learning rate applied per leaf, before the look-up: the same products
        boosting.raw += np.take(LEARNING_RATE * value, leaf)
    importance = np.column_stack(
        [gains[:, tree_factor == i].sum(axis=1) for i in range(n_factors)]
    )
    totals = importance.sum(axis=0)
    importance = np.divide(importance, totals, out=np.zeros_like(importance),
                           where=totals > 0)
    return (
        importance,
        boosting.predictions(np.arange(n_train)),
        boosting.predictions(np.arange(n_train, everything.shape[0])),
    )


def hist_gbt_importance(x_train, codes_train, x_test, codes_test, random_state,
                        factor_ids=None):
    """Importances and accuracies of :func:`boosted_importances` for several factors.

    Each factor is encoded by the classes present in the training split (as the GBT does).
    Latents that are monotone transforms of each other (on train and test data together)
    are fit once and share their importance equally, as the GBT's random tie-breaking does
    on average. Returns ``(importance, train_accuracy, test_accuracy)``: the importance
    matrix of shape (n_latents, n_factors) and one accuracy per factor.
    """
    codes_train = np.asarray(codes_train).reshape(len(x_train), -1)
    codes_test = np.asarray(codes_test).reshape(len(x_test), -1)
    classes, encoded = [], []
    for column in codes_train.T:
        present, inverse = np.unique(column, return_inverse=True)
        classes.append(present)
        encoded.append(inverse.ravel())
    representatives, group = equivalent_columns(np.vstack([x_train, x_test]))
    per_group, predicted_train, predicted_test = boosted_importances(
        x_train[:, representatives],
        np.column_stack(encoded),
        x_test[:, representatives],
        [c.size for c in classes],
        random_state,
        factor_ids=factor_ids,
    )
    group_sizes = np.bincount(group)
    importance = per_group[group] / group_sizes[group][:, None]
    train_accuracy = np.array(
        [np.mean(c[predicted_train[:, i]] == codes_train[:, i]) for i, c in enumerate(classes)]
    )
    test_accuracy = np.array(
        [np.mean(c[predicted_test[:, i]] == codes_test[:, i]) for i, c in enumerate(classes)]
    )
    return importance, train_accuracy, test_accuracy
