"""Scorers in GridSearchCV / cross_validate with 2-D factors as y."""

import pickle

import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.decomposition import PCA, FastICA
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    check_cv,
    cross_validate,
)

from sklq.metrics import SCORER_NAMES, _scorers, get_scorer, get_scorers, infomec, mig_score


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    factors = np.stack([rng.integers(0, k, 600) for k in (3, 4)], axis=1)
    mixing = rng.normal(size=(2, 5))
    X = (factors - 1.5) @ mixing + 0.1 * rng.normal(size=(600, 5))
    return X, factors


def test_cv_splitter_is_kfold_for_a_transformer(data):
    X, factors = data
    assert not is_classifier(PCA())
    assert isinstance(check_cv(5, factors, classifier=is_classifier(PCA())), KFold)
    # a classifier with a 1-D target would get StratifiedKFold; a transformer never does
    assert isinstance(check_cv(5, factors[:, 0], classifier=True), StratifiedKFold)
    # cross_validate really splits with KFold(5): compare the indices it used
    result = cross_validate(
        PCA(n_components=2), X, factors, cv=5, scoring=get_scorer("mig"), return_indices=True
    )
    for used, expected in zip(result["indices"]["test"], KFold(5).split(X), strict=True):
        np.testing.assert_array_equal(used, expected[1])
    assert np.all((result["test_score"] >= 0) & (result["test_score"] <= 1))


def test_grid_search_with_every_metric(data):
    X, factors = data
    scoring = get_scorers(random_state=0, importance="hist")
    search = GridSearchCV(
        PCA(), {"n_components": [2, 3]}, cv=3, scoring=scoring, refit="infom"
    ).fit(X, factors)
    for name in SCORER_NAMES:
        scores = search.cv_results_[f"mean_test_{name}"]
        assert scores.shape == (2,) and np.all(np.isfinite(scores))
    assert search.best_params_["n_components"] in (2, 3)
    assert search.best_estimator_.n_components == search.best_params_["n_components"]
    assert 0.0 <= search.score(X, factors) <= 1.0  # refit="infom": score uses that scorer


def test_cross_validate_with_fastica(data):
    X, factors = data
    result = cross_validate(
        FastICA(n_components=2, random_state=0, max_iter=500), X, factors, cv=3,
        scoring=get_scorers(["infom", "infoc", "mig"], random_state=0),
    )
    assert set(result) >= {"test_infom", "test_infoc", "test_mig"}


def test_scorer_value_equals_metric(data):
    X, factors = data
    pca = PCA(n_components=2).fit(X)
    latents = pca.transform(X)
    assert get_scorer("mig")(pca, X, factors) == mig_score(factors, latents)
    assert get_scorer("infoc", random_state=0)(pca, X, factors) == pytest.approx(
        infomec(factors, latents, random_state=0).infoc
    )


def test_infomec_computed_once_per_scorer_dict(data, monkeypatch):
    X, factors = data
    calls = []
    original = _scorers._compute

    def counting(family, *args):
        calls.append(family)
        return original(family, *args)

    monkeypatch.setattr(_scorers, "_compute", counting)
    _scorers._cache.clear()
    pca = PCA(n_components=3).fit(X)
    scorers = get_scorers(["infom", "infoc", "infoe"], random_state=0)
    values = {name: scorer(pca, X, factors) for name, scorer in scorers.items()}
    assert calls == ["infomec"]
    # different data is never served from the cache
    get_scorer("infom", random_state=0)(pca, X[:300], factors[:300])
    assert calls == ["infomec", "infomec"]
    assert 0 <= values["infom"] <= 1


def test_scorers_pickle(data):
    X, factors = data
    scorer = get_scorer("dci_completeness", importance="hist", random_state=0)
    restored = pickle.loads(pickle.dumps(scorer))
    pca = PCA(n_components=2).fit(X)
    assert restored(pca, X, factors) == scorer(pca, X, factors)
    assert repr(restored) == (
        "DisentanglementScorer('dci_completeness', importance='hist', random_state=0)"
    )


def test_scorer_errors(data):
    X, factors = data
    with pytest.raises(ValueError, match="valid names are"):
        get_scorer("accuracy")
    with pytest.raises(ValueError, match="valid names are"):
        get_scorers(["infom", "nope"])
    with pytest.raises(ValueError, match="not accepted"):
        get_scorer("mig", random_state=0)
    with pytest.raises(ValueError, match="not accepted"):
        get_scorers(["mig"], importance="hist")
    with pytest.raises(ValueError, match="y=None"):
        get_scorer("mig")(PCA(n_components=2).fit(X), X, None)


def test_adjusted_scorers_equal_the_adjusted_metrics(data):
    X, factors = data
    pca = PCA(n_components=2).fit(X)
    latents = pca.transform(X)
    adjusted = infomec(factors, latents, random_state=0, adjust_for_chance=True)
    for name in ("infom", "infoc", "infoe"):
        scorer = get_scorer(f"{name}_adjusted", random_state=0)
        assert scorer(pca, X, factors) == getattr(adjusted, name)
    assert get_scorer("mig_adjusted")(pca, X, factors) == mig_score(
        factors, latents, adjust_for_chance=True
    )


def test_grid_search_with_adjusted_scorers_prefers_the_informative_model():
    """Multi-metric search with the chance-adjusted scorers: PCA's first component follows
    the informative direction, the noise directions score 0."""
    rng = np.random.default_rng(1)
    factors = np.stack([rng.integers(0, k, 600) for k in (3, 4)], axis=1)
    X = np.c_[5 * (factors - factors.mean(0)), 0.1 * rng.normal(size=(600, 3))]
    names = ["infom_adjusted", "infoc_adjusted", "infoe_adjusted", "mig_adjusted", "infom"]
    search = GridSearchCV(
        PCA(), {"n_components": [2, 4]}, cv=KFold(3), refit="infoe_adjusted",
        scoring=get_scorers(names, random_state=0),
    ).fit(X, factors)
    for name in names:
        scores = search.cv_results_[f"mean_test_{name}"]
        assert np.all(np.isfinite(scores)) and np.all((scores >= 0) & (scores <= 1))
    assert search.cv_results_["mean_test_infoe_adjusted"].min() > 0.5
    # two more pure-noise components: the adjusted InfoM and InfoC hardly move
    for name in ("infom_adjusted", "infoc_adjusted"):
        assert np.ptp(search.cv_results_[f"mean_test_{name}"]) <= 0.05


def test_every_metric_of_the_registry_is_a_scorer_and_an_evaluation_row():
    from sklq._evaluation import METRIC_NAMES
    from sklq.metrics._names import METRICS

    assert set(METRICS) <= set(SCORER_NAMES)
    assert METRIC_NAMES[: len(METRICS)] == tuple(METRICS)
