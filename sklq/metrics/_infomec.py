"""InfoMEC: modularity (InfoM), compactness (InfoC) and explicitness (InfoE) of a representation."""

import math
import threading
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import optimize, sparse
from scipy.special import expit, softmax
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from .._docstrings import fill_doc
from ._chance import (
    adjusted_nmi,
    discrete_null,
    normalised_peak_shares,
    per_entry_alpha,
    sampled_null,
    weighted_modularity_compactness,
)
from ._lbfgs import minimise_together
from ._mutual_info import (
    factor_entropies,
    mi_matrix_continuous,
    mi_matrix_discrete,
    prepare_continuous,
)
from ._validation import (
    Factors,
    check_bool_param,
    check_inputs,
    encode_columns,
    resolve_discrete,
    shuffle_generator,
)


def _private_kernels():
    """scipy's kernels of sparse @ dense products (``Y += A @ X`` into a ``Y`` of ours), or
    ``(None, None)`` where a scipy moved or changed them: its public products then."""
    try:
        from scipy.sparse._sparsetools import csc_matvecs, csr_matvecs

        out = np.zeros(2, dtype=np.float32)  # [[2]] @ [[1, 3]], both ways
        one = np.array([0, 1], dtype=np.int32)
        for kernel in (csr_matvecs, csc_matvecs):
            kernel(1, 1, 2, one, one[:1], np.array([2.0], np.float32),
                   np.array([1.0, 3.0], np.float32), out)
        if not np.array_equal(out, [4.0, 12.0]):
            raise ValueError(out)
    except Exception:  # pragma: no cover - depends on the installed scipy
        return None, None
    return csr_matvecs, csc_matvecs


csr_matvecs, csc_matvecs = _private_kernels()

#: ``mutual_info_classif``'s ``n_neighbors`` used by the reference InfoMEC.
N_NEIGHBORS = 10
#: the features of InfoE's regressions for discrete latents (see :func:`infomec`)
INFOE_FEATURES = ("one-hot", "values")
#: The reference logistic regression's ``max_iter`` and ``tol``.
MAX_ITER = 100
TOL = 1e-4
#: scipy's ``ftol`` as scikit-learn sets it (``64 * eps``): a relative decrease that ends a fit.
LBFGS_FTOL = 64 * np.finfo(float).eps
#: InfoE's in-sample regressions on one-hot features: the score added to a class that a
#: sample's latent values exclude (no training sample of that value has that class), minus
#: for the multinomial loss and towards the sample's own class for the binomial one: its
#: probability underflows to exactly 0, the optimum's limit (:class:`_LogisticObjective`).
EXCLUDED_SCORE = 1e4
#: A continuous latent is active when its range exceeds this fraction of the largest range.
CONTINUOUS_ACTIVE_FRACTION = 1 / 20
#: Chance adjustment of continuous latents: at least this many null MI estimates per factor
#: (shuffles of every latent against the factors, as many shuffles as that takes).
NULL_DRAWS = 10
#: Chance-adjusted InfoE: folds of its cross-validated log loss; a fit ends after this many
#: iterations that improve the held-out InfoE by less than ``CV_TOL`` altogether.
CV_FOLDS = 2
CV_PATIENCE = 5
CV_TOL = 2e-4


@dataclass(frozen=True)
class InfoMECResult:
    """Result of :func:`infomec`.

    Attributes
    ----------
    infom : float
        Modularity in [0, 1]: does each active latent capture at most one factor?
    infoc : float
        Compactness in [0, 1]: is each factor captured by at most one active latent?
    infoe : float
        Explicitness in [0, 1]: how well a linear (multinomial logistic) model predicts each
        factor from the latents, averaged over factors.
    nmi : ndarray or DataFrame of shape (n_factors, n_latents)
        Mutual information between factor ``i`` and latent ``j``, divided by the entropy of
        factor ``i``. A DataFrame indexed by factor names, with latent names as columns, when
        either input was a DataFrame.
    active_latents : ndarray of bool, shape (n_latents,)
        Which latents enter InfoM and InfoC.
    infoe_per_factor : ndarray of shape (n_factors,)
        Explicitness of each factor (InfoE is their mean).
    discrete_latents : bool
        Whether the latents were treated as discrete.
    infoe_features : str
        The features of InfoE's regressions: ``"one-hot"`` or ``"values"`` (see
        :func:`infomec`).
    adjusted_for_chance : bool
        Whether ``infom``, ``infoc``, ``infoe`` and ``infoe_per_factor`` are the
        chance-adjusted variants (``infomec(..., adjust_for_chance=True)``).
    unadjusted : dict or None
        With ``adjusted_for_chance``: the reference ``{"infom", "infoc", "infoe"}`` of the
        same latents (what ``adjust_for_chance=False`` returns). None otherwise.
    chance : dict or None
        With ``adjusted_for_chance``: the chance levels of the reference metrics,
        ``{"infom", "infoc", "infoe"}``, i.e. their values on the same latents after shuffling
        the rows against the factors. None otherwise.
    nmi_adjusted : ndarray or DataFrame of shape (n_factors, n_latents), or None
        With ``adjusted_for_chance``: the share of each factor's entropy that each latent
        carries beyond chance (0 where indistinguishable from chance). None otherwise.
    informative_latents : ndarray of bool of shape (n_latents,), or None
        With ``adjusted_for_chance``: the latents with an entry of ``nmi_adjusted`` above 0,
        the ones adjusted InfoM and InfoC count. None otherwise.
    """

    infom: float
    infoc: float
    infoe: float
    nmi: np.ndarray | pd.DataFrame
    active_latents: np.ndarray
    infoe_per_factor: np.ndarray
    discrete_latents: bool
    infoe_features: str = "one-hot"
    adjusted_for_chance: bool = False
    unadjusted: dict | None = None
    chance: dict | None = None
    nmi_adjusted: np.ndarray | pd.DataFrame | None = None
    informative_latents: np.ndarray | None = None


def _ratio_score(matrix, axis):
    """Normalised mean of ``max / sum`` along ``axis`` of a non-negative matrix.

    ``axis=0`` (per latent, over factors) gives InfoM, ``axis=1`` (per factor, over latents)
    gives InfoC: ``(mean(max / sum) - 1/n) / (1 - 1/n)`` with ``n = matrix.shape[axis]``.
    A vector whose entries are all zero has no preference and counts as ``1/n``, i.e. it
    contributes 0 after normalisation. Requires ``n >= 2``.
    """
    shares, _ = normalised_peak_shares(matrix, axis)
    return float(np.clip(shares.mean(), 0.0, 1.0))


