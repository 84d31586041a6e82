"""InfoWGAN-GP training mechanics (spec §6): the gradient penalty against hand-computed
cases, which parameters each step updates, step counts and optimizer groups."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklq import InfoGAN, LatentQuantizedInfoGAN
from sklq._nn import (
    InfoGANModule,
    LatentQuantizer,
    MLPDecoder,
    MLPEncoder,
    UniformLatent,
    gradient_penalty,
)
from sklq._training import is_decayed, split_critic_generator

# ---------------------------------------------------------------- gradient penalty


def test_linear_critic_penalty_is_hand_computed():
    # D(x) = w.x + b has the input gradient w at every interpolate: GP = (||w|| - 1)^2.
    w = torch.tensor([1.0, 2.0, 2.0, 0.0])  # ||w|| = 3

    def critic(x):
        return x.flatten(start_dim=1) @ w + 0.7

    x_real = torch.rand(5, 1, 2, 2, generator=torch.Generator().manual_seed(0))
    x_fake = torch.rand(5, 1, 2, 2, generator=torch.Generator().manual_seed(1))
    assert gradient_penalty(critic, x_real, x_fake).item() == pytest.approx(4.0)
    eps = torch.tensor([0.0, 0.2, 0.5, 0.9, 1.0])
    assert gradient_penalty(critic, x_real, x_fake, eps).item() == pytest.approx(4.0)


def test_penalty_is_two_sided_and_per_sample():
    # D(x) = ||x||^2 / 2 has the input gradient x_int: one norm per sample over all values.
    def critic(x):
        return 0.5 * x.pow(2).flatten(start_dim=1).sum(dim=1)

    x_real = torch.tensor([[[[3.0, 4.0]]], [[[0.0, 0.0]]], [[[0.2, 0.0]]]])
    x_fake = torch.tensor([[[[0.0, 0.0]]], [[[0.0, 2.0]]], [[[0.0, 0.0]]]])
    eps = torch.tensor([0.5, 0.25, 1.0])
    # x_int = (1.5, 2) -> norm 2.5; (0, 1.5) -> 1.5; (0.2, 0) -> 0.2 (below 1 is penalised too)
    expected = ((2.5 - 1) ** 2 + (1.5 - 1) ** 2 + (0.2 - 1) ** 2) / 3
    assert gradient_penalty(critic, x_real, x_fake, eps).item() == pytest.approx(expected)


def test_penalty_back_propagates_into_the_critic_double_backprop():
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    penalty = gradient_penalty(lambda x: x @ w, torch.zeros(4, 2), torch.ones(4, 2))
    penalty.backward()
    # d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w|| = 2 * 4 * (0.6, 0.8)
    torch.testing.assert_close(w.grad, torch.tensor([4.8, 6.4]))


def test_module_penalty_with_a_linear_trunk():
    # An MLP encoder without hidden layers makes the critic linear in x: D(x) = w.x + b.
    encoder = MLPEncoder(6, 2, hidden_widths=())
    module = InfoGANModule(encoder, UniformLatent(2), MLPDecoder(2, 6, (8,)))
    with torch.no_grad():
        module.critic.weight.copy_(torch.tensor([[0.0, 0.5, 0.0, 0.0, 0.0, 0.0]]))
    x_real, x_fake = torch.rand(7, 6), torch.rand(7, 6)
    assert gradient_penalty(module.critique, x_real, x_fake).item() == pytest.approx(0.25)


# -------------------------------------------------------------- the torch module


def test_module_heads_share_one_trunk():
    module = InfoGANModule(MLPEncoder(6, 3, (8,)), LatentQuantizer(3, 4), MLPDecoder(3, 6, (8,)))
    x = torch.rand(5, 6)
    latent_output, value = module.encode_and_critique(x)
    assert value.shape == (5,)
    torch.testing.assert_close(value, module.critique(x))
    torch.testing.assert_close(latent_output.quantized, module.encode(x).quantized)
    generated = module.generate(torch.zeros(5, 3))
    assert generated.shape == (5, 6) and (generated > 0).all() and (generated < 1).all()
    names = [name for name, _ in module.named_parameters()]
    critic, generator = split_critic_generator(module.named_parameters())
    assert {n.split(".")[0] for n, _ in critic} == {"encoder", "critic"}
    assert {n.split(".")[0] for n, _ in generator} == {"generator", "latent"}
    assert len(critic) + len(generator) == len(names)


def test_uniform_latent_is_the_identity_with_a_uniform_prior():
    latent = UniformLatent(3)
    x = torch.randn(4, 3)
    out = latent(x)
    assert out.continuous is x and out.straight_through is x and out.indices is None
    assert latent.regularization_losses(out) == {}
    values, _ = latent.sample(1000, generator=torch.Generator().manual_seed(0))
    assert values.min() >= 0 and values.max() < 1 and abs(values.mean() - 0.5) < 0.03
    assert list(latent.parameters()) == [] and latent.state_dict() == {}


# ------------------------------------------------------------ the training net


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).random((40, 1, 16, 16), dtype=np.float32)


def _snapshot(named):
    return {name: p.detach().clone() for name, p in named}


def _trained_critic_names(critic):
    # The critic head's bias cancels in D(fake) - D(real) and has no input gradient, so its
    # gradient is exactly zero: every other critic-side parameter must move.
    return {name for name, _ in critic} - {"critic.bias"}


def _changed(before, named):
    return {name for name, p in named if not torch.equal(before[name], p.detach())}


@pytest.fixture(scope="module")
def fitted_qlgan(images):
    return LatentQuantizedInfoGAN(
        3, n_values_per_latent=4, critic_steps_per_generator_step=3, max_epochs=1,
        batch_size=8, random_state=0,
    ).fit(images)


def test_each_step_updates_only_its_own_side(fitted_qlgan, images):
    net = fitted_qlgan.net_
    module = net.module_
    critic, generator = split_critic_generator(module.named_parameters())
    x = torch.from_numpy(images[:8])

    before = _snapshot(module.named_parameters())
    net.critic_step(x)
    assert _changed(before, critic) == _trained_critic_names(critic)
    assert not _changed(before, generator)

    before = _snapshot(module.named_parameters())
    net.generator_step(8)
    assert not _changed(before, critic)
    assert _changed(before, generator) == {n for n, _ in generator}
    assert "latent.codebook" in _changed(before, generator)


def test_generator_and_codebook_change_only_every_kth_batch(fitted_qlgan, images):
    net = fitted_qlgan.net_
    net.initialize_optimizer()  # fresh optimizer state and step counters
    assert net.critic_steps_ == net.generator_steps_ == 0
    module = net.module_
    critic, generator = split_critic_generator(module.named_parameters())
    batch = (torch.from_numpy(images[:8]), torch.zeros(8))
    generator_changed = []
    for _ in range(7):
        before = _snapshot(module.named_parameters())
        net.train_step(batch)
        assert _changed(before, critic) == _trained_critic_names(critic)
        generator_changed.append(bool(_changed(before, generator)))
    assert generator_changed == [False, False, True, False, False, True, False]
    assert (net.critic_steps_, net.generator_steps_) == (7, 2)


class _RecordClippedNames(Callback):
    def initialize(self):
        self.calls = []
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.calls.append({name for name, _ in named_parameters})


def test_step_counts_history_and_clipping_hooks(images):
    recorder = _RecordClippedNames()
    gan = LatentQuantizedInfoGAN(
        2, n_values_per_latent=3, critic_steps_per_generator_step=3, max_epochs=3,
        batch_size=8, random_state=0, callbacks=[recorder],
    ).fit(images)  # 5 batches per epoch: generator steps after batches 3, 6, 9, 12, 15
    assert (gan.net_.critic_steps_, gan.net_.generator_steps_) == (15, 5)
    assert gan.history_["train_batch_count"].tolist() == [5, 5, 5]
    generated_in_epoch = gan.history_["generator_loss"].notna().tolist()
    assert generated_in_epoch == [True, True, True]
    critic, generator = split_critic_generator(gan.net_.module_.named_parameters())
    critic_names, generator_names = {n for n, _ in critic}, {n for n, _ in generator}
    assert recorder.calls.count(critic_names) == 15
    assert recorder.calls.count(generator_names) == 5
    assert len(recorder.calls) == 20
    # no generator step in an epoch: NaN, not an error
    rare = LatentQuantizedInfoGAN(
        2, critic_steps_per_generator_step=8, max_epochs=2, batch_size=8, random_state=0
    ).fit(images)
    assert rare.history_["generator_loss"].isna().tolist() == [True, False]


class _RecordLargestGradients(Callback):
    """Runs after the net's own ``on_grad_computed`` (the clipping)."""

    def initialize(self):
        self.largest = {}
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        for name, param in named_parameters:
            if param.grad is not None:
                value = param.grad.abs().max().item()
                self.largest[name] = max(value, self.largest.get(name, 0.0))


