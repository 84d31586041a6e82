"""Weight initialisation: the reference's (PyTorch's defaults) or signal-preserving.

The reference initialises every linear and convolutional layer with PyTorch's default
``U(±1/sqrt(fan_in))`` (variance ``1/(3 fan_in)``). Where a normalisation layer follows,
the scale does not matter; where none does (sklq's ``"cpu"`` networks, the dense stacks,
the heads), each layer shrinks the signal by about ``1/sqrt(6)`` after a ReLU, and a
6-layer encoder maps every image to nearly the same code. ``"signal_preserving"`` re-draws
exactly those un-normalised layers from ``N(0, gain**2 / fan_in)`` with the gain of the
activation that follows (He/Kaiming initialisation; gain 1 for linear outputs) and zero
biases, and keeps the reference's init where a normalisation follows.

Fan-ins are *effective*: a stride-``s`` transposed convolution feeds each output position
``C_in * prod(k_i / s_i)`` of its weights, not PyTorch's ``C_out * prod(k_i)`` (its weight
tensor is ``(C_in, C_out, kh, kw)``) nor ``C_in * prod(k_i)``; on small maps, taps that only
see the zero padding are not counted either.
"""

import math

import torch
from torch import nn

from ._blocks import ConvBlock, ConvTransposeBlock, DenseBlock

#: ``weight_init`` options of the estimators.
WEIGHT_INITS = ("signal_preserving", "reference")

_BLOCKS = (ConvBlock, ConvTransposeBlock, DenseBlock)


def activation_gain(activation):
    """He gain of an activation module: sqrt(2) for ReLU, sqrt(2 / (1 + a²)) for a leaky
    ReLU of slope ``a``, 1 for the identity (and any other activation).

    Examples
    --------
    >>> from torch import nn
    >>> round(activation_gain(nn.ReLU()), 4), round(activation_gain(nn.Identity()), 4)
    (1.4142, 1.0)
    """
    if isinstance(activation, nn.ReLU):
        return math.sqrt(2.0)
    if isinstance(activation, nn.LeakyReLU):
        return math.sqrt(2.0 / (1.0 + activation.negative_slope**2))
    return 1.0


def _taps_per_side(n_in, kernel, stride, padding, transposed, output_padding=0):
    """Mean number of kernel taps that reach an output position from a real (not padded)
    input position, along one side of ``n_in`` input pixels."""
    if not transposed:
        n_out = (n_in + 2 * padding - kernel) // stride + 1
        counts = [
            sum(0 <= o * stride - padding + t < n_in for t in range(kernel)) for o in range(n_out)
        ]
    else:
        n_out = (n_in - 1) * stride - 2 * padding + kernel + output_padding
        counts = [0] * n_out
        for i in range(n_in):
            for t in range(kernel):
                y = i * stride - padding + t
                if 0 <= y < n_out:
                    counts[y] += 1
    return sum(counts) / len(counts)


def effective_fan_in(layer, in_size=None):
    """Number of weights feeding one output value of ``layer``, on average.

    For a convolution on a map of ``in_size = (H, W)``, taps that only ever see the zero
    padding are not counted (a 4x4 kernel with padding 1 on a 2x2 map sees 4 real inputs
    per channel, not 16); without ``in_size`` the map is taken as large. A stride-``s``
    transposed convolution gets ``C_in * prod(k_i / s_i)`` on a large map.

    Examples
    --------
    >>> from torch import nn
    >>> effective_fan_in(nn.Conv2d(8, 4, 3))
    72
    >>> effective_fan_in(nn.Conv2d(8, 4, 4, stride=2, padding=1), in_size=(2, 2))
    32
    >>> effective_fan_in(nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1))  # 8 * 2 * 2
    32
    >>> effective_fan_in(nn.Linear(5, 2))
    5
    """
    if isinstance(layer, nn.Linear):
        return layer.in_features
    if not isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        raise TypeError(f"No fan-in rule for {type(layer).__name__}.")
    transposed = isinstance(layer, nn.ConvTranspose2d)
    if in_size is None:
        taps = [k / s if transposed else k for k, s in zip(layer.kernel_size, layer.stride,
                                                           strict=True)]
    else:
        taps = [
            _taps_per_side(n, k, s, p, transposed, op)
            for n, k, s, p, op in zip(in_size, layer.kernel_size, layer.stride, layer.padding,
                                      layer.output_padding if transposed else (0, 0),
                                      strict=True)
        ]
    return max(1, round(layer.in_channels * math.prod(taps)))


