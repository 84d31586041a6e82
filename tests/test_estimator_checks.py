"""scikit-learn's estimator checks over every public estimator, with fast parameters."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklq import LatentQuantizedAutoencoder

FAST_ESTIMATORS = [
    LatentQuantizedAutoencoder(2, max_epochs=2, batch_size=16, random_state=0),
]


@parametrize_with_checks(FAST_ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