def test_gradient_clipping_only_on_the_decayed_weights(images):
    recorder = _RecordLargestGradients()
    gan = LatentQuantizedInfoGAN(
        2, critic_steps_per_generator_step=1, grad_clip_value=1e-9, max_epochs=1,
        batch_size=20, random_state=0, callbacks=[recorder],
    ).fit(images)
    names = {n for n, _ in gan.net_.module_.named_parameters()}
    assert recorder.largest.keys() == names  # both steps reported their parameters
    assert all(v <= 1e-9 for n, v in recorder.largest.items() if is_decayed(n))
    assert max(v for n, v in recorder.largest.items() if not is_decayed(n)) > 1e-6


def test_codebook_learning_rate_reaches_the_generator_side(images):
    gan = LatentQuantizedInfoGAN(2, max_epochs=1, batch_size=20, random_state=0,
                                 codebook_learning_rate=5e-5).fit(images)
    names = {p: n for n, p in gan.net_.module_.named_parameters()}
    rates = {names[p]: g["lr"] for g in gan.net_.generator_optimizer_.param_groups
             for p in g["params"]}
    assert rates.pop("latent.codebook") == 5e-5 and set(rates.values()) == {2e-4}
    assert {g["lr"] for g in gan.net_.optimizer_.param_groups} == {2e-4}


