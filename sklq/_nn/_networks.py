"""Encoders and decoders (spec §4), with the reference's layouts and a CPU-sized default."""

import math
from dataclasses import dataclass

import torch
from torch import nn

from ._blocks import (
    MIN_NORMALIZED_POSITIONS,
    ConvBlock,
    ConvTransposeBlock,
    DenseBlock,
    StyleConvTransposeBlock,
    dense_stack,
)


@dataclass(frozen=True)
class ConvLayout:
    """Widths, kernels and strides of an image encoder; its decoder mirrors it (the same
    kernels and strides, the widths reversed, the same dense widths)."""

    encoder_widths: tuple
    dense: tuple
    norm: str
    kernels: tuple = (4,) * 4
    strides: tuple = (2,) * 4
    padding: int = 1
    #: Train in channels-last memory format. Measured by benchmarks/bench_training.py on a
    #: 2-core Xeon (bf16 autocast, batch 64): 1.35x faster for the un-normalised "cpu"
    #: layout at 32 px, but 0.59x (32 and 64 px) for "image_small", whose instance norms
    #: run slower channels-last.
    channels_last: bool = False

    @property
    def decoder_widths(self):
        return self.encoder_widths[::-1]


#: Network layouts by ``network_size``. "image" and "image_small" are the reference's
#: (encoder ``image`` / ``image_small``, decoder ``style_image`` / ``style_image_small``);
#: "cpu" is the same family, narrower and without normalisation, sized for a laptop CPU.
CONV_LAYOUTS = {
    "cpu": ConvLayout((32, 32, 64, 64), dense=(256,), norm="none", channels_last=True),
    "image_small": ConvLayout((64, 128, 256, 512), dense=(512,), norm="instance"),
    "image": ConvLayout(
        (32, 32, 32, 64, 64, 64, 128, 128, 128, 256, 256, 256), dense=(256, 256),
        norm="instance", kernels=(3, 3, 4) * 4, strides=(1, 1, 2) * 4,
    ),
}

#: Hidden widths and normalisation of the tabular (MLP) networks by ``network_size``;
#: both reference sizes use the reference's ``dense`` network (4 x 2048, LayerNorm).
MLP_LAYOUTS = {
    "cpu": ((256, 256), "none"),
    "image_small": ((2048,) * 4, "layer"),
    "image": ((2048,) * 4, "layer"),
}

#: Smallest and largest image side (pixels) the convolutional networks accept.
MIN_IMAGE_SIDE, MAX_IMAGE_SIDE = 8, 256


@dataclass(frozen=True)
class ConvStep:
    """Geometry of one conv (or conv-transpose) block, per side ``(height, width)``."""

    in_size: tuple
    out_size: tuple
    kernel: tuple
    stride: tuple
    padding: tuple
    output_padding: tuple = (0, 0)

    @property
    def out_positions(self):
        return self.out_size[0] * self.out_size[1]


def check_image_shape(shape, name="input_shape"):
    """Raise a ValueError naming ``name`` unless ``shape`` is ``(C, H, W)`` with both sides in
    ``[MIN_IMAGE_SIDE, MAX_IMAGE_SIDE]``.

    Examples
    --------
    >>> check_image_shape((3, 28, 28))
    >>> check_image_shape((1, 4, 4))
    Traceback (most recent call last):
        ...
    ValueError: input_shape=(1, 4, 4): convolutional networks take images of 8 to 256 ...
    """
    shape = tuple(int(v) for v in shape)
    if len(shape) != 3 or not all(MIN_IMAGE_SIDE <= side <= MAX_IMAGE_SIDE for side in shape[1:]):
        raise ValueError(
            f"{name}={shape}: convolutional networks take images of {MIN_IMAGE_SIDE} to "
            f"{MAX_IMAGE_SIDE} pixels per side. Use architecture='mlp' for other sizes."
        )


