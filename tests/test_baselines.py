"""Baselines (spec §7): loss terms against hand-computed values, and the estimator contract."""

import math
import pickle

import numpy as np
import pytest
import torch

from sklq import VQVAE, Autoencoder, BetaTCVAE, BetaVAE, BioAE
from sklq._nn._latents import (
    BioLatent,
    ContinuousLatent,
    GaussianLatent,
    TCGaussianLatent,
    VectorQuantizer,
    gaussian_log_density,
)

FAST = dict(max_epochs=2, batch_size=32, random_state=0)


def test_continuous_latent_is_the_identity():
    z = torch.tensor([[0.5, -2.0]], requires_grad=True)
    out = ContinuousLatent(2)(z)
    assert out.straight_through is z and out.indices is None
    assert ContinuousLatent(2).regularization_losses(out) == {}


def test_bio_latent_penalties_hand_computed():
    latent = BioLatent(2)
    terms = latent.regularization_losses(latent(torch.tensor([[-1.0, 3.0], [2.0, -4.0]])))
    assert terms["nonnegativity"].item() == pytest.approx((1 + 0 + 0 + 4) / 4)
    assert terms["activity"].item() == pytest.approx((1 + 9 + 4 + 16) / 4)


def test_gaussian_kl_hand_computed():
    latent = GaussianLatent(2)
    # mu = (1, 0); softplus(s) = (1, 2)
    s = [math.log(math.e - 1), math.log(math.e**2 - 1)]
    out = latent.eval()(torch.tensor([[1.0, 0.0, *s]]))
    torch.testing.assert_close(out.scale, torch.tensor([[1.0, 2.0]]))
    torch.testing.assert_close(out.straight_through, torch.tensor([[1.0, 0.0]]))  # eval: mean
    kl = latent.regularization_losses(out)["kl"].item()
    # KL(N(1, 1) || N(0, 1)) = 0.5 ; KL(N(0, 4) || N(0, 1)) = -log 2 + (4 - 1) / 2
    assert kl == pytest.approx((0.5 + (1.5 - math.log(2))) / 2)


def test_gaussian_samples_in_training_only():
    latent = GaussianLatent(3)
    encoded = torch.zeros(1000, 6)  # mu 0, sigma = softplus(0) = log 2
    torch.manual_seed(0)
    sample = latent.train()(encoded).straight_through
    assert sample.std().item() == pytest.approx(math.log(2), rel=0.05)
    assert torch.equal(latent.eval()(encoded).straight_through, torch.zeros(1000, 3))


def _tc_terms_by_loops(z, mu, sigma, dataset_size):
    """β-TCVAE's minibatch-weighted-sampling terms, written out sample by sample."""
    B, D = z.shape
    log_norm = math.log(B * dataset_size)

    def log_n(x, m, s):
        return -0.5 * math.log(2 * math.pi) - math.log(s) - 0.5 * ((x - m) / s) ** 2

    mi = tc = dwkl = 0.0
    for i in range(B):
        log_q_zx = sum(log_n(z[i, k], mu[i, k], sigma[i, k]) for k in range(D))
        joint = [sum(log_n(z[i, k], mu[j, k], sigma[j, k]) for k in range(D)) for j in range(B)]
        log_q_z = math.log(sum(math.exp(v) for v in joint)) - log_norm
        log_prod = sum(
            math.log(sum(math.exp(log_n(z[i, k], mu[j, k], sigma[j, k])) for j in range(B)))
            - log_norm
            for k in range(D)
        )
        log_p = sum(log_n(z[i, k], 0.0, 1.0) for k in range(D))
        mi += (log_q_zx - log_q_z) / B
        tc += (log_q_z - log_prod) / B
        dwkl += (log_prod - log_p) / B
    return mi, tc, dwkl


