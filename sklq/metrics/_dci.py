"""DCI: disentanglement, completeness and informativeness from per-factor tree importances."""

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split

from .._checks import check_seed
from ._importance import hist_gbt_importance
from ._validation import check_inputs

IMPORTANCE_ESTIMATORS = ("gbt", "hist")
#: disentanglement_lib adds this to every importance before taking entropies.
ENTROPY_EPSILON = 1e-11


@dataclass(frozen=True)
class DCIResult:
    """Result of :func:`dci`.

    Attributes
    ----------
    disentanglement : float
        In [0, 1]: does each latent matter for at most one factor?
    completeness : float
        In [0, 1]: is each factor predicted from at most one latent?
    informativeness : float
        Test-set classification accuracy, averaged over factors.
    informativeness_train : float
        Training-set accuracy, averaged over factors.
    importance_matrix : ndarray or DataFrame of shape (n_latents, n_factors)
        Importance of latent ``j`` for predicting factor ``i`` (each column sums to 1, or is
        all zero when no split was made). A DataFrame when names are known.
    importance : str
        The importance estimator used.
    informativeness_chance : float
        The chance level of ``informativeness``: the test accuracy of always predicting the
        training split's most frequent value of each factor, averaged over factors.
    informativeness_adjusted : float
        ``(accuracy - chance) / (1 - chance)`` per factor, averaged (0 for a factor whose
        test split holds only its most frequent value): 0 at chance, 1 when every test
        sample is classified correctly. D and C have no such chance level (see
        ``docs/metrics.md``).
    """

    disentanglement: float
    completeness: float
    informativeness: float
    informativeness_train: float
    importance_matrix: np.ndarray | pd.DataFrame
    importance: str
    informativeness_chance: float = float("nan")
    informativeness_adjusted: float = float("nan")


def _normalized_entropy(rows, base):
    """``scipy.stats.entropy(row + 1e-11, base=base)`` for every row of a 2-D array."""
    p = rows + ENTROPY_EPSILON
    p = p / p.sum(axis=1, keepdims=True)
    return -np.sum(p * np.log(p), axis=1) / np.log(base)


def disentanglement_completeness(importance_matrix):
    """Disentanglement and completeness of an importance matrix (disentanglement_lib).

    Parameters
    ----------
    importance_matrix : array-like of shape (n_latents, n_factors)
        Non-negative importance of each latent for each factor.

    Returns
    -------
    disentanglement, completeness : float
        ``D = sum_j rho_j (1 - H_F(R[j, :]))`` with ``rho_j = sum_i R[j, i] / sum R`` and
        ``H_F`` the entropy with base ``n_factors`` of the normalised row;
        ``C = sum_i w_i (1 - H_L(R[:, i]))`` with ``w_i = sum_j R[j, i] / sum R`` and base
        ``n_latents``. ``1e-11`` is added to every entry before the entropies, and an
        all-zero matrix is weighted uniformly (both scores are then 0), as in
        disentanglement_lib. With one factor D is 1.0, with one latent C is 1.0 (each with a
        ``UserWarning``: the entropy base would be 1).

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import disentanglement_completeness
    >>> d, c = disentanglement_completeness(np.eye(3))
    >>> round(d, 6), round(c, 6)
    (1.0, 1.0)
    """
    matrix = np.asarray(importance_matrix, dtype=np.float64)
    if matrix.ndim != 2 or (matrix < 0).any() or not np.isfinite(matrix).all():
        raise ValueError(
            "importance_matrix must be a finite, non-negative 2-D array of shape "
            f"(n_latents, n_factors); got shape {matrix.shape}."
        )
    n_latents, n_factors = matrix.shape
    weights = matrix if matrix.sum() > 0 else np.ones_like(matrix)
    if n_factors == 1:
        warnings.warn(
            "With a single factor every latent is trivially disentangled: D is set to 1.0.",
            UserWarning,
            stacklevel=2,
        )
        disentanglement = 1.0
    else:
        per_latent = 1.0 - _normalized_entropy(matrix, n_factors)
        disentanglement = float(np.sum(per_latent * weights.sum(axis=1) / weights.sum()))
    if n_latents == 1:
        warnings.warn(
            "With a single latent every factor is trivially complete: C is set to 1.0.",
            UserWarning,
            stacklevel=2,
        )
        completeness = 1.0
    else:
        per_factor = 1.0 - _normalized_entropy(matrix.T, n_latents)
        completeness = float(np.sum(per_factor * weights.sum(axis=0) / weights.sum()))
    return float(np.clip(disentanglement, 0, 1)), float(np.clip(completeness, 0, 1))


