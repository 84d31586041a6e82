"""The skorch base of sklq's nets (:class:`LatentNet`) and what every net shares: the
optimizer's parameter groups, loss weighting and logging, gradient clipping, precision and
memory format, batched inference."""

import fnmatch
import math

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import PassthroughScoring
from skorch.utils import to_device

from ..exceptions import TrainingDivergedError
from ._precision import autocast

#: Parameters outside the weight-decayed, gradient-clipped group (spec §5): every bias
#: (linear, conv and normalisation layers) and the latent module's codebook.
CODEBOOK_PATTERN = "latent.codebook"
NO_DECAY_PATTERNS = ("*bias", CODEBOOK_PATTERN)


def no_decay_param_groups(codebook_learning_rate=None):
    """skorch ``optimizer__param_groups`` putting :data:`NO_DECAY_PATTERNS` in groups
    without weight decay, the codebook's with its own learning rate when one is given."""
    groups = [(pattern, {"weight_decay": 0.0}) for pattern in NO_DECAY_PATTERNS]
    if codebook_learning_rate is not None:
        groups = [(pattern, {**options, "lr": codebook_learning_rate})
                  if pattern == CODEBOOK_PATTERN else (pattern, options)
                  for pattern, options in groups]
    return groups


def is_decayed(name):
    """Whether the parameter called ``name`` is in the weight-decayed (clipped) group."""
    return not any(fnmatch.fnmatch(name, pattern) for pattern in NO_DECAY_PATTERNS)