def test_tcvae_terms_match_the_written_out_estimator():
    generator = torch.Generator().manual_seed(0)
    latent = TCGaussianLatent(2, dataset_size=50).train()
    encoded = torch.randn(3, 4, generator=generator, dtype=torch.float64)
    torch.manual_seed(1)
    out = latent(encoded)
    terms = latent.regularization_losses(out)
    expected = _tc_terms_by_loops(
        out.straight_through.numpy(), out.continuous.numpy(), out.scale.numpy(), 50
    )
    assert terms["mutual_information"].item() == pytest.approx(expected[0], rel=1e-9)
    assert terms["total_correlation"].item() == pytest.approx(expected[1], rel=1e-9)
    assert terms["dimension_wise_kl"].item() == pytest.approx(expected[2], rel=1e-9)
    # the three terms add up to E[log q(z|x) - log p(z)], whatever the estimator
    log_q = gaussian_log_density(out.straight_through, out.continuous, out.scale).sum(1)
    log_p = gaussian_log_density(out.straight_through, 0 * out.continuous,
                                 torch.ones_like(out.scale)).sum(1)
    assert sum(t.item() for t in terms.values()) == pytest.approx((log_q - log_p).mean().item())


def test_tcvae_single_sample_has_no_mi_or_tc():
    latent = TCGaussianLatent(3, dataset_size=1).eval()
    terms = latent.regularization_losses(latent(torch.tensor([[0.3, -0.2, 1.0, 0.1, 0.5, 2.0]])))
    assert terms["mutual_information"].item() == pytest.approx(0.0, abs=1e-6)
    assert terms["total_correlation"].item() == pytest.approx(0.0, abs=1e-6)


def test_vector_quantizer_hand_computed():
    vq = VectorQuantizer(2, codebook_size=3, embedding_dim=2)
    with torch.no_grad():
        vq.codebook.copy_(torch.tensor([[0.0, 0.0], [1.0, 1.0], [-1.0, 2.0]]))
    encoded = torch.tensor([[0.9, 0.8, -0.6, 1.5]], requires_grad=True)
    out = vq(encoded)
    assert out.indices.tolist() == [[1, 2]]
    torch.testing.assert_close(out.straight_through, torch.tensor([[1.0, 1.0, -1.0, 2.0]]))
    terms = vq.regularization_losses(out)
    expected = (0.01 + 0.04 + 0.16 + 0.25) / 4
    assert terms["quantization"].item() == pytest.approx(expected)
    assert terms["commitment"].item() == pytest.approx(expected)
    out.straight_through.sum().backward()
    torch.testing.assert_close(encoded.grad, torch.ones(1, 4))
    assert vq.codebook.grad is None


def test_vector_quantizer_initialisation_bound():
    vq = VectorQuantizer(2, codebook_size=512, embedding_dim=64)
    bound = math.sqrt(3 / 64)
    assert vq.codebook.abs().max() <= bound and vq.codebook.abs().max() > 0.95 * bound


@pytest.fixture(scope="module")
def tabular():
    return np.random.default_rng(0).random((96, 5)).astype(np.float32)


ESTIMATORS = [
    Autoencoder(3, **FAST),
    BetaVAE(3, **FAST),
    BetaTCVAE(3, **FAST),
    BioAE(3, **FAST),
    VQVAE(3, codebook_size=16, embedding_dim=4, **FAST),
]
IDS = [type(e).__name__ for e in ESTIMATORS]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_deterministic_and_picklable(estimator, tabular):
    first = estimator.fit(tabular).transform(tabular)
    again = pickle.loads(pickle.dumps(estimator)).transform(tabular)
    np.testing.assert_array_equal(first, again)
    refit = type(estimator)(**estimator.get_params()).fit(tabular).transform(tabular)
    np.testing.assert_array_equal(first, refit)
    assert first.shape == (96, 3)
    decoded = estimator.inverse_transform(first[:4])
    assert decoded.shape == (4, 5) and np.isfinite(decoded).all()


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_history_records_every_term(estimator, tabular):
    estimator.fit(tabular)
    weights = estimator._latent_loss_weights()
    history = estimator.history_
    total = history["reconstruction_loss"].copy()
    for name, weight in weights.items():
        total += weight * history[f"{name}_loss"]
    np.testing.assert_allclose(history["train_loss"], total, rtol=1e-5)