def modularity_compactness(nmi):
    """InfoM and InfoC from the normalised MI matrix of the active latents.

    Parameters
    ----------
    nmi : ndarray of shape (n_factors, n_active_latents)
        Normalised mutual information, non-negative.

    Returns
    -------
    infom, infoc : float
        With one factor, every latent is trivially modular: InfoM is 1.0 and a
        ``UserWarning`` is issued. With one active latent, every factor is trivially
        compact: InfoC is 1.0, with a warning. With no active latent both are 0.0, with a
        warning (a collapsed representation carries no information).
    """
    nmi = np.asarray(nmi, dtype=np.float64)
    n_factors, n_active = nmi.shape
    if n_active == 0:
        warnings.warn(
            "No active latent: every latent is (nearly) constant, so InfoM and InfoC are set "
            "to 0.0.",
            UserWarning,
            stacklevel=3,
        )
        return 0.0, 0.0
    if n_factors == 1:
        warnings.warn(
            "With a single factor every latent is trivially modular: InfoM is set to 1.0.",
            UserWarning,
            stacklevel=3,
        )
        infom = 1.0
    else:
        infom = _ratio_score(nmi, axis=0)
    if n_active == 1:
        warnings.warn(
            "Only one active latent: every factor is trivially compact, so InfoC is set to "
            "1.0. InfoM still measures whether that latent mixes several factors.",
            UserWarning,
            stacklevel=3,
        )
        infoc = 1.0
    else:
        infoc = _ratio_score(nmi, axis=1)
    return infom, infoc


def active_latents_mask(values, discrete):
    """Active latents as in the reference: range > 0 (discrete) or > max range / 20."""
    ranges = values.max(axis=0) - values.min(axis=0)
    if discrete:
        return ranges > 0
    return ranges > ranges.max() * CONTINUOUS_ACTIVE_FRACTION


def _nmi_columns(factors, values, discrete, columns, clip=True):
    if discrete:
        codes, n_values = encode_columns(values[:, columns])
        return mi_matrix_discrete(factors.codes, factors.n_classes, codes, n_values)
    return mi_matrix_continuous(
        factors.codes, factors.n_classes, values[:, columns], N_NEIGHBORS, clip
    )


def _mi_matrix(factors, values, discrete, n_jobs, clip=True):
    """MI (nats) of every (factor, latent) pair on prepared values, over joblib workers."""
    n_latents = values.shape[1]
    if n_jobs in (None, 1) or n_latents == 1:
        return _nmi_columns(factors, values, discrete, np.arange(n_latents), clip)
    chunks = np.array_split(np.arange(n_latents), min(n_latents, 2 * abs(n_jobs) + 2))
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_nmi_columns)(factors, values, discrete, chunk, clip) for chunk in chunks
    )
    return np.hstack(parts)


def _nmi_matrix(factors, values, discrete, random_state, n_jobs):
    if not discrete:
        values = prepare_continuous(values, random_state=random_state)
    return _mi_matrix(factors, values, discrete, n_jobs) / factor_entropies(factors)[:, None]


def _shuffled(factors, rng):
    """The factors with their rows shuffled (all factors alike) against the latents."""
    order = rng.permutation(factors.codes.shape[0])
    return Factors(codes=factors.codes[order], n_classes=factors.n_classes, names=factors.names)


class _DesignMatrix:
    """The standardised features of InfoE's regressions, shared by every factor's regression.

    ``features`` is either a dense (n, p) array of standardised continuous latents, or, with
    ``sizes``, the integer codes (n, n_latents) of one-hot features with ``sizes[j]`` values
    for latent ``j`` (``p = sum(sizes)``, the columns of ``OneHotEncoder``).

    One-hot columns are standardised too: column ``c`` enters as ``(x_c - m_c) / s_c``, with
    its mean ``m_c`` and standard deviation ``s_c`` (1 for a constant column), as
    ``StandardScaler`` would give. With an intercept in the model this is the same family of
    predictors, so the unpenalised optimum is the same; it is only better conditioned, and
    L-BFGS reaches the reference's tolerance in about half the iterations (InfoE within
    1.2e-4 of the reference on raw one-hot columns in the benchmark's cases, 2e-5 at 10,000
    samples). The standardisation is applied to the coefficients, not the matrix:
    ``coef @ X_std.T + b = [coef / s, b - (coef / s) @ m] @ [X, 1].T``, so the one-hot
    matrix stays 0/1 with a column of ones for the intercept, a float32 CSR matrix (exact
    entries, so only the products round) whose products cost a look-up and an addition per
    latent and row: on 10,000 rows of 239 one-hot columns and 57 scores, 0.85 ms and 0.75 ms
    for the two products against 2.3 ms and 2.8 ms for dense float32 BLAS products (one
    thread), which do every multiplication by 0.
    """

    def __init__(self, features, sizes=None):
        self.sparse = self.mean = self.inverse_scale = self.scaled_mean = None
        self.columns = None
        self.dense = self.dense_transposed = None
        self.buffers = {}
        self.one_hot = sizes is not None
        if sizes is None:
            self.dense = np.ascontiguousarray(features, dtype=np.float64)
            # (p, n) copy: coef @ X.T runs faster on it than on the transposed view
            self.dense_transposed = np.ascontiguousarray(self.dense.T)
            self.n_rows, self.n_features = self.dense.shape
            self.dtype = np.float64
            return
        n = features.shape[0]
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        columns = np.asarray(features) + starts  # one 1 per latent in every row
        self.columns = columns
        self.n_rows, self.n_features = n, int(np.sum(sizes))
        self.dtype = np.float32
        # the one-hot columns and a last column of ones, for the intercept
        with_intercept = np.c_[columns, np.full(n, self.n_features)]
        self.sparse = sparse.csr_matrix(
            (np.ones(with_intercept.size, dtype=np.float32), with_intercept.ravel(),
             np.arange(0, with_intercept.size + 1, with_intercept.shape[1])),
            shape=(n, self.n_features + 1),
        )
        mean = np.bincount(columns.ravel(), minlength=self.n_features) / n
        std = np.sqrt(mean * (1.0 - mean))
        std[std <= 0] = 1.0  # a constant column: centred to zero, left unscaled
        self.mean = mean.astype(np.float32)
        self.inverse_scale = (1.0 / std).astype(np.float32)
        self.scaled_mean = (mean / std).astype(np.float32)

    def take(self, rows):
        """The design of a subset of the rows, standardised as the whole (no refit of the
        means and scales: they do not look at the factors)."""
        subset = object.__new__(_DesignMatrix)
        subset.__dict__.update(self.__dict__)
        subset.buffers = {}
        if self.one_hot:
            subset.sparse = self.sparse[rows]
            subset.columns = self.columns[rows]
        else:
            subset.dense = self.dense[rows]
            subset.dense_transposed = np.ascontiguousarray(subset.dense.T)
        subset.n_rows = len(rows)
        return subset

    def unseen_classes(self, labels, n_classes):
        """For one-hot features: ``unseen[c, k]`` is True when one-hot column ``c`` (a value
        of a latent) is 1 in some row but in no row of class ``k``; such a column excludes
        class ``k`` from its rows (never a row's own class)."""
        counts = np.bincount((self.columns * n_classes + labels[:, None]).ravel(),
                             minlength=self.n_features * n_classes)
        counts = counts.reshape(self.n_features, n_classes)
        # a value absent from these rows (a subset's) excludes nothing
        return (counts == 0) & (counts.sum(axis=1, keepdims=True) > 0)

    def __getstate__(self):  # the scratch buffers stay behind (joblib's workers)
        return {**self.__dict__, "buffers": {}}

    def scratch(self, name, shape):
        """A buffer of the design's precision for ``shape``, reused by the next products
        of this thread (the one-hot products' outputs: fresh arrays of a few MB each
        cost page faults at every evaluation)."""
        size = math.prod(shape)
        key = (threading.get_ident(), name)
        buffer = self.buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = self.buffers[key] = np.empty(size, dtype=self.dtype)
        return buffer[:size].reshape(shape)

    def _times(self, transposed, dense):
        """``X @ dense`` (``X.T @ dense`` if ``transposed``) of the one-hot matrix with its
        column of ones, for a C-contiguous ``dense``, into a scratch buffer."""
        rows = self.n_features + 1 if transposed else self.n_rows
        if csr_matvecs is None:
            return (self.sparse.T if transposed else self.sparse) @ dense
        out = self.scratch("product^T" if transposed else "product", (rows, dense.shape[1]))
        out.fill(0.0)  # the kernels add to it
        kernel = csc_matvecs if transposed else csr_matvecs  # X.T is X's arrays as CSC
        matrix = self.sparse
        kernel(rows, matrix.shape[0] if transposed else matrix.shape[1], dense.shape[1],
               matrix.indptr, matrix.indices, matrix.data, dense.ravel(), out.ravel())
        return out

    def scores(self, coef, intercept, out, offset=None):
        """``coef @ X_std.T + intercept[:, None]`` (shape (k, n)) into ``out``; for one-hot
        features ``offset`` (k, p), if given, is added to the coefficients of the raw 0/1
        columns, i.e. to the scores of the rows where each column is 1."""
        if not self.one_hot:
            np.matmul(coef, self.dense_transposed, out=out)
            out += intercept[:, None]
            return out
        raw_coef_t = self.scratch("coefficients", (self.n_features + 1, coef.shape[0]))
        raw_coef = raw_coef_t.T  # (k, p + 1), a view
        np.multiply(coef, self.inverse_scale, out=raw_coef[:, :-1])
        # row by row on C-contiguous rows (not a BLAS product), so that stacking other
        # rows does not change the rounding
        raw_coef[:, -1] = intercept - (coef * self.scaled_mean).sum(axis=1)
        if offset is not None:
            raw_coef[:, :-1] += offset
        out[...] = self._times(False, raw_coef_t).T  # a look-up per latent and row
        return out

    def gradient(self, residual):
        """``(residual @ X_std, residual.sum(axis=1))`` for residuals of shape (k, n): the
        gradients of the coefficients (k, p) and of the intercepts (k)."""
        if not self.one_hot:
            return residual @ self.dense, residual.sum(axis=1)
        residual_t = self.scratch("residuals", (self.n_rows, residual.shape[0]))
        residual_t[...] = residual.T
        product = self._times(True, residual_t).T  # (k, p + 1)
        intercept_gradient = product[:, -1].copy()
        coef_gradient = product[:, :-1] - intercept_gradient[:, None] * self.mean
        coef_gradient *= self.inverse_scale
        return coef_gradient, intercept_gradient


