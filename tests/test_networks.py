"""Encoders, decoders and blocks: shapes, layer order and the reference's details (spec §3-4)."""

import math
import re

import pytest
import torch
from torch import nn

from sklq._nn import (
    CONV_LAYOUTS,
    ConvBlock,
    ConvTransposeBlock,
    StyleConvTransposeBlock,
    StyleDecoder,
    build_encoder_decoder,
    conv_plan,
    deconv_plan,
)


@pytest.mark.parametrize("network_size", ["cpu", "image_small", "image"])
@pytest.mark.parametrize("decoder", ["style", "conv"])
@pytest.mark.parametrize("image_size", [16, 32, 64, 128])
def test_conv_networks_round_trip_shapes(network_size, decoder, image_size):
    if network_size == "image" and image_size == 128 and decoder == "style":
        pytest.skip("covered by smaller sizes; the 128 px reference net is slow on CPU")
    channels = 3
    encoder, dec = build_encoder_decoder(
        (channels, image_size, image_size), 7, 5,
        architecture="conv", network_size=network_size, decoder=decoder,
    )
    with torch.no_grad():
        pre_z = encoder(torch.rand(2, channels, image_size, image_size))
        logits = dec(torch.rand(2, 5))
    assert pre_z.shape == (2, 7)
    assert logits.shape == (2, channels, image_size, image_size)
    assert encoder.transition_shape[1:] == (image_size // 16, image_size // 16)


def test_mlp_networks_shapes():
    encoder, decoder = build_encoder_decoder((13,), 4, 4, architecture="mlp")
    assert encoder(torch.rand(5, 13)).shape == (5, 4)
    assert decoder(torch.rand(5, 4)).shape == (5, 13)
    encoder, _ = build_encoder_decoder((13,), 4, 4, architecture="mlp", network_size="image")
    widths = [m.out_features for m in encoder.dense.modules() if isinstance(m, nn.Linear)]
    assert widths == [2048] * 4
    assert sum(isinstance(m, nn.LayerNorm) for m in encoder.modules()) == 4


def test_image_sizes_outside_8_to_256_are_rejected():
    for shape in [(1, 4, 4), (1, 7, 64), (3, 64, 257)]:
        with pytest.raises(ValueError, match=re.escape(f"input_shape={shape}")):
            build_encoder_decoder(shape, 2, 2, architecture="conv")


@pytest.mark.parametrize("network_size", ["cpu", "image_small", "image"])
@pytest.mark.parametrize("decoder", ["style", "conv"])
@pytest.mark.parametrize("shape", [(1, 28, 28), (3, 64, 48), (1, 8, 8), (2, 13, 256)])
def test_conv_networks_take_any_image_size(network_size, decoder, shape):
    encoder, dec = build_encoder_decoder(shape, 3, 3, architecture="conv",
                                         network_size=network_size, decoder=decoder)
    with torch.no_grad():
        assert encoder(torch.rand(2, *shape)).shape == (2, 3)
        assert dec(torch.rand(2, 3)).shape == (2, *shape)


def test_conv_plan_by_hand():
    # k4 s2 p1: out = floor(n / 2); a 1-pixel side is no longer strided (k1 s1 p0)
    plan = conv_plan((28, 12), CONV_LAYOUTS["cpu"])
    assert [step.out_size for step in plan] == [(14, 6), (7, 3), (3, 1), (1, 1)]
    assert plan[3].kernel == (4, 1) and plan[3].stride == (2, 1) and plan[3].padding == (1, 0)
    # the decoder gives back every size, adding the row a floor division dropped:
    # (out - 1) * s - 2p + k + output_padding = in
    back = deconv_plan(plan, CONV_LAYOUTS["cpu"])
    assert [step.out_size for step in back] == [(3, 1), (7, 3), (14, 6), (28, 12)]
    assert [step.output_padding for step in back] == [(1, 0), (1, 1), (0, 0), (0, 0)]
    # the reference's decoder keeps its own order: two stride-1 blocks, then the upsampling
    image = deconv_plan(conv_plan((64, 64), CONV_LAYOUTS["image"]), CONV_LAYOUTS["image"])
    assert [step.stride for step in image[:3]] == [(1, 1), (1, 1), (2, 2)]
    assert [step.out_size for step in image[2::3]] == [(8, 8), (16, 16), (32, 32), (64, 64)]


def test_no_instance_norm_on_maps_too_small_to_normalise():
    # image_small at 16 px: the last encoder block's map is 1x1, where instance norm outputs
    # exactly 0 for every input; the network leaves it out there (and only there)
    encoder, decoder = build_encoder_decoder((1, 16, 16), 4, 4, architecture="conv",
                                             network_size="image_small", decoder="style")
    norms = [isinstance(block[1], nn.GroupNorm) for block in encoder.conv]
    assert norms == [True, True, True, False]
    assert [block.normalize for block in decoder.blocks] == [True, True, True, True]
    torch.manual_seed(0)
    with torch.no_grad():
        assert encoder(torch.rand(64, 1, 16, 16)).std(dim=0).min() > 1e-3


def test_conv_block_order_and_no_bias():
    block = ConvBlock(3, 8, 4, 2, 1, norm="instance", activation="leaky_relu")
    conv, norm, act = block
    assert isinstance(conv, nn.Conv2d) and conv.bias is None
    assert isinstance(norm, nn.GroupNorm)
    assert norm.num_groups == norm.num_channels == 8 and norm.eps == 1e-6 and norm.affine
    assert isinstance(act, nn.LeakyReLU) and act.negative_slope == 0.2


def test_group_norm_is_instance_norm():
    block = ConvBlock(2, 4, 3, 1, 1, norm="instance", activation="none")
    x = torch.randn(3, 2, 8, 8)
    h = block[0](x)
    expected = nn.functional.instance_norm(h, eps=1e-6)
    torch.testing.assert_close(block(x), expected, atol=1e-5, rtol=1e-5)


def test_conv_transpose_uses_reference_init_bound():
    torch.manual_seed(0)
    block = ConvTransposeBlock(64, 8, 4, 2, 1)
    weight = block[0].weight
    assert weight.shape == (64, 8, 4, 4) and block[0].bias is None
    bound = 1 / math.sqrt(64 * 4 * 4)  # C_in k k; PyTorch's default would use C_out
    assert weight.abs().max() <= bound
    assert weight.abs().max() > 0.95 * bound


def test_style_block_relu_modulation_hand_computed():
    torch.manual_seed(0)
    block = StyleConvTransposeBlock(3, 2, 4, 2, 1, style_size=5)
    linear = block.conditioning[0]
    x, w = torch.randn(2, 3, 4, 4), torch.randn(2, 5)
    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.copy_(torch.tensor([2.0, 3.0, 1.0, -1.0]))  # scales (2, 3), biases (1, -1)
        out = block(x, w)
        h = nn.functional.leaky_relu(block.conv(x), 0.2)
        mean = h.mean(dim=(2, 3), keepdim=True)
        var = h.var(dim=(2, 3), unbiased=False, keepdim=True)
        normalised = (h - mean) / torch.sqrt(var + 1e-6)
        # the negative bias is cut to 0 by the ReLU: scale and bias are never negative
        expected = normalised * torch.tensor([2.0, 3.0])[:, None, None] + torch.tensor(
            [1.0, 0.0]
        )[:, None, None]
    assert out.shape == (2, 2, 8, 8)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)