def he_normal_(layer, gain=1.0, in_size=None):
    """Draw ``layer.weight`` from ``N(0, gain**2 / fan_in)`` (:func:`effective_fan_in` on a
    map of ``in_size``) and zero its bias.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> _ = torch.manual_seed(0)
    >>> layer = he_normal_(nn.Linear(4000, 100), gain=2.0)
    >>> weight, bias = layer.weight.detach(), layer.bias.detach()
    >>> round(float(weight.std() * 4000**0.5), 1), float(bias.abs().max())
    (2.0, 0.0)
    """
    std = gain / math.sqrt(effective_fan_in(layer, in_size))
    nn.init.normal_(layer.weight, 0.0, std)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)
    return layer


def initialize_weights_(module, weight_init="signal_preserving"):
    """Initialise ``module``'s networks in place; returns ``module``.

    ``"reference"`` leaves the layers as built (the reference's init). With
    ``"signal_preserving"``, every block ``layer → norm → activation`` without a
    normalisation gets :func:`he_normal_` with the activation's gain (conv blocks on the map
    size in their ``in_size`` attribute, set by the networks), and every linear
    output layer a module lists in its ``OUTPUT_LAYERS`` attribute (encoder heads, decoder
    output convolutions, the critic head) gets gain 1; blocks with a normalisation and the
    style blocks' convolutions (instance-normalised) keep the reference's init.

    Parameters
    ----------
    module : torch.nn.Module
    weight_init : {"signal_preserving", "reference"}

    Examples
    --------
    >>> import torch
    >>> from sklq._nn import build_encoder_decoder
    >>> _ = torch.manual_seed(0)
    >>> encoder, _ = build_encoder_decoder((1, 32, 32), 4, 4, architecture="conv")
    >>> x = torch.rand(64, 1, 32, 32)
    >>> with torch.no_grad():
    ...     before = float(encoder(x).std(dim=0).median())
    ...     after = float(initialize_weights_(encoder)(x).std(dim=0).median())
    >>> before < 0.01 < 0.05 < after
    True
    """
    if weight_init not in WEIGHT_INITS:
        raise ValueError(f"weight_init={weight_init!r} is not one of {WEIGHT_INITS}.")
    if weight_init == "reference":
        return module
    for sub in module.modules():
        if isinstance(sub, _BLOCKS) and isinstance(sub[1], nn.Identity):
            he_normal_(sub[0], activation_gain(sub[2]), getattr(sub, "in_size", None))
        for name in getattr(sub, "OUTPUT_LAYERS", ()):
            he_normal_(getattr(sub, name), 1.0)
    return module


def signal_at_init(images, network_size="cpu", decoder="conv", weight_init="signal_preserving",
                   *, n_latents=8, seed=0):
    """How much a freshly initialised conv network pair's outputs vary.

    Builds the encoder and decoder for ``images``' shape (``n_latents`` latents, torch seed
    ``seed``), initialises them by ``weight_init`` and returns ``(median over latents of
    the encoder output's std across images, mean over pixels of the decoded image's std
    across as many random codebook codes, in [0, 1] after a sigmoid)``. The measure of
    ``benchmarks/init_signal.py`` and ``tests/test_init.py``.

    Examples
    --------
    >>> import torch
    >>> encoded, decoded = signal_at_init(torch.rand(32, 1, 16, 16))
    >>> encoded > 0.05 and decoded > 0.01
    True
    """
    from ._latents import LatentQuantizer
    from ._networks import build_encoder_decoder

    torch.manual_seed(seed)
    encoder, dec = build_encoder_decoder(tuple(images.shape[1:]), n_latents, n_latents,
                                         architecture="conv", network_size=network_size,
                                         decoder=decoder)
    initialize_weights_(nn.ModuleList([encoder, dec]), weight_init)
    codes, _ = LatentQuantizer(n_latents, 10).sample(len(images))
    with torch.no_grad():
        return (float(encoder(images).std(dim=0).median()),
                float(torch.sigmoid(dec(codes)).std(dim=0).mean()))
