"""Chance levels of the mutual-information metrics, and their chance-adjusted variants.

The reference InfoM, InfoC and MIG are ratios of mutual-information estimates, and every
estimate is biased away from 0 when a latent and a factor are independent: the plug-in MI of
discrete codes upwards by about ``(r - 1)(c - 1) / 2n`` nats, the kNN estimate of continuous
latents by its clipping at 0. This module supplies, per (factor, latent) entry,

* the **null mean**: the expected estimate under independence (exact for discrete codes,
  :func:`expected_mutual_information`; sampled by shuffling for continuous latents), and
* a **significance threshold**: an estimate above it is very unlikely under independence
  (family-wise level :data:`FAMILY_ALPHA` over the whole matrix, Bonferroni),

and the adjusted, normalised matrix ``A_ij = max(0, MI_ij - T_ij) / (H_i - T_ij)``: the share
of the factor's entropy that the latent carries *beyond what chance can explain*. It is 0 for
an entry indistinguishable from chance and 1 for a latent that determines the factor.
:func:`weighted_modularity_compactness` turns it into adjusted InfoM and InfoC.
"""

import numpy as np
from scipy import stats
from scipy.special import gammaln

#: Family-wise false-positive rate of the significance thresholds: the chance that a code
#: independent of every factor has any entry of its adjusted matrix above 0.
FAMILY_ALPHA = 0.01
#: Adjusted InfoM and InfoC are shrunk towards 0 when the latents carry less than this much
#: information beyond chance in total (a sum of entries of the adjusted NMI matrix).
MIN_INFORMATION = 0.2
#: Excesses over the threshold below this share of the factor's entropy are rounding errors.
ROUNDING = 1e-12
#: Hypergeometric terms further than this many standard deviations from their mean are
#: left out of the expected mutual information (their probability is below 1e-20).
WINDOW_SDS = 12.0
#: The expected MI of a table whose cells all expect at least this many samples is taken as
#: its asymptotic value ``(r - 1)(c - 1) / 2n``.
ASYMPTOTIC_COUNT = 20.0


def per_entry_alpha(n_factors, n_latents):
    """The Bonferroni level of one entry: ``FAMILY_ALPHA / (n_factors * n_latents)``."""
    return FAMILY_ALPHA / (n_factors * n_latents)


def expected_mutual_information(row_counts, column_counts, exact_below=None):
    """Expected plug-in MI (nats) of two independent labelings with the given marginals.

    The expectation is over random pairings of the two labelings with fixed class counts
    (the permutation model of adjusted mutual information, Vinh et al. 2010): each cell
    count ``n_ab`` is hypergeometric with population ``n``, ``a`` successes and ``b``
    draws, and ``E[MI] = sum_ab E[n_ab / n * log(n * n_ab / (a b))]``. Terms more than
    :data:`WINDOW_SDS` standard deviations from each cell's mean are skipped.

    With ``exact_below``, a cell whose mean ``mu = a b / n`` is at least that uses the
    expansion of ``x log(x / mu)`` around the mean to fourth order instead of its sum,
    ``E ~ sigma^2 / (2 mu) * (1 + (v / 2 - s / 3) / mu)`` with the hypergeometric variance
    ``sigma^2 = mu v n / (n - 1)``, ``v = (1 - a/n)(1 - b/n)`` and skewness factor
    ``s = (1 - 2a/n)(1 - 2b/n)``: within 0.05% of the sum from ``mu = 20`` (0.007% from
    ``mu = 50``; measured over ``a, b`` from 50 to 9,000 at ``n = 10,000``), and the cost no
    longer grows with ``sqrt(mu)``.

    Parameters
    ----------
    row_counts, column_counts : array-like of int
        Class counts of the two labelings (zeros are ignored); both sum to ``n``.
    exact_below : float, optional
        Cells expecting at least this many samples use the expansion; default: none.

    Returns
    -------
    emi : float
        In nats; equals ``sklearn.metrics.adjusted_mutual_info_score``'s expected MI.

    Examples
    --------
    >>> from sklq.metrics._chance import expected_mutual_information
    >>> round(expected_mutual_information([2, 2], [2, 2]), 6)  # n_ab in {0, 1, 2}
    0.231049
    """
    a = np.asarray(row_counts, dtype=np.float64)
    b = np.asarray(column_counts, dtype=np.float64)
    a, b = a[a > 0], b[b > 0]
    if a.size < 2 or b.size < 2:
        return 0.0
    n = a.sum()
    a_grid, b_grid = np.meshgrid(a, b, indexing="ij")
    a_grid, b_grid = a_grid.ravel(), b_grid.ravel()
    expanded = np.zeros(a_grid.shape, dtype=bool)
    if exact_below is not None:
        expanded = a_grid * b_grid / n >= exact_below
    total = _expanded_mi_terms(a_grid[expanded], b_grid[expanded], n).sum()
    return float(total + _expected_mi_terms(a_grid[~expanded], b_grid[~expanded], n).sum())


