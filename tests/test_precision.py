"""precision="auto"/"float32"/"bfloat16", channels-last, and what stays float32."""

import numpy as np
import pytest
import torch

from sklq import LatentQuantizedAutoencoder, LatentQuantizedInfoGAN
from sklq._training import _precision, resolve_precision
from sklq.datasets import make_squares

FAST = dict(max_epochs=2, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def images():
    X, _ = make_squares(n_samples=128, image_size=16, dtype="uint8", random_state=0)
    return X


def test_auto_follows_the_cpu_flags(monkeypatch):
    monkeypatch.setattr(_precision, "_cpu_flags", lambda: frozenset({"avx2", "fma"}))
    assert resolve_precision("auto", "cpu") == "float32"
    monkeypatch.setattr(_precision, "_cpu_flags", lambda: frozenset({"avx2", "amx_bf16"}))
    expected = "bfloat16" if torch.ops.mkldnn._is_mkldnn_bf16_supported() else "float32"
    assert resolve_precision("auto", "cpu") == expected
    assert resolve_precision("float32", "cpu") == "float32"
    assert resolve_precision("bfloat16", "cpu") == "bfloat16"
    with pytest.raises(ValueError, match="precision='fp16'"):
        resolve_precision("fp16", "cpu")


def test_bfloat16_keeps_quantizer_codebook_losses_and_optimizer_in_float32(images):
    model = LatentQuantizedAutoencoder(4, precision="bfloat16", **FAST).fit(images)
    assert model.precision_ == "bfloat16"
    net = model.net_
    assert all(p.dtype == torch.float32 for p in net.module_.parameters())
    state = [v for s in net.optimizer_.state.values() for v in s.values() if torch.is_tensor(v)]
    assert state and all(v.dtype == torch.float32 for v in state if v.is_floating_point())
    x = net.prepare_batch(torch.from_numpy(images[:8]).float().div(255))
    with net.autocast():
        latent, logits = net.module_(x)
        features = net.module_.encoder.conv(x)
    assert features.dtype == torch.bfloat16  # the networks do run in bfloat16
    assert latent.continuous.dtype == latent.quantized.dtype == torch.float32
    assert logits.dtype == torch.float32
    assert np.isfinite(model.history_[["reconstruction_loss", "commitment_loss"]]).all().all()
    Z = model.transform(images)
    assert Z.dtype == np.float32
    for j in range(4):
        assert np.isin(Z[:, j], model.codebook_[j]).all()


def test_same_seed_same_results_in_both_precisions(images):
    for precision in ("bfloat16", "float32"):
        first = LatentQuantizedAutoencoder(4, precision=precision, **FAST).fit(images)
        second = LatentQuantizedAutoencoder(4, precision=precision, **FAST).fit(images)
        np.testing.assert_array_equal(first.encode(images, output="continuous"),
                                      second.encode(images, output="continuous"))
        np.testing.assert_array_equal(first.history_["train_loss"], second.history_["train_loss"])


def test_precisions_learn_alike(images):
    losses = {p: LatentQuantizedAutoencoder(4, precision=p, **FAST).fit(images).history_
              for p in ("bfloat16", "float32")}
    bf16, fp32 = (losses[p]["reconstruction_loss"].to_numpy() for p in ("bfloat16", "float32"))
    np.testing.assert_allclose(bf16, fp32, rtol=0.05)


def test_channels_last_for_the_cpu_conv_network_only(images):
    cpu = LatentQuantizedAutoencoder(4, **FAST).fit(images)
    conv = cpu.net_.module_.encoder.conv[0][0].weight
    assert cpu.net_.channels_last and conv.is_contiguous(memory_format=torch.channels_last)
    small = LatentQuantizedAutoencoder(4, network_size="image_small", max_epochs=1,
                                       batch_size=64, random_state=0).fit(images)
    assert not small.net_.channels_last
    tabular = LatentQuantizedAutoencoder(4, architecture="mlp", **FAST).fit(images)
    assert not tabular.net_.channels_last


def test_infogan_trains_in_bfloat16(images):
    gan = LatentQuantizedInfoGAN(3, precision="bfloat16", max_epochs=2, batch_size=32,
                                 random_state=0).fit(images)
    history = gan.history_  # 4 critic steps per epoch: the first has no generator step
    assert np.isfinite(history[["gradient_penalty_loss", "latent_loss"]]).all().all()
    assert np.isfinite(history["generator_loss"].iloc[-1])
    assert gan.net_.module_.latent.codebook.dtype == torch.float32
    X_gen, _ = gan.sample(16, random_state=0)
    assert X_gen.dtype == np.uint8 and X_gen.shape == (16, 1, 16, 16)
