"""Encoders and decoders (spec §4), with the reference's layouts and a CPU-sized default."""

from dataclasses import dataclass

import torch
from torch import nn

from ._blocks import (
    ConvBlock,
    ConvTransposeBlock,
    DenseBlock,
    StyleConvTransposeBlock,
    dense_stack,
)


@dataclass(frozen=True)
class ConvLayout:
    """Widths, kernels and strides of an image encoder and its decoder."""

    encoder_widths: tuple
    encoder_kernels: tuple
    encoder_strides: tuple
    encoder_dense: tuple
    decoder_widths: tuple
    decoder_kernels: tuple
    decoder_strides: tuple
    decoder_dense: tuple
    norm: str
    padding: int = 1


_REFERENCE_KERNELS = (3, 3, 4) * 4
_REFERENCE_STRIDES = (1, 1, 2) * 4

#: Network layouts by ``network_size``. "image" and "image_small" are the reference's
#: (encoder ``image`` / ``image_small``, decoder ``style_image`` / ``style_image_small``);
#: "cpu" is the same family, narrower and without normalisation, sized for a laptop CPU.
CONV_LAYOUTS = {
    "cpu": ConvLayout(
        encoder_widths=(32, 32, 64, 64),
        encoder_kernels=(4,) * 4,
        encoder_strides=(2,) * 4,
        encoder_dense=(256,),
        decoder_widths=(64, 64, 32, 32),
        decoder_kernels=(4,) * 4,
        decoder_strides=(2,) * 4,
        decoder_dense=(256,),
        norm="none",
    ),
    "image_small": ConvLayout(
        encoder_widths=(64, 128, 256, 512),
        encoder_kernels=(4,) * 4,
        encoder_strides=(2,) * 4,
        encoder_dense=(512,),
        decoder_widths=(512, 256, 128, 64),
        decoder_kernels=(4,) * 4,
        decoder_strides=(2,) * 4,
        decoder_dense=(512,),
        norm="instance",
    ),
    "image": ConvLayout(
        encoder_widths=(32, 32, 32, 64, 64, 64, 128, 128, 128, 256, 256, 256),
        encoder_kernels=_REFERENCE_KERNELS,
        encoder_strides=_REFERENCE_STRIDES,
        encoder_dense=(256, 256),
        decoder_widths=(256, 256, 256, 128, 128, 128, 64, 64, 64, 32, 32, 32),
        decoder_kernels=_REFERENCE_KERNELS,
        decoder_strides=_REFERENCE_STRIDES,
        decoder_dense=(256, 256),
        norm="instance",
    ),
}

#: Hidden widths and normalisation of the tabular (MLP) networks by ``network_size``;
#: both reference sizes use the reference's ``dense`` network (4 x 2048, LayerNorm).
MLP_LAYOUTS = {
    "cpu": ((256, 256), "none"),
    "image_small": ((2048,) * 4, "layer"),
    "image": ((2048,) * 4, "layer"),
}

#: Supported square image sizes for the convolutional networks.
IMAGE_SIZES = (16, 32, 64, 128)


