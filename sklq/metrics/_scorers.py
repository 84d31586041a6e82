"""Disentanglement metrics as scikit-learn scorers ``scorer(estimator, X, y)``."""

import threading
from collections import OrderedDict

import joblib

from ._dci import dci
from ._infomec import _infomec
from ._mig import mig_score
from ._names import ADJUSTED_SCORERS, METRICS

#: scorer name -> (metric family, attribute of the family's result)
_SCORERS = {
    **{name: (m.family, m.attribute) for name, m in METRICS.items()},
    **{f"{name}_adjusted": (f"{METRICS[name].family}_adjusted", METRICS[name].attribute)
       for name in ADJUSTED_SCORERS},
}
SCORER_NAMES = tuple(_SCORERS)
#: keyword arguments each metric family accepts
_ACCEPTED = {
    "infomec": {"discrete_latents", "random_state", "n_jobs"},
    "dci": {"test_size", "shuffle", "importance", "random_state", "n_jobs"},
    "mig": {"n_bins"},
    "infomec_adjusted": {"discrete_latents", "random_state", "n_jobs"},
    "mig_adjusted": {"n_bins"},
}

_CACHE_SIZE = 8
_cache = OrderedDict()
_cache_lock = threading.Lock()


def _compute(family, factors, latents, kwargs):
    if family in ("infomec", "infomec_adjusted"):
        return _infomec(
            factors,
            latents,
            kwargs.get("discrete_latents", "auto"),
            kwargs.get("random_state"),
            kwargs.get("n_jobs"),
            adjust_for_chance=family == "infomec_adjusted",
        )
    if family == "dci":
        return dci(factors, latents, **kwargs)
    return mig_score(factors, latents, adjust_for_chance=family == "mig_adjusted", **kwargs)


def _cached_result(family, factors, latents, kwargs):
    """The metric family's result, computed once per (latents, factors, kwargs) content.

    ``GridSearchCV`` calls each scorer of a multi-metric dict separately with the same
    estimator and data; the InfoMEC (or DCI) scorers then share one computation. The key is
    a hash of the latents' and factors' contents, so a refit estimator or new data is never
    served a stale result. At most 8 results are kept per process.
    """
    key = joblib.hash((family, latents, factors, sorted(kwargs.items())))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _compute(family, factors, latents, kwargs)
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


class DisentanglementScorer:
    """Score a fitted transformer: ``metric(y, estimator.transform(X))``.

    Made by :func:`get_scorer`; picklable (it stores only the metric name and keyword
    arguments).

    Parameters
    ----------
    name : str
        One of ``sklq.metrics.SCORER_NAMES``.
    **kwargs
        Keyword arguments of the metric (``infomec``, ``dci`` or ``mig_score``).

    Examples
    --------
    >>> from sklq.metrics import get_scorer
    >>> get_scorer("mig", n_bins=10)
    DisentanglementScorer('mig', n_bins=10)
    """

    def __init__(self, name, **kwargs):
        if name not in _SCORERS:
            raise ValueError(f"Unknown scorer name {name!r}; valid names are {list(SCORER_NAMES)}.")
        unused = set(kwargs) - _ACCEPTED[_SCORERS[name][0]]
        if unused:
            raise ValueError(
                f"Keyword arguments {sorted(unused)} are not accepted by the {name!r} scorer; "
                f"it accepts {sorted(_ACCEPTED[_SCORERS[name][0]])}."
            )
        self.name = name
        self.kwargs = kwargs

    def __call__(self, estimator, X, y, **kwargs):
        """Return the metric of ``estimator.transform(X)`` against the factors ``y``.

        Parameters
        ----------
        estimator : fitted transformer
            Anything with ``transform``.
        X : array-like
            Input data.
        y : array-like of shape (n_samples, n_factors)
            Ground-truth factors.
        **kwargs
            Ignored (scikit-learn may pass metadata such as ``sample_weight``; the
            metrics are unweighted).

        Returns
        -------
        score : float
        """
        if y is None:
            raise ValueError(
                f"The {self.name!r} scorer needs the ground-truth factors as y; got y=None."
            )
        latents = estimator.transform(X)
        family, attribute = _SCORERS[self.name]
        result = _cached_result(family, y, latents, self.kwargs)
        return float(result if attribute is None else getattr(result, attribute))

    def _accept_sample_weight(self):
        return False

    def __repr__(self):
        arguments = "".join(f", {key}={value!r}" for key, value in sorted(self.kwargs.items()))
        return f"DisentanglementScorer({self.name!r}{arguments})"


