"""scikit-learn's estimator checks over every public estimator, with fast parameters."""

from sklearn.utils.estimator_checks import parametrize_with_checks

import sklq

# The InfoGANs use output_activation="identity": the checks feed real-valued data outside
# [0, 1], which the default sigmoid generator rejects by design.
FAST_ESTIMATORS = [
    sklq.LatentQuantizedAutoencoder(2, max_epochs=2, batch_size=16, random_state=0),
    sklq.LatentQuantizedInfoGAN(
        2, max_epochs=2, batch_size=16, output_activation="identity", random_state=0
    ),
    sklq.InfoGAN(2, max_epochs=2, batch_size=16, output_activation="identity", random_state=0),
    sklq.Autoencoder(2, max_epochs=2, batch_size=16, random_state=0),
    sklq.BetaVAE(2, max_epochs=2, batch_size=16, random_state=0),
    sklq.BetaTCVAE(2, max_epochs=2, batch_size=16, random_state=0),
    sklq.BioAE(2, max_epochs=2, batch_size=16, random_state=0),
    sklq.VQVAE(2, codebook_size=8, embedding_dim=4, max_epochs=2, batch_size=16, random_state=0),
]


@parametrize_with_checks(FAST_ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