def _gbt_importance(x_train, y_train, x_test, y_test, random_state):
    """disentanglement_lib: a default ``GradientBoostingClassifier``; |feature_importances_|."""
    model = GradientBoostingClassifier(random_state=random_state)
    model.fit(x_train, y_train)
    train_accuracy = float(np.mean(model.predict(x_train) == y_train))
    test_accuracy = float(np.mean(model.predict(x_test) == y_test))
    return np.abs(model.feature_importances_), train_accuracy, test_accuracy


def _check_test_size(test_size):
    valid = (
        isinstance(test_size, numbers.Real)
        and not isinstance(test_size, bool)
        and (
            (isinstance(test_size, numbers.Integral) and test_size >= 1)
            or (not isinstance(test_size, numbers.Integral) and 0 < test_size < 1)
        )
    )
    if not valid:
        raise ValueError(
            "test_size must be a float in (0, 1) or an int >= 1 (as in train_test_split); "
            f"got {test_size!r}."
        )


def dci(
    factors,
    latents,
    *,
    test_size=0.25,
    shuffle=True,
    importance="hist",
    random_state=None,
    n_jobs=None,
):
    """Disentanglement, completeness and informativeness (DCI) of a representation.

    For each factor a gradient-boosted tree classifier predicts the factor from all latents
    on a training split; its feature importances form column ``i`` of the importance matrix
    ``R`` (latents x factors). Disentanglement and completeness are entropy-based summaries of
    ``R``'s rows and columns; informativeness is the test accuracy (Eastwood & Williams,
    2018, as implemented in disentanglement_lib).

    Parameters
    ----------
    factors : array-like or DataFrame of shape (n_samples, n_factors)
        Ground-truth factors, any labels; each must take at least two values in the
        training split.
    latents : array-like or DataFrame of shape (n_samples, n_latents)
        The representation: numeric, finite.
    test_size : float or int, default=0.25
        Size of the test split, with :func:`~sklearn.model_selection.train_test_split`
        semantics.
    shuffle : bool, default=True
        Whether to shuffle before splitting. With ``shuffle=False`` the last ``test_size``
        rows are the test set.
    importance : {"hist", "gbt"}, default="hist"
        ``"hist"``: disentanglement_lib's boosting algorithm, vectorised over trees on
        binned latents (see Notes): about 10-12x (discrete codes) to 17-21x (continuous latents)
        faster than ``"gbt"`` at 10,000 samples; D and C equal to the GBT's on discrete
        codes and within 0.025 of it on continuous latents in the benchmark's cases
        (``benchmarks/README.md``). ``"gbt"``: a default ``GradientBoostingClassifier``
        per factor, exactly as disentanglement_lib.
    random_state : int, RandomState instance or None, default=None
        Controls the shuffle of the split and the boosting's random tie-breaking between
        equally good features. An int is used for the split and for every factor's model
        (a RandomState instance first draws one int). None draws that int from fresh
        entropy (``np.random.default_rng()``); numpy's global RNG is never touched
        (disentanglement_lib uses it).
    n_jobs : int, default=None
        Number of joblib workers over factors. None means 1 unless in a
        ``joblib.parallel_config`` context.

    Returns
    -------
    result : DCIResult
        ``disentanglement``, ``completeness``, ``informativeness`` (test accuracy),
        ``informativeness_train``, ``importance_matrix`` (latents x factors), and
        ``informativeness_chance`` / ``informativeness_adjusted`` (the majority-class
        accuracy and the accuracy corrected for it).

    Raises
    ------
    ValueError
        For invalid inputs (see :func:`infomec`), an invalid ``test_size`` or
        ``importance``, or a factor that takes a single value in the training split.

    See Also
    --------
    disentanglement_completeness : D and C from a given importance matrix.
    infomec : Modularity, compactness and explicitness from normalised MI.

    Notes
    -----
    ``R[j, i]`` is the importance of latent ``j`` for factor ``i``. With ``H_K`` the entropy
    in base ``K`` of a normalised vector (``1e-11`` added to each entry)::

        D = sum_j (sum_i R_ji / sum R) (1 - H_{n_factors}(R[j, :]))
        C = sum_i (sum_j R_ji / sum R) (1 - H_{n_latents}(R[:, i]))

    Factors are label-encoded first. ``informativeness`` is the mean test accuracy, as
    disentanglement_lib reports it (its variables are named ``*_loss``). Latents that are
    copies of each other (or monotone transforms of each other) tie for every split; the
    GBT breaks ties at random, so such latents share the importance.

    ``importance="hist"`` runs the GBT's own algorithm (per stage and class a depth-3
    regression tree on the negative gradient with squared-error splits, Newton leaf steps
    with the ``(K - 1)/K`` factor, learning rate 0.1, 100 stages, float32 latents,
    importances summed from the squared-error decrease of each split), with all trees of a
    stage grown side by side from residual histograms over binned latents. The number of
    bins per latent is about ``2**21 / n_train`` within [256, 1024] (1,024 up to 2,048
    training rows, 262 at 8,000): small training sets get finer bins because their trees
    split down to a few samples, where the exact threshold matters. Latents with fewer
    distinct values than bins are binned exactly, so every split of the GBT is available
    (discrete codes give the GBT's D and C up to rounding and tie-breaking); others are cut
    at quantile midpoints. Latents that are monotone transforms of each other share their
    importance equally, which is what the GBT's random tie-breaking does on average.

    References
    ----------
    .. [1] C. Eastwood, C. K. I. Williams, "A Framework for the Quantitative Evaluation of
       Disentangled Representations", ICLR 2018.
    .. [2] F. Locatello et al., "Challenging Common Assumptions in the Unsupervised Learning
       of Disentangled Representations", ICML 2019 (disentanglement_lib).

    Examples
    --------
    >>> from sklq.datasets import make_squares
    >>> from sklq.metrics import dci
    >>> _, factors = make_squares()  # all 1,600 combinations of Squares' 4 factors
    >>> result = dci(factors, factors.astype(float), random_state=0)  # a perfect code
    >>> round(result.disentanglement, 2), round(result.completeness, 2)
    (1.0, 1.0)
    >>> result.informativeness
    1.0
    """
    if importance not in IMPORTANCE_ESTIMATORS:
        raise ValueError(
            f"importance must be one of {list(IMPORTANCE_ESTIMATORS)}; got {importance!r}."
        )
    _check_test_size(test_size)
    factors_checked, latents_checked = check_inputs(factors, latents)
    codes, values = factors_checked.codes, latents_checked.values
    n_samples, n_factors = codes.shape
    random_state = check_seed(random_state)  # one seed for the split and the importances
    try:
        train_index, test_index = train_test_split(
            np.arange(n_samples), test_size=test_size, shuffle=shuffle, random_state=random_state
        )
    except ValueError as error:
        raise ValueError(
            f"Cannot split {n_samples} samples with test_size={test_size!r}: {error}"
        ) from error
    names = factors_checked.names
    for i in range(n_factors):
        if np.unique(codes[train_index, i]).size < 2:
            label = names[i] if names is not None else i
            raise ValueError(
                f"factors column {label!r} takes a single value in the training split "
                f"({len(train_index)} rows); DCI cannot fit a classifier for it."
            )
    if importance == "gbt":
        outputs = Parallel(n_jobs=n_jobs)(
            delayed(_gbt_importance)(
                values[train_index],
                codes[train_index, i],
                values[test_index],
                codes[test_index, i],
                random_state,
            )
            for i in range(n_factors)
        )
        matrix = np.column_stack([output[0] for output in outputs])
        train_accuracy = np.array([output[1] for output in outputs])
        test_accuracy = np.array([output[2] for output in outputs])
    else:
        # all factors' trees are grown side by side; n_jobs splits the factors
        chunks = [
            chunk
            for chunk in np.array_split(np.arange(n_factors), effective_n_jobs(n_jobs))
            if chunk.size
        ]
        outputs = Parallel(n_jobs=n_jobs)(
            delayed(hist_gbt_importance)(
                values[train_index],
                codes[np.ix_(train_index, chunk)],
                values[test_index],
                codes[np.ix_(test_index, chunk)],
                random_state,
                factor_ids=chunk,
            )
            for chunk in chunks
        )
        matrix = np.hstack([output[0] for output in outputs])
        train_accuracy = np.concatenate([output[1] for output in outputs])
        test_accuracy = np.concatenate([output[2] for output in outputs])
    if matrix.sum() == 0:
        warnings.warn(
            "Every importance is zero (no latent is used by any classifier): D and C are 0.",
            UserWarning,
            stacklevel=2,
        )
    disentanglement, completeness = disentanglement_completeness(matrix)
    chance = np.array([
        np.mean(codes[test_index, i] == np.bincount(codes[train_index, i]).argmax())
        for i in range(n_factors)
    ])
    room = 1.0 - chance
    adjusted = np.divide(test_accuracy - chance, room, out=np.zeros(n_factors), where=room > 0)
    if factors_checked.names is not None or latents_checked.names is not None:
        matrix = pd.DataFrame(
            matrix,
            index=latents_checked.names or list(range(matrix.shape[0])),
            columns=factors_checked.names or list(range(n_factors)),
        )
    return DCIResult(
        disentanglement=disentanglement,
        completeness=completeness,
        informativeness=float(np.mean(test_accuracy)),
        informativeness_train=float(np.mean(train_accuracy)),
        importance_matrix=matrix,
        importance=importance,
        informativeness_chance=float(np.mean(chance)),
        informativeness_adjusted=float(np.mean(adjusted)),
    )
