"""Fast DCI importance: a histogram gradient-boosting classifier with split-gain importances."""

import numpy as np
from scipy.special import expit, softmax
from sklearn.ensemble import HistGradientBoostingClassifier


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


def _route(nodes, binned, residual):
    """Send samples down one tree; return the final leaf of each sample and the residual
    sum and sample count of every node."""
    n_nodes = nodes.shape[0]
    is_leaf = nodes["is_leaf"].astype(bool)
    node_of = np.zeros(binned.shape[0], dtype=np.intp)
    active = np.arange(binned.shape[0])
    sums = np.zeros(n_nodes)
    counts = np.zeros(n_nodes)
    while active.size:
        here = node_of[active]
        sums += np.bincount(here, weights=residual[active], minlength=n_nodes)
        counts += np.bincount(here, minlength=n_nodes)
        moving = ~is_leaf[here]
        active, here = active[moving], here[moving]
        features = nodes["feature_idx"][here]
        go_left = binned[active, features] <= nodes["bin_threshold"][here]
        node_of[active] = np.where(go_left, nodes["left"][here], nodes["right"][here])
    return node_of, sums, counts


def first_order_importance(model, x_train, y_train):
    """GBT-style importances of a fitted ``HistGradientBoostingClassifier``.

    ``GradientBoostingClassifier.feature_importances_`` sums, over all trees, the decrease
    of the squared error of the tree's target, the negative gradient ``y_k - p_k``:
    ``S_L^2 / n_L + S_R^2 / n_R - S^2 / n`` per split, with ``S`` the residual sum and ``n``
    the sample count of a node. This replays the histogram booster's iterations on the
    training data (from its baseline prediction and leaf values) and scores each of its
    splits the same way, instead of by its Newton gain, which weights the late, overfitting
    trees far more heavily than the GBT does. Reads the fitted trees (``model._predictors``,
    ``model._bin_mapper``, ``model._baseline_prediction``).
    """
    binned = model._bin_mapper.transform(np.asarray(x_train, dtype=np.float64))
    classes = np.searchsorted(model.classes_, y_train)
    n_samples = binned.shape[0]
    raw = np.tile(np.asarray(model._baseline_prediction, dtype=np.float64), (n_samples, 1))
    n_trees = raw.shape[1]
    if n_trees == 1:
        targets = (classes == 1).astype(np.float64)[:, None]
    else:
        targets = np.zeros((n_samples, n_trees))
        targets[np.arange(n_samples), classes] = 1.0
    importance = np.zeros(binned.shape[1])
    for iteration in model._predictors:
        if n_trees == 1:
            proba = expit(raw)
        else:
            proba = softmax(raw, axis=1)
        residual = targets - proba
        for k, predictor in enumerate(iteration):
            nodes = predictor.nodes
            node_of, sums, counts = _route(nodes, binned, residual[:, k])
            internal = np.flatnonzero(nodes["is_leaf"] == 0)
            if internal.size:
                left, right = nodes["left"][internal], nodes["right"][internal]
                decrease = (
                    sums[left] ** 2 / counts[left]
                    + sums[right] ** 2 / counts[right]
                    - sums[internal] ** 2 / counts[internal]
                )
                np.add.at(importance, nodes["feature_idx"][internal], np.maximum(decrease, 0))
            raw[:, k] += nodes["value"][node_of]
    total = importance.sum()
    return importance / total if total > 0 else importance


def hist_gbt_importance(x_train, y_train, x_test, y_test, random_state):
    """Importances and accuracies of a histogram gradient-boosting classifier.

    The booster has the GBT's settings (100 iterations, learning rate 0.1, depth-3 trees,
    one sample per leaf allowed, no regularisation, no early stopping). Columns that are
    monotone transforms of each other (on train and test data together) are fit once and
    share their importance equally, as the GBT's random tie-breaking does on average.
    """
    representatives, group = equivalent_columns(np.vstack([x_train, x_test]))
    model = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=100,
        max_depth=3,
        max_leaf_nodes=None,
        min_samples_leaf=1,
        l2_regularization=0.0,
        early_stopping=False,
        random_state=random_state,
    )
    model.fit(x_train[:, representatives], y_train)
    per_group = first_order_importance(model, x_train[:, representatives], y_train)
    group_sizes = np.bincount(group)
    importance = per_group[group] / group_sizes[group]
    train_accuracy = float(np.mean(model.predict(x_train[:, representatives]) == y_train))
    test_accuracy = float(np.mean(model.predict(x_test[:, representatives]) == y_test))
    return importance, train_accuracy, test_accuracy