class _LogisticObjective:
    """scikit-learn's unpenalised logistic regression objective with balanced class weights.

    ``LogisticRegression(C=np.inf, class_weight="balanced", solver="lbfgs")`` minimises
    ``sum_i w_i loss_i / sum_i w_i`` with ``w_i = n / (K * count(y_i))`` and, for ``K >= 3``
    classes, the multinomial loss ``logsumexp(raw_i) - raw_i[y_i]`` of ``raw = X W + b``,
    or for two classes the binomial loss ``log(1 + exp(raw_i)) - y_i raw_i`` of a single
    score. This evaluates the same function and gradient, as ``(value, gradient)`` for
    ``scipy.optimize.minimize`` or :func:`_fit_together`, class-major (scores of shape
    (K, n)), with the products of a :class:`_DesignMatrix` into preallocated buffers, in the
    design's precision (float32 for one-hot features); the loss is summed in float64.

    With ``exclude_unseen`` (one-hot designs only) the regression starts at the limit its
    optimum approaches in one kind of direction. When value ``v`` of a latent occurs in no
    row of class ``k``, lowering that value's coefficient for ``k`` lowers the loss of every
    row with that value and changes no other row's, so the loss decreases without bound
    along it (towards an infimum, not an attained minimum): L-BFGS crawls along such
    directions for most of its iterations. Here the coefficient is held at 0 and the
    class's score in those rows is lowered by :data:`EXCLUDED_SCORE` instead (for two
    classes, the single score pushed towards the row's own class), so that its probability
    is 0, as at the infimum; the remaining parameters minimise the loss with those
    probabilities at their limit. This is the same infimum, reached in fewer iterations and
    more closely (:func:`_infoe_per_factor`). The offsets ride on the coefficients of the
    raw 0/1 columns (``offset`` of :meth:`_DesignMatrix.scores`), so they cost nothing per
    evaluation.
    """

    def __init__(self, design, labels, n_classes, exclude_unseen=False):
        n = labels.shape[0]
        self.design = design
        self.n_features = design.n_features
        counts = np.bincount(labels, minlength=n_classes)
        weights = n / (n_classes * counts[labels])
        self.scaled_weights = weights / weights.sum()
        self.labels, self.n_classes = labels, n_classes
        self.n_scores = n_classes if n_classes > 2 else 1
        self.dtype = design.dtype
        self.weights = self.scaled_weights.astype(self.dtype)
        self.raw_buffer = np.empty((self.n_scores, n), dtype=self.dtype)
        # position of (labels[i], i) in the flattened (K, n) scores
        self.chosen = labels * n + np.arange(n)
        if self.n_scores == 1:
            self.target = (labels == 1).astype(self.dtype)
        self.n_parameters = (self.n_features + 1) * self.n_scores
        self.offset = self.free = None
        if exclude_unseen and design.one_hot:
            self._exclude_unseen(labels, n_classes)

    def _exclude_unseen(self, labels, n_classes):
        """The score offsets of the excluded classes, on the raw columns' coefficients, and
        the mask of the coefficients that stay at 0 (see the class docstring)."""
        unseen = self.design.unseen_classes(labels, n_classes)  # (n_features, n_classes)
        if not unseen.any():
            return
        if self.n_scores == 1:  # the score is the log-odds of class 1
            # a value unseen with class 0 has only rows of class 1: up, and the reverse
            offset = EXCLUDED_SCORE * (unseen[:, 0].astype(self.dtype)
                                       - unseen[:, 1].astype(self.dtype))
            self.offset = offset[None, :]
            held = unseen.any(axis=1)[None, :]  # (1, n_features)
        else:
            self.offset = np.where(unseen.T, -EXCLUDED_SCORE, 0.0).astype(self.dtype)
            held = unseen.T  # (n_classes, n_features)
        self.free = np.concatenate([~held.ravel(), np.ones(self.n_scores, dtype=bool)]
                                   ).astype(np.float64)

    def split(self, parameters):
        """``(coef, intercept)`` of a parameter vector, in the design's precision."""
        cut = self.n_features * self.n_scores
        coef = parameters[:cut].reshape(self.n_scores, self.n_features).astype(self.dtype)
        return coef, parameters[cut:].astype(self.dtype)

    def raw(self, parameters, design=None):
        """``(X W + b)^T``, shape (n_scores, n), into the raw buffer, with the offsets of
        excluded classes; or, for the rows of another ``design`` standardised alike, a new
        array without them."""
        coef, intercept = self.split(parameters)
        if design is None:
            return self.design.scores(coef, intercept, self.raw_buffer, self.offset)
        return design.scores(coef, intercept, design.scratch("scores", (self.n_scores,
                                                                       design.n_rows)))

    def __call__(self, parameters):
        raw = self.raw(parameters)
        value = self.loss_and_residual(raw)
        return value, self.gradient(*self.design.gradient(raw))

    def gradient(self, coef_gradient, intercept_gradient):
        """The full gradient (float64) from those of the coefficients and intercepts; zero
        for the coefficients held at 0 (``exclude_unseen``)."""
        gradient = np.concatenate([coef_gradient.ravel(), intercept_gradient]).astype(
            np.float64)
        if self.free is not None:
            gradient *= self.free
        return gradient

    def loss_and_residual(self, raw):
        """The objective's value at the scores ``raw``, which become the weighted residuals
        (the gradient with respect to the scores) in place."""
        weights = self.weights
        if self.n_scores == 1:
            score = raw[0]
            # log(1 + exp(raw)) - y raw, and its derivative expit(raw) - y
            loss = np.logaddexp(0.0, score) - self.target * score
            residual = raw
            residual[0] = (expit(score) - self.target) * weights
            return float(np.dot(loss.astype(np.float64), self.scaled_weights))
        flat = raw.reshape(-1)  # a view: the buffer is contiguous
        peak = raw.max(axis=0)
        chosen = flat[self.chosen]
        residual = raw
        residual -= peak
        np.exp(residual, out=residual)
        total = residual.sum(axis=0)
        loss = np.log(total) + peak - chosen
        residual *= weights / total
        flat[self.chosen] -= weights
        return float(np.dot(loss.astype(np.float64), self.scaled_weights))

    def predict_proba(self, parameters, design=None):
        """Class probabilities (n, K) in float64, as ``LogisticRegression.predict_proba``
        (of the rows of ``design`` when given; the training rows with their excluded
        classes at probability 0)."""
        raw = self.raw(parameters, design).astype(np.float64)
        if self.n_scores == 1:
            positive = expit(raw[0])
            return np.column_stack([1.0 - positive, positive])
        return softmax(raw, axis=0).T


