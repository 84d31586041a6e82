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
from ._nn._latents import (
    BioLatent,
    ContinuousLatent,
    GaussianLatent,
    TCGaussianLatent,
    VectorQuantizer,
)

_COMMON_PARAMETERS = """\
    learning_rate : float, default=1e-3
        Adam(W) learning rate, constant.
    batch_size : int, default=128
    max_epochs : int, default=20
        Passes over the training data (CPU-sized; the paper trains 200,000 steps).
    grad_clip_value : float or None, default=1.0
        Element-wise gradient clipping of the weight-decayed parameters.
    architecture : {"auto", "mlp", "conv"}, default="auto"
        As in :class:`~sklq.LatentQuantizedAutoencoder`.
    input_shape : tuple (C, H, W) or (H, W), default=None
        Image shape of flat rows.
    network_size : {"cpu", "image_small", "image"}, default="cpu"
        As in :class:`~sklq.LatentQuantizedAutoencoder`: the same networks.
    decoder : {"auto", "style", "conv"}, default="auto"
    weight_init : {"signal_preserving", "reference"}, default="signal_preserving"
        As in :class:`~sklq.LatentQuantizedAutoencoder`.
    precision : {"auto", "float32", "bfloat16"}, default="auto"
        As in :class:`~sklq.LatentQuantizedAutoencoder`.
    reconstruction_loss : {"auto", "bce", "mse"}, default="auto"
    device : {"cpu", "cuda", "auto"}, default="cpu"
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
    callbacks : list of skorch callbacks or None, default=None"""

_COMMON_ATTRIBUTES = """\
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch model.
    reconstruction_loss_, architecture_, input_shape_, sample_shape_, sample_dtype_ :
        As in :class:`~sklq.LatentQuantizedAutoencoder`.
    precision_ : {"float32", "bfloat16"}
        The precision ``precision`` resolved to.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
    n_samples_fit_ : int
    n_iter_ : int
    history_ : pandas.DataFrame
        One row per epoch: ``train_loss`` and every loss term."""


def _fill_doc(cls):
    cls.__doc__ = cls.__doc__.replace("{common_parameters}", _COMMON_PARAMETERS).replace(
        "{common_attributes}", _COMMON_ATTRIBUTES
    )
    return cls


class _BaselineAutoencoder(BaseAutoencoder):
    """Shared ``__init__`` bookkeeping of the baselines. Not for direct use."""

    def _set_common(self, n_latents, weight_decay, learning_rate, batch_size, max_epochs,
                    grad_clip_value, architecture, input_shape, network_size, decoder,
                    weight_init, precision, reconstruction_loss, device, random_state, verbose,
                    callbacks):
        self.n_latents = n_latents
        self.weight_decay = weight_decay
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.grad_clip_value = grad_clip_value
        self.architecture = architecture
        self.input_shape = input_shape
        self.network_size = network_size
        self.decoder = decoder
        self.weight_init = weight_init
        self.precision = precision
        self.reconstruction_loss = reconstruction_loss
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks



@_fill_doc
class Autoencoder(_BaselineAutoencoder):
    """Plain autoencoder with continuous latents (the paper's AE baseline).

    Parameters
    ----------
    n_latents : int, default=10
    weight_decay : float, default=0.0
        AdamW weight decay on weights (the paper's ``params/ae`` use 0.001).
{common_parameters}

    Attributes
    ----------
{common_attributes}

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
                 device="cpu", random_state=None, verbose=0, callbacks=None):
        self._set_common(n_latents, weight_decay, learning_rate, batch_size, max_epochs,
                         grad_clip_value, architecture, input_shape, network_size, decoder,
                         weight_init, precision,
                         reconstruction_loss, device, random_state, verbose, callbacks)

    def _build_latent(self):
        return ContinuousLatent(self.n_latents)

    def _loss_weights(self):
        return {}


@_fill_doc
class BioAE(_BaselineAutoencoder):
    """Biologically inspired autoencoder: non-negative, sparse-activity continuous latents.

    Loss ``reconstruction + nonnegativity_weight * mean(relu(-z)) + activity_weight *
    mean(z**2)``, with weight decay (spec §7).

    Parameters
    ----------
    n_latents : int, default=10
    activity_weight : float, default=0.01
        Weight of the activity penalty ``mean(z**2)`` (0.1 for Isaac3D in the paper).
    nonnegativity_weight : float, default=1.0
        Weight of the non-negativity penalty ``mean(relu(-z))``.
    weight_decay : float, default=1e-4
{common_parameters}

    Attributes
    ----------
{common_attributes}

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
                 device="cpu", random_state=None, verbose=0, callbacks=None):
        self.activity_weight = activity_weight
        self.nonnegativity_weight = nonnegativity_weight
        self._set_common(n_latents, weight_decay, learning_rate, batch_size, max_epochs,
                         grad_clip_value, architecture, input_shape, network_size, decoder,
                         weight_init, precision,
                         reconstruction_loss, device, random_state, verbose, callbacks)

    def _build_latent(self):
        return BioLatent(self.n_latents)

    def _loss_weights(self):
        return {"nonnegativity": self.nonnegativity_weight, "activity": self.activity_weight}


