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
from ._float32 import float32_call
from ._infogan import InfoGANModule, gradient_penalty
from ._init import WEIGHT_INITS, initialize_weights_, signal_at_init
from ._latents import (
    BioLatent,
    ContinuousLatent,
    GaussianLatent,
    LatentOutput,
    LatentQuantizer,
    TCGaussianLatent,
    UniformLatent,
    VectorQuantizer,
    commitment_loss,
    quantization_loss,
)
from ._networks import (
    CONV_LAYOUTS,
    MAX_IMAGE_SIDE,
    MIN_IMAGE_SIDE,
    MLP_LAYOUTS,
    ConvDecoder,
    ConvEncoder,
    MLPDecoder,
    MLPEncoder,
    StyleDecoder,
    build_encoder_decoder,
    check_image_shape,
    conv_plan,
    deconv_plan,
)

__all__ = [
    "CONV_LAYOUTS",
    "MAX_IMAGE_SIDE",
    "MIN_IMAGE_SIDE",
    "MLP_LAYOUTS",
    "WEIGHT_INITS",
    "ConvBlock",
    "ConvDecoder",
    "ConvEncoder",
    "ConvTransposeBlock",
    "DenseBlock",
    "BioLatent",
    "ContinuousLatent",
    "GaussianLatent",
    "InfoGANModule",
    "LatentOutput",
    "LatentAutoencoder",
    "LatentQuantizer",
    "MLPDecoder",
    "MLPEncoder",
    "StyleConvTransposeBlock",
    "StyleDecoder",
    "TCGaussianLatent",
    "UniformLatent",
    "VectorQuantizer",
    "commitment_loss",
    "build_encoder_decoder",
    "check_image_shape",
    "conv_plan",
    "deconv_plan",
    "float32_call",
    "gradient_penalty",
    "initialize_weights_",
    "quantization_loss",
    "signal_at_init",
    "reset_conv_transpose_",
]
