"""Helpers shared by the dataset tests."""

import numpy as np


def factor_sweeps(dataset, factor, bases):
    """Factor indices varying ``factor`` over all its values from each base point."""
    size = dataset.factor_sizes[factor]
    for base in bases:
        factors = np.tile(np.asarray(base, dtype=np.int64), (size, 1))
        factors[:, factor] = np.arange(size)
        yield factors


def min_pairwise_difference(images, same=lambda a, b: False):
    """Smallest max-abs difference between images ``a != b`` that ``same`` does not pair.

    Also returns the largest difference among the pairs ``same`` says are equivalent.
    """
    flat = images.reshape(len(images), -1).astype(np.float64)
    smallest, largest_same = np.inf, 0.0
    for a in range(len(flat)):
        diffs = np.abs(flat[a + 1 :] - flat[a]).max(axis=1)
        for offset, diff in enumerate(diffs):
            b = a + 1 + offset
            if same(a, b):
                largest_same = max(largest_same, diff)
            else:
                smallest = min(smallest, diff)
    return smallest, largest_same