class _GaussianAutoencoder(_BaselineAutoencoder):
    """Gaussian posterior: the encoder emits mean and scale; ``transform`` is the mean."""

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "beta": [Interval(Real, 0, None, closed="left")],
    }
    _ENCODE_FIELDS = {"values": "continuous", "continuous": "continuous", "scale": "scale"}

    def _n_encoder_outputs(self):
        return 2 * self.n_latents

    def encode(self, X, output="values"):
        """Encode ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)
        output : {"values", "continuous", "scale"}, default="values"
            ``"values"`` and ``"continuous"``: the posterior mean (what ``transform``
            returns); ``"scale"``: the posterior standard deviation.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_latents)
        """
        return super().encode(X, output=output)


@_fill_doc
class BetaVAE(_GaussianAutoencoder):
    """β-VAE: diagonal Gaussian posterior with a β-weighted KL term.

    The loss is ``reconstruction + (n_latents / n_features) * beta * kl`` with ``kl`` the
    mean over latents and samples of ``-log sigma + (mu**2 + sigma**2 - 1) / 2``, i.e. β times
    the summed KL divided by the number of data values (spec §7). The decoder sees a
    posterior sample in training and the mean otherwise; ``transform`` returns the mean.

    Parameters
    ----------
    n_latents : int, default=10
    beta : float, default=3.0
        The paper's values: Shapes3D 3, MPI3D 0.1, Falcor3D 10, Isaac3D 0.3.
    weight_decay : float, default=0.0
{common_parameters}

    Attributes
    ----------
{common_attributes}

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
                 callbacks=None):
        self.beta = beta
        self._set_common(n_latents, weight_decay, learning_rate, batch_size, max_epochs,
                         grad_clip_value, architecture, input_shape, network_size, decoder,
                         weight_init, precision,
                         reconstruction_loss, device, random_state, verbose, callbacks)

    def _build_latent(self):
        return GaussianLatent(self.n_latents)

    def _loss_weights(self):
        return {"kl": self.beta * self.n_latents / self.n_features_in_}


@_fill_doc
class BetaTCVAE(_GaussianAutoencoder):
    """β-TCVAE: the VAE's KL split into index-code mutual information, total correlation
    (weighted by ``beta``) and dimension-wise KL, estimated by minibatch-weighted sampling
    with the training-set size (spec §7).

    The loss is ``reconstruction + (MI + beta * TC + DWKL) / n_features``.

    Parameters
    ----------
    n_latents : int, default=10
    beta : float, default=3.0
        Weight of the total correlation. The paper's values: Shapes3D 3, MPI3D 0.3,
        Falcor3D 3, Isaac3D 1.
    weight_decay : float, default=0.0
{common_parameters}

    Attributes
    ----------
{common_attributes}

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
                 callbacks=None):
        self.beta = beta
        self._set_common(n_latents, weight_decay, learning_rate, batch_size, max_epochs,
                         grad_clip_value, architecture, input_shape, network_size, decoder,
                         weight_init, precision,
                         reconstruction_loss, device, random_state, verbose, callbacks)

    def _build_latent(self):
        return TCGaussianLatent(self.n_latents, dataset_size=self.n_samples_fit_)

    def _loss_weights(self):
        scale = 1.0 / self.n_features_in_
        return {
            "mutual_information": scale,
            "total_correlation": self.beta * scale,
            "dimension_wise_kl": scale,
        }


