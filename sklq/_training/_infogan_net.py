"""skorch ``NeuralNet`` for the InfoWGAN-GP (spec §6): a critic/encoder step on every batch,
a generator step every ``critic_steps_per_generator_step`` batches, two optimizers."""

from contextlib import contextmanager

import torch
from skorch.callbacks import PassthroughScoring
from skorch.dataset import unpack_data
from torch.nn import functional as F

from .._nn import gradient_penalty
from ._net import LatentNet

#: Top-level submodules of :class:`~sklq._nn.InfoGANModule` trained by each step.
CRITIC_MODULES = ("encoder", "critic")
GENERATOR_MODULES = ("generator", "latent")


def split_critic_generator(named_parameters):
    """Split ``(name, parameter)`` pairs into the critic side (encoder trunk and both heads)
    and the generator side (generator and latent module, i.e. the codebook)."""
    critic, generator = [], []
    for name, param in named_parameters:
        top = name.split(".", 1)[0]
        if top in CRITIC_MODULES:
            critic.append((name, param))
        elif top in GENERATOR_MODULES:
            generator.append((name, param))
        else:
            raise ValueError(
                f"Parameter {name!r} belongs to neither the critic side {CRITIC_MODULES} nor "
                f"the generator side {GENERATOR_MODULES}."
            )
    return critic, generator


@contextmanager
def frozen(parameters):
    """Temporarily stop gradients to ``parameters`` (their inputs still get gradients)."""
    parameters = list(parameters)
    flags = [p.requires_grad for p in parameters]
    for p in parameters:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(parameters, flags, strict=True):
            p.requires_grad_(flag)


class InfoGANNet(LatentNet):
    """Alternating WGAN-GP training of an :class:`~sklq._nn.InfoGANModule`.

    Every batch is one critic/encoder step: with ``z_fake`` drawn from the latent prior and
    ``x_fake = G(z_fake)`` (no gradient to the generator),

    ``L_critic = w_value (D(x_fake) - D(x_real)) + w_gp GP + w_latent mean((z_hat - z_fake)^2)
    [+ w_q quantization + w_c commitment]``

    where ``z_hat`` is the encoder's straight-through code of ``x_fake`` and the latent
    terms are computed on ``encode(x_fake)``; only the encoder trunk and its two heads are
    updated (``optimizer_``). After every ``critic_steps_per_generator_step``-th critic step
    follows a generator step with a fresh ``z_fake``:

    ``L_generator = -w_value D(x_fake) + w_latent mean((z_hat - z_fake)^2) [+ latent terms]``

    updating only the generator and the latent module (``generator_optimizer_``).

    Both optimizers are instances of ``optimizer`` built by skorch's
    ``get_params_for_optimizer``: ``optimizer__*`` configures the critic's,
    ``generator_optimizer__*`` the generator's (both accept ``param_groups``).

    Parameters
    ----------
    critic_steps_per_generator_step : int, default=5
    loss_weights : dict
        Weights by term: ``value``, ``gradient_penalty``, ``latent`` and the latent
        module's own terms (e.g. ``quantization``, ``commitment``).
    **kwargs
        As for :class:`~sklq._training.LatentNet`.

    Attributes
    ----------
    optimizer_, generator_optimizer_ : torch.optim.Optimizer
    critic_steps_, generator_steps_ : int
        Steps taken since the optimizers were initialised.
    """

    TRAINING_COUNTERS = ("critic_steps_", "generator_steps_")

    def __init__(self, *args, critic_steps_per_generator_step=5, **kwargs):
        super().__init__(*args, **kwargs)
        self.critic_steps_per_generator_step = critic_steps_per_generator_step

    def get_default_callbacks(self):
        estimate = PassthroughScoring(
            name="wasserstein_estimate", lower_is_better=False, on_train=True
        )
        return [*super().get_default_callbacks(), ("wasserstein_estimate", estimate)]

    # ------------------------------------------------------------ optimizers
    def initialize_optimizer(self, triggered_directly=None):
        critic, generator = split_critic_generator(self.get_all_learnable_params())
        args, kwargs = self.get_params_for_optimizer("optimizer", critic)
        self.optimizer_ = self.optimizer(*args, **kwargs)
        args, kwargs = self.get_params_for_optimizer("generator_optimizer", generator)
        self.generator_optimizer_ = self.optimizer(*args, **kwargs)
        self.critic_steps_ = 0
        self.generator_steps_ = 0
        return self

    def _apply_gradients(self, optimizer, named_parameters, batch):
        self.notify(
            "on_grad_computed", named_parameters=named_parameters, batch=batch, training=True
        )
        optimizer.step()

    # ------------------------------------------------------------------ steps
    def critic_step(self, x_real, batch=None):
        """One update of the encoder trunk and its heads; returns ``(loss, terms)``."""
        module = self.module_
        critic, generator = split_critic_generator(module.named_parameters())
        n = len(x_real)
        self.optimizer_.zero_grad(set_to_none=True)
        with torch.no_grad(), self.autocast():
            z_fake, _ = module.latent.sample(n)
            x_fake = module.generate(z_fake)
        with frozen(p for _, p in generator):
            with self.autocast():
                features = module.features(torch.cat([x_real, x_fake]))
                values = module.value(features)
                latent_output = module.latent_output(features[n:])
                penalty = gradient_penalty(module.critique, x_real, x_fake)
            value_real, value_fake = values[:n], values[n:]
            terms = {
                "value": (value_fake - value_real).mean(),
                "gradient_penalty": penalty,
                "latent": F.mse_loss(latent_output.straight_through, z_fake),
                **module.latent.regularization_losses(latent_output),
            }
            loss = self.weighted_loss(terms)
            loss.backward()
        self._apply_gradients(self.optimizer_, critic, batch)
        self.critic_steps_ += 1
        return loss, terms

    def generator_step(self, n_samples, batch=None):
        """One update of the generator and the latent module; returns its weighted loss."""
        module = self.module_
        critic, generator = split_critic_generator(module.named_parameters())
        self.generator_optimizer_.zero_grad(set_to_none=True)
        with frozen(p for _, p in critic):
            z_fake, _ = module.latent.sample(n_samples)
            with self.autocast():
                latent_output, value_fake = module.encode_and_critique(module.generate(z_fake))
            terms = {
                "value": -value_fake.mean(),
                "latent": F.mse_loss(latent_output.straight_through, z_fake),
                **module.latent.regularization_losses(latent_output),
            }
            loss = self.weighted_loss(terms)
            loss.backward()
        self._apply_gradients(self.generator_optimizer_, generator, batch)
        self.generator_steps_ += 1
        return loss

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        x_real, _ = unpack_data(batch)
        x_real = self.prepare_batch(x_real)
        loss, terms = self.critic_step(x_real, batch)
        self.record_loss_terms(terms)  # fails clearly on NaN/inf
        self.history.record_batch("wasserstein_estimate", -float(terms["value"].detach()))
        if self.critic_steps_ % self.critic_steps_per_generator_step == 0:
            self.record_loss_terms({"generator": self.generator_step(len(x_real), batch)})
        return {"loss": loss.detach(), "y_pred": None}
