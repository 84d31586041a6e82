"""skorch ``NeuralNet`` for autoencoders: reconstruction target is ``X``, latent loss terms
come from the latent module, element-wise gradient clipping of the weight-decayed group."""

import fnmatch
import math

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import PassthroughScoring
from skorch.utils import to_device

#: Parameters outside the weight-decayed, gradient-clipped group (spec §5): every bias
#: (linear, conv and normalisation layers) and the latent module's codebook.
NO_DECAY_PATTERNS = ("*bias", "latent.codebook")


def no_decay_param_groups():
    """skorch ``optimizer__param_groups`` putting :data:`NO_DECAY_PATTERNS` in a group
    without weight decay."""
    return [(pattern, {"weight_decay": 0.0}) for pattern in NO_DECAY_PATTERNS]


def is_decayed(name):
    """Whether the parameter called ``name`` is in the weight-decayed (clipped) group."""
    return not any(fnmatch.fnmatch(name, pattern) for pattern in NO_DECAY_PATTERNS)


class TrainingDivergedError(FloatingPointError):
    """Raised when a training loss becomes NaN or infinite."""


class LatentNet(NeuralNet):
    """Shared pieces of sklq's skorch nets: loss-term logging, divergence check,
    gradient value clipping and batched inference on an :class:`ArrayDataset`.

    Parameters
    ----------
    grad_clip_value : float or None
        Clip every gradient element of the weight-decayed group to
        ``[-grad_clip_value, grad_clip_value]`` before the optimizer step.
    loss_weights : dict
        Weight of each latent loss term, by name.
    loss_term_names : tuple of str
        Loss terms recorded per batch and averaged per epoch in the history, as
        ``"<name>_loss"`` columns.
    """

    def __init__(self, *args, grad_clip_value=None, loss_weights=None, loss_term_names=(),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.grad_clip_value = grad_clip_value
        self.loss_weights = loss_weights
        self.loss_term_names = tuple(loss_term_names)

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
        """Apply ``function`` to every batch of ``dataset`` in eval mode, without gradients.

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
        with torch.no_grad(), torch.random.fork_rng(devices=[]):
            for Xi, _ in self.get_iterator(dataset, training=False):
                Xi = to_device(Xi, self.device)
                n = len(Xi)
                if per_sample and 0 < n < size:
                    padded = Xi[torch.arange(size, device=Xi.device) % n]
                    results.append(function(padded)[:n])
                else:
                    results.append(function(Xi))
        return results


class AutoencoderNet(LatentNet):
    """Reconstruct ``X`` with the criterion; add the latent module's weighted loss terms."""

    def get_loss(self, y_pred, y_true, X=None, training=False):
        latent_output, reconstruction = y_pred
        target = to_device(X, self.device)
        terms = {"reconstruction": self.criterion_(reconstruction, target)}
        terms.update(self.module_.latent.regularization_losses(latent_output))
        loss = terms["reconstruction"]
        for name, weight in (self.loss_weights or {}).items():
            loss = loss + weight * terms[name]
        if training:
            self.record_loss_terms(terms)
        return loss


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
