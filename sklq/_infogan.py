"""InfoWGAN-GP estimators: the quantized-latent QLInfoWGAN-GP and its continuous twin."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import BaseLatentModel
from ._checks import check_generator, check_int
from ._docstrings import fill_doc
from ._nn import InfoGANModule, UniformLatent, build_encoder_decoder
from ._out_of_core import value_range
from ._quantized import QUANTIZER_CONSTRAINTS, QuantizedLatentMixin
from ._training import InfoGANNet, collate_batch


class BaseInfoGAN(BaseLatentModel):
    """InfoWGAN-GP models: a critic/encoder trunk and a generator. Not for direct use.

    Subclasses implement :meth:`_build_latent`, :meth:`_latent_loss_weights` and the
    ``encode`` outputs.
    """

    _parameter_constraints: dict = {
        **BaseLatentModel._parameter_constraints,
        "latent_weight": [Interval(Real, 0, None, closed="left")],
        "gradient_penalty_weight": [Interval(Real, 0, None, closed="left")],
        "critic_steps_per_generator_step": [Interval(Integral, 1, None, closed="left")],
        "adam_betas": [tuple, list],
        "output_activation": [StrOptions({"sigmoid", "identity"})],
    }

    # --------------------------------------------------------------- fitting
    def _check_params(self, X):
        betas = tuple(self.adam_betas)
        if len(betas) != 2 or not all(
            isinstance(b, Real) and not isinstance(b, bool) and 0.0 <= b < 1.0 for b in betas
        ):
            raise ValueError(
                f"adam_betas={self.adam_betas!r} must be two numbers in [0, 1)."
            )
        if self.output_activation == "sigmoid" and X.dtype != np.uint8:
            low, high = value_range(X)
            if low < 0.0 or high > 1.0:
                raise ValueError(
                    f"output_activation='sigmoid' generates data in [0, 1], so X must be in "
                    f"[0, 1] (or uint8 images), but X has values in [{low:.4g}, {high:.4g}]. "
                    "Scale X, or use output_activation='identity' for real-valued data."
                )

    def _build_module(self):
        encoder, generator = build_encoder_decoder(
            self.input_shape_,
            self.n_latents,
            self.n_latents,
            architecture=self.architecture_,
            network_size=self.network_size,
            decoder=self._resolved_decoder(),
        )
        return InfoGANModule(encoder, self._build_latent(), generator, self.output_activation)

    def _build_net(self, module, device):
        latent_weights = self._latent_loss_weights()
        loss_weights = {
            "value": 1.0,
            "gradient_penalty": self.gradient_penalty_weight,
            "latent": self.latent_weight,
            **latent_weights,
        }
        optimizer_settings = {
            "weight_decay": self.weight_decay,
            "betas": tuple(float(b) for b in self.adam_betas),
            "param_groups": self._param_groups(),
        }
        return InfoGANNet(
            module,
            criterion=torch.nn.MSELoss,  # unused: train_step computes the losses
            optimizer=torch.optim.AdamW,
            lr=self.learning_rate,
            **{f"optimizer__{key}": value for key, value in optimizer_settings.items()},
            **{
                f"generator_optimizer__{key}": value
                for key, value in optimizer_settings.items()
            },
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
            loss_term_names=(
                "value", "gradient_penalty", "latent", *latent_weights, "generator"
            ),
            critic_steps_per_generator_step=self.critic_steps_per_generator_step,
        )

    # ------------------------------------------------------------- inference
    def _decode_batch(self, z):
        return self.net_.module_.generate(z)

    def _draw_codes(self, rng, n_samples):
        raise NotImplementedError

    def sample(self, n_samples, random_state=None):
        """Generate data from codes drawn from the latent prior.

        Parameters
        ----------
        n_samples : int
            Number of samples.
        random_state : int, RandomState instance or None, default=None
            Seeds the codes; an int gives the same samples every time. The global numpy
            and torch generators are not used.

        Returns
        -------
        X : ndarray of shape ``(n_samples, *sample_shape_)``
            ``inverse_transform(Z)``: in the shape and units of ``X`` at fit.
        Z : ndarray of shape (n_samples, n_latents), float32
            The codes that generated ``X``.
        """
        check_is_fitted(self)
        n_samples = check_int(n_samples, "n_samples", low=1)
        Z = self._draw_codes(check_generator(random_state), n_samples).astype(np.float32)
        return self.inverse_transform(Z), Z

    def score(self, X, y=None):
        """Negative mean squared error of ``X`` through the encoder and the generator
        (higher is better).

        ``-mean((G(z_hat(X)) - X)**2)`` over all values, in the model's units ([0, 1] for
        ``uint8`` images), with ``z_hat(X) = transform(X)``: the reference's evaluation of a
        GAN (it logs the PSNR of this "reconstruction", a monotone function of the same
        error). It rewards an encoder that reads the generating factors off real data and a
        generator that renders them, and, unlike the critic's Wasserstein estimate, is
        comparable between fitted models.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)
            Samples to score, shaped and typed like the training data.
        y : Ignored
            Not used, present for API consistency (it may carry factors for scorers).

        Returns
        -------
        score : float
            Negative mean squared error per value.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        module = self.net_.module_

        def batch_error(x):
            return (module.generate(module.encode(x).straight_through) - x).pow(2).sum()

        total = sum(float(e) for e in self.net_.map_batches(self._dataset(X), batch_error))
        return -total / (len(X) * int(np.prod(self.input_shape_)))


