"""Per-dimension scalar latent quantization (spec §2)."""

from typing import NamedTuple

import torch
from torch import nn


class QuantizerOutput(NamedTuple):
    """What :class:`LatentQuantizer` returns for a batch of continuous latents.

    Attributes
    ----------
    continuous : Tensor of shape (n, n_latents)
        The encoder's output before quantization.
    quantized : Tensor of shape (n, n_latents)
        The nearest codebook value of each dimension (differentiable w.r.t. the codebook).
    straight_through : Tensor of shape (n, n_latents)
        ``continuous + (quantized - continuous).detach()``: equal to ``quantized`` in the
        forward pass, identity gradient to ``continuous`` and none to the codebook.
    indices : LongTensor of shape (n, n_latents)
        Index of the chosen value in each dimension's codebook.
    """

    continuous: torch.Tensor
    quantized: torch.Tensor
    straight_through: torch.Tensor
    indices: torch.Tensor


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

    Attributes
    ----------
    codebook : Parameter of shape (n_latents, n_values_per_latent)

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

    def __init__(self, n_latents, n_values_per_latent, learn_codebook=True):
        super().__init__()
        initial = torch.linspace(-0.5, 0.5, n_values_per_latent).repeat(n_latents, 1)
        self.codebook = nn.Parameter(initial, requires_grad=learn_codebook)

    @property
    def n_latents(self):
        return self.codebook.shape[0]

    def lookup(self, indices):
        """Codebook values at ``indices`` of shape (n, n_latents); differentiable."""
        rows = torch.arange(self.n_latents, device=indices.device)
        return self.codebook[rows, indices]

    def quantize(self, continuous):
        """Nearest codebook value and its index, per dimension."""
        distances = (continuous.unsqueeze(-1) - self.codebook).abs()
        indices = distances.argmin(dim=-1)
        return self.lookup(indices), indices

    def forward(self, continuous):
        quantized, indices = self.quantize(continuous)
        straight_through = continuous + (quantized - continuous).detach()
        return QuantizerOutput(continuous, quantized, straight_through, indices)

    @staticmethod
    def quantization_loss(output):
        """``mean((sg(continuous) - quantized)**2)``: moves only the codebook."""
        return (output.continuous.detach() - output.quantized).pow(2).mean()

    @staticmethod
    def commitment_loss(output):
        """``mean((continuous - sg(quantized))**2)``: moves only the encoder."""
        return (output.continuous - output.quantized.detach()).pow(2).mean()

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
        return {
            "quantization": self.quantization_loss(output),
            "commitment": self.commitment_loss(output),
        }
