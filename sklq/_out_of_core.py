"""Arrays that live on disk: validated in chunks, read a batch of rows at a time.

NumPy memory maps (``np.memmap``, ``np.load(..., mmap_mode="r")``) and array datasets that
are not NumPy arrays (``h5py.Dataset``, zarr or dask arrays: anything with a NumPy ``dtype``,
a ``shape`` and row slicing) reach the networks without being copied into memory: the checks
scikit-learn's ``check_array`` makes on a whole array are made here on chunks of rows, and
training and inference gather their batches from the array itself.
"""

import mmap

import numpy as np
from scipy import sparse

#: Bytes of ``X`` read at a time by the chunked checks.
CHUNK_BYTES = 64 * 2**20


def is_out_of_core(X):
    """Whether ``X`` is an on-disk array that sklq reads in chunks instead of copying.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "X.npy")
    >>> np.save(path, np.zeros((4, 3), np.uint8))
    >>> is_out_of_core(np.load(path, mmap_mode="r")), is_out_of_core(np.zeros((4, 3)))
    (True, False)
    """
    if isinstance(X, np.memmap):
        return True
    if isinstance(X, np.ndarray):
        base = X.base
        while base is not None:  # a view of a memory map (np.asarray(memmap), reshapes)
            if isinstance(base, (np.memmap, mmap.mmap)):
                return True
            base = getattr(base, "base", None)
        return False
    return (
        isinstance(getattr(X, "dtype", None), np.dtype)
        and isinstance(getattr(X, "shape", None), tuple)
        and hasattr(X, "__getitem__")
        and not hasattr(X, "iloc")  # pandas
        and not sparse.issparse(X)
    )


def row_chunks(X, max_bytes=CHUNK_BYTES):
    """``(start, rows)`` pairs covering ``X`` in order, each ``rows`` an ndarray of at most
    about ``max_bytes`` (one row at least).

    Examples
    --------
    >>> import numpy as np
    >>> [(start, len(rows)) for start, rows in row_chunks(np.zeros((5, 2)), max_bytes=32)]
    [(0, 2), (2, 2), (4, 1)]
    """
    row_bytes = max(1, int(np.prod(X.shape[1:], dtype=np.int64)) * X.dtype.itemsize)
    step = max(1, max_bytes // row_bytes)
    for start in range(0, X.shape[0], step):
        yield start, np.asarray(X[start:start + step])


def take_rows(X, indices):
    """``X[indices]`` as an ndarray, for a slice or an array of row indices in any order.

    Arrays that are not NumPy arrays (h5py's datasets need increasing, unique indices) are
    read in increasing row order once per distinct row, then put in the requested order.

    Examples
    --------
    >>> import numpy as np
    >>> take_rows(np.arange(5) * 10, np.array([3, 0, 3])).tolist()
    [30, 0, 30]
    """
    if isinstance(indices, slice) or isinstance(X, np.ndarray):
        return np.asarray(X[indices])
    indices = np.asarray(indices, dtype=np.int64)
    unique, inverse = np.unique(indices, return_inverse=True)
    return np.asarray(X[unique])[inverse.reshape(-1)]


def value_range(X):
    """``(min, max)`` of all values of ``X`` as floats, read chunk by chunk.

    Examples
    --------
    >>> import numpy as np
    >>> value_range(np.array([[0.5, 2.0], [-1.0, 0.0]]))
    (-1.0, 2.0)
    """
    low, high = np.inf, -np.inf
    for _, rows in row_chunks(X):
        if rows.size:
            low, high = min(low, float(rows.min())), max(high, float(rows.max()))
    return low, high


def check_out_of_core(X, input_name="X"):
    """Check an on-disk array as ``check_array`` checks one in memory, chunk by chunk.

    At least 2 dimensions and one sample; a real numeric or boolean dtype; for floating
    dtypes no NaN or infinity (the error names the first sample that holds one).

    Raises
    ------
    ValueError
        Naming ``input_name`` and what is wrong with it.

    Examples
    --------
    >>> import numpy as np
    >>> check_out_of_core(np.array([[0.0, np.nan]]))
    Traceback (most recent call last):
    ...
    ValueError: Input X contains NaN or infinity (first in sample 0); ...
    """
    shape, dtype = tuple(X.shape), np.dtype(X.dtype)
    if len(shape) < 2:
        raise ValueError(
            f"Expected a 2D array or an image stack for {input_name}, got an array of shape "
            f"{shape}."
        )
    if shape[0] < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={shape}) while a minimum of 1 is required "
            f"for {input_name}."
        )
    if dtype.kind not in "biuf":
        raise ValueError(
            f"{input_name} must hold real numbers, got an on-disk array of dtype {dtype}."
        )
    if dtype.kind == "f":
        for start, rows in row_chunks(X):
            finite = np.isfinite(rows.reshape(len(rows), -1)).all(axis=1)
            if not finite.all():
                first = start + int(np.argmin(finite))
                raise ValueError(
                    f"Input {input_name} contains NaN or infinity (first in sample {first}); "
                    "remove or impute those values before fitting."
                )
