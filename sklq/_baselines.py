"""Baseline autoencoders of the paper's comparison (spec §7), in the same API as the QLAE:
``Autoencoder``, ``BetaVAE``, ``BetaTCVAE``, ``BioAE`` and ``VQVAE``.

They share :class:`~sklq._autoencoder.BaseAutoencoder` (data handling, networks, optimizer
groups, gradient clipping, history) and differ only in their latent module and loss terms.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array, check_is_fitted

from ._autoencoder import BaseAutoencoder
from ._docstrings import fill_doc
from ._nn import (
    BioLatent,
    ContinuousLatent,
    GaussianLatent,
    TCGaussianLatent,
    VectorQuantizer,
)
from ._quantized import CodebookLossesMixin


@fill_doc
class Autoencoder(BaseAutoencoder):
    """Plain autoencoder with continuous latents (the paper's AE baseline).

    Parameters
    ----------
    n_latents : int, default=10
        Number of latent dimensions.
    weight_decay : float, default=0.0
        AdamW weight decay on weights (the paper's ``params/ae`` use 0.001).
    {baseline_parameters}

    Attributes
    ----------
    {baseline_attributes}

    See Also
    --------
    LatentQuantizedAutoencoder : the same network with quantized latents.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import Autoencoder
    >>> X = np.random.default_rng(0).random((100, 6))
    >>> Autoencoder(3, max_epochs=2, random_state=0).fit_transform(X).shape
    (100, 3)
    """

    def __init__(self, n_latents=10, *, weight_decay=0.0, learning_rate=1e-3, batch_size=128,
                 max_epochs=20, grad_clip_value=1.0, architecture="auto", input_shape=None,
                 network_size="cpu", decoder="auto", weight_init="signal_preserving",
                 precision="auto", reconstruction_loss="auto",
                 device="cpu", random_state=None, verbose=0, callbacks=None, warm_start=False):
        self._set_init_parameters(locals())

    def _build_latent(self):
        return ContinuousLatent(self.n_latents)

    def _latent_loss_weights(self):
        return {}


@fill_doc
class BioAE(BaseAutoencoder):
    """Biologically inspired autoencoder: non-negative, sparse-activity continuous latents.

    Loss ``reconstruction + nonnegativity_weight * mean(relu(-z)) + activity_weight *
    mean(z**2)``, with weight decay (spec §7).

    Parameters
    ----------
    n_latents : int, default=10
        Number of latent dimensions.
    activity_weight : float, default=0.01
        Weight of the activity penalty ``mean(z**2)`` (0.1 for Isaac3D in the paper).
    nonnegativity_weight : float, default=1.0
        Weight of the non-negativity penalty ``mean(relu(-z))``.
    weight_decay : float, default=1e-4
        AdamW weight decay on the weights (never on biases).
    {baseline_parameters}

    Attributes
    ----------
    {baseline_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import BioAE
    >>> X = np.random.default_rng(0).random((100, 6))
    >>> model = BioAE(3, max_epochs=2, random_state=0).fit(X)
    >>> list(model.history_.columns[-2:])
    ['nonnegativity_loss', 'activity_loss']
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "activity_weight": [Interval(Real, 0, None, closed="left")],
        "nonnegativity_weight": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, n_latents=10, *, activity_weight=0.01, nonnegativity_weight=1.0,
                 weight_decay=1e-4, learning_rate=1e-3, batch_size=128, max_epochs=20,
                 grad_clip_value=1.0, architecture="auto", input_shape=None,
                 network_size="cpu", decoder="auto", weight_init="signal_preserving",
                 precision="auto", reconstruction_loss="auto",
                 device="cpu", random_state=None, verbose=0, callbacks=None, warm_start=False):
        self._set_init_parameters(locals())

    def _build_latent(self):
        return BioLatent(self.n_latents)

    def _latent_loss_weights(self):
        return {"nonnegativity": self.nonnegativity_weight, "activity": self.activity_weight}


class _GaussianAutoencoder(BaseAutoencoder):
    """Gaussian posterior: the encoder emits mean and scale; ``transform`` is the mean."""

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "beta": [Interval(Real, 0, None, closed="left")],
    }
    _ENCODE_FIELDS = {"values": "continuous", "continuous": "continuous", "scale": "scale"}

    def _n_encoder_outputs(self):
        return 2 * self.n_latents



@fill_doc
class BetaVAE(_GaussianAutoencoder):
    """β-VAE: diagonal Gaussian posterior with a β-weighted KL term.

    The loss is ``reconstruction + (n_latents / n_features) * beta * kl`` with ``kl`` the
    mean over latents and samples of ``-log sigma + (mu**2 + sigma**2 - 1) / 2``, i.e. β times
    the summed KL divided by the number of data values (spec §7). The decoder sees a
    posterior sample in training and the mean otherwise; ``transform`` returns the mean.

    Parameters
    ----------
    n_latents : int, default=10
        Number of latent dimensions.
    beta : float, default=3.0
        The paper's values: Shapes3D 3, MPI3D 0.1, Falcor3D 10, Isaac3D 0.3.
    weight_decay : float, default=0.0
        AdamW weight decay on the weights (never on biases).
    {baseline_parameters}

    Attributes
    ----------
    {baseline_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import BetaVAE
    >>> X = np.random.default_rng(0).random((100, 6))
    >>> vae = BetaVAE(3, beta=1.0, max_epochs=2, random_state=0).fit(X)
    >>> vae.transform(X).shape, vae.encode(X, output="scale").shape
    ((100, 3), (100, 3))
    """

    def __init__(self, n_latents=10, *, beta=3.0, weight_decay=0.0, learning_rate=1e-3,
                 batch_size=128, max_epochs=20, grad_clip_value=1.0, architecture="auto",
                 input_shape=None, network_size="cpu", decoder="auto",
                 weight_init="signal_preserving", precision="auto",
                 reconstruction_loss="auto", device="cpu", random_state=None, verbose=0,
                 callbacks=None, warm_start=False):
        self._set_init_parameters(locals())

    def _build_latent(self):
        return GaussianLatent(self.n_latents)

    def _latent_loss_weights(self):
        return {"kl": self.beta * self.n_latents / self.n_features_in_}


@fill_doc
class BetaTCVAE(_GaussianAutoencoder):
    """β-TCVAE: the VAE's KL split into index-code mutual information, total correlation
    (weighted by ``beta``) and dimension-wise KL, estimated by minibatch-weighted sampling
    with the training-set size (spec §7).

    The loss is ``reconstruction + (MI + beta * TC + DWKL) / n_features``.

    Parameters
    ----------
    n_latents : int, default=10
        Number of latent dimensions.
    beta : float, default=3.0
        Weight of the total correlation. The paper's values: Shapes3D 3, MPI3D 0.3,
        Falcor3D 3, Isaac3D 1.
    weight_decay : float, default=0.0
        AdamW weight decay on the weights (never on biases).
    {baseline_parameters}

    Attributes
    ----------
    {baseline_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import BetaTCVAE
    >>> X = np.random.default_rng(0).random((100, 6))
    >>> tcvae = BetaTCVAE(3, max_epochs=2, random_state=0).fit(X)
    >>> [c for c in tcvae.history_.columns if c.endswith("_loss")][-3:]
    ['mutual_information_loss', 'total_correlation_loss', 'dimension_wise_kl_loss']
    """

    def __init__(self, n_latents=10, *, beta=3.0, weight_decay=0.0, learning_rate=1e-3,
                 batch_size=128, max_epochs=20, grad_clip_value=1.0, architecture="auto",
                 input_shape=None, network_size="cpu", decoder="auto",
                 weight_init="signal_preserving", precision="auto",
                 reconstruction_loss="auto", device="cpu", random_state=None, verbose=0,
                 callbacks=None, warm_start=False):
        self._set_init_parameters(locals())

    def _build_latent(self):
        return TCGaussianLatent(self.n_latents, dataset_size=self.n_samples_fit_)

    def _latent_loss_weights(self):
        scale = 1.0 / self.n_features_in_
        return {
            "mutual_information": scale,
            "total_correlation": self.beta * scale,
            "dimension_wise_kl": scale,
        }


@fill_doc
class VQVAE(CodebookLossesMixin, BaseAutoencoder):
    """VQ-VAE: each latent is a vector snapped to one shared codebook of embeddings.

    The encoder emits ``n_latents`` vectors of size ``embedding_dim``; each is replaced by
    the nearest of ``codebook_size`` shared embeddings (straight-through gradients). Loss
    ``reconstruction + quantization_weight * quantization + commitment_weight *
    commitment`` (spec §7). A latent's value is the index of its embedding: the discrete
    representation the metrics use. ``transform`` returns it as float32, like every other
    model's values; ``encode(X, output="indices")`` as int64.

    Parameters
    ----------
    n_latents : int, default=10
        Number of latent dimensions.
    codebook_size : int, default=512
        Number of shared embeddings (the values each latent can take).
    embedding_dim : int, default=64
        Size of each embedding, and of each latent's encoder vector.
    quantization_weight : float, default=1.0
        Weight of ``mean((sg(e) - q)**2)``, which moves the embeddings to the encoder.
    commitment_weight : float, default=0.25
        Weight of ``mean((e - sg(q))**2)``, which moves the encoder to the embeddings.
    weight_decay : float, default=0.01
        The paper's "with weight decay" setting; the codebook is never decayed.
    {baseline_parameters}

    Attributes
    ----------
    codebook_ : ndarray of shape (n_latents, codebook_size)
        The values each latent can take, as on the other quantized models: here the
        embedding indices ``0, 1, ..., codebook_size - 1`` (float32) for every latent.
    embeddings_ : ndarray of shape (codebook_size, embedding_dim)
        The learned shared embeddings.
    {baseline_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import VQVAE
    >>> X = np.random.default_rng(0).random((100, 6))
    >>> vq = VQVAE(3, codebook_size=16, embedding_dim=4, max_epochs=2, random_state=0)
    >>> codes = vq.fit_transform(X)
    >>> codes.shape, codes.dtype, vq.inverse_transform(codes).shape
    ((100, 3), dtype('float32'), (100, 6))
    >>> vq.encode(X, output="indices").dtype, vq.embeddings_.shape
    (dtype('int64'), (16, 4))
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "codebook_size": [Interval(Integral, 2, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "quantization_weight": [Interval(Real, 0, None, closed="left")],
        "commitment_weight": [Interval(Real, 0, None, closed="left")],
    }
    _ENCODE_FIELDS = {"values": "indices", "indices": "indices", "continuous": "continuous"}

    def __init__(self, n_latents=10, *, codebook_size=512, embedding_dim=64,
                 quantization_weight=1.0, commitment_weight=0.25, weight_decay=0.01,
                 learning_rate=1e-3, batch_size=128, max_epochs=20, grad_clip_value=1.0,
                 architecture="auto", input_shape=None, network_size="cpu", decoder="auto",
                 weight_init="signal_preserving", precision="auto",
                 reconstruction_loss="auto", device="cpu", random_state=None, verbose=0,
                 callbacks=None, warm_start=False):
        self._set_init_parameters(locals())

    def _n_encoder_outputs(self):
        return self.n_latents * self.embedding_dim

    _n_decoder_inputs = _n_encoder_outputs

    def _build_latent(self):
        return VectorQuantizer(self.n_latents, self.codebook_size, self.embedding_dim)

    def _set_fitted_attributes(self):
        self.embeddings_ = self.net_.module_.latent.codebook.detach().cpu().numpy().copy()
        self.codebook_ = np.tile(np.arange(self.codebook_size, dtype=np.float32),
                                 (self.n_latents, 1))

    def _encode_batch(self, x, output):
        codes = super()._encode_batch(x, output)
        return codes.float() if output == "values" else codes

    def inverse_transform(self, Z):
        """Decode codes back to data space.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_latents)
            Embedding indices in ``[0, codebook_size)``, integer or float (the values
            ``transform`` returns).

        Returns
        -------
        X : ndarray of shape ``(n_samples, *sample_shape_)``
            The decoded samples, in the shape and units ``X`` had at fit.
        """
        check_is_fitted(self)
        Z = check_array(Z, dtype=None, ensure_all_finite=True, input_name="Z")
        self._check_n_latent_columns(Z)
        if Z.size and (
            not np.array_equal(Z, np.round(Z)) or Z.min() < 0 or Z.max() >= self.codebook_size
        ):
            raise ValueError(
                f"Z must hold integer codebook indices in [0, {self.codebook_size}); got values "
                f"in [{Z.min()}, {Z.max()}]."
            )
        vectors = self.embeddings_[Z.astype(np.int64)].reshape(len(Z), -1)
        return self._decode(vectors.astype(np.float32))
