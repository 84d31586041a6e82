"""Latent modules of the baselines (spec §7): continuous, BioAE, Gaussian (β-VAE, β-TCVAE)
and vector-quantized (VQ-VAE).

Every latent module maps the encoder output to a NamedTuple with ``continuous``,
``quantized`` (what ``transform`` reports), ``straight_through`` (what the decoder consumes)
and ``indices`` fields, and names its own loss terms in ``regularization_losses(output)``,
like :class:`~sklq._nn.LatentQuantizer`.
"""

import math
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from ._quantizer import QuantizerOutput

_LOG_2PI = math.log(2 * math.pi)

#: Floor of a Gaussian posterior's standard deviation. ``softplus(s)`` underflows to 0 in
#: float32 for ``s < -104`` (an encoder fed unscaled inputs can emit that in its first
#: steps), and ``log 0`` makes every loss NaN; the reference has no floor.
MIN_POSTERIOR_SCALE = 1e-6


class ContinuousLatent(nn.Module):
    """The encoder output used as it is (a plain autoencoder's latent).

    Examples
    --------
    >>> import torch
    >>> out = ContinuousLatent(2)(torch.tensor([[0.5, -1.0]]))
    >>> out.straight_through, out.indices
    (tensor([[ 0.5000, -1.0000]]), None)
    """

    def __init__(self, n_latents):
        super().__init__()
        self.n_latents = int(n_latents)

    def forward(self, continuous):
        return QuantizerOutput(continuous, continuous, continuous, None)

    def regularization_losses(self, output):
        return {}


class BioLatent(ContinuousLatent):
    """Continuous latent with BioAE's penalties: ``mean(relu(-z))`` (non-negativity) and
    ``mean(z**2)`` (activity).

    Examples
    --------
    >>> import torch
    >>> latent = BioLatent(2)
    >>> terms = latent.regularization_losses(latent(torch.tensor([[-1.0, 3.0]])))
    >>> float(terms["nonnegativity"]), float(terms["activity"])
    (0.5, 5.0)
    """

    def regularization_losses(self, output):
        z = output.continuous
        return {"nonnegativity": F.relu(-z).mean(), "activity": z.pow(2).mean()}


class GaussianOutput(NamedTuple):
    """Output of :class:`GaussianLatent`: ``continuous``/``quantized`` are the posterior
    mean, ``straight_through`` the sample the decoder sees (the mean in eval mode)."""

    continuous: torch.Tensor
    quantized: torch.Tensor
    straight_through: torch.Tensor
    indices: None
    scale: torch.Tensor


class GaussianLatent(nn.Module):
    """Diagonal Gaussian posterior (β-VAE): the encoder emits ``2 * n_latents`` values
    ``(mu, s)``; ``sigma = softplus(s)`` (at least :data:`MIN_POSTERIOR_SCALE`);
    ``z = mu + sigma * eps`` in training, ``mu`` in eval.

    Its loss term ``kl`` is ``mean_j(-log sigma_j + (mu_j**2 + sigma_j**2 - 1) / 2)``
    averaged over the batch.

    Examples
    --------
    >>> import torch
    >>> latent = GaussianLatent(1).eval()
    >>> out = latent(torch.tensor([[0.0, 100.0]]))  # mu 0, sigma = softplus(100) ~ 100
    >>> float(out.straight_through[0, 0]), round(float(out.scale[0, 0]))
    (0.0, 100)
    """

    def __init__(self, n_latents):
        super().__init__()
        self.n_latents = int(n_latents)

    def forward(self, encoded):
        mu, s = encoded.chunk(2, dim=1)
        sigma = F.softplus(s).clamp_min(MIN_POSTERIOR_SCALE)
        z = mu + sigma * torch.randn_like(mu) if self.training else mu
        return GaussianOutput(mu, mu, z, None, sigma)

    def regularization_losses(self, output):
        mu, sigma = output.continuous, output.scale
        kl = -torch.log(sigma) + 0.5 * (mu.pow(2) + sigma.pow(2) - 1.0)
        return {"kl": kl.mean()}


def gaussian_log_density(z, mu, sigma):
    """Element-wise ``log N(z; mu, sigma**2)``."""
    return -0.5 * (_LOG_2PI + ((z - mu) / sigma).pow(2)) - torch.log(sigma)