@_fill_doc
class VQVAE(_BaselineAutoencoder):
    """VQ-VAE: each latent is a vector snapped to one shared codebook of embeddings.

    The encoder emits ``n_latents`` vectors of size ``embedding_dim``; each is replaced by
    the nearest of ``codebook_size`` shared embeddings (straight-through gradients). Loss
    ``reconstruction + quantization_weight * quantization + commitment_weight *
    commitment`` (spec §7). ``transform`` returns the integer code of each latent: the
    discrete representation the metrics use.

    Parameters
    ----------
    n_latents : int, default=10
    codebook_size : int, default=512
    embedding_dim : int, default=64
    quantization_weight : float, default=1.0
    commitment_weight : float, default=0.25
    weight_decay : float, default=0.01
        The paper's "with weight decay" setting; the codebook is never decayed.
{common_parameters}

    Attributes
    ----------
    codebook_ : ndarray of shape (codebook_size, embedding_dim)
        The learned shared embeddings.
{common_attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import VQVAE
    >>> X = np.random.default_rng(0).random((100, 6))
    >>> vq = VQVAE(3, codebook_size=16, embedding_dim=4, max_epochs=2, random_state=0)
    >>> codes = vq.fit_transform(X)
    >>> codes.shape, codes.dtype, vq.inverse_transform(codes).shape
    ((100, 3), dtype('int64'), (100, 6))
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "codebook_size": [Interval(Integral, 2, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "quantization_weight": [Interval(Real, 0, None, closed="left")],
        "commitment_weight": [Interval(Real, 0, None, closed="left")],
    }
    _ENCODE_FIELDS = {"indices": "indices", "continuous": "continuous"}

    def __init__(self, n_latents=10, *, codebook_size=512, embedding_dim=64,
                 quantization_weight=1.0, commitment_weight=0.25, weight_decay=0.01,
                 learning_rate=1e-3, batch_size=128, max_epochs=20, grad_clip_value=1.0,
                 architecture="auto", input_shape=None, network_size="cpu", decoder="auto",
                 weight_init="signal_preserving", precision="auto",
                 reconstruction_loss="auto", device="cpu", random_state=None, verbose=0,
                 callbacks=None):
        self.codebook_size = codebook_size
        self.embedding_dim = embedding_dim
        self.quantization_weight = quantization_weight
        self.commitment_weight = commitment_weight
        self._set_common(n_latents, weight_decay, learning_rate, batch_size, max_epochs,
                         grad_clip_value, architecture, input_shape, network_size, decoder,
                         weight_init, precision,
                         reconstruction_loss, device, random_state, verbose, callbacks)

    def _n_encoder_outputs(self):
        return self.n_latents * self.embedding_dim

    _n_decoder_inputs = _n_encoder_outputs

    def _build_latent(self):
        return VectorQuantizer(self.n_latents, self.codebook_size, self.embedding_dim)

    def _loss_weights(self):
        return {"quantization": self.quantization_weight, "commitment": self.commitment_weight}

    def _set_fitted_attributes(self):
        self.codebook_ = self.net_.module_.latent.codebook.detach().cpu().numpy().copy()

    def encode(self, X, output="indices"):
        """Encode ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)
        output : {"indices", "continuous"}, default="indices"
            ``"indices"``: each latent's codebook index (int64, what ``transform``
            returns), shape ``(n_samples, n_latents)``; ``"continuous"``: the encoder's
            vectors before quantization, shape ``(n_samples, n_latents * embedding_dim)``.

        Returns
        -------
        codes : ndarray
        """
        return super().encode(X, output=output)

    def transform(self, X):
        """Integer codebook index of each latent, shape ``(n_samples, n_latents)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)

        Returns
        -------
        codes : ndarray of shape (n_samples, n_latents), int64
        """
        return self.encode(X, output="indices")

    def inverse_transform(self, Z):
        """Decode integer codes back to data space.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_latents)
            Codebook indices in ``[0, codebook_size)``.

        Returns
        -------
        X : ndarray of shape ``(n_samples, *sample_shape_)``
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
        vectors = self.codebook_[Z.astype(np.int64)].reshape(len(Z), -1)
        return self._decode(vectors.astype(np.float32))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