def _stacked_evaluations(objectives, parameters):
    """``objective(x)`` of several objectives on one design, with one product each way.

    The scores of every objective are stacked (rows) into one product with the design,
    and the residuals into one product for the gradients: one call per product instead of
    one per objective. The one-hot products compute every score row as they would alone
    (the offsets and intercepts row by row too), so each objective's value and gradient
    are exactly those of ``objective(x)``.
    """
    design = objectives[0].design
    sizes = [objective.n_scores for objective in objectives]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    parts = [objective.split(x) for objective, x in zip(objectives, parameters, strict=True)]
    coef = np.vstack([c for c, _ in parts])
    intercept = np.concatenate([b for _, b in parts])
    offset = None
    if any(objective.offset is not None for objective in objectives):
        offset = np.vstack([
            np.zeros((objective.n_scores, objective.n_features), objective.dtype)
            if objective.offset is None else objective.offset
            for objective in objectives
        ])
    raw = design.scores(coef, intercept, design.scratch("scores", (bounds[-1], design.n_rows)),
                        offset)
    values = [objective.loss_and_residual(raw[start:stop])  # contiguous rows
              for objective, start, stop in zip(objectives, bounds[:-1], bounds[1:],
                                                strict=True)]
    coef_gradient, intercept_gradient = design.gradient(raw)
    return [
        (value, objective.gradient(coef_gradient[start:stop], intercept_gradient[start:stop]))
        for objective, value, start, stop in zip(objectives, values, bounds[:-1], bounds[1:],
                                                 strict=True)
    ]


def _fit_logistic(objective, callback=None):
    """Minimise ``objective`` from zero as ``LogisticRegression(solver="lbfgs",
    max_iter=100)`` does; ``callback(intermediate_result)`` is called after every iteration
    (and may raise ``StopIteration`` to end it). One-hot designs: :func:`_fit_together`."""
    if objective.design.one_hot:
        return _fit_together([objective], [callback])[0]
    # Unpenalised regression on separable data stops at maxiter, as in the reference.
    result = optimize.minimize(
        objective,
        np.zeros(objective.n_parameters),
        callback=callback,
        method="L-BFGS-B",
        jac=True,
        options={"maxiter": MAX_ITER, "maxls": 50, "gtol": TOL, "ftol": LBFGS_FTOL},
    )
    return result.x


def _fit_together(objectives, callbacks=None):
    """Fit several objectives on one one-hot design, each as :func:`_fit_logistic` would,
    with sklq's L-BFGS (:func:`~sklq.metrics._lbfgs.lbfgs`) and every round's evaluations
    stacked into one (:func:`_stacked_evaluations`).

    The stopping rules are the reference's (``max_iter=100``, a largest gradient entry of
    ``tol=1e-4``, scipy's ``ftol``), and so are the memory (10 pairs) and the first step (a
    unit length along the gradient); the line search only backtracks, where scipy's
    searches both ways. The paths differ a little, the optimum does not. The evaluations
    are the costly part, and one thread evaluates the pending points of all the fits at
    once (one product each way instead of one per fit), without scipy's per-call
    overhead or threads to interleave its fits.
    """
    callbacks = [None] * len(objectives) if callbacks is None else callbacks
    options = [{"max_iter": MAX_ITER, "gtol": TOL, "ftol": LBFGS_FTOL, "callback": callback}
               for callback in callbacks]
    return minimise_together(
        lambda keys, points: _stacked_evaluations([objectives[k] for k in keys], points),
        [np.zeros(objective.n_parameters) for objective in objectives], options,
    )


def _explicitness(design, labels, n_classes, exclude_unseen=False):
    """Per-factor InfoE: ``(CE_null - CE) / CE_null``, clipped at 0.

    ``CE`` is the in-sample log loss of the reference's multinomial logistic regression
    (no penalty, balanced class weights, lbfgs, ``max_iter=100``, ``tol=1e-4``) on the
    features of ``design`` (a :class:`_DesignMatrix`). The same objective is minimised
    (:func:`_fit_logistic`: on continuous features by the same ``scipy.optimize.minimize``
    call with the options scikit-learn passes, ``L-BFGS-B``, ``maxiter=100``, ``maxls=50``,
    ``gtol=1e-4``, ``ftol=64 eps``, from zero; on one-hot features by sklq's L-BFGS with
    the same stopping rules), only with faster function evaluations
    (:class:`_LogisticObjective`, whose ``exclude_unseen`` starts one-hot fits at the limit
    of their unbounded directions). The null model (intercept only, balanced class weights)
    predicts the uniform distribution, so its log loss ``CE_null`` is ``log(n_classes)``.
    """
    objective = _LogisticObjective(design, labels, n_classes, exclude_unseen)
    return _explicitness_of(objective, _fit_logistic(objective))


