"""Encoder → latent → decoder, the module trained by the autoencoder estimators."""

from torch import nn

from ._float32 import float32_call


class LatentAutoencoder(nn.Module):
    """An encoder, a latent module and a decoder.

    The latent module (e.g. :class:`~sklq._nn.LatentQuantizer`) maps the encoder output to
    an output tuple whose ``straight_through`` field the decoder consumes, and names its own
    loss terms in ``regularization_losses(output)``.

    Under bfloat16 autocast only the encoder and the decoder compute in bfloat16: the
    latent module runs in float32 (:func:`~sklq._nn.float32_call`) and the decoder's output
    is returned as float32, so the losses are float32 too.

    Parameters
    ----------
    encoder, latent, decoder : torch.nn.Module
    """

    def __init__(self, encoder, latent, decoder):
        super().__init__()
        self.encoder = encoder
        self.latent = latent
        self.decoder = decoder

    def encode(self, x):
        return float32_call(self.latent, self.encoder(x))

    def decode(self, z):
        return self.decoder(z).float()

    def forward(self, x):
        latent_output = self.encode(x)
        return latent_output, self.decode(latent_output.straight_through)
