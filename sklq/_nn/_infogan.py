"""InfoWGAN-GP modules (spec §6): the critic/encoder/generator module and the two-sided
gradient penalty (the uniform latent is in :mod:`sklq._nn._latents`)."""

import torch
from torch import nn

from ._float32 import float32_call


class InfoGANModule(nn.Module):
    """Critic, encoder and generator of an InfoWGAN-GP (spec §6).

    One trunk (the encoder's conv/dense stack, ``encoder.features``) feeds two heads: the
    encoder's latent head (``encoder.head``, giving ``pre_z`` for the latent module) and a
    scalar critic head ``critic = Linear(features, 1)`` (no sigmoid). The generator is a
    decoder network whose output passes through ``output_activation`` (sigmoid for images in
    [0, 1], as in the reference).

    Parameters
    ----------
    encoder : torch.nn.Module
        With ``features(x)``, ``head`` and ``n_features_out`` (e.g.
        :class:`~sklq._nn.ConvEncoder` or :class:`~sklq._nn.MLPEncoder`).
    latent : torch.nn.Module
        :class:`~sklq._nn.LatentQuantizer` (QLInfoWGAN-GP) or :class:`~sklq._nn.UniformLatent`
        (InfoWGAN-GP): forward output with a ``straight_through`` field, ``sample`` and
        ``regularization_losses``.
    generator : torch.nn.Module
        Maps codes ``(n, n_latents)`` to logits of the data's shape.
    output_activation : {"sigmoid", "identity"}, default="sigmoid"

    Notes
    -----
    Parameter names start with ``encoder.`` and ``critic.`` (trained by the critic step)
    or ``generator.`` and ``latent.`` (trained by the generator step).

    Under bfloat16 autocast the latent module runs in float32 and the critic's scores and
    the generator's output are float32 (as in :class:`~sklq._nn.LatentAutoencoder`).
    """

    OUTPUT_LAYERS = ("critic",)

    def __init__(self, encoder, latent, generator, output_activation="sigmoid"):
        super().__init__()
        if output_activation not in ("sigmoid", "identity"):
            raise ValueError(f"Unknown output_activation {output_activation!r}.")
        self.encoder = encoder
        self.critic = nn.Linear(encoder.n_features_out, 1)
        self.latent = latent
        self.generator = generator
        self.output_activation = output_activation

    # trunk and heads
    def features(self, x):
        """The shared trunk's output."""
        return self.encoder.features(x)

    def value(self, features):
        """Critic head: one unbounded score per sample, shape ``(n,)``."""
        return self.critic(features).squeeze(-1).float()

    def latent_output(self, features):
        """Latent head followed by the latent module."""
        return float32_call(self.latent, self.encoder.head(features))

    def critique(self, x):
        """The critic's score ``D(x)`` of each sample, shape ``(n,)``."""
        return self.value(self.features(x))

    def encode(self, x):
        """The latent module's output for ``x`` (its ``straight_through`` field is ``z_hat``)."""
        return self.latent_output(self.features(x))

    def encode_and_critique(self, x):
        """``(encode(x), critique(x))`` through one pass of the trunk."""
        features = self.features(x)
        return self.latent_output(features), self.value(features)

    # generator
    def decode(self, z):
        """The generator's logits for codes ``z``."""
        return self.generator(z).float()

    def generate(self, z):
        """Generated data for codes ``z``: ``sigmoid(G(z))`` (or ``G(z)`` for "identity")."""
        logits = self.decode(z)
        return torch.sigmoid(logits) if self.output_activation == "sigmoid" else logits

    def forward(self, x):
        return self.encode_and_critique(x)


def gradient_penalty(critic, x_real, x_fake, eps=None):
    """Two-sided WGAN-GP penalty ``mean_i (||grad_x D(x_int_i)||_2 - 1)^2``.

    ``x_int_i = eps_i x_real_i + (1 - eps_i) x_fake_i`` with one ``eps_i ~ U[0, 1)`` per
    sample; the norm runs over all of a sample's values (C·H·W for images). The input
    gradient is taken with ``create_graph=True`` so that the penalty back-propagates into
    the critic's parameters (double backprop).

    Parameters
    ----------
    critic : callable
        Maps a batch to one score per sample, shape ``(n,)`` or ``(n, 1)``.
    x_real, x_fake : Tensor of shape (n, ...)
    eps : Tensor of shape (n,) or None
        Interpolation weights; drawn from the global torch generator when None.

    Returns
    -------
    penalty : scalar Tensor

    Examples
    --------
    A linear critic ``D(x) = w·x`` has the input gradient ``w`` everywhere:

    >>> import torch
    >>> w = torch.tensor([3.0, 4.0])
    >>> gradient_penalty(lambda x: x @ w, torch.zeros(2, 2), torch.ones(2, 2))
    tensor(16.)
    """
    n = x_real.shape[0]
    if eps is None:
        eps = torch.rand(n, device=x_real.device, dtype=x_real.dtype)
    eps = eps.reshape(n, *([1] * (x_real.dim() - 1)))
    x_int = (eps * x_real.detach() + (1 - eps) * x_fake.detach()).requires_grad_(True)
    scores = critic(x_int)
    (gradient,) = torch.autograd.grad(scores.sum(), x_int, create_graph=True)
    norms = gradient.flatten(start_dim=1).norm(dim=1)
    return (norms - 1.0).pow(2).mean()