def _conv_output_size(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride + 1


class MLPEncoder(nn.Module):
    """Dense stack → linear head giving the continuous latents."""

    def __init__(self, n_features, n_outputs, hidden_widths=(256, 256), norm="none"):
        super().__init__()
        self.dense, width = dense_stack(n_features, hidden_widths, norm)
        self.head = nn.Linear(width, n_outputs)
        self.n_features_out = width

    def features(self, x):
        return self.dense(x.flatten(start_dim=1))

    def forward(self, x):
        return self.head(self.features(x))


class MLPDecoder(nn.Module):
    """Dense stack → linear output of ``n_features`` (logits for BCE, values for MSE)."""

    def __init__(self, n_inputs, n_features, hidden_widths=(256, 256), norm="none"):
        super().__init__()
        self.dense, width = dense_stack(n_inputs, hidden_widths, norm)
        self.head = nn.Linear(width, n_features)

    def forward(self, z):
        return self.head(self.dense(z))


class ConvEncoder(nn.Module):
    """Conv blocks → flatten → dense blocks → linear head (reference ``ImageEncoder``).

    Parameters
    ----------
    input_shape : tuple (C, H, W)
    n_outputs : int
        Size of the head's output (the continuous latents).
    layout : ConvLayout
    """

    def __init__(self, input_shape, n_outputs, layout):
        super().__init__()
        channels, height, width = input_shape
        blocks = []
        for out_channels, kernel, stride in zip(
            layout.encoder_widths, layout.encoder_kernels, layout.encoder_strides, strict=True
        ):
            blocks.append(
                ConvBlock(channels, out_channels, kernel, stride, layout.padding, layout.norm)
            )
            channels = out_channels
            height = _conv_output_size(height, kernel, stride, layout.padding)
            width = _conv_output_size(width, kernel, stride, layout.padding)
        if height < 1 or width < 1:
            raise ValueError(f"input_shape={tuple(input_shape)} is too small for this network.")
        self.conv = nn.Sequential(*blocks)
        self.transition_shape = (channels, height, width)
        self.dense, self.n_features_out = dense_stack(
            channels * height * width, layout.encoder_dense
        )
        self.head = nn.Linear(self.n_features_out, n_outputs)

    def features(self, x):
        return self.dense(self.conv(x).flatten(start_dim=1))

    def forward(self, x):
        return self.head(self.features(x))


class StyleDecoder(nn.Module):
    """Style-modulated image decoder (reference ``StyleImageDecoder``).

    A trainable constant ``input_map`` (initialised to 0.1) is upsampled by conv-transpose
    blocks, each modulated by the same style vector ``w = dense(z)``; a final 3x3 conv without
    bias gives the output logits.
    """

    def __init__(self, n_inputs, output_shape, layout, transition_size):
        super().__init__()
        out_channels = output_shape[0]
        first = layout.decoder_widths[0]
        self.input_map = nn.Parameter(torch.full((first, transition_size, transition_size), 0.1))
        self.dense, style_size = dense_stack(n_inputs, layout.decoder_dense)
        blocks = []
        channels = first
        for width, kernel, stride in zip(
            layout.decoder_widths, layout.decoder_kernels, layout.decoder_strides, strict=True
        ):
            blocks.append(
                StyleConvTransposeBlock(channels, width, kernel, stride, layout.padding, style_size)
            )
            channels = width
        self.blocks = nn.ModuleList(blocks)
        self.output = nn.Conv2d(channels, out_channels, 3, 1, 1, bias=False)

    def forward(self, z):
        w = self.dense(z)
        h = self.input_map.expand(z.shape[0], *self.input_map.shape)
        for block in self.blocks:
            h = block(h, w)
        return self.output(h)


class ConvDecoder(nn.Module):
    """Plain conv-transpose image decoder (reference ``ImageDecoder``).

    Dense blocks → dense transition to the encoder's transition shape → conv-transpose
    blocks → 1x1 conv without bias.
    """

    def __init__(self, n_inputs, output_shape, layout, transition_shape):
        super().__init__()
        self.transition_shape = tuple(transition_shape)
        self.dense, width = dense_stack(n_inputs, layout.decoder_dense)
        n_transition = int(torch.tensor(self.transition_shape).prod())
        self.transition = DenseBlock(width, n_transition, "none", "relu")
        blocks = []
        channels = self.transition_shape[0]
        for out_width, kernel, stride in zip(
            layout.decoder_widths, layout.decoder_kernels, layout.decoder_strides, strict=True
        ):
            blocks.append(
                ConvTransposeBlock(channels, out_width, kernel, stride, layout.padding, layout.norm)
            )
            channels = out_width
        self.conv = nn.Sequential(*blocks)
        self.output = nn.Conv2d(channels, output_shape[0], 1, 1, 0, bias=False)

    def forward(self, z):
        h = self.transition(self.dense(z)).view(-1, *self.transition_shape)
        return self.output(self.conv(h))


def build_encoder_decoder(input_shape, n_latent_outputs, n_decoder_inputs, *, architecture,
                          network_size="cpu", decoder="style"):
    """Build a matching ``(encoder, decoder)`` pair.

    Parameters
    ----------
    input_shape : tuple
        ``(n_features,)`` for ``architecture="mlp"``, ``(C, H, W)`` for ``"conv"``
        (square, ``H`` in :data:`IMAGE_SIZES`).
    n_latent_outputs : int
        Size of the encoder head (e.g. ``n_latents``, or ``2 * n_latents`` for a VAE).
    n_decoder_inputs : int
        Size of the code the decoder consumes.
    architecture : {"mlp", "conv"}
    network_size : {"cpu", "image_small", "image"}
    decoder : {"style", "conv"}
        Decoder family for ``architecture="conv"``.
    """
    if architecture == "mlp":
        hidden, norm = MLP_LAYOUTS[network_size]
        n_features = int(torch.tensor(input_shape).prod())
        return (
            MLPEncoder(n_features, n_latent_outputs, hidden, norm),
            MLPDecoder(n_decoder_inputs, n_features, hidden, norm),
        )
    if architecture != "conv":
        raise ValueError(f"Unknown architecture {architecture!r}.")
    channels, height, width = input_shape
    if height != width or height not in IMAGE_SIZES:
        raise ValueError(
            f"Convolutional networks need square images of size {IMAGE_SIZES}; "
            f"got input_shape={tuple(input_shape)}."
        )
    layout = CONV_LAYOUTS[network_size]
    encoder = ConvEncoder(input_shape, n_latent_outputs, layout)
    if decoder == "style":
        dec = StyleDecoder(n_decoder_inputs, input_shape, layout, encoder.transition_shape[1])
    elif decoder == "conv":
        dec = ConvDecoder(n_decoder_inputs, input_shape, layout, encoder.transition_shape)
    else:
        raise ValueError(f"Unknown decoder {decoder!r}.")
    return encoder, dec
