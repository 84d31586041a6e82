"""LatentQuantizer against hand-computed cases (spec §2)."""

import pytest
import torch

from sklq._nn import LatentQuantizer


@pytest.fixture
def quantizer():
    return LatentQuantizer(n_latents=2, n_values_per_latent=3)


def test_codebook_initialised_to_linspace_per_latent():
    quantizer = LatentQuantizer(3, 10)
    expected = torch.linspace(-0.5, 0.5, 10)
    assert quantizer.codebook.shape == (3, 10)
    for row in quantizer.codebook:
        torch.testing.assert_close(row, expected)
    assert quantizer.codebook[0, 1].item() == pytest.approx(-0.5 + 1 / 9)


def test_nearest_value_hand_computed(quantizer):
    # codebook per latent: [-0.5, 0, 0.5]
    z = torch.tensor([[0.3, -0.2], [-0.26, 0.25], [7.0, -7.0]])
    out = quantizer(z)
    # 0.3 -> 0.5 (|0.2| < |0.3|); -0.2 -> 0 ; -0.26 -> -0.5 (0.24 < 0.26);
    # 0.25 is exactly between 0 and 0.5: the lower index wins; far values clip to the ends.
    assert out.indices.tolist() == [[2, 1], [0, 1], [2, 0]]
    torch.testing.assert_close(
        out.quantized, torch.tensor([[0.5, 0.0], [-0.5, 0.0], [0.5, -0.5]])
    )
    torch.testing.assert_close(out.straight_through, out.quantized)
    torch.testing.assert_close(out.continuous, z)


def test_each_latent_uses_its_own_unsorted_codebook(quantizer):
    with torch.no_grad():
        quantizer.codebook.copy_(torch.tensor([[0.9, -0.1, 0.4], [10.0, 20.0, 30.0]]))
    out = quantizer(torch.tensor([[0.5, 24.0], [0.0, 26.0]]))
    assert out.indices.tolist() == [[2, 1], [1, 2]]
    torch.testing.assert_close(out.quantized, torch.tensor([[0.4, 20.0], [-0.1, 30.0]]))


def test_indices_and_values_agree():
    quantizer = LatentQuantizer(5, 7)
    with torch.no_grad():
        quantizer.codebook.normal_()
    out = quantizer(torch.randn(64, 5, generator=torch.Generator().manual_seed(0)))
    rows = torch.arange(5).expand(64, 5)
    torch.testing.assert_close(out.quantized, quantizer.codebook[rows, out.indices])


def test_straight_through_gradient_is_identity_and_skips_codebook(quantizer):
    z = torch.tensor([[0.3, -0.2], [0.1, 0.45]], requires_grad=True)
    out = quantizer(z)
    (out.straight_through * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    torch.testing.assert_close(z.grad, torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert quantizer.codebook.grad is None


def test_quantization_loss_moves_only_the_codebook(quantizer):
    z = torch.tensor([[0.3, -0.2]], requires_grad=True)
    out = quantizer(z)
    loss = quantizer.quantization_loss(out)
    # mean over the two latents of (0.3 - 0.5)^2 and (-0.2 - 0)^2
    assert loss.item() == pytest.approx((0.04 + 0.04) / 2)
    loss.backward()
    assert z.grad is None
    # d/dq mean((z - q)^2) = 2 (q - z) / 2 latents, only at the chosen entries
    expected = torch.tensor([[0.0, 0.0, 0.2], [0.0, 0.2, 0.0]])
    torch.testing.assert_close(quantizer.codebook.grad, expected)


def test_commitment_loss_moves_only_the_encoder(quantizer):
    z = torch.tensor([[0.3, -0.2]], requires_grad=True)
    out = quantizer(z)
    loss = quantizer.commitment_loss(out)
    assert loss.item() == pytest.approx(0.04)
    loss.backward()
    assert quantizer.codebook.grad is None
    torch.testing.assert_close(z.grad, torch.tensor([[-0.2, -0.2]]))


def test_regularization_losses_are_named(quantizer):
    out = quantizer(torch.tensor([[0.3, -0.2]]))
    terms = quantizer.regularization_losses(out)
    assert set(terms) == {"quantization", "commitment"}
    assert terms["quantization"].item() == pytest.approx(terms["commitment"].item())


def test_frozen_codebook_gets_no_gradient():
    quantizer = LatentQuantizer(2, 3, learn_codebook=False)
    assert not quantizer.codebook.requires_grad
    z = torch.tensor([[0.3, -0.2]], requires_grad=True)
    out = quantizer(z)
    (out.straight_through.sum() + quantizer.commitment_loss(out)).backward()
    assert quantizer.codebook.grad is None
    assert z.grad is not None


def test_sample_draws_codebook_values_uniformly():
    quantizer = LatentQuantizer(3, 4)
    with torch.no_grad():
        quantizer.codebook.copy_(torch.arange(12.0).reshape(3, 4))
    values, indices = quantizer.sample(4000, generator=torch.Generator().manual_seed(0))
    assert values.shape == indices.shape == (4000, 3)
    torch.testing.assert_close(values, indices.float() + 4 * torch.arange(3.0))
    counts = torch.stack([torch.bincount(indices[:, j], minlength=4) for j in range(3)])
    assert counts.min() > 850 and counts.max() < 1150  # 1000 expected per value
    again, _ = quantizer.sample(4000, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(values, again)


def test_a_global_codebook_is_one_row_shared_by_every_latent():
    quantizer = LatentQuantizer(3, 4, global_codebook=True)
    assert quantizer.codebook.shape == (1, 4) and quantizer.codebooks.shape == (3, 4)
    with torch.no_grad():
        quantizer.codebook.copy_(torch.tensor([[-1.0, 0.0, 0.5, 2.0]]))
    out = quantizer(torch.tensor([[0.4, 1.9, -0.6]]))
    assert out.indices.tolist() == [[2, 3, 0]]
    assert out.quantized.tolist() == [[0.5, 2.0, -1.0]]
    values, indices = quantizer.sample(5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(values, quantizer.codebook[0][indices])
    loss = quantizer.quantization_loss(out)
    loss.backward()  # every latent's error reaches the one shared row
    assert quantizer.codebook.grad.shape == (1, 4) and quantizer.codebook.grad.abs().sum() > 0


def test_global_codebook_estimator_shares_its_values():
    import numpy as np

    from sklq import LatentQuantizedAutoencoder

    X = np.random.default_rng(0).random((60, 6)).astype(np.float32)
    model = LatentQuantizedAutoencoder(3, n_values_per_latent=4, global_codebook=True,
                                       max_epochs=2, random_state=0).fit(X)
    assert model.codebook_.shape == (3, 4)
    np.testing.assert_array_equal(model.codebook_, np.repeat(model.codebook_[:1], 3, axis=0))
    assert not np.allclose(model.codebook_[0], np.linspace(-0.5, 0.5, 4))  # it learned
    per_latent = LatentQuantizedAutoencoder(3, n_values_per_latent=4, max_epochs=2,
                                            random_state=0).fit(X)
    assert not np.array_equal(per_latent.codebook_[0], per_latent.codebook_[1])