def test_style_decoder_input_map_and_output_conv():
    plan = conv_plan((16, 16), CONV_LAYOUTS["image_small"])
    decoder = StyleDecoder(4, (3, 16, 16), CONV_LAYOUTS["image_small"], plan)
    assert isinstance(decoder.input_map, nn.Parameter)
    assert decoder.input_map.shape == (512, 1, 1)
    assert torch.all(decoder.input_map == 0.1)
    assert decoder.output.bias is None and decoder.output.kernel_size == (3, 3)


def test_reference_image_layout_matches_spec():
    layout = CONV_LAYOUTS["image"]
    assert layout.encoder_widths == (32, 32, 32, 64, 64, 64, 128, 128, 128, 256, 256, 256)
    assert layout.kernels == (3, 3, 4) * 4 and layout.strides == (1, 1, 2) * 4
    assert layout.decoder_widths == (256, 256, 256, 128, 128, 128, 64, 64, 64, 32, 32, 32)
    assert layout.dense == (256, 256)
    small = CONV_LAYOUTS["image_small"]
    assert small.encoder_widths == (64, 128, 256, 512) and small.dense == (512,)
    assert small.decoder_widths == (512, 256, 128, 64) and small.norm == "instance"
    encoder, _ = build_encoder_decoder((3, 64, 64), 12, 12, architecture="conv",
                                       network_size="image", decoder="style")
    assert encoder.transition_shape == (256, 4, 4)
    assert all(m.bias is None for m in encoder.modules() if isinstance(m, nn.Conv2d))
