"""Latent modules (spec §2, §6, §7): the per-dimension scalar quantizer, the continuous
and uniform latents, BioAE's, the Gaussian posteriors (β-VAE, β-TCVAE) and the vector
quantizer (VQ-VAE).

Every latent module maps the encoder output to one :class:`LatentOutput` whose
``straight_through`` field the decoder consumes and whose ``quantized`` field ``transform``
reports, and names its own loss terms in ``regularization_losses(output)``.
"""

import math
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

_LOG_2PI = math.log(2 * math.pi)

#: Floor of a Gaussian posterior's standard deviation. ``softplus(s)`` underflows to 0 in
#: float32 for ``s < -104`` (an encoder fed unscaled inputs can emit that in its first
#: steps), and ``log 0`` makes every loss NaN; the reference has no floor.
MIN_POSTERIOR_SCALE = 1e-6


class LatentOutput(NamedTuple):
    """What a latent module returns for a batch of encoder outputs.

    Attributes
    ----------
    continuous : Tensor of shape (n, n_latents)
        The encoder's output before the latent module (a Gaussian posterior's mean;
        ``(n, n_latents * embedding_dim)`` for the vector quantizer).
    quantized : Tensor
        The latent's value (the nearest codebook value of each dimension, differentiable
        w.r.t. the codebook; ``continuous`` itself for the continuous latents).
    straight_through : Tensor
        What the decoder consumes: ``continuous + (quantized - continuous).detach()`` for
        the quantizers (forward value ``quantized``, identity gradient to ``continuous``),
        a posterior sample in training for the Gaussians.
    indices : LongTensor of shape (n, n_latents) or None
        Index of the chosen value in each codebook (quantizers only).
    scale : Tensor of shape (n, n_latents) or None
        A Gaussian posterior's standard deviation.
    """

    continuous: torch.Tensor
    quantized: torch.Tensor
    straight_through: torch.Tensor
    indices: torch.Tensor | None = None
    scale: torch.Tensor | None = None


def quantization_loss(output):
    """``mean((sg(continuous) - quantized)**2)``: moves only the codebook."""
    return (output.continuous.detach() - output.quantized).pow(2).mean()


def commitment_loss(output):
    """``mean((continuous - sg(quantized))**2)``: moves only the encoder."""
    return (output.continuous - output.quantized.detach()).pow(2).mean()


def _straight_through(continuous, quantized):
    return continuous + (quantized - continuous).detach()


