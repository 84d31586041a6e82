"""torch modules: the latent quantizer, encoders, decoders, the InfoGAN critic/generator
(no scikit-learn or skorch)."""

from ._autoencoder import LatentAutoencoder
from ._blocks import (
    ConvBlock,
    ConvTransposeBlock,
    DenseBlock,
    StyleConvTransposeBlock,
    reset_conv_transpose_,
)
from ._infogan import InfoGANModule, UniformLatent, gradient_penalty
from ._networks import (
    CONV_LAYOUTS,
    IMAGE_SIZES,
    MLP_LAYOUTS,
    ConvDecoder,
    ConvEncoder,
    MLPDecoder,
    MLPEncoder,
    StyleDecoder,
    build_encoder_decoder,
)
from ._quantizer import LatentQuantizer, QuantizerOutput

__all__ = [
    "CONV_LAYOUTS",
    "IMAGE_SIZES",
    "MLP_LAYOUTS",
    "ConvBlock",
    "ConvDecoder",
    "ConvEncoder",
    "ConvTransposeBlock",
    "DenseBlock",
    "InfoGANModule",
    "LatentAutoencoder",
    "LatentQuantizer",
    "MLPDecoder",
    "MLPEncoder",
    "QuantizerOutput",
    "StyleConvTransposeBlock",
    "StyleDecoder",
    "UniformLatent",
    "build_encoder_decoder",
    "gradient_penalty",
    "reset_conv_transpose_",
]
