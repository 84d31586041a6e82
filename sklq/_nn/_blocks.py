"""Layer blocks of the reference networks (spec §3), in its layer order."""

import math

from torch import nn
from torch.nn import functional as F

LEAKY_RELU_SLOPE = 0.2
INSTANCE_NORM_EPS = 1e-6

#: Instance norm is applied only to maps with at least this many positions (H·W). On a 1×1
#: map it outputs exactly 0 whatever the input (the reference's 4-block encoder at 16 px
#: sent std 8e-7 to its head), on a 1×2 map only ±1; the networks drop the norm there.
MIN_NORMALIZED_POSITIONS = 4


def make_activation(name):
    """``"relu"``, ``"leaky_relu"`` (slope 0.2), ``"sigmoid"``, ``"tanh"`` or ``"none"``."""
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(LEAKY_RELU_SLOPE)
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    if name == "none":
        return nn.Identity()
    raise ValueError(f"Unknown activation {name!r}.")


def make_norm2d(name, channels):
    """``"instance"``: per-sample, per-channel normalisation with a learnable affine
    (``GroupNorm(C, C, eps=1e-6)``, the reference's ``instance_norm``), or ``"none"``."""
    if name == "instance":
        return nn.GroupNorm(channels, channels, eps=INSTANCE_NORM_EPS)
    if name == "none":
        return nn.Identity()
    raise ValueError(f"Unknown normalization {name!r}.")


def reset_conv_transpose_(layer):
    """Re-initialise a ``ConvTranspose2d`` as the reference does: ``U(±1/sqrt(C_in k k))``.

    PyTorch's default bound uses ``C_out``; the reference's uses the input channels.
    """
    in_channels, _, kh, kw = layer.weight.shape
    bound = 1.0 / math.sqrt(in_channels * kh * kw)
    nn.init.uniform_(layer.weight, -bound, bound)
    if layer.bias is not None:
        nn.init.uniform_(layer.bias, -bound, bound)


class ConvBlock(nn.Sequential):
    """Conv2d (no bias) → normalisation → activation."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 norm="instance", activation="leaky_relu"):
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
            make_norm2d(norm, out_channels),
            make_activation(activation),
        )


class ConvTransposeBlock(nn.Sequential):
    """ConvTranspose2d (no bias, reference init) → normalisation → activation.

    ``output_padding`` (per side, less than the stride) adds rows/columns at the bottom and
    right so that the block can invert a strided convolution of an odd-sized map.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 norm="instance", activation="leaky_relu", output_padding=0):
        conv = nn.ConvTranspose2d(
            in_channels, out_channels, kernel_size, stride, padding,
            output_padding=output_padding, bias=False,
        )
        reset_conv_transpose_(conv)
        super().__init__(conv, make_norm2d(norm, out_channels), make_activation(activation))


class DenseBlock(nn.Sequential):
    """Linear (with bias) → LayerNorm or nothing → activation."""

    def __init__(self, in_features, out_features, norm="none", activation="relu"):
        if norm == "layer":
            norm_layer = nn.LayerNorm(out_features)
        elif norm == "none":
            norm_layer = nn.Identity()
        else:
            raise ValueError(f"Unknown normalization {norm!r}.")
        super().__init__(
            nn.Linear(in_features, out_features), norm_layer, make_activation(activation)
        )


def dense_stack(in_features, widths, norm="none", activation="relu"):
    """A sequence of :class:`DenseBlock`; returns ``(module, out_features)``."""
    blocks = []
    for width in widths:
        blocks.append(DenseBlock(in_features, width, norm, activation))
        in_features = width
    return nn.Sequential(*blocks), in_features


class StyleConvTransposeBlock(nn.Module):
    """Style-modulated conv-transpose block of the reference's style decoder.

    ``h = InstanceNorm(LeakyReLU(ConvT(x)))`` (no affine), then ``h * scale + bias`` with
    ``scale, bias = split(ReLU(Linear(w)))``: both non-negative, and ``scale`` is used as it
    is (not ``1 + scale``), as in the reference.

    ``normalize=False`` drops the instance norm (for maps too small to normalise, see
    :data:`MIN_NORMALIZED_POSITIONS`); ``output_padding`` as in :class:`ConvTransposeBlock`.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, style_size,
                 output_padding=0, normalize=True):
        super().__init__()
        self.conv = nn.ConvTranspose2d(
            in_channels, out_channels, kernel_size, stride, padding,
            output_padding=output_padding, bias=False,
        )
        reset_conv_transpose_(self.conv)
        self.conditioning = DenseBlock(style_size, 2 * out_channels, "none", "relu")
        self.normalize = normalize

    def forward(self, x, w):
        h = F.leaky_relu(self.conv(x), LEAKY_RELU_SLOPE)
        if self.normalize:
            h = F.group_norm(h, h.shape[1], eps=INSTANCE_NORM_EPS)
        scale, bias = self.conditioning(w).chunk(2, dim=1)
        return h * scale[:, :, None, None] + bias[:, :, None, None]