def _expanded_mi_terms(a, b, n):
    """The expansion of :func:`expected_mutual_information`'s terms for large cells."""
    mean = a * b / n
    v = (1.0 - a / n) * (1.0 - b / n)
    s = (1.0 - 2.0 * a / n) * (1.0 - 2.0 * b / n)
    variance = mean * v * n / max(n - 1.0, 1.0)
    return variance / (2.0 * mean) * (1.0 + (v / 2.0 - s / 3.0) / mean) / n


def _expected_mi_terms(a_grid, b_grid, n):
    """``E[n_ab / n * log(n * n_ab / (a b))]`` of the cells ``(a_grid[k], b_grid[k])``."""
    if a_grid.size == 0:
        return np.zeros(1)
    mean = a_grid * b_grid / n
    sd = np.sqrt(mean * (n - a_grid) * (n - b_grid) / (n * max(n - 1.0, 1.0)))
    low = np.maximum(np.maximum(1.0, a_grid + b_grid - n), np.floor(mean - WINDOW_SDS * sd))
    high = np.minimum(np.minimum(a_grid, b_grid), np.ceil(mean + WINDOW_SDS * sd))
    width = int(max((high - low).max(initial=-1) + 1, 0))
    if width == 0:
        return np.zeros(1)
    x = low[:, None] + np.arange(width)[None, :]
    valid = x <= high[:, None]
    x = np.where(valid, x, 1.0)
    a_, b_ = a_grid[:, None], b_grid[:, None]
    # log of the hypergeometric pmf; the x-free part once per pair
    constant = (gammaln(a_ + 1) + gammaln(n - a_ + 1) + gammaln(b_ + 1)
                + gammaln(n - b_ + 1) - gammaln(n + 1))
    log_pmf = constant - gammaln(x + 1) - gammaln(a_ - x + 1) - gammaln(b_ - x + 1) \
        - gammaln(n - a_ - b_ + x + 1)
    terms = np.exp(log_pmf) * (x / n) * (np.log(n * x) - np.log(a_ * b_))
    return np.where(valid, terms, 0.0)


def _class_counts(codes, n_values):
    return np.bincount(codes, minlength=n_values)


