"""Straightforward implementations of the metric definitions (PAPER_SPEC §8). Not public.

Scikit-learn estimator calls per factor and latent, exactly as the definitions read: the
tests check sklq's vectorised metrics against them, and ``benchmarks/bench_metrics.py``
times sklq against them. Slow by design; no input validation.
"""

import warnings

import numpy as np
from scipy.stats import entropy
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, mutual_info_score
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler


def encode(factors):
    return np.column_stack([LabelEncoder().fit_transform(c) for c in np.asarray(factors).T])


def nmi_reference(factors, latents, discrete, random_state=0, *, per_pair=False):
    """Normalised MI matrix ``(n_factors, n_latents)``; continuous latents by the kNN
    estimator on standardised latents, the whole matrix with one seed (the same noise for
    every factor), or with ``per_pair`` one ``mutual_info_classif`` call per pair."""
    s = encode(factors)
    z = np.asarray(latents, dtype=float)
    nmi = np.empty((s.shape[1], z.shape[1]))
    if discrete:
        zc = encode(z)
    else:
        zs = StandardScaler().fit_transform(z)
    for i in range(s.shape[1]):
        for j in range(z.shape[1]):
            if discrete:
                nmi[i, j] = mutual_info_score(s[:, i], zc[:, j])
            elif per_pair:
                nmi[i, j] = mutual_info_classif(
                    zs[:, [j]], s[:, i], discrete_features=False, n_neighbors=10,
                    random_state=random_state,
                )[0]
            else:
                nmi[i, j] = mutual_info_classif(
                    zs, s[:, i], discrete_features=False, n_neighbors=10,
                    random_state=random_state,
                )[j]
        nmi[i] /= mutual_info_score(s[:, i], s[:, i])
    return nmi


def infom_infoc_reference(nmi, active):
    """§8.2, with §11.3's fix: an all-zero vector has no preference (ratio 1/n, not NaN)."""
    p = nmi[:, active]
    n_factors, n_active = p.shape
    with np.errstate(invalid="ignore", divide="ignore"):
        per_latent = np.nan_to_num(p.max(axis=0) / p.sum(axis=0), nan=1 / n_factors)
        per_factor = np.nan_to_num(p.max(axis=1) / p.sum(axis=1), nan=1 / n_active)
    infom = (np.mean(per_latent) - 1 / n_factors) / (1 - 1 / n_factors)
    infoc = (np.mean(per_factor) - 1 / n_active) / (1 - 1 / n_active)
    return infom, infoc


def infoe_reference(factors, latents, discrete):
    s = encode(factors)
    z = np.asarray(latents, dtype=float)
    features = OneHotEncoder().fit_transform(z) if discrete else StandardScaler().fit_transform(z)
    null_features = OneHotEncoder().fit_transform(np.zeros_like(z))
    scores = []
    for i in range(s.shape[1]):
        losses = []
        for x in (features, null_features):
            model = LogisticRegression(
                C=np.inf, tol=1e-4, class_weight="balanced", solver="lbfgs", max_iter=100
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(x, s[:, i])
            losses.append(log_loss(s[:, i], model.predict_proba(x)))
        scores.append((losses[1] - losses[0]) / losses[1])
    return float(np.mean(scores))


def dci_reference(factors, latents, train_index, test_index, random_state):
    """disentanglement_lib's DCI on a given split."""
    s = encode(factors)
    z = np.asarray(latents, dtype=float)
    n_latents, n_factors = z.shape[1], s.shape[1]
    importance = np.zeros((n_latents, n_factors))
    train_acc, test_acc = [], []
    for i in range(n_factors):
        model = GradientBoostingClassifier(random_state=random_state)
        model.fit(z[train_index], s[train_index, i])
        importance[:, i] = np.abs(model.feature_importances_)
        train_acc.append(np.mean(model.predict(z[train_index]) == s[train_index, i]))
        test_acc.append(np.mean(model.predict(z[test_index]) == s[test_index, i]))
    per_code = 1.0 - entropy(importance.T + 1e-11, base=n_factors)
    weights = importance if importance.sum() else np.ones_like(importance)
    disentanglement = np.sum(per_code * weights.sum(axis=1) / weights.sum())
    per_factor = 1.0 - entropy(importance + 1e-11, base=n_latents)
    completeness = np.sum(per_factor * weights.sum(axis=0) / weights.sum())
    return disentanglement, completeness, np.mean(test_acc), importance


def mig_reference(factors, latents, n_bins=20):
    s = encode(factors)
    z = np.asarray(latents, dtype=float)
    binned = np.zeros_like(z)
    for j in range(z.shape[1]):
        binned[:, j] = np.digitize(z[:, j], np.histogram(z[:, j], n_bins)[1][:-1])
    m = np.array(
        [[mutual_info_score(s[:, i], binned[:, j]) for i in range(s.shape[1])]
         for j in range(z.shape[1])]
    )
    h = np.array([mutual_info_score(s[:, i], s[:, i]) for i in range(s.shape[1])])
    top = np.sort(m, axis=0)[::-1]
    return float(np.mean((top[0] - top[1]) / h))