@fill_doc
class LatentQuantizedInfoGAN(QuantizedLatentMixin, BaseInfoGAN):
    """Quantized-latent InfoWGAN-GP (QLInfoWGAN-GP) of Hsu et al. (2023).

    A Wasserstein GAN with gradient penalty whose generator draws its code from
    independent per-dimension scalar codebooks, and whose critic shares its trunk with an
    encoder that must recover that code from the generated image (InfoGAN). The encoder's
    output is snapped to the codebook (straight-through), so on real data ``transform``
    gives discrete codes. Shows that latent quantization is not specific to autoencoders.

    Parameters
    ----------
    {quantized_latents}
    {gan_weight_decay}
    quantization_weight : float, default=0.01
        Weight of ``mean((sg(z) - q)**2)`` on the encoder's code of generated data.
    commitment_weight : float, default=0.01
        Weight of ``mean((z - sg(q))**2)`` on the encoder's code of generated data.
    {gan_parameters}

    Attributes
    ----------
    {gan_net}
    codebook_ : ndarray of shape (n_latents, n_values_per_latent)
        The learned codebook values of each latent dimension.
    {precision_}
    {input_attributes}
    {gan_history}

    See Also
    --------
    InfoGAN : The same model with a continuous uniform latent.
    LatentQuantizedAutoencoder : Latent quantization in an autoencoder.

    Notes
    -----
    Training follows the authors' code (spec §6). Each batch is a critic step: with codes
    ``z_fake`` drawn uniformly from each dimension's codebook and ``x_fake = sigmoid(G(z_fake))``,
    the encoder trunk, its latent head and the critic head minimise
    ``D(x_fake) - D(x_real) + 10 GP + 200 mean((z_hat - z_fake)**2) + 0.01 quantization
    + 0.01 commitment`` (``z_hat``: straight-through code of ``encode(x_fake)``). Every 5th
    batch is followed by a generator step with fresh codes, in which the generator and the
    codebook minimise ``-D(x_fake) + 200 mean((z_hat - z_fake)**2) + 0.01 quantization +
    0.01 commitment``. Two AdamW optimizers (lr 2e-4, betas (0, 0.9)), weight decay 1e-3
    and element-wise gradient clipping at 1 on weights; biases and the codebook get plain
    Adam without clipping. The codebook starts at ``linspace(-0.5, 0.5, n)``. The network
    size and the number of epochs are CPU-sized instead of the paper's.

    ``y`` is ignored by ``fit``; it may carry ground-truth factors so that
    :class:`~sklearn.model_selection.GridSearchCV` can pass them to disentanglement scorers.

    References
    ----------
    .. [1] K. Hsu, W. Dorrell, J. Whittington, J. Wu, C. Finn. "Disentanglement via Latent
       Quantization". NeurIPS 2023.
    .. [2] X. Chen et al. "InfoGAN: Interpretable Representation Learning by Information
       Maximizing Generative Adversarial Nets". NeurIPS 2016.
    .. [3] I. Gulrajani et al. "Improved Training of Wasserstein GANs". NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import LatentQuantizedInfoGAN
    >>> X = np.random.default_rng(0).random((64, 1, 16, 16), dtype=np.float32)
    >>> gan = LatentQuantizedInfoGAN(3, n_values_per_latent=4, max_epochs=2,
    ...                              batch_size=16, random_state=0).fit(X)
    >>> Z = gan.transform(X)
    >>> Z.shape, gan.codebook_.shape
    ((64, 3), (3, 4))
    >>> bool(np.isin(Z[:, 0], gan.codebook_[0]).all())
    True
    >>> X_new, Z_new = gan.sample(5, random_state=0)
    >>> X_new.shape, Z_new.shape
    ((5, 1, 16, 16), (5, 3))
    >>> gan.encode(X_new, output="indices").shape
    (5, 3)
    """

    _parameter_constraints: dict = {
        **BaseInfoGAN._parameter_constraints,
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
        weight_decay=1e-3,
        quantization_weight=0.01,
        commitment_weight=0.01,
        latent_weight=200.0,
        gradient_penalty_weight=10.0,
        critic_steps_per_generator_step=5,
        learning_rate=2e-4,
        adam_betas=(0.0, 0.9),
        batch_size=64,
        max_epochs=50,
        grad_clip_value=1.0,
        architecture="auto",
        input_shape=None,
        network_size="cpu",
        decoder="auto",
        weight_init="signal_preserving",
        precision="auto",
        output_activation="sigmoid",
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
    ):
        self._set_init_parameters(locals())


    def _draw_codes(self, rng, n_samples):
        indices = rng.integers(self.n_values_per_latent, size=(n_samples, self.n_latents))
        return np.take_along_axis(self.codebook_.T, indices, axis=0)


