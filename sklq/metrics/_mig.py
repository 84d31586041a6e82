"""Mutual information gap (MIG), as in disentanglement_lib."""

import numpy as np

from ._mutual_info import entropy_from_codes, mi_matrix_discrete
from ._validation import check_inputs, check_int_param


def histogram_discretize(latents, n_bins=20):
    """Equal-width discretisation of every latent column, as disentanglement_lib does.

    Column ``z`` becomes ``np.digitize(z, np.histogram(z, n_bins)[1][:-1])``: integers
    ``1 .. n_bins`` (the maximum falls in the last bin).

    Parameters
    ----------
    latents : ndarray of shape (n_samples, n_latents)
        Finite latent values.
    n_bins : int, default=20
        Number of equal-width bins per column.

    Returns
    -------
    binned : ndarray of int of shape (n_samples, n_latents)
        Bin numbers in ``1 .. n_bins``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics._mig import histogram_discretize
    >>> histogram_discretize(np.array([[0.0], [0.4], [0.6], [1.0]]), n_bins=2).ravel()
    array([1, 1, 2, 2])
    """
    latents = np.asarray(latents)
    binned = np.empty(latents.shape, dtype=np.intp)
    for j in range(latents.shape[1]):
        edges = np.histogram(latents[:, j], bins=n_bins)[1]
        binned[:, j] = np.digitize(latents[:, j], edges[:-1])
    return binned


def mig_score(factors, latents, *, n_bins=20):
    """Mutual information gap of a representation.

    For each factor, the gap between the largest and the second-largest mutual information
    with a single latent, normalised by the factor's entropy, averaged over factors
    (Chen et al., 2018), with disentanglement_lib's histogram discretisation of the latents.

    Parameters
    ----------
    factors : array-like or DataFrame of shape (n_samples, n_factors)
        Ground-truth factors, any labels; each must take at least two values.
    latents : array-like or DataFrame of shape (n_samples, n_latents)
        The representation: numeric, finite, at least two columns.
    n_bins : int, default=20
        Number of equal-width bins each latent is discretised into.

    Returns
    -------
    mig : float
        In [0, 1].

    Raises
    ------
    ValueError
        For invalid inputs (see :func:`infomec`), fewer than two latents, or ``n_bins < 1``.

    See Also
    --------
    infomec : Modularity, compactness and explicitness from normalised MI.

    Notes
    -----
    Every latent column ``z_j`` is binned with ``np.digitize(z_j, np.histogram(z_j,
    n_bins)[1][:-1])``. With plug-in mutual information ``I(s_i; b_j)`` (nats) and factor
    entropy ``H(s_i)``::

        MIG = mean_i (I(s_i; b_(1)) - I(s_i; b_(2))) / H(s_i)

    where ``b_(1)``, ``b_(2)`` are the latents with the largest and second-largest MI with
    ``s_i``. Integer latents are binned too, as in disentanglement_lib.

    References
    ----------
    .. [1] R. T. Q. Chen, X. Li, R. Grosse, D. Duvenaud, "Isolating Sources of
       Disentanglement in Variational Autoencoders", NeurIPS 2018.
    .. [2] F. Locatello et al., "Challenging Common Assumptions in the Unsupervised Learning
       of Disentangled Representations", ICML 2019 (disentanglement_lib).

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import mig_score
    >>> factors = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25)
    >>> mig_score(factors, factors.astype(float))
    1.0
    """
    n_bins = check_int_param(n_bins, "n_bins", 1)
    factors_checked, latents_checked = check_inputs(factors, latents)
    n_latents = latents_checked.values.shape[1]
    if n_latents < 2:
        raise ValueError(
            f"mig_score needs at least 2 latents (the gap is between the two most "
            f"informative ones); got latents with {n_latents} column."
        )
    binned = histogram_discretize(latents_checked.values, n_bins) - 1
    mi = mi_matrix_discrete(
        factors_checked.codes,
        factors_checked.n_classes,
        binned,
        np.full(n_latents, n_bins, dtype=np.intp),
    )
    entropies = np.array(
        [
            entropy_from_codes(factors_checked.codes[:, i], k)
            for i, k in enumerate(factors_checked.n_classes)
        ]
    )
    top_two = -np.partition(-mi, 1, axis=1)[:, :2]
    gaps = (top_two[:, 0] - top_two[:, 1]) / entropies
    return float(np.clip(np.mean(gaps), 0.0, 1.0))
