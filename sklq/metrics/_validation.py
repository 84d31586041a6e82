"""Input checks shared by the metrics: shapes, finiteness, label encoding, discrete detection."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._checks import check_generator

#: A float latent column counts as discrete under ``discrete_latents="auto"`` when it
#: takes at most this many distinct values (and at most half as many as there are samples).
MAX_DISCRETE_VALUES = 50


@dataclass(frozen=True)
class Factors:
    """Label-encoded ground-truth factors.

    ``codes[:, i]`` holds integers ``0 .. n_classes[i] - 1``; ``names`` is None unless the
    input was a DataFrame.
    """

    codes: np.ndarray
    n_classes: np.ndarray
    names: list | None


@dataclass(frozen=True)
class Latents:
    """Validated latents as float64, with the facts needed to decide whether they are discrete."""

    values: np.ndarray
    names: list | None
    integer_dtype: bool


def _column_names(data):
    if isinstance(data, pd.DataFrame):
        return [str(c) for c in data.columns]
    return None


def _as_2d(data, name):
    """Return ``data`` as a 2-D object/numeric ndarray, rejecting 0-D, 1-D and >2-D input."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_{name}); got a pandas Series of "
            f"length {len(data)}. Use data.to_frame() for a single column."
        )
    array = np.asarray(data)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_{name}); got an array with "
            f"ndim={array.ndim} and shape {array.shape}. Use array.reshape(-1, 1) for a "
            "single column."
        )
    return array


def _check_shape(n_samples, n_columns, name):
    if n_columns == 0:
        raise ValueError(f"{name} must have at least one column; got shape ({n_samples}, 0).")
    if n_samples < 2:
        raise ValueError(
            f"{name} must have at least 2 samples to estimate a metric; got n_samples={n_samples}."
        )
    if n_columns > n_samples:
        raise ValueError(
            f"{name} has more columns ({n_columns}) than samples ({n_samples}). The metrics "
            f"expect shape (n_samples, n_{name}); did you pass the transpose "
            "(disentanglement_lib's layout)?"
        )


def check_factors(factors):
    """Validate ground-truth factors and label-encode every column.

    Factors may hold any labels (ints, floats, strings, mixed object columns); only the
    identity of a value matters. NaN/None/inf labels and constant factors are rejected.
    """
    data = _as_2d(factors, "factors")
    names = _column_names(data)
    columns = (
        [data.iloc[:, i].to_numpy() for i in range(data.shape[1])]
        if isinstance(data, pd.DataFrame)
        else [data[:, i] for i in range(data.shape[1])]
    )
    n_samples = data.shape[0]
    _check_shape(n_samples, len(columns), "factors")
    codes = np.empty((n_samples, len(columns)), dtype=np.intp)
    n_classes = np.empty(len(columns), dtype=np.intp)
    for i, column in enumerate(columns):
        label = names[i] if names is not None else i
        if pd.isna(column).any():
            raise ValueError(f"factors column {label!r} contains NaN or None.")
        if column.dtype.kind in "fc" and not np.isfinite(column).all():
            raise ValueError(f"factors column {label!r} contains inf.")
        try:
            column_codes, uniques = pd.factorize(column, sort=True)
        except TypeError:  # unorderable mixed labels: identity is all that matters
            column_codes, uniques = pd.factorize(column, sort=False)
        if len(uniques) < 2:
            raise ValueError(
                f"factors column {label!r} takes a single value ({uniques[0]!r}): its entropy "
                "is zero, so its normalised mutual information is undefined. Drop this factor."
            )
        codes[:, i] = column_codes
        n_classes[i] = len(uniques)
    return Factors(codes=codes, n_classes=n_classes, names=names)