@fill_doc
class InfoGAN(BaseInfoGAN):
    """Continuous InfoWGAN-GP: the baseline of :class:`LatentQuantizedInfoGAN`.

    The same Wasserstein GAN with gradient penalty and InfoGAN code-recovery loss, with a
    continuous code: the generator's codes are drawn uniformly from ``[0, 1)^n_latents``
    and the encoder's output is used as it is (no quantization, no codebook).

    Parameters
    ----------
    n_latents : int, default=10
        Number of latent dimensions (the paper uses twice the number of factors).
    {gan_weight_decay}
    {gan_parameters}

    Attributes
    ----------
    {gan_net}
    {precision_}
    {input_attributes}
    {gan_history}

    See Also
    --------
    LatentQuantizedInfoGAN : The same model with quantized latents.

    Notes
    -----
    Training follows the authors' ``InfoWGAN-GP`` (spec §6), as described for
    :class:`LatentQuantizedInfoGAN` without the quantization and commitment terms.
    ``transform`` returns the encoder's continuous output ``pre_z`` (what the reference
    evaluates).

    References
    ----------
    .. [1] K. Hsu, W. Dorrell, J. Whittington, J. Wu, C. Finn. "Disentanglement via Latent
       Quantization". NeurIPS 2023.
    .. [2] X. Chen et al. "InfoGAN: Interpretable Representation Learning by Information
       Maximizing Generative Adversarial Nets". NeurIPS 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from sklq import InfoGAN
    >>> X = np.random.default_rng(0).random((64, 1, 16, 16), dtype=np.float32)
    >>> gan = InfoGAN(3, max_epochs=2, batch_size=16, random_state=0).fit(X)
    >>> gan.transform(X).shape
    (64, 3)
    >>> X_new, Z_new = gan.sample(5, random_state=0)
    >>> X_new.shape, bool(((Z_new >= 0) & (Z_new < 1)).all())
    ((5, 1, 16, 16), True)
    """

    def __init__(
        self,
        n_latents=10,
        *,
        weight_decay=1e-3,
        latent_weight=200.0,
        gradient_penalty_weight=10.0,
        critic_steps_per_generator_step=5,
        learning_rate=2e-4,
        adam_betas=(0.0, 0.9),
        batch_size=64,
        max_epochs=50,
        grad_clip_value=1.0,
        architecture="auto",
        input_shape=None,
        network_size="cpu",
        decoder="auto",
        weight_init="signal_preserving",
        precision="auto",
        output_activation="sigmoid",
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
    ):
        self._set_init_parameters(locals())

    def _build_latent(self):
        return UniformLatent(self.n_latents)

    def _latent_loss_weights(self):
        return {}


    def _draw_codes(self, rng, n_samples):
        return rng.random((n_samples, self.n_latents), dtype=np.float32)