def discrete_null(factor_codes, factor_n_classes, latent_codes, latent_n_values, alpha):
    """Null mean and threshold of every plug-in MI entry (nats), each ``(n_factors, n_latents)``.

    The null mean is :func:`expected_mutual_information`, or its asymptotic value
    ``df / 2n`` when every cell expects at least :data:`ASYMPTOTIC_COUNT` samples (they then
    agree within 1%: 0.3% at 10,000 samples of 15 x 10 values); in a table with sparser
    cells, those expecting at least that many samples take the expansion of
    ``exact_below`` (within 0.05% each). The threshold is the
    ``1 - alpha`` quantile of a scaled chi-square with that mean: under independence
    ``2 n MI`` is asymptotically chi-square with ``df = (r - 1)(c - 1)`` degrees of freedom
    (``r``, ``c`` the numbers of values taken), so ``MI ~ (E[MI] / df) chi2(df)``; scaling
    by the exact mean keeps the approximation honest for sparse tables, where the
    asymptotic mean ``df / 2n`` overstates the bias. A latent or factor taking a single
    value has null mean 0 and an infinite threshold (its MI is 0 up to rounding).
    """
    n_factors, n_latents = factor_codes.shape[1], latent_codes.shape[1]
    mean = np.zeros((n_factors, n_latents))
    threshold = np.zeros((n_factors, n_latents))
    factor_counts = [_class_counts(factor_codes[:, i], k) for i, k in enumerate(factor_n_classes)]
    latent_counts = [_class_counts(latent_codes[:, j], k) for j, k in enumerate(latent_n_values)]
    for i, a in enumerate(factor_counts):
        for j, b in enumerate(latent_counts):
            df = (np.count_nonzero(a) - 1) * (np.count_nonzero(b) - 1)
            if df == 0:  # the MI is 0 (up to rounding): nothing can exceed chance
                threshold[i, j] = np.inf
                continue
            n = a.sum()
            smallest = a[a > 0].min() * b[b > 0].min() / n  # smallest expected cell count
            if smallest >= ASYMPTOTIC_COUNT:
                mean[i, j] = df / (2.0 * n)
            else:  # the cells expecting many samples by the expansion
                mean[i, j] = expected_mutual_information(a, b, exact_below=ASYMPTOTIC_COUNT)
            threshold[i, j] = mean[i, j] * stats.chi2.ppf(1.0 - alpha, df) / df
    return mean, threshold


def sampled_null(null_samples, alpha):
    """Null mean and threshold per factor from MI estimates of shuffled latents.

    Parameters
    ----------
    null_samples : ndarray of shape (n_factors, n_draws)
        Unclipped estimates of the MI between each factor and latents shuffled against it
        (every latent, one or more shuffles): draws from the estimator's null distribution,
        which depends on the factor's class sizes and ``n`` and hardly on the latent.
    alpha : float
        One-sided level of one entry.

    Returns
    -------
    mean, threshold : ndarray of shape (n_factors,)
        The threshold is a normal prediction bound from ``m`` draws:
        ``mean + t_(m-1)(1 - alpha) * sd * sqrt(1 + 1/m)``.
    """
    m = null_samples.shape[1]
    mean = null_samples.mean(axis=1)
    sd = null_samples.std(axis=1, ddof=1)
    quantile = stats.t.ppf(1.0 - alpha, m - 1) * np.sqrt(1.0 + 1.0 / m)
    return mean, mean + quantile * sd


def adjusted_nmi(mi, entropies, threshold):
    """``max(0, MI - T) / (H - T)`` per entry; 0 where the threshold reaches the entropy.

    Parameters
    ----------
    mi : ndarray of shape (n_factors, n_latents)
        MI estimates (nats), clipped or not.
    entropies : ndarray of shape (n_factors,)
        Factor entropies ``H_i`` (nats).
    threshold : ndarray broadcastable to ``mi``
        Significance thresholds ``T_ij`` (nats).

    Returns
    -------
    adjusted : ndarray of shape (n_factors, n_latents)
        In [0, 1]: 1 when the latent determines the factor (``MI = H``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics._chance import adjusted_nmi
    >>> adjusted_nmi(np.array([[1.0, 0.1]]), np.array([1.0]), np.array([[0.2, 0.2]]))
    array([[1., 0.]])
    """
    entropies = np.asarray(entropies, dtype=np.float64)[:, None]
    room = entropies - threshold
    excess = np.maximum(mi - threshold, 0.0)
    excess[excess <= ROUNDING * entropies] = 0.0  # rounding errors of the estimates
    adjusted = np.divide(excess, room, out=np.zeros(np.broadcast(mi, room).shape),
                         where=room > 0)
    return np.clip(adjusted, 0.0, 1.0)