class TCGaussianLatent(GaussianLatent):
    """Gaussian posterior with β-TCVAE's decomposition of the KL term.

    With the minibatch-weighted-sampling estimator over a batch of ``B`` samples from a
    dataset of ``dataset_size`` samples (spec §7):

    * ``log q(z_i) = logsumexp_j sum_k log N(z_ik; mu_jk, sigma_jk) - log B - log N``
    * ``log prod_k q(z_ik) = sum_k [logsumexp_j log N(z_ik; mu_jk, sigma_jk) - log B - log N]``
    * ``mutual_information = mean_i [log q(z_i|x_i) - log q(z_i)]``
    * ``total_correlation = mean_i [log q(z_i) - log prod_k q(z_ik)]``
    * ``dimension_wise_kl = mean_i [log prod_k q(z_ik) - log p(z_i)]`` with ``p = N(0, I)``.

    Parameters
    ----------
    n_latents : int
    dataset_size : int
        Number of training samples ``N``.
    """

    def __init__(self, n_latents, dataset_size):
        super().__init__(n_latents)
        self.dataset_size = int(dataset_size)

    def regularization_losses(self, output):
        z, mu, sigma = output.straight_through, output.continuous, output.scale
        batch_size = z.shape[0]
        log_norm = math.log(batch_size) + math.log(self.dataset_size)
        # pairwise[i, j, k] = log N(z_ik; mu_jk, sigma_jk)
        pairwise = gaussian_log_density(z[:, None, :], mu[None, :, :], sigma[None, :, :])
        log_q_z_given_x = gaussian_log_density(z, mu, sigma).sum(dim=1)
        log_q_z = torch.logsumexp(pairwise.sum(dim=2), dim=1) - log_norm
        log_prod_q_zk = (torch.logsumexp(pairwise, dim=1) - log_norm).sum(dim=1)
        log_p_z = gaussian_log_density(z, torch.zeros_like(z), torch.ones_like(z)).sum(dim=1)
        return {
            "mutual_information": (log_q_z_given_x - log_q_z).mean(),
            "total_correlation": (log_q_z - log_prod_q_zk).mean(),
            "dimension_wise_kl": (log_prod_q_zk - log_p_z).mean(),
        }


class VectorQuantizer(nn.Module):
    """VQ-VAE's latent: ``n_latents`` vectors of size ``embedding_dim``, each snapped to the
    nearest (squared Euclidean distance) of one **shared** codebook of ``codebook_size``
    embeddings, initialised ``U(±sqrt(3 / embedding_dim))``; straight-through gradients.

    The encoder emits ``n_latents * embedding_dim`` values; ``indices`` (one integer per
    latent) is the discrete representation. Loss terms as for the scalar quantizer, over all
    ``n_latents * embedding_dim`` entries.

    Examples
    --------
    >>> import torch
    >>> vq = VectorQuantizer(2, codebook_size=4, embedding_dim=3)
    >>> out = vq(torch.randn(5, 6))
    >>> out.indices.shape, out.straight_through.shape
    (torch.Size([5, 2]), torch.Size([5, 6]))
    """

    def __init__(self, n_latents, codebook_size=512, embedding_dim=64):
        super().__init__()
        self.n_latents = int(n_latents)
        self.embedding_dim = int(embedding_dim)
        bound = math.sqrt(3.0 / embedding_dim)
        initial = torch.empty(codebook_size, embedding_dim).uniform_(-bound, bound)
        self.codebook = nn.Parameter(initial)

    def lookup(self, indices):
        """Flattened embeddings ``(n, n_latents * embedding_dim)`` of ``indices``."""
        return self.codebook[indices].flatten(start_dim=1)

    def forward(self, encoded):
        vectors = encoded.view(encoded.shape[0], self.n_latents, self.embedding_dim)
        distances = (
            vectors.pow(2).sum(dim=2, keepdim=True)
            - 2 * vectors @ self.codebook.T
            + self.codebook.pow(2).sum(dim=1)
        )
        indices = distances.argmin(dim=2)
        quantized = self.lookup(indices)
        straight_through = encoded + (quantized - encoded).detach()
        return QuantizerOutput(encoded, quantized, straight_through, indices)

    def regularization_losses(self, output):
        return {
            "quantization": (output.continuous.detach() - output.quantized).pow(2).mean(),
            "commitment": (output.continuous - output.quantized.detach()).pow(2).mean(),
        }
