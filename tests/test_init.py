"""Weight initialisation: effective fan-ins by hand, and signal at initialisation."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from sklq import LatentQuantizedAutoencoder, LatentQuantizedInfoGAN
from sklq._nn import (
    ConvBlock,
    InfoGANModule,
    LatentQuantizer,
    build_encoder_decoder,
    initialize_weights_,
    signal_at_init,
)
from sklq._nn._init import activation_gain, effective_fan_in, he_normal_
from sklq.datasets import make_sprites, make_squares


def test_effective_fan_in_by_hand():
    # a plain conv on a large map: C_in * k * k
    assert effective_fan_in(nn.Conv2d(3, 5, 4, stride=2, padding=1)) == 48
    # k4 s2 p1 on a 2x2 map: each output sees rows {-1, 0, 1, 2} ∩ {0, 1} = 2 per side
    assert effective_fan_in(nn.Conv2d(3, 5, 4, 2, 1), in_size=(2, 2)) == 12
    # transposed k4 s2 on a large map: each output position gets k/s = 2 taps per side
    assert effective_fan_in(nn.ConvTranspose2d(6, 2, 4, stride=2, padding=1)) == 24
    # transposed k4 s2 p1 from 1 pixel to 2: output y = t - 1 for taps t in 0..3, so
    # y = 0 and y = 1 each get one tap per side
    assert effective_fan_in(nn.ConvTranspose2d(6, 2, 4, 2, 1), in_size=(1, 1)) == 6
    # 3x3, stride 1, padding 1 on a 1x1 map: only the centre tap sees the pixel
    assert effective_fan_in(nn.Conv2d(6, 2, 3, 1, 1), in_size=(1, 1)) == 6


def test_he_normal_draws_the_stated_variance():
    torch.manual_seed(0)
    layer = he_normal_(nn.ConvTranspose2d(64, 32, 4, 2, 1), gain=activation_gain(nn.ReLU()))
    expected = math.sqrt(2.0 / (64 * 2 * 2))
    assert abs(float(layer.weight.detach().std()) / expected - 1) < 0.02
    assert activation_gain(nn.LeakyReLU(0.2)) == pytest.approx(math.sqrt(2 / 1.04))


def test_normalised_blocks_keep_the_reference_init():
    torch.manual_seed(0)
    normalised = ConvBlock(3, 8, 4, 2, 1, norm="instance")
    plain = ConvBlock(3, 8, 4, 2, 1, norm="none")
    before = normalised[0].weight.clone(), plain[0].weight.clone()
    initialize_weights_(nn.Sequential(normalised, plain))
    assert torch.equal(normalised[0].weight, before[0])
    assert not torch.equal(plain[0].weight, before[1])
    untouched = plain[0].weight.clone()
    initialize_weights_(nn.Sequential(plain), "reference")
    assert torch.equal(plain[0].weight, untouched)
    with pytest.raises(ValueError, match="weight_init='he'"):
        initialize_weights_(plain, "he")


def _images(image_size):
    make = make_squares if image_size == 16 else make_sprites
    X, _ = make(n_samples=128, image_size=image_size, random_state=0)
    X = np.asarray(X, dtype=np.float32)
    return torch.from_numpy(X.reshape(len(X), -1, image_size, image_size))


@pytest.mark.parametrize("image_size", [16, 32, 64])
@pytest.mark.parametrize(("network_size", "decoder"),
                         [("cpu", "conv"), ("cpu", "style"), ("image_small", "conv"),
                          ("image_small", "style"), ("image", "conv")])
def test_signal_at_initialisation(image_size, network_size, decoder):
    x = _images(image_size)
    for seed in range(2 if image_size < 64 else 1):
        encoded, decoded = signal_at_init(x, network_size, decoder, "signal_preserving", seed=seed)
        assert encoded >= 0.05
        assert decoded >= 0.01


@pytest.mark.parametrize("image_size", [16, 64])
def test_reference_init_starves_the_cpu_network(image_size):
    # what the new default fixes: PyTorch's (the reference's) init on the un-normalised net
    encoded, decoded = signal_at_init(_images(image_size), "cpu", "conv", "reference")
    assert encoded < 0.005 and decoded < 0.001


def test_mlp_signal_at_initialisation():
    X = torch.from_numpy(np.random.default_rng(0).random((256, 20), dtype=np.float32))
    for network_size in ("cpu", "image"):
        torch.manual_seed(0)
        encoder, decoder = build_encoder_decoder((20,), 6, 6, architecture="mlp",
                                                 network_size=network_size)
        initialize_weights_(nn.ModuleList([encoder, decoder]))
        with torch.no_grad():
            assert float(encoder(X).std(dim=0).median()) >= 0.05
            codes, _ = LatentQuantizer(6, 10).sample(256)
            assert float(torch.sigmoid(decoder(codes)).std(dim=0).mean()) >= 0.01


def test_infogan_generator_and_critic_at_initialisation():
    torch.manual_seed(0)
    encoder, generator = build_encoder_decoder((1, 32, 32), 5, 5, architecture="conv",
                                               decoder="conv")
    module = initialize_weights_(InfoGANModule(encoder, LatentQuantizer(5, 10), generator))
    x = _images(32)
    with torch.no_grad():
        z, _ = module.latent.sample(256)
        assert float(module.generate(z).std(dim=0).mean()) >= 0.01
        assert float(module.critique(x).std()) >= 0.05
        assert float(module.encode(x).continuous.std(dim=0).median()) >= 0.05


def test_estimators_initialise_by_weight_init():
    X, _ = make_squares(n_samples=128, image_size=16, dtype="uint8", random_state=0)
    spread = {}
    for weight_init in ("signal_preserving", "reference"):
        gan = LatentQuantizedInfoGAN(4, max_epochs=1, batch_size=128, weight_init=weight_init,
                                     critic_steps_per_generator_step=2, random_state=0).fit(X)
        qlae = LatentQuantizedAutoencoder(4, max_epochs=1, batch_size=128,
                                          weight_init=weight_init, random_state=0).fit(X)
        spread[weight_init] = (gan.sample(64, random_state=0)[0].std(axis=0).mean(),
                               qlae.encode(X, output="continuous").std(axis=0).mean())
    # one step of training does not make up for a dead start
    assert spread["signal_preserving"][0] > 10 * spread["reference"][0]
    assert spread["signal_preserving"][1] > 10 * spread["reference"][1]
