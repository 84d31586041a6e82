"""Autoencoder estimators: the shared autoencoder base and the QLAE."""


import numpy as np
import torch
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import BaseLatentModel
from ._docstrings import fill_doc
from ._nn import LatentAutoencoder, build_encoder_decoder
from ._out_of_core import value_range
from ._quantized import QUANTIZER_CONSTRAINTS, QuantizedLatentMixin
from ._training import AutoencoderNet, collate_batch

_CRITERIA = {"bce": torch.nn.BCEWithLogitsLoss, "mse": torch.nn.MSELoss}


class BaseAutoencoder(BaseLatentModel):
    """Autoencoders: reconstruct ``X`` through a latent module. Not for direct use.

    Subclasses implement :meth:`_build_latent` and :meth:`_latent_loss_weights`, and say
    which outputs ``encode`` offers in ``_ENCODE_FIELDS``.
    """

    _parameter_constraints: dict = {
        **BaseLatentModel._parameter_constraints,
        "reconstruction_loss": [StrOptions({"auto", "bce", "mse"})],
    }

    def _n_encoder_outputs(self):
        """Size of the encoder head (e.g. ``2 * n_latents`` for a Gaussian posterior)."""
        return self.n_latents

    def _n_decoder_inputs(self):
        """Size of the code the decoder consumes."""
        return self.n_latents

    def _check_params(self, X):
        if X.dtype == np.uint8:
            low, high = 0.0, 1.0
        else:
            low, high = value_range(X)
        in_unit_range = low >= 0.0 and high <= 1.0
        if self.reconstruction_loss == "bce" and not in_unit_range:
            raise ValueError(
                f"reconstruction_loss='bce' needs X in [0, 1] (or uint8 images), but X has "
                f"values in [{low:.4g}, {high:.4g}]. Scale X or use reconstruction_loss='mse'."
            )
        if self.reconstruction_loss == "auto":
            self.reconstruction_loss_ = "bce" if in_unit_range else "mse"
        else:
            self.reconstruction_loss_ = self.reconstruction_loss

    def _build_module(self):
        encoder, decoder = build_encoder_decoder(
            self.input_shape_,
            self._n_encoder_outputs(),
            self._n_decoder_inputs(),
            architecture=self.architecture_,
            network_size=self.network_size,
            decoder=self._resolved_decoder(),
        )
        return LatentAutoencoder(encoder, self._build_latent(), decoder)

    def _build_net(self, module, device):
        loss_weights = self._latent_loss_weights()
        return AutoencoderNet(
            module,
            criterion=_CRITERIA[self.reconstruction_loss_],
            optimizer=torch.optim.AdamW,
            lr=self.learning_rate,
            optimizer__weight_decay=self.weight_decay,
            optimizer__param_groups=self._param_groups(),
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=None,
            iterator_train__shuffle=True,
            iterator_train__collate_fn=collate_batch,
            iterator_valid__collate_fn=collate_batch,
            callbacks=self._net_callbacks(),
            device=device,
            verbose=int(self.verbose or 0),
            grad_clip_value=self.grad_clip_value,
            **self._net_options(),
            loss_weights=loss_weights,
            loss_term_names=("reconstruction", *loss_weights),
        )

    def score(self, X, y=None):
        """Negative mean reconstruction loss of ``X`` per value (higher is better).

        The loss is the one used in training (``reconstruction_loss_``): binary
        cross-entropy with the decoder's logits, or squared error.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)
            Samples to score, shaped and typed like the training data.
        y : Ignored
            Not used, present for API consistency (it may carry factors for scorers).

        Returns
        -------
        score : float
            Negative mean reconstruction loss per value.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        module, criterion = self.net_.module_, self.net_.criterion_

        def batch_loss(x):
            _, reconstruction = module(x)
            return criterion(reconstruction, x) * len(x)

        total = sum(float(loss) for loss in self.net_.map_batches(self._dataset(X), batch_loss))
        return -total / len(X)


@fill_doc
class LatentQuantizedAutoencoder(QuantizedLatentMixin, BaseAutoencoder):
    """Quantized-latent autoencoder (QLAE) of Hsu et al. (2023).

    An encoder maps each sample to ``n_latents`` continuous values; each value is snapped
    to the nearest entry of its own learnable scalar codebook of ``n_values_per_latent``
    values; a decoder reconstructs the sample from the quantized code (straight-through
    gradients). Trained with strong weight decay on the network weights, which together with
    the quantization pushes each latent to capture one factor of variation.

    Parameters
    ----------
    {quantized_latents}
    weight_decay : float, default=0.1
        AdamW weight decay on all weights (linear/conv weights, normalisation scales, the
        style decoder's input map); never on biases or codebooks. Deliberately high: it is
        half of the method.
    quantization_weight : float, default=0.01
        Weight of ``mean((sg(z) - q)**2)``, which moves the codebook towards the encoder.
    commitment_weight : float, default=0.01
        Weight of ``mean((z - sg(q))**2)``, which moves the encoder towards the codebook.
    learning_rate : float, default=1e-3
        Adam(W) learning rate, constant.
    batch_size : int, default=128
        Samples per optimiser step.
    max_epochs : int, default=20
        Passes over the training data. The paper trains 200,000 steps on a GPU; the default
        is sized for a CPU and small datasets: the number of optimiser steps is
        ``max_epochs * ceil(n_samples / batch_size)``.
    {grad_clip_value}
    {architecture}
    {input_shape}
    network_size : {"cpu", "image_small", "image"}, default="cpu"
        ``"image"`` and ``"image_small"`` are the reference's network widths (12- and
        4-block convolutional encoders with instance norm; for ``"mlp"`` the reference's
        4 x 2048 dense network); ``"cpu"`` is a narrow network of the same family sized for
        a CPU (4 conv blocks 32-32-64-64 without normalisation; dense 256-256 for ``"mlp"``).
    decoder : {"auto", "style", "conv"}, default="auto"
        Image decoder: the reference's style-modulated decoder or the plain conv-transpose
        decoder. ``"auto"`` uses the plain one for ``network_size="cpu"`` (about 4x faster on
        a CPU) and the style decoder for the reference sizes.
    {weight_init}
    {precision}
    reconstruction_loss : {"auto", "bce", "mse"}, default="auto"
        ``"bce"`` (binary cross-entropy on logits, the reference's) needs data in [0, 1];
        ``"auto"`` uses it when ``X`` is ``uint8`` or within [0, 1] and ``"mse"`` otherwise.
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and batch order (inside ``torch.random.fork_rng``; the
        global numpy and torch generators are left untouched). The same int gives identical
        results on the CPU.
    {verbose}
    {callbacks}
    {warm_start}

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained skorch net; its ``module_`` is the torch model.
    codebook_ : ndarray of shape (n_latents, n_values_per_latent)
        The learned codebook values of each latent dimension.
    reconstruction_loss_ : {"bce", "mse"}
        The reconstruction loss used.
    {precision_}
    {input_attributes}
    history_ : pandas.DataFrame
        One row per epoch: ``train_loss`` (the weighted total), ``reconstruction_loss``,
        ``quantization_loss``, ``commitment_loss`` and the duration ``dur``.

    See Also
    --------
    sklearn.decomposition.PCA : linear, continuous latents.

    Notes
    -----
    Defaults follow the authors' code (spec §5): codebooks initialised at
    ``linspace(-0.5, 0.5, n)``, nearest value by absolute distance, straight-through
    estimator, loss ``reconstruction + 0.01 quantization + 0.01 commitment``, AdamW(1e-3)
    with weight decay 0.1 and element-wise gradient clipping at 1 on the weights, plain Adam
    on biases and codebooks. The network size and number of epochs are CPU-sized instead.

    ``y`` is ignored by ``fit``; it may carry ground-truth factors so that
    :class:`~sklearn.model_selection.GridSearchCV` can pass them to disentanglement scorers.

    References
    ----------
    .. [1] K. Hsu, W. Dorrell, J. Whittington, J. Wu, C. Finn. "Disentanglement via Latent
       Quantization". NeurIPS 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import LatentQuantizedAutoencoder
    >>> X = np.random.default_rng(0).random((200, 8))
    >>> qlae = LatentQuantizedAutoencoder(4, n_values_per_latent=5, max_epochs=2,
    ...                                   random_state=0)
    >>> Z = qlae.fit_transform(X)
    >>> Z.shape, qlae.codebook_.shape
    ((200, 4), (4, 5))
    >>> bool(np.isin(Z[:, 0], qlae.codebook_[0]).all())
    True
    >>> qlae.encode(X[:2], output="indices").shape
    (2, 4)
    >>> qlae.inverse_transform(Z).shape
    (200, 8)
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        **QUANTIZER_CONSTRAINTS,
    }

    def __init__(
        self,
        n_latents=10,
        *,
        n_values_per_latent=10,
        learn_codebook=True,
        global_codebook=False,
        codebook_learning_rate=None,
        weight_decay=0.1,
        quantization_weight=0.01,
        commitment_weight=0.01,
        learning_rate=1e-3,
        batch_size=128,
        max_epochs=20,
        grad_clip_value=1.0,
        architecture="auto",
        input_shape=None,
        network_size="cpu",
        decoder="auto",
        weight_init="signal_preserving",
        precision="auto",
        reconstruction_loss="auto",
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
    ):
        self._set_init_parameters(locals())


