"""Batches straight from a numpy array (or an on-disk one): ``uint8`` stays ``uint8`` until a
batch is drawn."""

import numpy as np
import torch
from torch.utils.data import Dataset

from .._out_of_core import take_rows


def as_float_batch(batch):
    """A numpy batch as a float32 tensor in the model's units (``uint8`` divided by 255)."""
    if batch.dtype == np.uint8:
        return torch.from_numpy(np.ascontiguousarray(batch)).float().div_(255.0)
    return torch.tensor(batch, dtype=torch.float32)


class ArrayDataset(Dataset):
    """Rows of ``X`` reshaped to ``sample_shape`` and converted to float32 batch by batch.

    Implements ``__getitems__`` so a ``DataLoader`` fetches a whole batch with one fancy
    index instead of one row at a time; use :func:`collate_batch` as its ``collate_fn``.

    Parameters
    ----------
    X : ndarray or on-disk array of shape (n_samples, ...)
        float32 or uint8 in memory, or a memory map or dataset of any real dtype (see
        :mod:`sklq._out_of_core`); never copied as a whole.
    sample_shape : tuple
        Shape of one sample as the module expects it, e.g. ``(C, H, W)`` or ``(n_features,)``.
    """

    def __init__(self, X, sample_shape):
        self.X = X
        self.sample_shape = tuple(sample_shape)

    def __len__(self):
        return len(self.X)

    def batch(self, indices):
        """The samples at ``indices`` (a slice or an index array) as a float32 tensor."""
        rows = take_rows(self.X, indices)
        return as_float_batch(rows).reshape(len(rows), *self.sample_shape)

    def __getitem__(self, index):
        return self.batch(slice(index, index + 1))[0], torch.zeros(())

    def __getitems__(self, indices):
        x = self.batch(np.asarray(indices))
        return x, torch.zeros(len(x))


def collate_batch(batch):
    """``collate_fn`` for :class:`ArrayDataset`: its batches are already tensors."""
    return batch
