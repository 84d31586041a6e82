"""What the models with codebooks share beyond their family: the latent-quantized models
(QLAE, QLInfoWGAN-GP) and, for its loss terms, the VQ-VAE."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from ._nn import LatentQuantizer
from ._training import no_decay_param_groups

#: Constraints of the quantizer's hyper-parameters.
QUANTIZER_CONSTRAINTS = {
    "n_values_per_latent": [Interval(Integral, 2, None, closed="left")],
    "learn_codebook": ["boolean"],
    "global_codebook": ["boolean"],
    "codebook_learning_rate": [Interval(Real, 0, None, closed="neither"), None],
    "quantization_weight": [Interval(Real, 0, None, closed="left")],
    "commitment_weight": [Interval(Real, 0, None, closed="left")],
}


class CodebookLossesMixin:
    """The codebook's two loss terms, weighted by ``quantization_weight`` and
    ``commitment_weight``. Not for direct use."""

    def _latent_loss_weights(self):
        return {"quantization": self.quantization_weight, "commitment": self.commitment_weight}


class QuantizedLatentMixin(CodebookLossesMixin):
    """Per-dimension scalar codebooks as the latent module. Not for direct use.

    Placed before an sklq base class (:class:`~sklq._autoencoder.BaseAutoencoder`,
    :class:`~sklq._infogan.BaseInfoGAN`); the estimator declares ``n_latents``,
    ``n_values_per_latent``, ``learn_codebook``, ``global_codebook``,
    ``codebook_learning_rate``, ``quantization_weight`` and ``commitment_weight`` and gets
    the latent module, its loss terms, the codebook's optimizer group, ``codebook_`` and
    the ``"indices"`` output of ``encode``.
    """

    #: ``encode`` outputs: name -> field of the latent module's output.
    _ENCODE_FIELDS = {"values": "quantized", "indices": "indices", "continuous": "continuous"}

    def _build_latent(self):
        return LatentQuantizer(self.n_latents, self.n_values_per_latent, self.learn_codebook,
                               self.global_codebook)

    def _param_groups(self):
        return no_decay_param_groups(self.codebook_learning_rate)

    def _set_fitted_attributes(self):
        self.codebook_ = self.net_.module_.latent.codebooks.detach().cpu().numpy().copy()