def _explicitness_of(objective, parameters):
    """``(log K - CE) / log K``, clipped at 0, of a fitted :class:`_LogisticObjective`."""
    # log_loss(labels, predict_proba(X)): the probabilities clipped to [eps, 1 - eps]
    eps = np.finfo(np.float64).eps
    log_p = np.clip(_log_likelihoods(objective, parameters), np.log(eps), np.log1p(-eps))
    cross_entropy = -float(np.mean(log_p))
    null_cross_entropy = np.log(objective.n_classes)
    return max(0.0, (null_cross_entropy - cross_entropy) / null_cross_entropy)


def _stratified_folds(labels, n_folds, rng):
    """Fold number of every sample: each class dealt round-robin over the folds, in random
    order (``StratifiedKFold(shuffle=True)``'s idea)."""
    order = rng.permutation(labels.shape[0])
    order = order[np.argsort(labels[order], kind="stable")]
    counts = np.bincount(labels)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(labels.shape[0]) - starts[labels[order]]
    folds = np.empty(labels.shape[0], dtype=np.intp)
    folds[order] = (rank + rng.integers(n_folds)) % n_folds
    return folds


def _log_likelihoods(objective, parameters, design=None, codes=None):
    """``log p(codes_i)`` of the rows of ``design`` under the fitted ``objective``, in the
    design's precision, as the fit; without ``design``, of the objective's own rows and
    labels (their excluded classes at probability 0), in float64."""
    raw = objective.raw(parameters, design)
    if design is None:
        raw, codes = raw.astype(np.float64), objective.labels
    n = codes.shape[0]
    if objective.n_scores == 1:  # binomial: p(1) = expit(raw), p(0) = expit(-raw)
        signed = np.where(codes == 1, raw[0], -raw[0])
        return -np.logaddexp(0.0, -signed)
    peak = raw.max(axis=0)
    chosen = raw[codes, np.arange(n)] - peak
    raw -= peak
    np.exp(raw, out=raw)
    return chosen - np.log(raw.sum(axis=0))


class _HeldOutMonitor:
    """L-BFGS callback: the held-out log loss after every iteration, its minimum, and the
    early stop (``StopIteration``) after :data:`CV_PATIENCE` iterations without progress."""

    def __init__(self, objective, test_design, test_codes, n_classes):
        self.objective, self.design, self.codes = objective, test_design, test_codes
        self.floor = np.log(np.finfo(np.float64).eps)
        # a gain below this (in summed log loss) is no progress: CV_TOL of InfoE
        self.negligible = CV_TOL * test_codes.size * np.log(n_classes)
        self.best = test_codes.size * np.log(objective.n_classes)  # iteration 0: uniform
        self.since = 0

    def __call__(self, intermediate_result):
        log_p = _log_likelihoods(self.objective, intermediate_result.x, self.design,
                                          self.codes)
        loss = -float(np.sum(np.maximum(log_p, self.floor), dtype=np.float64))
        self.since = 0 if loss < self.best - self.negligible else self.since + 1
        self.best = min(self.best, loss)
        if self.since >= CV_PATIENCE:
            raise StopIteration


def _cross_validated_explicitness(fold_designs, folds, codes, n_classes, together):
    """Chance-adjusted InfoE of factors sharing folds: ``1 - CE_cv / log K`` each.

    ``CE_cv`` is the log loss of each sample's prediction by the reference's regression
    (unpenalised multinomial logistic regression with balanced class weights, lbfgs from
    zero, at most 100 iterations) fit *without* that sample: each fold (``folds`` numbers
    them; ``fold_designs`` holds the (train, test) designs of each) is predicted by a fit on
    the others. Each fit is stopped early, at the iteration with the lowest held-out log
    loss (its search ends once :data:`CV_PATIENCE` iterations in a row have improved the
    held-out InfoE by less than :data:`CV_TOL`); iteration 0 is the uniform prediction,
    whose log loss is ``log K``, so the score is at least 0. Predicting held-out samples, a
    regression on latents independent of the factor cannot beat the uniform prediction
    (in-sample it can, by overfitting: the reference InfoE of pure noise is 0.64 at 320
    samples), and early stopping keeps a near-separable fit from making overconfident
    held-out predictions, as a tuned penalty would, without a grid of penalties to fit.
    Probabilities are clipped at ``eps`` as in ``log_loss``; a class missing from a
    training fold gets that clipped probability.

    ``codes`` (n, m) and ``n_classes`` (m) are the factors; with ``together`` (one-hot
    designs) the m fits of a fold run together (:func:`_fit_together`), otherwise one after
    the other.
    """
    floor = np.log(np.finfo(np.float64).eps)
    losses = np.zeros(len(n_classes))  # summed held-out -log p(y) at each best iteration
    for fold, (train_design, test_design) in enumerate(fold_designs):
        objectives, monitors = [], []
        for j, k in enumerate(n_classes):
            train_labels, test_labels = codes[folds != fold, j], codes[folds == fold, j]
            present = np.unique(train_labels)
            relabel = np.full(k, -1)
            relabel[present] = np.arange(present.size)
            test_codes = relabel[test_labels]
            seen = np.flatnonzero(test_codes >= 0)
            losses[j] -= (test_labels.size - seen.size) * floor
            if present.size < 2:  # one class: predicted with certainty, loss 0
                continue
            objective = _LogisticObjective(train_design, relabel[train_labels], present.size)
            seen_design = test_design if seen.size == test_labels.size else (
                test_design.take(seen))
            objectives.append(objective)
            monitors.append((j, _HeldOutMonitor(objective, seen_design, test_codes[seen], k)))
        if together and objectives:
            _fit_together(objectives, [monitor for _, monitor in monitors])
        else:
            for objective, (_, monitor) in zip(objectives, monitors, strict=True):
                _fit_logistic(objective, monitor)
        for j, monitor in monitors:
            losses[j] += monitor.best
    return np.maximum(0.0, 1.0 - losses / codes.shape[0] / np.log(n_classes))


def check_infoe_features(infoe_features):
    """Validate ``infoe_features`` (one of :data:`INFOE_FEATURES`)."""
    if not isinstance(infoe_features, str) or infoe_features not in INFOE_FEATURES:
        raise ValueError(
            f"infoe_features must be one of {INFOE_FEATURES}; got {infoe_features!r}."
        )
    return infoe_features


def _infoe_design(values, discrete, infoe_features="one-hot"):
    if discrete and infoe_features == "one-hot":
        # the columns of OneHotEncoder().fit_transform(values), as codes per latent
        return _DesignMatrix(*encode_columns(values))
    return _DesignMatrix(StandardScaler().fit_transform(values))