def get_scorer(name, **kwargs):
    """A scorer ``(estimator, X, y) -> float`` for one disentanglement metric.

    Parameters
    ----------
    name : str
        ``"infom"``, ``"infoc"``, ``"infoe"``, ``"dci_disentanglement"``,
        ``"dci_completeness"``, ``"dci_informativeness"``, ``"mig"``, or the
        chance-adjusted ``"infom_adjusted"``, ``"infoc_adjusted"``, ``"infoe_adjusted"``,
        ``"mig_adjusted"`` (the metric with ``adjust_for_chance=True``).
    **kwargs
        Keyword arguments of the metric: ``discrete_latents``, ``random_state``, ``n_jobs``
        for the InfoMEC scorers; ``test_size``, ``shuffle``, ``importance``,
        ``random_state``, ``n_jobs`` for DCI; ``n_bins`` for MIG.

    Returns
    -------
    scorer : DisentanglementScorer
        Computes ``metric(y, estimator.transform(X))``; higher is better.

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the valid names).

    See Also
    --------
    get_scorers : Several scorers as a dict for multi-metric ``GridSearchCV``.

    Notes
    -----
    ``y`` holds the ground-truth factors, shape ``(n_samples, n_factors)``. With a
    transformer (not a classifier) as estimator and 2-D ``y``, ``GridSearchCV`` and
    ``cross_validate`` split with ``KFold``. Scorers of the same metric family (e.g. the
    three InfoMEC scorers) share one computation per (latents, factors, kwargs) through a
    small content-keyed cache, so a multi-metric search does not compute InfoMEC three
    times; ``estimator.transform(X)`` is still called once per scorer.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.decomposition import PCA
    >>> from sklq.metrics import get_scorer
    >>> rng = np.random.default_rng(0)
    >>> factors = rng.integers(0, 4, size=(300, 2))
    >>> X = np.hstack([factors, rng.normal(size=(300, 1))])
    >>> scorer = get_scorer("mig")
    >>> 0.0 <= scorer(PCA(n_components=2).fit(X), X, factors) <= 1.0
    True
    """
    return DisentanglementScorer(name, **kwargs)


def get_scorers(names=None, **kwargs):
    """A dict of scorers for multi-metric ``GridSearchCV(scoring=..., refit=...)``.

    Parameters
    ----------
    names : list of str, default=None
        Scorer names (see :func:`get_scorer`); None means all eleven.
    **kwargs
        Keyword arguments passed to each metric that accepts them: ``random_state`` and
        ``n_jobs`` to InfoMEC and DCI, ``discrete_latents`` to InfoMEC, ``test_size``,
        ``shuffle`` and ``importance`` to DCI, ``n_bins`` to MIG.

    Returns
    -------
    scorers : dict
        ``{name: DisentanglementScorer}``.

    Raises
    ------
    ValueError
        If a name is unknown, or a keyword argument fits none of the requested metrics.

    See Also
    --------
    get_scorer : One scorer.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.decomposition import PCA
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklq.metrics import get_scorers
    >>> rng = np.random.default_rng(0)
    >>> factors = rng.integers(0, 3, size=(200, 2))
    >>> X = np.hstack([factors + 0.1 * rng.normal(size=(200, 2)), rng.normal(size=(200, 2))])
    >>> search = GridSearchCV(
    ...     PCA(), {"n_components": [2, 3]}, cv=3,
    ...     scoring=get_scorers(["infom", "infoc", "mig"], random_state=0), refit="infom",
    ... ).fit(X, factors)
    >>> sorted(k for k in search.cv_results_ if k.startswith("mean_test"))
    ['mean_test_infoc', 'mean_test_infom', 'mean_test_mig']
    """
    names = list(SCORER_NAMES) if names is None else list(names)
    accepted = _ACCEPTED
    for name in names:
        if name not in _SCORERS:
            raise ValueError(f"Unknown scorer name {name!r}; valid names are {list(SCORER_NAMES)}.")
    families = {_SCORERS[name][0] for name in names}
    unused = set(kwargs) - set().union(*(accepted[family] for family in families))
    if unused:
        raise ValueError(
            f"Keyword arguments {sorted(unused)} are not accepted by any of the scorers "
            f"{names}."
        )
    return {
        name: DisentanglementScorer(
            name, **{k: v for k, v in kwargs.items() if k in accepted[_SCORERS[name][0]]}
        )
        for name in names
    }