@pytest.mark.parametrize("estimator_class", [LatentQuantizedInfoGAN, InfoGAN])
def test_two_optimizers_with_the_spec_groups(estimator_class):
    est = estimator_class(
        2, network_size="image_small", max_epochs=1, batch_size=4, random_state=0,
        weight_decay=0.25,
    ).fit(np.random.default_rng(0).random((4, 1, 16, 16), dtype=np.float32))
    net = est.net_
    names = {p: n for n, p in net.module_.named_parameters()}
    assert "generator.input_map" in names.values()  # the style generator (reference size)
    sides = {}
    for label, optimizer in [("critic", net.optimizer_), ("generator", net.generator_optimizer_)]:
        assert isinstance(optimizer, torch.optim.AdamW)
        decayed, undecayed = set(), set()
        for group in optimizer.param_groups:
            assert group["lr"] == 2e-4 and group["betas"] == (0.0, 0.9)
            target = decayed if group["weight_decay"] == 0.25 else undecayed
            assert group["weight_decay"] in (0.25, 0.0)
            target.update(names[p] for p in group["params"])
        assert not decayed & undecayed
        assert all(n.endswith("bias") or n == "latent.codebook" for n in undecayed)
        assert all(is_decayed(n) for n in decayed)
        sides[label] = decayed | undecayed
    assert {n.split(".")[0] for n in sides["critic"]} == {"encoder", "critic"}
    expected_generator_side = {"generator"} | (
        {"latent"} if estimator_class is LatentQuantizedInfoGAN else set()
    )
    assert {n.split(".")[0] for n in sides["generator"]} == expected_generator_side
    assert sides["critic"] | sides["generator"] == set(names.values())