def _infoe_per_factor(factors, values, discrete, n_jobs, design=None):
    """The reference InfoE of every factor (:func:`_explicitness`).

    On one-hot features every regression excludes the classes a latent value never occurs
    with (``exclude_unseen`` of :class:`_LogisticObjective`): the optimum's limit along
    those directions is taken at once instead of approached by L-BFGS, which on discrete
    codes with many values halves the iterations and lands closer to the optimum (the
    benchmark's figures in ``docs/metrics.md``). One-hot features and one joblib worker
    (``n_jobs`` None or 1): the factors' regressions run together (:func:`_fit_together`),
    each as alone but with their products stacked. Continuous latents (a few standardised
    columns, cheap products) or more workers: one regression per task.
    """
    design = _infoe_design(values, discrete) if design is None else design
    n_factors = factors.codes.shape[1]
    if n_jobs in (None, 1) and n_factors > 1 and design.one_hot:
        objectives = [_LogisticObjective(design, factors.codes[:, i], factors.n_classes[i],
                                         exclude_unseen=True)
                      for i in range(n_factors)]
        parameters = _fit_together(objectives)
        scores = [_explicitness_of(objective, x) for objective, x in
                  zip(objectives, parameters, strict=True)]
    else:
        scores = Parallel(n_jobs=n_jobs)(
            delayed(_explicitness)(design, factors.codes[:, i], factors.n_classes[i],
                                   exclude_unseen=True)
            for i in range(n_factors)
        )
    return np.asarray(scores, dtype=np.float64)


def _cross_validated_infoe_per_factor(factors, design, rng, n_jobs):
    """:func:`_cross_validated_explicitness` of every factor.

    The :data:`CV_FOLDS` folds are stratified by the factor with the most values and
    shared by all factors, so that the fold designs are built once; a factor of which that
    split leaves some value out of a training fold (a rare value at small ``n``) gets folds
    of its own, stratified by it. With one-hot features and one joblib worker the factors
    on the shared folds fit together (as in :func:`_infoe_per_factor`); otherwise every
    factor is a joblib task.
    """
    n_factors = factors.codes.shape[1]
    most = int(np.argmax(factors.n_classes))
    shared = _stratified_folds(factors.codes[:, most], CV_FOLDS, rng)
    fold_sets = []
    for i in range(n_factors):
        codes, k = factors.codes[:, i], factors.n_classes[i]
        missing = any(
            np.unique(codes[shared != fold]).size < k for fold in range(CV_FOLDS)
        )
        fold_sets.append(_stratified_folds(codes, CV_FOLDS, rng) if missing else shared)

    def designs(folds):
        return [
            (design.take(np.flatnonzero(folds != f)), design.take(np.flatnonzero(folds == f)))
            for f in range(CV_FOLDS)
        ]

    shared_designs = designs(shared)
    together = n_jobs in (None, 1) and design.one_hot
    if together:  # one group on the shared folds, one per factor with folds of its own
        groups = [[i for i in range(n_factors) if fold_sets[i] is shared]]
        groups += [[i] for i in range(n_factors) if fold_sets[i] is not shared]
    else:
        groups = [[i] for i in range(n_factors)]
    results = Parallel(n_jobs=1 if together else n_jobs)(
        delayed(_cross_validated_explicitness)(
            shared_designs if fold_sets[group[0]] is shared else designs(fold_sets[group[0]]),
            fold_sets[group[0]], factors.codes[:, group], factors.n_classes[group], together,
        )
        for group in groups if group
    )
    scores = np.empty(n_factors)
    for group, values in zip([g for g in groups if g], results, strict=True):
        scores[group] = values
    return scores


