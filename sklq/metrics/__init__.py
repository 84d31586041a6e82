"""Disentanglement metrics on arrays and as scikit-learn scorers (no torch import).

Functions take the ground-truth factors first, like ``sklearn.metrics``:
``metric(factors, latents, ...)`` with ``factors`` of shape ``(n_samples, n_factors)`` (any
labels) and ``latents`` of shape ``(n_samples, n_latents)``.
"""

from ._dci import DCIResult, dci, disentanglement_completeness
from ._infomec import InfoMECResult, infoc_score, infoe_score, infom_score, infomec
from ._mig import MIGResult, mig, mig_score
from ._scorers import SCORER_NAMES, DisentanglementScorer, get_scorer, get_scorers

__all__ = [
    "DCIResult",
    "DisentanglementScorer",
    "InfoMECResult",
    "MIGResult",
    "SCORER_NAMES",
    "dci",
    "disentanglement_completeness",
    "get_scorer",
    "get_scorers",
    "infoc_score",
    "infoe_score",
    "infom_score",
    "infomec",
    "mig",
    "mig_score",
]