def normalised_peak_shares(matrix, axis, n=None):
    """``(max / sum - 1/n) / (1 - 1/n)`` of every vector along ``axis``, and their sums.

    ``n`` defaults to the vectors' length. A vector whose entries are all zero has no
    preference: its share is 0. Used by the reference InfoM/InfoC (the mean of the shares)
    and the adjusted ones (their information-weighted mean).
    """
    n = matrix.shape[axis] if n is None else n
    totals = matrix.sum(axis=axis)
    peaks = matrix.max(axis=axis, initial=0.0)
    share = np.divide(peaks, totals, out=np.full_like(totals, 1.0 / n), where=totals > 0)
    return (share - 1.0 / n) / (1.0 - 1.0 / n), totals


def weighted_modularity_compactness(adjusted):
    """Adjusted InfoM and InfoC from an adjusted NMI matrix, and the informative latents.

    A latent is *informative* when some entry of its column is above 0 (it carries
    information about a factor beyond chance). With ``S`` factors and ``L`` informative
    latents, each informative latent's modularity ``(max_i A_ij / sum_i A_ij - 1/S) /
    (1 - 1/S)`` is weighted by the information it carries, ``sum_i A_ij``; each captured
    factor's compactness ``(max_j A_ij / sum_j A_ij - 1/L) / (1 - 1/L)`` (over informative
    latents) by ``sum_j A_ij``. Uninformative latents and uncaptured factors have weight 0,
    so adding latents independent of the factors changes nothing. No informative latent
    gives 0 for both; one informative latent gives InfoC 1 (every captured factor sits in
    it); one factor gives InfoM 1. Both are weighted means, except that their weights are
    divided by at least :data:`MIN_INFORMATION`: latents carrying less than that in total
    (in factor entropies beyond chance) have their InfoM and InfoC shrunk in proportion,
    so that the rare false positive of a code independent of the factors (one entry just
    above its threshold, 1% of such codes) does not read as a perfectly modular code.

    Parameters
    ----------
    adjusted : ndarray of shape (n_factors, n_latents)
        From :func:`adjusted_nmi`.

    Returns
    -------
    infom, infoc : float
        In [0, 1].
    informative : ndarray of bool of shape (n_latents,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics._chance import weighted_modularity_compactness
    >>> A = np.array([[0.9, 0.0, 0.0], [0.0, 0.5, 0.0]])  # the third latent is noise
    >>> infom, infoc, informative = weighted_modularity_compactness(A)
    >>> float(infom), float(infoc), informative.tolist()
    (1.0, 1.0, [True, True, False])
    """
    adjusted = np.asarray(adjusted, dtype=np.float64)
    n_factors = adjusted.shape[0]
    informative = (adjusted > 0).any(axis=0)
    n_informative = int(informative.sum())
    if n_informative == 0:
        return 0.0, 0.0, informative
    used = adjusted[:, informative]
    # a code carrying (nearly) nothing beyond chance has no modularity worth the name: its
    # few above-threshold entries may well be false positives
    normaliser = max(float(used.sum()), MIN_INFORMATION)
    if n_factors == 1:
        infom = float(used.sum()) / normaliser
    else:
        modularity, weights = normalised_peak_shares(used, 0, n_factors)
        infom = float(np.dot(modularity, weights)) / normaliser
    if n_informative == 1:
        infoc = float(used.sum()) / normaliser
    else:
        compactness, weights = normalised_peak_shares(used, 1, n_informative)
        infoc = float(np.dot(compactness, weights)) / normaliser
    return float(np.clip(infom, 0.0, 1.0)), float(np.clip(infoc, 0.0, 1.0)), informative
