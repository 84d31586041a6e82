"""InfoWGAN-GP modules (spec §6): a continuous uniform latent, the critic/encoder/generator
module and the two-sided gradient penalty."""

import torch
from torch import nn

from ._float32 import float32_call
from ._quantizer import QuantizerOutput


class UniformLatent(nn.Module):
    """Continuous latent with a uniform prior on ``[0, 1)^n_latents`` (reference
    ``UniformLatent``).

    The same interface as :class:`~sklq._nn.LatentQuantizer`, without quantization: the
    forward pass returns a :class:`~sklq._nn.QuantizerOutput` whose ``continuous``,
    ``quantized`` and ``straight_through`` fields are all the encoder output ``pre_z`` and
    whose ``indices`` is None; there are no regularization losses and no parameters.

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
        return QuantizerOutput(continuous, continuous, continuous, None)

    def sample(self, n_samples, generator=None):
        """Draw codes uniformly on ``[0, 1)``; returns ``(values, None)``."""
        values = torch.rand(
            (n_samples, self.n_latents), generator=generator, device=self._device_anchor.device
        )
        return values, None

    def regularization_losses(self, output):
        """No loss terms of its own."""
        return {}


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
        :class:`~sklq._nn.LatentQuantizer` (QLInfoWGAN-GP) or :class:`UniformLatent`
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