def conv_plan(image_size, layout):
    """The encoder's :class:`ConvStep` s for images of ``image_size = (H, W)``.

    A side already reduced to one pixel is not strided further: it gets kernel 1, stride 1
    and no padding, so any side from :data:`MIN_IMAGE_SIDE` to :data:`MAX_IMAGE_SIDE` fits
    every layout.

    Examples
    --------
    >>> [step.out_size for step in conv_plan((28, 12), CONV_LAYOUTS["cpu"])]
    [(14, 6), (7, 3), (3, 1), (1, 1)]
    >>> conv_plan((28, 12), CONV_LAYOUTS["cpu"])[3].kernel
    (4, 1)
    """
    size = tuple(int(v) for v in image_size)
    steps = []
    for kernel, stride in zip(layout.kernels, layout.strides, strict=True):
        per_side = []
        for n in size:
            k, s, p = kernel, stride, layout.padding
            if (n + 2 * p - k) // s + 1 < 1:
                k, s, p = 1, 1, 0
            per_side.append((k, s, p, (n + 2 * p - k) // s + 1))
        k, s, p, out = (tuple(column) for column in zip(*per_side, strict=True))
        steps.append(ConvStep(size, out, k, s, p))
        size = out
    return steps


def deconv_plan(encoder_plan, layout):
    """The decoder's :class:`ConvStep` s, in the layout's decoder order, from the encoder's
    transition size back to the image size.

    The decoder's strided blocks undo the encoder's strided blocks in reverse order: each
    gives back exactly the size that block received (``output_padding = (n + 2p - k) mod s``
    adds the row/column a strided convolution of an odd-sized side dropped), with kernel 1
    and stride 1 on a side the encoder did not stride. Stride-1 blocks keep the size.

    Examples
    --------
    >>> plan = conv_plan((28, 12), CONV_LAYOUTS["cpu"])
    >>> [(step.out_size, step.output_padding) for step in deconv_plan(plan, CONV_LAYOUTS["cpu"])]
    [((3, 1), (1, 0)), ((7, 3), (1, 1)), ((14, 6), (0, 0)), ((28, 12), (0, 0))]
    """
    strided = [step for step, s in zip(encoder_plan, layout.strides, strict=True) if s > 1]
    size = encoder_plan[-1].out_size
    steps = []
    for kernel, stride in zip(layout.kernels, layout.strides, strict=True):
        p = layout.padding
        if stride == 1:
            out = tuple(n + 2 * p - kernel + 1 for n in size)
            steps.append(ConvStep(size, out, (kernel,) * 2, (1, 1), (p,) * 2))
        else:
            undone = strided.pop()
            out, op = undone.in_size, tuple(
                (n + 2 * q - k) % t
                for n, k, t, q in zip(undone.in_size, undone.kernel, undone.stride,
                                      undone.padding, strict=True)
            )
            steps.append(ConvStep(size, out, undone.kernel, undone.stride, undone.padding, op))
        size = steps[-1].out_size
    if strided or size != encoder_plan[0].in_size:
        raise ValueError("The layout's decoder does not mirror its encoder's strides.")
    return steps


def _norm_for(layout, step):
    """The layout's normalisation, or none on maps too small to normalise."""
    return layout.norm if step.out_positions >= MIN_NORMALIZED_POSITIONS else "none"


class MLPEncoder(nn.Module):
    """Dense stack → linear head giving the continuous latents."""

    OUTPUT_LAYERS = ("head",)

    def __init__(self, n_features, n_outputs, hidden_widths=(256, 256), norm="none"):
        super().__init__()
        self.dense, width = dense_stack(n_features, hidden_widths, norm)
        self.head = nn.Linear(width, n_outputs)
        self.n_features_out = width

    def features(self, x):
        return self.dense(x.flatten(start_dim=1))

    def forward(self, x):
        return self.head(self.features(x))


class MLPDecoder(MLPEncoder):
    """The same dense stack → linear head, from ``n_inputs`` code values to ``n_features``
    outputs (logits for BCE, values for MSE)."""


class ConvEncoder(nn.Module):
    """Conv blocks → flatten → dense blocks → linear head (reference ``ImageEncoder``).

    Parameters
    ----------
    input_shape : tuple (C, H, W)
        Any ``H`` and ``W`` in ``[MIN_IMAGE_SIDE, MAX_IMAGE_SIDE]`` (see :func:`conv_plan`).
    n_outputs : int
        Size of the head's output (the continuous latents).
    layout : ConvLayout

    Attributes
    ----------
    plan : list of ConvStep
        Geometry of each conv block; the decoders mirror it.
    transition_shape : tuple (C, h, w)
        Shape of the last conv block's output.
    """

    OUTPUT_LAYERS = ("head",)

    def __init__(self, input_shape, n_outputs, layout):
        super().__init__()
        check_image_shape(input_shape)
        channels = input_shape[0]
        self.plan = conv_plan(input_shape[1:], layout)
        blocks = []
        for out_channels, step in zip(layout.encoder_widths, self.plan, strict=True):
            block = ConvBlock(channels, out_channels, step.kernel, step.stride, step.padding,
                              _norm_for(layout, step))
            block.in_size = step.in_size
            blocks.append(block)
            channels = out_channels
        self.conv = nn.Sequential(*blocks)
        self.transition_shape = (channels, *self.plan[-1].out_size)
        self.dense, self.n_features_out = dense_stack(
            math.prod(self.transition_shape), layout.dense
        )
        self.head = nn.Linear(self.n_features_out, n_outputs)

    def features(self, x):
        return self.dense(self.conv(x).flatten(start_dim=1))

    def forward(self, x):
        return self.head(self.features(x))


def _decoder_blocks(plan, layout, first_channels):
    """``(in_channels, out_channels, step)`` of each decoder block (:func:`deconv_plan`)."""
    channels = first_channels
    for width, step in zip(layout.decoder_widths, deconv_plan(plan, layout), strict=True):
        yield channels, width, step
        channels = width


class StyleDecoder(nn.Module):
    """Style-modulated image decoder (reference ``StyleImageDecoder``).

    A trainable constant ``input_map`` (initialised to 0.1) is upsampled by conv-transpose
    blocks, each modulated by the same style vector ``w = dense(z)``; a final 3x3 conv without
    bias gives the output logits.

    Parameters
    ----------
    n_inputs : int
    output_shape : tuple (C, H, W)
    layout : ConvLayout
    plan : list of ConvStep
        The encoder's (:attr:`ConvEncoder.plan`); the blocks follow :func:`deconv_plan`.
    """

    OUTPUT_LAYERS = ("output",)

    def __init__(self, n_inputs, output_shape, layout, plan):
        super().__init__()
        first = layout.decoder_widths[0]
        self.input_map = nn.Parameter(torch.full((first, *plan[-1].out_size), 0.1))
        self.dense, style_size = dense_stack(n_inputs, layout.dense)
        self.blocks = nn.ModuleList(
            StyleConvTransposeBlock(
                c_in, c_out, step.kernel, step.stride, step.padding, style_size,
                output_padding=step.output_padding,
                normalize=step.out_positions >= MIN_NORMALIZED_POSITIONS,
            )
            for c_in, c_out, step in _decoder_blocks(plan, layout, first)
        )
        self.output = nn.Conv2d(layout.decoder_widths[-1], output_shape[0], 3, 1, 1, bias=False)

    def forward(self, z):
        w = self.dense(z)
        h = self.input_map.expand(z.shape[0], *self.input_map.shape)
        for block in self.blocks:
            h = block(h, w)
        return self.output(h)


class ConvDecoder(nn.Module):
    """Plain conv-transpose image decoder (reference ``ImageDecoder``).

    Dense blocks → dense transition to the encoder's transition shape → conv-transpose
    blocks (:func:`deconv_plan` of the encoder's ``plan``) → 1x1 conv without bias.
    """

    OUTPUT_LAYERS = ("output",)

    def __init__(self, n_inputs, output_shape, layout, plan):
        super().__init__()
        self.transition_shape = (layout.encoder_widths[-1], *plan[-1].out_size)
        self.dense, width = dense_stack(n_inputs, layout.dense)
        self.transition = DenseBlock(width, math.prod(self.transition_shape), "none", "relu")
        blocks = []
        for c_in, c_out, step in _decoder_blocks(plan, layout, self.transition_shape[0]):
            block = ConvTransposeBlock(c_in, c_out, step.kernel, step.stride, step.padding,
                                       _norm_for(layout, step),
                                       output_padding=step.output_padding)
            block.in_size = step.in_size
            blocks.append(block)
        self.conv = nn.Sequential(*blocks)
        self.output = nn.Conv2d(layout.decoder_widths[-1], output_shape[0], 1, 1, 0, bias=False)

    def forward(self, z):
        h = self.transition(self.dense(z)).view(-1, *self.transition_shape)
        return self.output(self.conv(h))


def build_encoder_decoder(input_shape, n_latent_outputs, n_decoder_inputs, *, architecture,
                          network_size="cpu", decoder="style"):
    """Build a matching ``(encoder, decoder)`` pair.

    Parameters
    ----------
    input_shape : tuple
        ``(n_features,)`` for ``architecture="mlp"``, ``(C, H, W)`` for ``"conv"`` (each side
        from :data:`MIN_IMAGE_SIDE` to :data:`MAX_IMAGE_SIDE`, square or not).
    n_latent_outputs : int
        Size of the encoder head (e.g. ``n_latents``, or ``2 * n_latents`` for a VAE).
    n_decoder_inputs : int
        Size of the code the decoder consumes.
    architecture : {"mlp", "conv"}
    network_size : {"cpu", "image_small", "image"}
    decoder : {"style", "conv"}
        Decoder family for ``architecture="conv"``.

    The layers keep PyTorch's default initialisation (the reference's);
    :func:`~sklq._nn.initialize_weights_` re-initialises them.

    Examples
    --------
    >>> import torch
    >>> encoder, decoder = build_encoder_decoder((3, 28, 20), 6, 6, architecture="conv",
    ...                                          network_size="cpu", decoder="conv")
    >>> encoder(torch.rand(2, 3, 28, 20)).shape, decoder(torch.rand(2, 6)).shape
    (torch.Size([2, 6]), torch.Size([2, 3, 28, 20]))
    """
    if architecture == "mlp":
        hidden, norm = MLP_LAYOUTS[network_size]
        n_features = math.prod(input_shape)
        return (
            MLPEncoder(n_features, n_latent_outputs, hidden, norm),
            MLPDecoder(n_decoder_inputs, n_features, hidden, norm),
        )
    if architecture == "conv":
        layout = CONV_LAYOUTS[network_size]
        encoder = ConvEncoder(input_shape, n_latent_outputs, layout)
        if decoder == "style":
            return encoder, StyleDecoder(n_decoder_inputs, input_shape, layout, encoder.plan)
        if decoder == "conv":
            return encoder, ConvDecoder(n_decoder_inputs, input_shape, layout, encoder.plan)
        raise ValueError(f"Unknown decoder {decoder!r}.")
    raise ValueError(f"Unknown architecture {architecture!r}.")
