"""Mutual information gap (MIG), as in disentanglement_lib."""

from dataclasses import dataclass

import numpy as np

from .._checks import check_int
from ._chance import adjusted_nmi, discrete_null, per_entry_alpha
from ._mutual_info import factor_entropies, mi_matrix_discrete
from ._validation import check_bool_param, check_inputs, shuffle_generator


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


@dataclass(frozen=True)
class MIGResult:
    """Result of :func:`mig`.

    Attributes
    ----------
    mig : float
        The mutual information gap (chance-adjusted with ``adjust_for_chance=True``).
    mi : ndarray of shape (n_factors, n_latents)
        Plug-in MI of each factor and binned latent, divided by the factor's entropy.
    adjusted_for_chance : bool
        Whether ``mig`` is the chance-adjusted variant.
    unadjusted : float or None
        With ``adjusted_for_chance``: the reference MIG of the same latents.
    chance : float or None
        With ``adjusted_for_chance``: the chance level of the reference MIG, its value on the
        latents shuffled against the factors.
    nmi_adjusted : ndarray of shape (n_factors, n_latents), or None
        With ``adjusted_for_chance``: the share of each factor's entropy each binned latent
        carries beyond chance.
    """

    mig: float
    mi: np.ndarray
    adjusted_for_chance: bool = False
    unadjusted: float | None = None
    chance: float | None = None
    nmi_adjusted: np.ndarray | None = None


def _gap(matrix):
    """Mean over factors (rows) of the largest minus the second-largest entry."""
    top_two = -np.partition(-matrix, 1, axis=1)[:, :2]
    return float(np.clip(np.mean(top_two[:, 0] - top_two[:, 1]), 0.0, 1.0))


def mig(factors, latents, *, n_bins=20, adjust_for_chance=False, random_state=None):
    """Mutual information gap of a representation, with its MI matrix.

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
    adjust_for_chance : bool, default=False
        False: disentanglement_lib's definition. True: the gap between the two largest
        entries of the chance-adjusted matrix ``max(0, I - T) / (H - T)``, where ``T`` is
        the level the plug-in MI of a binned latent independent of the factor exceeds with
        probability below 1% over the whole matrix (see ``docs/metrics.md``); the result
        also carries the reference value and its chance level.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle that measures the chance level (``adjust_for_chance=True`` only).

    Returns
    -------
    result : MIGResult
        The score, the mutual-information matrix and, when adjusted, the chance level.

    Raises
    ------
    ValueError
        For invalid inputs (see :func:`infomec`), fewer than two latents, ``n_bins < 1`` or
        a non-boolean ``adjust_for_chance``.

    See Also
    --------
    mig_score : The number alone.
    infomec : Modularity, compactness and explicitness from normalised MI.

    Notes
    -----
    Every latent column ``z_j`` is binned with ``np.digitize(z_j, np.histogram(z_j,
    n_bins)[1][:-1])``. With plug-in mutual information ``I(s_i; b_j)`` (nats) and factor
    entropy ``H(s_i)``::

        MIG = mean_i (I(s_i; b_(1)) - I(s_i; b_(2))) / H(s_i)

    where ``b_(1)``, ``b_(2)`` are the latents with the largest and second-largest MI with
    ``s_i``. Integer latents are binned too, as in disentanglement_lib. The plug-in MI of
    independent variables is about ``(r - 1)(c - 1) / 2n`` nats, so the reference MIG of
    noise is above 0; the adjusted MIG of noise is 0 in 99% of cases and tiny otherwise.

    References
    ----------
    .. [1] R. T. Q. Chen, X. Li, R. Grosse, D. Duvenaud, "Isolating Sources of
       Disentanglement in Variational Autoencoders", NeurIPS 2018.
    .. [2] F. Locatello et al., "Challenging Common Assumptions in the Unsupervised Learning
       of Disentangled Representations", ICML 2019 (disentanglement_lib).

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import mig
    >>> rng = np.random.default_rng(0)
    >>> factors = rng.integers(0, 4, size=(300, 2))
    >>> noise = rng.normal(size=(300, 4))  # independent of the factors
    >>> result = mig(factors, noise, adjust_for_chance=True, random_state=0)
    >>> result.unadjusted > 0, result.chance > 0, result.mig
    (True, True, 0.0)
    """
    n_bins = check_int(n_bins, "n_bins", low=1)
    adjust_for_chance = check_bool_param(adjust_for_chance, "adjust_for_chance")
    factors_checked, latents_checked = check_inputs(factors, latents)
    n_latents = latents_checked.values.shape[1]
    if n_latents < 2:
        raise ValueError(
            f"mig_score needs at least 2 latents (the gap is between the two most "
            f"informative ones); got latents with {n_latents} column."
        )
    binned = histogram_discretize(latents_checked.values, n_bins) - 1
    bins = np.full(n_latents, n_bins, dtype=np.intp)
    codes, n_classes = factors_checked.codes, factors_checked.n_classes
    entropies = factor_entropies(factors_checked)
    mi = mi_matrix_discrete(codes, n_classes, binned, bins)
    normalised = mi / entropies[:, None]
    reference = _gap(normalised)
    if not adjust_for_chance:
        return MIGResult(mig=reference, mi=normalised)
    rng = shuffle_generator(random_state)
    shuffled = mi_matrix_discrete(codes[rng.permutation(codes.shape[0])], n_classes, binned,
                                  bins)
    _, threshold = discrete_null(
        codes, n_classes, binned, bins, per_entry_alpha(codes.shape[1], n_latents)
    )
    adjusted = adjusted_nmi(mi, entropies, threshold)
    return MIGResult(
        mig=_gap(adjusted),
        mi=normalised,
        adjusted_for_chance=True,
        unadjusted=reference,
        chance=_gap(shuffled / entropies[:, None]),
        nmi_adjusted=adjusted,
    )


def mig_score(factors, latents, *, n_bins=20, adjust_for_chance=False, random_state=None):
    """Mutual information gap of a representation (see :func:`mig`).

    Parameters
    ----------
    factors, latents : array-like or DataFrame
        Ground-truth factors ``(n_samples, n_factors)`` and the representation
        ``(n_samples, n_latents)``, at least two latents; see :func:`mig`.
    n_bins : int, default=20
        Equal-width bins per latent.
    adjust_for_chance : bool, default=False
        Return the chance-adjusted MIG (see :func:`mig`) instead of disentanglement_lib's.
    random_state : int, RandomState instance or None, default=None
        Accepted for a uniform signature; the adjusted MIG itself is deterministic (only
        :func:`mig`'s chance level uses it).

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
    mig : The same with the MI matrix, the reference value and its chance level.
    infomec : Modularity, compactness and explicitness from normalised MI.

    Notes
    -----
    See :func:`mig` for the definition.

    References
    ----------
    .. [1] R. T. Q. Chen, X. Li, R. Grosse, D. Duvenaud, "Isolating Sources of
       Disentanglement in Variational Autoencoders", NeurIPS 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import mig_score
    >>> factors = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25)
    >>> mig_score(factors, factors.astype(float))
    1.0
    """
    return mig(
        factors, latents, n_bins=n_bins, adjust_for_chance=adjust_for_chance,
        random_state=random_state,
    ).mig