def check_latents(latents):
    """Validate latents: 2-D, numeric (bool/int/float), finite; returned as float64."""
    data = _as_2d(latents, "latents")
    names = _column_names(data)
    if isinstance(data, pd.DataFrame):
        kinds = {dtype.kind for dtype in data.dtypes}
        if not kinds <= set("biuf"):
            raise ValueError(
                "latents must be numeric (bool, int or float); got DataFrame dtypes "
                f"{sorted({str(d) for d in data.dtypes})}."
            )
        integer_dtype = kinds <= set("biu")
        values = data.to_numpy(dtype=np.float64)
    else:
        if data.dtype.kind not in "biuf":
            raise ValueError(
                f"latents must be numeric (bool, int or float); got dtype {data.dtype}."
            )
        integer_dtype = data.dtype.kind in "biu"
        values = data.astype(np.float64)
    _check_shape(values.shape[0], values.shape[1], "latents")
    if not np.isfinite(values).all():
        bad = np.flatnonzero(~np.isfinite(values).all(axis=0))
        raise ValueError(
            f"latents contain NaN or inf (columns {bad.tolist()}); every latent value must be "
            "finite."
        )
    return Latents(values=np.ascontiguousarray(values), names=names, integer_dtype=integer_dtype)


def check_consistent_length(factors, latents):
    """Raise if factors and latents do not have the same number of samples."""
    n_factors_rows, n_latent_rows = len(factors), len(latents)
    if n_factors_rows != n_latent_rows:
        raise ValueError(
            f"factors and latents must have the same number of samples; got "
            f"factors with {n_factors_rows} rows and latents with {n_latent_rows} rows."
        )


def check_inputs(factors, latents):
    """Validate a ``(factors, latents)`` pair; returns (Factors, Latents)."""
    factors_2d = _as_2d(factors, "factors")
    latents_2d = _as_2d(latents, "latents")
    check_consistent_length(factors_2d, latents_2d)
    return check_factors(factors_2d), check_latents(latents_2d)


def resolve_discrete(discrete_latents, latents):
    """Decide whether the latents are discrete.

    ``"auto"``: discrete when the input dtype is bool/int, or when every column takes at
    most ``min(MAX_DISCRETE_VALUES, n_samples // 2)`` distinct values (e.g. quantized
    codebook values stored as floats).
    """
    if isinstance(discrete_latents, str):
        if discrete_latents != "auto":
            raise ValueError(
                f"discrete_latents must be 'auto', True or False; got {discrete_latents!r}."
            )
        if latents.integer_dtype:
            return True
        values = latents.values
        limit = min(MAX_DISCRETE_VALUES, values.shape[0] // 2)
        sorted_values = np.sort(values, axis=0)
        n_distinct = 1 + np.count_nonzero(np.diff(sorted_values, axis=0), axis=0)
        return bool(np.all(n_distinct <= limit))
    if isinstance(discrete_latents, bool | np.bool_):
        return bool(discrete_latents)
    raise ValueError(
        f"discrete_latents must be 'auto', True or False; got {discrete_latents!r}."
    )


def encode_columns(values):
    """Label-encode every column of a 2-D array: (codes, n_values per column)."""
    codes = np.empty(values.shape, dtype=np.intp)
    n_values = np.empty(values.shape[1], dtype=np.intp)
    for j in range(values.shape[1]):
        uniques, codes[:, j] = np.unique(values[:, j], return_inverse=True)
        n_values[j] = len(uniques)
    return codes, n_values


def check_bool_param(value, name):
    """Validate a boolean parameter (Python or numpy bool)."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False; got {value!r}.")
    return bool(value)


#: Stream of the chance adjustment's generator (see :func:`shuffle_generator`).
SHUFFLE_STREAM = 2023


def shuffle_generator(random_state):
    """The ``numpy.random.Generator`` of the chance adjustment's shuffles and folds.

    An int seeds a stream of its own (apart from the kNN jitter's, which uses the same int
    through scikit-learn's ``check_random_state``); see :func:`sklq._checks.check_generator`.
    """
    return check_generator(random_state, stream=SHUFFLE_STREAM)
