"""One-call evaluation of a fitted representation: every metric with its chance level."""

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._checks import check_seed
from ._out_of_core import CHUNK_BYTES, is_out_of_core, row_chunks
from .metrics import dci, infomec, mig
from .metrics._infomec import check_infoe_features
from .metrics._names import METRICS

#: Rows of ``X`` read at a time for the PSNRs: their float64 copies are 8x this size.
_PSNR_CHUNK_BYTES = CHUNK_BYTES // 8
#: Row order of :meth:`Evaluation.to_frame`.
METRIC_NAMES = (*METRICS, "psnr")


def psnr(X, X_hat, *, data_range=None):
    """Peak signal-to-noise ratio (dB) of a reconstruction of data in [0, 1] or uint8.

    Parameters
    ----------
    X : ndarray
        Original data: floats in [0, 1], or uint8 in [0, 255] (then ``X_hat`` is in the
        same units as ``X``).
    X_hat : ndarray of the same shape
        Reconstruction.
    data_range : float, default=None
        The peak: None means 1, or 255 for uint8 ``X``.

    Returns
    -------
    psnr : float
        ``10 log10(peak^2 / MSE)``; ``inf`` for an exact copy.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq._evaluation import psnr
    >>> round(psnr(np.zeros(4), np.full(4, 0.1)), 6)
    20.0
    """
    X = np.asarray(X)
    scale = data_range if data_range is not None else 255.0 if X.dtype == np.uint8 else 1.0
    error = (X.astype(np.float64) - np.asarray(X_hat, dtype=np.float64)) / scale
    mse = float(np.mean(error**2))
    return math.inf if mse == 0 else float(10 * np.log10(1.0 / mse))