def infomec(
    factors, latents, *, discrete_latents="auto", adjust_for_chance=False, random_state=None,
    n_jobs=None, infoe_features="one-hot",
):
    """InfoM, InfoC and InfoE of a representation, with its normalised MI matrix.

    InfoMEC (Hsu et al., 2023) measures how a representation's latents relate to the
    ground-truth factors through the mutual information ``I(s_i; z_j)`` normalised by the
    factor entropy ``H(s_i)``: modularity (each latent captures one factor), compactness
    (each factor is captured by one latent) and explicitness (each factor is linearly
    decodable). The semantics are those of the authors' standalone ``infomec.py``.

    Parameters
    ----------
    factors : array-like or DataFrame of shape (n_samples, n_factors)
        Ground-truth factors. Any labels (ints, floats, strings); only the identity of a
        value matters. Each factor must take at least two values.
    latents : array-like or DataFrame of shape (n_samples, n_latents)
        The representation: numeric, finite.
    discrete_latents : "auto" or bool, default="auto"
        Whether the latents are discrete codes (plug-in MI, one-hot features for InfoE) or
        continuous (kNN MI on standardised latents, standardised features for InfoE).
        ``"auto"``: discrete when the latents have a bool/int dtype, or when every column
        takes at most ``min(50, n_samples // 2)`` distinct values (quantized values stored
        as floats).
    adjust_for_chance : bool, default=False
        False: the reference definitions (the authors' ``infomec.py``). True: InfoM, InfoC
        and InfoE corrected for chance, so that latents independent of the factors score
        about 0 in either mode and at any sample size: every NMI entry counts only by how
        far it exceeds what an independent latent would reach (an exact null for discrete
        codes, a shuffled one for continuous latents, at a 1% family-wise level), InfoM
        and InfoC weight latents and factors by the information they carry beyond chance,
        and InfoE is the explicitness of held-out samples (2-fold, early-stopped). The
        result then also holds the reference values (``unadjusted``), their chance levels
        (``chance``: the reference metrics of the latents shuffled against the factors),
        ``nmi_adjusted`` and ``informative_latents``. See ``docs/metrics.md``.
    random_state : int, RandomState instance or None, default=None
        Seeds the 1e-10 noise the kNN estimator adds to continuous latents to break ties
        (as ``mutual_info_classif`` does), and with ``adjust_for_chance`` the shuffles and
        the held-out folds. None draws from fresh entropy (``np.random.default_rng()``),
        leaving numpy's global RNG untouched; pass an int for reproducible results. Unused
        for discrete latents without ``adjust_for_chance``.
    n_jobs : int, default=None
        Number of joblib workers, over latents for the MI matrix and over factors for InfoE.
        None means 1 unless in a ``joblib.parallel_config`` context.
    infoe_features : {"one-hot", "values"}, default="one-hot"
        What InfoE's regressions see of discrete latents. ``"one-hot"``: one indicator
        per value of each latent, as the authors' ``infomec.py`` (the reference; any
        decoding of a latent's values is linear then). ``"values"``: the standardised
        latent values themselves, as the authors' training-time code that produced the
        paper's tables (``explicitness.py`` standardises the QLAE's quantized values
        and one-hot encodes only integer codes): the scores are linear in the values,
        the probe continuous latents get, with one coefficient per latent and class
        instead of one per value and class, so a factor's value is readable when it
        takes a contiguous range of a latent's values, not values scattered among
        others'. Continuous latents are standardised either way.

    Returns
    -------
    result : InfoMECResult
        ``infom``, ``infoc``, ``infoe`` (floats in [0, 1]), ``nmi`` (factors x latents,
        a DataFrame when names are known), ``active_latents`` (bool mask),
        ``infoe_per_factor``, ``discrete_latents`` and ``infoe_features``; with
        ``adjust_for_chance`` also ``unadjusted``, ``chance``, ``nmi_adjusted`` and
        ``informative_latents``.

    Raises
    ------
    ValueError
        If the inputs are not 2-D, differ in length, hold fewer than 2 samples or more
        columns than samples, contain NaN/inf, or a factor is constant; or if
        ``adjust_for_chance`` is not a bool, or ``infoe_features`` is not one of
        ``"one-hot"`` and ``"values"``.

    See Also
    --------
    infom_score, infoc_score, infoe_score : The three numbers alone.
    sklq.evaluate : Every metric of a fitted model with its chance level.
    dci : Disentanglement, completeness and informativeness from tree importances.
    mig_score : Mutual information gap.

    Notes
    -----
    ``NMI[i, j] = I(s_i; z_j) / H(s_i)``. Discrete latents use the plug-in estimate
    (``mutual_info_score``); continuous latents the Ross (2014) kNN estimator with
    ``n_neighbors=10`` on ``StandardScaler``-ed latents (``mutual_info_classif``), computed
    on sorted 1-D values. Active latents: range ``> 0`` (discrete) or ``> max range / 20``
    (continuous). With ``P = NMI[:, active]``, ``S`` factors and ``L`` active latents::

        InfoM = (mean_j max_i P_ij / sum_i P_ij - 1/S) / (1 - 1/S)
        InfoC = (mean_i max_j P_ij / sum_j P_ij - 1/L) / (1 - 1/L)

    An active latent (or factor) whose row of ``P`` is all zero has no preference and
    contributes 0. One factor gives InfoM = 1, one active latent gives InfoC = 1, no active
    latent gives InfoM = InfoC = 0, each with a ``UserWarning``.

    InfoE: for each factor, an unpenalised multinomial logistic regression with balanced
    class weights (lbfgs, 100 iterations, as in the reference) is fit on the latents
    (one-hot if discrete, standardised if continuous or with ``infoe_features="values"``)
    and scored in-sample:
    ``(CE_null - CE) / CE_null``, where ``CE_null = log K`` is the log loss of the
    intercept-only model with balanced class weights (it predicts the uniform distribution).
    sklq standardises the one-hot columns as well: with an intercept that is the same
    model with the same optimum, reached in about half the L-BFGS iterations; InfoE
    differs from the reference's (raw 0/1 columns) by at most 1.2e-4 in the benchmark's
    cases. Non-convergence warnings of that regression are silenced; a perfect code scores
    about 0.9999, not 1 (the regression stops at 100 iterations).

    The plug-in MI is biased upwards: a perfect discrete code of 3,000 samples of factors
    with 3, 6, 10, 8 and 4 values plus constant latents scores InfoM = InfoC = 0.9895, and
    pure-noise latents score well above 0.

    References
    ----------
    .. [1] K. Hsu, W. Dorrell, J. Whittington, J. Wu, C. Finn, "Disentanglement via Latent
       Quantization", NeurIPS 2023.
    .. [2] B. C. Ross, "Mutual Information between Discrete and Continuous Data Sets",
       PLoS ONE 9(2), 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import infomec
    >>> factors = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25)
    >>> latents = factors[:, ::-1]  # each latent copies one factor
    >>> result = infomec(factors, latents)
    >>> round(result.infom, 3), round(result.infoc, 3)
    (1.0, 1.0)
    >>> result.nmi
    array([[0., 1.],
           [1., 0.]])

    Noise is not 0 in the reference definitions; adjusted for chance it is:

    >>> rng = np.random.default_rng(0)
    >>> factors = rng.integers(0, 4, size=(500, 2))
    >>> noise = rng.normal(size=(500, 4))
    >>> reference = infomec(factors, noise, random_state=0)
    >>> adjusted = infomec(factors, noise, adjust_for_chance=True, random_state=0)
    >>> reference.infom > 0.2, adjusted.infom, adjusted.infoe
    (True, 0.0, 0.0)
    >>> round(adjusted.chance["infom"], 2) > 0.2  # the reference's chance level
    True

    A discrete code whose values encode a factor in order is explicit to a probe on its
    values as well as to the one-hot one; a factor that no threshold on the values
    separates is explicit to the one-hot probe only:

    >>> from sklq.metrics import infoe_score
    >>> factor = np.repeat(np.arange(4), 50)[:, None]
    >>> round(infoe_score(factor, 2.0 * factor, infoe_features="values"), 2)
    1.0
    >>> inner = (factor == 1) | (factor == 2)  # 0, 1, 1, 0 over the code values 0 to 3
    >>> round(infoe_score(inner, 1.0 * factor), 2)
    1.0
    >>> round(infoe_score(inner, 1.0 * factor, infoe_features="values"), 2)
    0.0
    """
    return _infomec(
        factors, latents, discrete_latents, random_state, n_jobs,
        adjust_for_chance=adjust_for_chance, infoe_features=infoe_features,
    )


