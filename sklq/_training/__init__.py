"""Training: skorch nets and array datasets (torch + skorch, no scikit-learn estimators)."""

from ._autoencoder_net import AutoencoderNet
from ._data import ArrayDataset, as_float_batch, collate_batch
from ._infogan_net import InfoGANNet, split_critic_generator
from ._net import (
    NO_DECAY_PATTERNS,
    LatentNet,
    TrainingDivergedError,
    concat_batches,
    history_frame,
    is_decayed,
    no_decay_param_groups,
)
from ._precision import PRECISIONS, autocast, native_bfloat16, resolve_precision

__all__ = [
    "NO_DECAY_PATTERNS",
    "PRECISIONS",
    "ArrayDataset",
    "AutoencoderNet",
    "InfoGANNet",
    "LatentNet",
    "TrainingDivergedError",
    "as_float_batch",
    "autocast",
    "collate_batch",
    "concat_batches",
    "history_frame",
    "is_decayed",
    "native_bfloat16",
    "no_decay_param_groups",
    "resolve_precision",
    "split_critic_generator",
]