class LatentNet(NeuralNet):
    """Shared pieces of sklq's skorch nets: loss-term logging, divergence check,
    gradient value clipping and batched inference on an :class:`ArrayDataset`.

    Parameters
    ----------
    grad_clip_value : float or None
        Clip every gradient element of the weight-decayed group to
        ``[-grad_clip_value, grad_clip_value]`` before the optimizer step.
    loss_weights : dict
        Weight of each loss term, by name; a term not listed has weight 1
        (:meth:`weighted_loss`).
    loss_term_names : tuple of str
        Loss terms recorded per batch and averaged per epoch in the history, as
        ``"<name>_loss"`` columns.
    precision : {"float32", "bfloat16"}, default="float32"
        Resolved precision (:func:`~sklq._training.resolve_precision`): the module's
        forward passes, in training and inference, run under bfloat16 autocast or not.
    channels_last : bool, default=False
        Keep the module's 4-D weights and the image batches in channels-last memory format
        (faster convolutions on CPUs and GPUs; results equal up to rounding).
    """

    def __init__(self, *args, grad_clip_value=None, loss_weights=None, loss_term_names=(),
                 precision="float32", channels_last=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.grad_clip_value = grad_clip_value
        self.loss_weights = loss_weights
        self.loss_term_names = tuple(loss_term_names)
        self.precision = precision
        self.channels_last = channels_last

    # --------------------------------------------------- continued training
    #: Step counters a continued fit picks up (subclasses name theirs).
    TRAINING_COUNTERS = ()

    def fit_continuing(self, dataset, rng_state):
        """``partial_fit`` for ``max_epochs`` more epochs from the torch generator state
        ``rng_state`` (the one the last fit ended with; None keeps the current one); records
        the state it ends with in ``rng_state_``. Call inside ``torch.random.fork_rng``."""
        if rng_state is not None:
            torch.set_rng_state(rng_state)
        self.partial_fit(dataset, None)
        self.rng_state_ = torch.get_rng_state()
        return self

    def training_state(self):
        """What a continued fit needs besides the module's weights: every optimizer's
        ``state_dict``, the step counters and the torch generator's state at the end of the
        last fit (tensors and plain values: ``torch.load(weights_only=True)`` reads it)."""
        return {
            "optimizers": {name: getattr(self, f"{name}_").state_dict()
                           for name in self._optimizers},
            "counters": {name: int(getattr(self, name)) for name in self.TRAINING_COUNTERS},
            "rng_state": getattr(self, "rng_state_", None),
        }

    def load_training_state(self, state):
        """Restore :meth:`training_state` into an initialised net with the same module."""
        for name, optimizer_state in state["optimizers"].items():
            getattr(self, f"{name}_").load_state_dict(optimizer_state)
        for name, value in state["counters"].items():
            setattr(self, name, int(value))
        self.rng_state_ = state["rng_state"]

    # ------------------------------------------------------ precision, layout
    def initialize_module(self):
        super().initialize_module()
        if self.channels_last:
            self.module_.to(memory_format=torch.channels_last)
        return self

    def autocast(self):
        """The autocast context of the net's precision on its device."""
        return autocast(self.precision, self.device)

    def prepare_batch(self, x):
        """A batch on the net's device, in the net's memory format."""
        x = to_device(x, self.device)
        if self.channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    def infer(self, x, **fit_params):
        with self.autocast():
            return self.module_(self.prepare_batch(x), **fit_params)

    def get_default_callbacks(self):
        terms = [
            (f"{name}_loss", PassthroughScoring(name=f"{name}_loss", on_train=True))
            for name in self.loss_term_names
        ]
        return [*super().get_default_callbacks(), *terms]

    def on_grad_computed(self, net, named_parameters, **kwargs):
        if self.grad_clip_value is None:
            return
        clipped = [p for name, p in named_parameters if is_decayed(name) and p.grad is not None]
        torch.nn.utils.clip_grad_value_(clipped, self.grad_clip_value)

    def weighted_loss(self, terms):
        """``sum(weight * term)`` over ``terms``: each term's weight from ``loss_weights``,
        1 for a term it does not list (the reconstruction, the critic's value)."""
        weights = self.loss_weights or {}
        return sum(weights.get(name, 1.0) * value for name, value in terms.items())

    def record_loss_terms(self, terms):
        """Record each term of the batch in the history; fail clearly on NaN/inf."""
        for name, value in terms.items():
            value = float(value.detach())
            if not math.isfinite(value):
                raise TrainingDivergedError(
                    f"Training diverged: the {name} loss became {value} in epoch "
                    f"{len(self.history)} (batch {len(self.history[-1, 'batches'])}). "
                    f"Try a smaller learning_rate (now {self.lr}) or a gradient clip value."
                )
            self.history.record_batch(f"{name}_loss", value)

    def map_batches(self, dataset, function, per_sample=False):
        """Apply ``function`` to every batch of ``dataset`` in eval mode, without gradients,
        in the net's precision and memory format; floating results come back as float32.

        Runs inside ``torch.random.fork_rng``: iterating a ``DataLoader`` draws its base
        seed from the global torch generator, which inference must leave untouched.

        ``per_sample=True`` (``function`` returns one row per sample): every batch is
        computed at the full batch size, a short last batch padded by repeating its rows
        and the padding's outputs dropped. A sample's result then does not depend on which
        batch it falls in: matrix-multiply kernels (MKL on Intel CPUs) round differently
        for different batch sizes, by about 1e-7, which made ``transform`` depend on the
        order of the samples.
        """
        self._set_training(False)
        results = []
        size = getattr(self, "iterator_valid__batch_size", None) or self.batch_size
        with torch.no_grad(), torch.random.fork_rng(devices=[]), self.autocast():
            for Xi, _ in self.get_iterator(dataset, training=False):
                Xi = self.prepare_batch(Xi)
                n = len(Xi)
                if per_sample and 0 < n < size:
                    padded = Xi[torch.arange(size, device=Xi.device) % n]
                    result = function(padded)[:n]
                else:
                    result = function(Xi)
                if torch.is_tensor(result) and result.is_floating_point():
                    result = result.float()
                results.append(result)
        return results


def history_frame(history):
    """A skorch ``History`` as a list of per-epoch dicts without batch details."""
    rows = []
    for epoch in history:
        rows.append(
            {
                key: value
                for key, value in epoch.items()
                if key != "batches" and not key.endswith("_best")
            }
        )
    return rows


def concat_batches(batches):
    return np.concatenate([b.cpu().numpy() for b in batches]) if batches else np.empty((0,))