def _quiet_modularity_compactness(nmi):
    """:func:`modularity_compactness` without its warnings (for chance levels)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return modularity_compactness(nmi)


def _chance_nmi(factors, prepared, discrete, mi, entropies, active, rng, n_jobs):
    """Chance levels of the reference InfoM/InfoC, and the adjusted NMI matrix.

    Returns ``(chance_infom, chance_infoc, adjusted)``. The chance levels are the reference
    formulas on the MI matrix of the latents shuffled against the factors. The adjusted
    matrix is :func:`~sklq.metrics._chance.adjusted_nmi` with significance thresholds at
    family-wise level ``FAMILY_ALPHA``: exact (permutation-model) null means and scaled
    chi-square quantiles for discrete latents; for continuous latents a bound from the
    unclipped kNN estimates of at least :data:`NULL_DRAWS` shuffled latents per factor.
    """
    n_factors, n_latents = mi.shape
    alpha = per_entry_alpha(n_factors, n_latents)
    if discrete:
        codes, n_values = encode_columns(prepared)
        _, threshold = discrete_null(
            factors.codes, factors.n_classes, codes, n_values, alpha
        )
        shuffled_mi = _mi_matrix(_shuffled(factors, rng), prepared, discrete, n_jobs)
    else:
        n_shuffles = max(1, -(-NULL_DRAWS // n_latents))
        draws = [
            _mi_matrix(_shuffled(factors, rng), prepared, discrete, n_jobs, clip=False)
            for _ in range(n_shuffles)
        ]
        _, factor_threshold = sampled_null(np.hstack(draws), alpha)
        threshold = np.broadcast_to(factor_threshold[:, None], mi.shape)
        shuffled_mi = np.maximum(draws[0], 0.0)
    chance_infom, chance_infoc = _quiet_modularity_compactness(
        (shuffled_mi / entropies[:, None])[:, active]
    )
    return chance_infom, chance_infoc, adjusted_nmi(mi, entropies, threshold)


def _infomec(
    factors, latents, discrete_latents, random_state, n_jobs, *, nmi=True, infoe=True,
    adjust_for_chance=False, infoe_features="one-hot",
):
    """:func:`infomec`, skipping the MI matrix or the logistic regressions when not needed.

    A skipped part is reported as NaN (private; the public functions never return one).
    BLAS runs single-threaded inside: the products are small (a few classes by a few
    hundred features), and on this project's 2-core machine two BLAS threads made InfoE
    six to eight times slower (4.2 s instead of 0.55 s on 10,000 rounded-noise codes).
    """
    adjust_for_chance = check_bool_param(adjust_for_chance, "adjust_for_chance")
    check_infoe_features(infoe_features)
    with threadpool_limits(limits=1, user_api="blas"):
        return _infomec_single_threaded(
            factors, latents, discrete_latents, random_state, n_jobs, nmi, infoe,
            adjust_for_chance, infoe_features,
        )


def _infomec_single_threaded(
    factors, latents, discrete_latents, random_state, n_jobs, nmi, infoe, adjust_for_chance,
    infoe_features,
):
    factors_checked, latents_checked = check_inputs(factors, latents)
    discrete = resolve_discrete(discrete_latents, latents_checked)
    values = latents_checked.values
    n_factors, n_latents = factors_checked.codes.shape[1], values.shape[1]
    active = active_latents_mask(values, discrete)
    entropies = factor_entropies(factors_checked)
    # the MI matrix's shuffles and InfoE's (shuffle, folds) draw from streams of their own,
    # so that infoe_score and infomec's InfoE agree for the same random_state
    nmi_rng = infoe_rng = None
    if adjust_for_chance:
        nmi_rng, infoe_rng = shuffle_generator(random_state).spawn(2)
    nan_factors = np.full(n_factors, np.nan)
    chance = dict.fromkeys(("infom", "infoc", "infoe"), np.nan)
    adjusted = dict(chance)
    nmi_adjusted = informative = None
    if nmi:
        prepared = values if discrete else prepare_continuous(values, random_state=random_state)
        mi = _mi_matrix(factors_checked, prepared, discrete, n_jobs, clip=not adjust_for_chance)
        nmi_matrix = np.maximum(mi, 0.0) / entropies[:, None]
        infom, infoc = modularity_compactness(nmi_matrix[:, active])
        if adjust_for_chance:
            chance["infom"], chance["infoc"], nmi_adjusted = _chance_nmi(
                factors_checked, prepared, discrete, mi, entropies, active, nmi_rng, n_jobs
            )
            adjusted["infom"], adjusted["infoc"], informative = (
                weighted_modularity_compactness(nmi_adjusted)
            )
    else:
        nmi_matrix = np.full((n_factors, n_latents), np.nan)
        infom = infoc = np.nan
    infoe_per_factor = infoe_adjusted = nan_factors
    if infoe:
        design = _infoe_design(values, discrete, infoe_features)
        infoe_per_factor = _infoe_per_factor(factors_checked, values, discrete, n_jobs, design)
        if adjust_for_chance:
            shuffled = _shuffled(factors_checked, infoe_rng)
            chance["infoe"] = float(np.mean(
                _infoe_per_factor(shuffled, values, discrete, n_jobs, design)
            ))
            infoe_adjusted = _cross_validated_infoe_per_factor(
                factors_checked, design, infoe_rng, n_jobs
            )
            adjusted["infoe"] = float(np.mean(infoe_adjusted))
    unadjusted = {"infom": infom, "infoc": infoc, "infoe": float(np.mean(infoe_per_factor))}
    named = factors_checked.names is not None or latents_checked.names is not None

    def frame(matrix):
        if matrix is None or not named:
            return matrix
        return pd.DataFrame(
            matrix,
            index=factors_checked.names or list(range(n_factors)),
            columns=latents_checked.names or list(range(n_latents)),
        )

    if not adjust_for_chance:
        return InfoMECResult(
            infom=infom,
            infoc=infoc,
            infoe=unadjusted["infoe"],
            nmi=frame(nmi_matrix),
            active_latents=active,
            infoe_per_factor=infoe_per_factor,
            discrete_latents=discrete,
            infoe_features=infoe_features,
        )
    return InfoMECResult(
        infom=adjusted["infom"],
        infoc=adjusted["infoc"],
        infoe=adjusted["infoe"],
        nmi=frame(nmi_matrix),
        active_latents=active,
        infoe_per_factor=infoe_adjusted,
        discrete_latents=discrete,
        infoe_features=infoe_features,
        adjusted_for_chance=True,
        unadjusted=unadjusted,
        chance=chance,
        nmi_adjusted=frame(nmi_adjusted),
        informative_latents=informative,
    )


@fill_doc
def infom_score(
    factors, latents, *, discrete_latents="auto", adjust_for_chance=False, random_state=None,
    n_jobs=None,
):
    """Modularity InfoM of a representation (see :func:`infomec`).

    Parameters
    ----------
    {infomec_score_parameters}

    Returns
    -------
    infom : float
        In [0, 1]; 1 when each active latent carries information about one factor only.

    Notes
    -----
    Computes the normalised MI matrix only (no logistic regression); call :func:`infomec`
    once when several of the numbers are needed.

    References
    ----------
    .. [1] K. Hsu et al., "Disentanglement via Latent Quantization", NeurIPS 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import infom_score
    >>> factors = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25)
    >>> infom_score(factors, factors)
    1.0
    """
    return _infomec(
        factors, latents, discrete_latents, random_state, n_jobs, infoe=False,
        adjust_for_chance=adjust_for_chance,
    ).infom


@fill_doc
def infoc_score(
    factors, latents, *, discrete_latents="auto", adjust_for_chance=False, random_state=None,
    n_jobs=None,
):
    """Compactness InfoC of a representation (see :func:`infomec`).

    Parameters
    ----------
    {infomec_score_parameters}

    Returns
    -------
    infoc : float
        In [0, 1]; 1 when each factor is captured by a single active latent.

    Notes
    -----
    Computes the normalised MI matrix only (no logistic regression).

    References
    ----------
    .. [1] K. Hsu et al., "Disentanglement via Latent Quantization", NeurIPS 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import infoc_score
    >>> factors = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25)
    >>> latents = np.hstack([factors, factors])  # every factor in two of four latents
    >>> round(infoc_score(factors, latents), 4)  # (1/2 - 1/4) / (1 - 1/4)
    0.3333
    """
    return _infomec(
        factors, latents, discrete_latents, random_state, n_jobs, infoe=False,
        adjust_for_chance=adjust_for_chance,
    ).infoc


@fill_doc
def infoe_score(
    factors, latents, *, discrete_latents="auto", adjust_for_chance=False, random_state=None,
    n_jobs=None, infoe_features="one-hot",
):
    """Explicitness InfoE of a representation (see :func:`infomec`).

    Parameters
    ----------
    {infomec_inputs}
    random_state : int, RandomState instance or None, default=None
        Seeds the held-out folds of ``adjust_for_chance=True``; otherwise unused (the
        reference InfoE is deterministic).
    n_jobs : int, default=None
        Number of joblib workers.
    infoe_features : {"one-hot", "values"}, default="one-hot"
        What the regressions see of discrete latents (see :func:`infomec`).

    Returns
    -------
    infoe : float
        In [0, 1]; the mean over factors of ``1 - CE / log K``.

    Notes
    -----
    Fits the logistic regressions only (no MI matrix).

    References
    ----------
    .. [1] K. Hsu et al., "Disentanglement via Latent Quantization", NeurIPS 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq.metrics import infoe_score
    >>> factors = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 25)
    >>> infoe_score(factors, factors) > 0.99
    True
    """
    return _infomec(
        factors, latents, discrete_latents, random_state, n_jobs, nmi=False,
        adjust_for_chance=adjust_for_chance, infoe_features=infoe_features,
    ).infoe