class LatentQuantizer(nn.Module):
    """Quantize each latent dimension to its own small learnable scalar codebook.

    Dimension ``j`` has the codebook ``codebook[j]`` of ``n_values_per_latent`` scalars,
    initialised to ``linspace(-0.5, 0.5, n_values_per_latent)``. A value is snapped to the
    nearest codebook entry by absolute distance (ties go to the lowest index). The decoder
    sees the straight-through value; the codebook learns only from :meth:`quantization_loss`.

    Parameters
    ----------
    n_latents : int
        Number of latent dimensions.
    n_values_per_latent : int
        Number of scalar values in each dimension's codebook (at least 2).
    learn_codebook : bool, default=True
        If False the codebook is frozen at its initial values.
    global_codebook : bool, default=False
        One codebook shared by every dimension (the paper's ablation): ``codebook`` is
        then a single row, broadcast to every dimension.

    Attributes
    ----------
    codebook : Parameter of shape (n_latents, n_values_per_latent), or (1, ...) if global

    Examples
    --------
    >>> import torch
    >>> quantizer = LatentQuantizer(2, 3)
    >>> quantizer.codebook
    Parameter containing:
    tensor([[-0.5000,  0.0000,  0.5000],
            [-0.5000,  0.0000,  0.5000]], requires_grad=True)
    >>> out = quantizer(torch.tensor([[0.3, -0.2]]))
    >>> out.quantized, out.indices
    (tensor([[0.5000, 0.0000]], grad_fn=<IndexBackward0>), tensor([[2, 1]]))
    """

    def __init__(self, n_latents, n_values_per_latent, learn_codebook=True,
                 global_codebook=False):
        super().__init__()
        self.n_latents = n_latents
        rows = 1 if global_codebook else n_latents
        initial = torch.linspace(-0.5, 0.5, n_values_per_latent).repeat(rows, 1)
        self.codebook = nn.Parameter(initial, requires_grad=learn_codebook)

    @property
    def codebooks(self):
        """Every dimension's codebook, shape (n_latents, n_values_per_latent)."""
        return self.codebook.expand(self.n_latents, -1)

    def lookup(self, indices):
        """Codebook values at ``indices`` of shape (n, n_latents); differentiable."""
        rows = torch.arange(self.n_latents, device=indices.device)
        return self.codebooks[rows, indices]

    def quantize(self, continuous):
        """Nearest codebook value and its index, per dimension."""
        distances = (continuous.unsqueeze(-1) - self.codebook).abs()
        indices = distances.argmin(dim=-1)
        return self.lookup(indices), indices

    def forward(self, continuous):
        quantized, indices = self.quantize(continuous)
        return LatentOutput(continuous, quantized, _straight_through(continuous, quantized),
                            indices)

    quantization_loss = staticmethod(quantization_loss)
    commitment_loss = staticmethod(commitment_loss)

    def sample(self, n_samples, generator=None):
        """Draw codes uniformly from each dimension's codebook, independently.

        Returns ``(values, indices)``; the values are differentiable w.r.t. the codebook.
        """
        n_values = self.codebook.shape[1]
        indices = torch.randint(
            n_values,
            (n_samples, self.n_latents),
            generator=generator,
            device=self.codebook.device,
        )
        return self.lookup(indices), indices

    def regularization_losses(self, output):
        """The latent's own loss terms, by name (weighted by the training net)."""
        return {"quantization": quantization_loss(output), "commitment": commitment_loss(output)}


class UniformLatent(nn.Module):
    """Continuous latent with a uniform prior on ``[0, 1)^n_latents`` (reference
    ``UniformLatent``).

    The same interface as :class:`LatentQuantizer`, without quantization: the forward pass
    returns a :class:`LatentOutput` whose ``continuous``, ``quantized`` and
    ``straight_through`` fields are all the encoder output ``pre_z``; there are no
    regularization losses and no parameters.

    Parameters
    ----------
    n_latents : int
        Number of latent dimensions.

    Examples
    --------
    >>> import torch
    >>> latent = UniformLatent(3)
    >>> out = latent(torch.tensor([[0.2, -1.0, 4.0]]))
    >>> out.straight_through, out.indices
    (tensor([[ 0.2000, -1.0000,  4.0000]]), None)
    >>> values, _ = latent.sample(5)
    >>> values.shape, bool(((values >= 0) & (values < 1)).all())
    (torch.Size([5, 3]), True)
    """

    def __init__(self, n_latents):
        super().__init__()
        self.n_latents = int(n_latents)
        # Follows the module across devices so that ``sample`` draws where the module lives.
        self.register_buffer("_device_anchor", torch.empty(0), persistent=False)

    def forward(self, continuous):
        return LatentOutput(continuous, continuous, continuous)

    def sample(self, n_samples, generator=None):
        """Draw codes uniformly on ``[0, 1)``; returns ``(values, None)``."""
        values = torch.rand(
            (n_samples, self.n_latents), generator=generator, device=self._device_anchor.device
        )
        return values, None

    def regularization_losses(self, output):
        """No loss terms of its own."""
        return {}


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
        return LatentOutput(continuous, continuous, continuous)

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
        return LatentOutput(mu, mu, z, scale=sigma)

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
        return LatentOutput(encoded, quantized, _straight_through(encoded, quantized), indices)

    def regularization_losses(self, output):
        return {"quantization": quantization_loss(output), "commitment": commitment_loss(output)}
