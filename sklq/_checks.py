"""Argument checks shared by every layer of sklq: integers and random states (numpy only).

``sklq.datasets`` and ``sklq.metrics`` import this module, so it imports nothing but numpy.
"""

import numbers
import operator

import numpy as np

#: Seeds drawn from a generator lie in ``[0, SEED_BOUND)`` (torch and scikit-learn take them).
SEED_BOUND = 2**31 - 1


def check_int(value, name, *, low, high=None, allow_none=False):
    """``value`` as an int in ``[low, high]``, or a ValueError naming ``name`` and ``value``.

    Examples
    --------
    >>> check_int(3, "n_bins", low=1)
    3
    >>> check_int(0, "n_bins", low=1)
    Traceback (most recent call last):
        ...
    ValueError: n_bins must be an integer >= 1, got 0.
    """
    if value is None and allow_none:
        return None
    bounds = f"in [{low}, {high}]" if high is not None else f">= {low}"
    kind = "None or an integer" if allow_none else "an integer"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {kind} {bounds}, got {value!r}.")
    value = operator.index(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {kind} {bounds}, got {value!r}.")
    return value


def _check_kind(random_state):
    if random_state is None or isinstance(random_state, np.random.Generator
                                          | np.random.RandomState):
        return
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(
                f"random_state must be a non-negative integer, got {random_state}."
            )
        return
    raise ValueError(
        "random_state must be None, an integer, a numpy.random.Generator or a "
        f"numpy.random.RandomState, got {random_state!r}."
    )


def check_seed(random_state):
    """One int seed from a scikit-learn style ``random_state``.

    None draws fresh OS entropy (numpy's global generator is never used); an int is used as
    it is; a ``Generator`` or ``RandomState`` gives one draw (advancing it).

    Examples
    --------
    >>> check_seed(7)
    7
    >>> import numpy as np
    >>> 0 <= check_seed(np.random.default_rng(0)) < SEED_BOUND
    True
    """
    _check_kind(random_state)
    if random_state is None:
        return int(np.random.default_rng().integers(SEED_BOUND))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(SEED_BOUND))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(SEED_BOUND))
    return int(random_state)


def check_generator(random_state, stream=None):
    """A ``numpy.random.Generator`` from a scikit-learn style ``random_state``.

    None: fresh entropy; an int: ``default_rng(seed)``, or ``default_rng([seed, stream])``
    for an independent stream of the same seed; a ``Generator`` is used as it is; a
    ``RandomState`` seeds a new generator with one draw. numpy's global generator is never
    used.

    Examples
    --------
    >>> import numpy as np
    >>> a, b = check_generator(3).random(), check_generator(3).random()
    >>> a == b, check_generator(3, stream=1).random() == a
    (True, False)
    """
    _check_kind(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(SEED_BOUND))
    if random_state is None:
        return np.random.default_rng()
    return np.random.default_rng(int(random_state) if stream is None
                                 else [int(random_state), int(stream)])