def test_default_weights_follow_the_spec(tabular):
    assert Autoencoder().weight_decay == 0.0
    assert BioAE().weight_decay == 1e-4 and BioAE().activity_weight == 0.01
    assert VQVAE().weight_decay == 0.01 and VQVAE().codebook_size == 512
    assert (VQVAE().quantization_weight, VQVAE().commitment_weight) == (1.0, 0.25)
    vae = BetaVAE(3, beta=2.0, **FAST).fit(tabular)
    assert vae._latent_loss_weights() == {"kl": pytest.approx(2.0 * 3 / 5)}
    tcvae = BetaTCVAE(3, beta=4.0, **FAST).fit(tabular)
    assert tcvae.net_.module_.latent.dataset_size == 96
    assert tcvae._latent_loss_weights() == {
        "mutual_information": pytest.approx(1 / 5),
        "total_correlation": pytest.approx(4 / 5),
        "dimension_wise_kl": pytest.approx(1 / 5),
    }


def test_vae_transform_is_the_posterior_mean(tabular):
    vae = BetaVAE(3, **FAST).fit(tabular)
    np.testing.assert_array_equal(vae.transform(tabular), vae.encode(tabular, "continuous"))
    assert (vae.encode(tabular, output="scale") > 0).all()


def test_vqvae_codes_and_validation(tabular):
    vq = VQVAE(3, codebook_size=16, embedding_dim=4, **FAST).fit(tabular)
    codes = vq.transform(tabular)
    indices = vq.encode(tabular, output="indices")
    assert codes.dtype == np.float32 and indices.dtype == np.int64
    np.testing.assert_array_equal(codes, indices)
    assert codes.min() >= 0 and codes.max() < 16
    # codebook_ is what each latent can take, as on the other quantized models
    assert vq.codebook_.shape == (3, 16) and vq.embeddings_.shape == (16, 4)
    assert all(np.isin(codes[:, j], vq.codebook_[j]).all() for j in range(3))
    np.testing.assert_array_equal(vq.inverse_transform(codes), vq.inverse_transform(indices))
    assert vq.encode(tabular, output="continuous").shape == (96, 12)
    names = {p: n for n, p in vq.net_.module_.named_parameters()}
    undecayed = {names[p] for g in vq.net_.optimizer_.param_groups if g["weight_decay"] == 0
                 for p in g["params"]}
    assert "latent.codebook" in undecayed
    with pytest.raises(ValueError, match=r"integer codebook indices in \[0, 16\)"):
        vq.inverse_transform(np.full((2, 3), 16))
    with pytest.raises(ValueError, match="integer codebook indices"):
        vq.inverse_transform(np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match="Z has 2 columns.*n_latents=3"):
        vq.inverse_transform(np.zeros((2, 2), dtype=int))


def test_baselines_on_images():
    X = np.random.default_rng(0).random((24, 1, 16, 16)).astype(np.float32)
    for estimator in (BetaVAE(2, **FAST), VQVAE(2, codebook_size=8, embedding_dim=4, **FAST)):
        Z = estimator.fit(X).transform(X)
        assert estimator.architecture_ == "conv"
        assert estimator.inverse_transform(Z[:3]).shape == (3, 1, 16, 16)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_safe_save_and_load_round_trip(estimator, tabular, tmp_path):
    import sklq

    estimator.fit(tabular)
    sklq.save(estimator, tmp_path / "model.sklq")
    loaded = sklq.load(tmp_path / "model.sklq")
    assert type(loaded) is type(estimator)
    np.testing.assert_array_equal(loaded.transform(tabular), estimator.transform(tabular))
    codes = estimator.transform(tabular[:3])
    np.testing.assert_array_equal(loaded.inverse_transform(codes),
                                  estimator.inverse_transform(codes))