def _reconstruction_psnrs(estimator, X, latents):
    """PSNR of ``estimator``'s reconstruction of ``X`` from ``latents`` and of the mean image
    (:func:`psnr`'s units), reading ``X`` (in memory or on disk) a chunk of rows at a time."""
    if not is_out_of_core(X):
        X = np.asarray(X)
    scale = 255.0 if X.dtype == np.uint8 else 1.0

    def squared_error(rows, reference):
        return float(np.sum(((rows.astype(np.float64) - reference) / scale) ** 2))

    total = np.zeros(X.shape[1:], dtype=np.float64)
    reconstruction_error = 0.0
    for start, rows in row_chunks(X, max_bytes=_PSNR_CHUNK_BYTES):
        total += rows.sum(axis=0, dtype=np.float64)
        decoded = estimator.inverse_transform(latents[start:start + len(rows)])
        reconstruction_error += squared_error(rows, np.asarray(decoded, dtype=np.float64))
    mean = total / len(X)
    mean_error = sum(squared_error(rows, mean)
                     for _, rows in row_chunks(X, max_bytes=_PSNR_CHUNK_BYTES))
    n_values = X.shape[0] * int(np.prod(X.shape[1:]))
    return tuple(math.inf if error == 0 else float(10 * np.log10(n_values / error))
                 for error in (reconstruction_error, mean_error))


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`sklq.evaluate`.

    Attributes
    ----------
    metrics : DataFrame
        Indexed by metric name (``infom``, ``infoc``, ``infoe``, ``dci_disentanglement``,
        ``dci_completeness``, ``dci_informativeness``, ``mig``, ``psnr``), with columns
        ``value`` (the reference definition), ``chance`` (its chance level: the value of
        the same latents shuffled against the factors; for DCI informativeness the
        majority-class accuracy; for PSNR the mean image's) and ``adjusted`` (the
        chance-adjusted metric; for PSNR the gain over the mean image, in dB). DCI's D and
        C have no chance level: NaN there.
    nmi : DataFrame
        Normalised mutual information, factors x latents (InfoMEC's reference matrix).
    nmi_adjusted : DataFrame
        The share of each factor's entropy each latent carries beyond chance.
    latents : DataFrame
        One row per latent: ``active`` (counted by the reference InfoM/InfoC),
        ``informative`` (counted by the adjusted ones), ``n_values`` (distinct values),
        ``factor`` (the factor it shares most information with), ``nmi``,
        ``nmi_adjusted``, ``runner_up`` and ``runner_up_nmi``.
    importance : DataFrame
        DCI's importance matrix, latents x factors.
    factor_names : list of str
    n_samples : int
    discrete_latents : bool
        Whether InfoMEC scored the latents as discrete codes.
    dci_importance : str
        The DCI importance estimator used.
    infoe_features : str
        What InfoE's regressions saw of discrete latents (``"one-hot"`` or ``"values"``).
    seconds : float
        Time the evaluation took.
    warnings : list of str
        The metrics' warnings (degenerate cases), each once.
    results : dict
        The metric functions' own results: ``"infomec"``, ``"dci"``, ``"mig"``.
    """

    metrics: pd.DataFrame
    nmi: pd.DataFrame
    nmi_adjusted: pd.DataFrame
    latents: pd.DataFrame
    importance: pd.DataFrame
    factor_names: list
    n_samples: int
    discrete_latents: bool
    dci_importance: str
    seconds: float
    infoe_features: str = "one-hot"
    warnings: list = field(default_factory=list)
    results: dict = field(default_factory=dict, repr=False)

    def to_frame(self):
        """The metrics table: one row per metric, columns ``value``, ``chance``, ``adjusted``.

        Returns
        -------
        frame : DataFrame
            A copy of :attr:`metrics`.
        """
        return self.metrics.copy()

    def to_dict(self):
        """Everything as plain JSON-ready Python (NaN and infinities become None).

        Returns
        -------
        data : dict
            ``metrics`` (``{name: {"value", "chance", "adjusted"}}``), ``nmi`` and
            ``nmi_adjusted`` (lists of rows, factors x latents), ``latents`` (list of
            per-latent records), ``factor_names``, ``n_samples``, ``discrete_latents``,
            ``dci_importance``, ``infoe_features``, ``seconds`` and ``warnings``.
        """
        return {
            "metrics": {
                name: {column: _json_number(value) for column, value in row.items()}
                for name, row in self.metrics.to_dict(orient="index").items()
            },
            "nmi": _json_matrix(self.nmi),
            "nmi_adjusted": _json_matrix(self.nmi_adjusted),
            "latents": [
                {key: _json_number(value) if isinstance(value, float) else _plain(value)
                 for key, value in record.items()}
                for record in self.latents.reset_index(names="latent").to_dict("records")
            ],
            "factor_names": list(self.factor_names),
            "n_samples": int(self.n_samples),
            "discrete_latents": bool(self.discrete_latents),
            "dci_importance": self.dci_importance,
            "infoe_features": self.infoe_features,
            "seconds": round(float(self.seconds), 2),
            "warnings": list(self.warnings),
        }


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


def _json_number(value):
    value = float(value)
    return value if math.isfinite(value) else None


def _json_matrix(frame):
    return [[_json_number(v) for v in row] for row in np.asarray(frame, dtype=float).round(6)]


def _latent_table(nmi, nmi_adjusted, active, informative, latents, factor_names):
    columns = np.arange(nmi.shape[1])
    order = np.argsort(-nmi, axis=0, kind="stable")
    best = order[0]
    second = order[1] if nmi.shape[0] > 1 else None  # one factor: no runner-up
    return pd.DataFrame(
        {
            "active": active.astype(bool),
            "informative": informative.astype(bool),
            "n_values": [int(np.unique(latents[:, j]).size) for j in columns],
            "factor": [factor_names[i] for i in best],
            "nmi": nmi[best, columns],
            "nmi_adjusted": nmi_adjusted[best, columns],
            "runner_up": None if second is None else [factor_names[i] for i in second],
            "runner_up_nmi": np.nan if second is None else nmi[second, columns],
        },
        index=pd.Index([f"z{j}" for j in columns], name="latent"),
    )


def evaluate(
    estimator,
    X,
    factors,
    *,
    factor_names=None,
    dci_importance="hist",
    random_state=None,
    n_jobs=None,
    infoe_features="one-hot",
):
    """Every disentanglement metric of a fitted model, with chance levels, in one call.

    Computes ``Z = estimator.transform(X)`` once, then InfoMEC, DCI and MIG of ``Z``
    against ``factors`` in their reference definitions *and* adjusted for chance
    (``adjust_for_chance=True``), and the reconstruction PSNR of
    ``estimator.inverse_transform(Z)`` when the estimator has one.

    Parameters
    ----------
    estimator : fitted transformer
        Any sklq model (or other transformer with ``transform``; ``inverse_transform``
        optional).
    X : array-like
        Data the estimator accepts: images in [0, 1] or uint8 for the PSNR.
    factors : array-like or DataFrame of shape (n_samples, n_factors)
        Ground-truth factors, any labels.
    factor_names : list of str, default=None
        Names of the factors; default: the DataFrame's columns, else ``factor 0``, ...
    dci_importance : {"hist", "gbt"}, default="hist"
        DCI's importance estimator (see :func:`sklq.metrics.dci`).
    random_state : int, RandomState instance or None, default=None
        Seeds the kNN jitter, the shuffles behind the chance levels, the held-out folds and
        DCI's split; pass an int for reproducible numbers.
    n_jobs : int, default=None
        joblib workers for the metrics.
    infoe_features : {"one-hot", "values"}, default="one-hot"
        What InfoE's regressions see of discrete latents: one-hot indicators (the
        reference) or the standardised values, as the paper's training-time code (see
        :func:`sklq.metrics.infomec`).

    Returns
    -------
    evaluation : Evaluation
        ``to_frame()`` gives the metrics table (``value``, ``chance``, ``adjusted``),
        ``to_dict()`` a JSON-ready dict; ``nmi``, ``nmi_adjusted``, ``latents`` (one row per
        latent) and ``importance`` hold the matrices.

    Raises
    ------
    ValueError
        If ``factor_names`` does not have one name per factor, or the metrics reject the
        inputs (lengths differ, NaN, a constant factor, an unknown ``infoe_features``, ...).

    See Also
    --------
    sklq.metrics.infomec, sklq.metrics.dci, sklq.metrics.mig : The metrics themselves.

    Notes
    -----
    The chance levels are those of the reference definitions: what the same latents score
    after their rows are shuffled against the factors (InfoM, InfoC, InfoE, MIG), the
    majority-class accuracy (DCI informativeness), the mean image (PSNR). The adjusted
    InfoM, InfoC and MIG discount every mutual-information entry that chance can explain;
    the adjusted InfoE is the held-out explicitness; see ``docs/metrics.md``. DCI's
    disentanglement and completeness have no chance level (NaN in ``chance`` and
    ``adjusted``); with a single latent MIG is NaN (it is a gap between two latents).
    Warnings of the metrics are collected in ``warnings``, not raised.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.decomposition import PCA
    >>> import sklq
    >>> rng = np.random.default_rng(0)
    >>> factors = rng.integers(0, 4, size=(500, 2))
    >>> signal = factors * [1, 3] + rng.normal(0, 0.3, size=(500, 2))
    >>> X = np.c_[signal, rng.normal(0, 0.1, size=(500, 2))] / 12
    >>> result = sklq.evaluate(PCA(2).fit(X), X, factors, random_state=0)
    >>> table = result.to_frame().round(2)
    >>> list(table.columns)
    ['value', 'chance', 'adjusted']
    >>> table.loc["infom"].tolist()  # value, chance (the latents shuffled once), adjusted
    [0.98, 0.14, 1.0]
    """
    start = time.perf_counter()
    check_infoe_features(infoe_features)
    latents = np.asarray(estimator.transform(X))
    if latents.ndim == 1:
        latents = latents.reshape(-1, 1)
    if isinstance(factors, pd.DataFrame) and factor_names is None:
        factor_names = [str(c) for c in factors.columns]
    n_factors = np.shape(factors)[1] if np.ndim(factors) == 2 else None
    if factor_names is not None:
        factor_names = [str(name) for name in factor_names]
        if n_factors is not None and len(factor_names) != n_factors:
            raise ValueError(
                f"factor_names must have one name per factor ({n_factors}); got "
                f"{len(factor_names)}: {factor_names!r}."
            )
    seed = check_seed(random_state)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        info = infomec(factors, latents, adjust_for_chance=True, random_state=seed,
                       n_jobs=n_jobs, infoe_features=infoe_features)
        dci_result = dci(factors, latents, importance=dci_importance, random_state=seed,
                         n_jobs=n_jobs)
        mig_result = None
        if latents.shape[1] >= 2:  # the gap is between two latents
            mig_result = mig(factors, latents, adjust_for_chance=True, random_state=seed)
    notes = list(dict.fromkeys(" ".join(str(w.message).split()) for w in caught))
    n_samples, n_latents = latents.shape
    if mig_result is None:
        notes.append("MIG needs at least 2 latents: its row is NaN.")
    if factor_names is None:
        factor_names = [f"factor {i}" for i in range(np.asarray(info.nmi).shape[0])]
    rows = {
        "infom": (info.unadjusted["infom"], info.chance["infom"], info.infom),
        "infoc": (info.unadjusted["infoc"], info.chance["infoc"], info.infoc),
        "infoe": (info.unadjusted["infoe"], info.chance["infoe"], info.infoe),
        "dci_disentanglement": (dci_result.disentanglement, np.nan, np.nan),
        "dci_completeness": (dci_result.completeness, np.nan, np.nan),
        "dci_informativeness": (dci_result.informativeness, dci_result.informativeness_chance,
                                dci_result.informativeness_adjusted),
        "mig": (np.nan, np.nan, np.nan) if mig_result is None else
               (mig_result.unadjusted, mig_result.chance, mig_result.mig),
    }
    if hasattr(estimator, "inverse_transform"):
        reconstruction, mean_image = _reconstruction_psnrs(estimator, X, latents)
        rows["psnr"] = (reconstruction, mean_image, reconstruction - mean_image)
    metrics = pd.DataFrame.from_dict(
        rows, orient="index", columns=["value", "chance", "adjusted"]
    ).astype(float)
    metrics.index.name = "metric"
    latent_names = [f"z{j}" for j in range(n_latents)]
    nmi = np.asarray(info.nmi, dtype=float)
    nmi_adjusted = np.asarray(info.nmi_adjusted, dtype=float)
    table = _latent_table(nmi, nmi_adjusted, info.active_latents, info.informative_latents,
                          latents, factor_names)
    return Evaluation(
        metrics=metrics,
        nmi=pd.DataFrame(nmi, index=factor_names, columns=latent_names),
        nmi_adjusted=pd.DataFrame(nmi_adjusted, index=factor_names, columns=latent_names),
        latents=table,
        importance=pd.DataFrame(np.asarray(dci_result.importance_matrix, dtype=float),
                                index=latent_names, columns=factor_names),
        factor_names=factor_names,
        n_samples=int(n_samples),
        discrete_latents=bool(info.discrete_latents),
        dci_importance=dci_importance,
        seconds=time.perf_counter() - start,
        infoe_features=infoe_features,
        warnings=notes,
        results={"infomec": info, "dci": dci_result, "mig": mig_result},
    )
