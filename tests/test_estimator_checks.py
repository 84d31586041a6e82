"""scikit-learn's estimator checks over every public estimator, with fast parameters."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklq import (
    VQVAE,
    Autoencoder,
    BetaTCVAE,
    BetaVAE,
    BioAE,
    InfoGAN,
    LatentQuantizedAutoencoder,
    LatentQuantizedInfoGAN,
)

# The InfoGANs use output_activation="identity": the checks feed real-valued data outside
# [0, 1], which the default sigmoid generator rejects by design.
FAST_ESTIMATORS = [
    LatentQuantizedAutoencoder(2, max_epochs=2, batch_size=16, random_state=0),
    LatentQuantizedInfoGAN(
        2, max_epochs=2, batch_size=16, output_activation="identity", random_state=0
    ),
    InfoGAN(2, max_epochs=2, batch_size=16, output_activation="identity", random_state=0),
    Autoencoder(2, max_epochs=2, batch_size=16, random_state=0),
    BetaVAE(2, max_epochs=2, batch_size=16, random_state=0),
    BetaTCVAE(2, max_epochs=2, batch_size=16, random_state=0),
    BioAE(2, max_epochs=2, batch_size=16, random_state=0),
    VQVAE(2, codebook_size=8, embedding_dim=4, max_epochs=2, batch_size=16, random_state=0),
]


@parametrize_with_checks(FAST_ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
