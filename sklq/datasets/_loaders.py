"""Loaders for the public benchmark files: dSprites, Shapes3D and MPI3D (numpy; h5py lazily)."""

import os
import zipfile
from pathlib import Path

import numpy as np

from .._checks import check_generator, check_int
from ._base import _check_dtype

DSPRITES_FACTOR_NAMES = ("shape", "scale", "orientation", "position_x", "position_y")
DSPRITES_FACTOR_SIZES = (3, 6, 40, 32, 32)
SHAPES3D_FACTOR_NAMES = (
    "floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation"
)  # fmt: skip
SHAPES3D_FACTOR_SIZES = (10, 10, 10, 8, 4, 15)
#: The factor values of Shapes3D's ``labels``, used to turn a partial file's values into
#: indices (a file holding every value of a factor is indexed by the rank of its values).
SHAPES3D_FACTOR_VALUES = (
    np.arange(10) / 10,
    np.arange(10) / 10,
    np.arange(10) / 10,
    np.linspace(0.75, 1.25, 8),
    np.arange(4.0),
    np.linspace(-30.0, 30.0, 15),
)
MPI3D_FACTOR_NAMES = (
    "object_color",
    "object_shape",
    "object_size",
    "camera_height",
    "background_color",
    "horizontal_axis",
    "vertical_axis",
)
#: Factor grid of each MPI3D variant; the images are stored in C order on it.
MPI3D_FACTOR_SIZES = {
    "toy": (6, 6, 2, 3, 3, 40, 40),
    "realistic": (6, 6, 2, 3, 3, 40, 40),
    "real": (6, 6, 2, 3, 3, 40, 40),
    "complex": (4, 4, 2, 3, 3, 40, 40),
}
_CHUNK = 4096  # images converted at a time


def _check_path(path, what, fetcher):
    path = Path(os.fspath(path)).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"No {what} file at {str(path)!r}. Download it with sklq.datasets.{fetcher}() "
            f"or pass the path of your copy."
        )
    return path


def _corrupt(path, what, err):
    return ValueError(
        f"{str(path)!r} is not a readable {what} file (truncated or corrupt?): "
        f"{type(err).__name__}: {err}"
    )


def _read_npy_header(file):
    """Shape, Fortran order and dtype of the ``.npy`` array starting at ``file``'s position."""
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(file)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(file)
    return None


def _npz_member(path, name, what, *, mmap):
    """Array ``name`` of an ``.npz`` file and the names of all its arrays.

    The array is memory-mapped when it is stored uncompressed and ``mmap`` is True;
    otherwise it is read into memory. ``None`` when the file has no such array.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = [member.removesuffix(".npy") for member in archive.namelist()]
            if name not in names:
                return None, names
            info = archive.getinfo(f"{name}.npy")
            stored = info.compress_type == zipfile.ZIP_STORED
        if mmap and stored:
            with open(path, "rb") as file:
                file.seek(info.header_offset)
                local = file.read(30)
                if local[:4] != b"PK\x03\x04":
                    raise ValueError(f"bad zip header of array {name!r}")
                start = info.header_offset + 30
                start += int.from_bytes(local[26:28], "little")
                start += int.from_bytes(local[28:30], "little")
                file.seek(start)
                header = _read_npy_header(file)
                offset = file.tell()
            if header is not None:
                shape, fortran, dtype = header
                if dtype.hasobject:
                    raise ValueError(f"array {name!r} holds Python objects")
                end = offset + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
                if end > os.path.getsize(path):
                    raise ValueError(f"array {name!r} extends past the end of the file")
                order = "F" if fortran else "C"
                array = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape,
                                  order=order)  # fmt: skip
                return array, names
        with np.load(path, allow_pickle=False) as data:
            return data[name], names
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as err:
        raise _corrupt(path, what, err) from err


def _require(path, what, names, missing):
    raise ValueError(
        f"{str(path)!r} is not a {what} file: it has no array {missing!r} "
        f"(arrays found: {', '.join(names) or 'none'})."
    )


def _select(n_total, n_samples, random_state):
    n_samples = check_int(n_samples, "n_samples", low=1, high=n_total, allow_none=True)
    if n_samples is None:
        return None
    rng = check_generator(random_state)
    return np.asarray(rng.choice(n_total, size=n_samples, replace=False), dtype=np.int64)


def _to_nchw(images, index, dtype, *, scale, channels_first=False):
    """Copy ``images[index]`` (``(N, H, W)`` or ``(N, H, W, C)``, or ``(N, C, H, W)`` with
    ``channels_first``) into an ``(n, C, H, W)`` array (all images when ``index`` is None).

    Works chunk by chunk, so only the output (plus one chunk) is held in memory.
    """
    n = images.shape[0] if index is None else len(index)
    if channels_first:
        shape = (n, *images.shape[1:])
    elif images.ndim == 3:
        shape = (n, 1, *images.shape[1:])
    else:
        shape = (n, images.shape[3], *images.shape[1:3])
    out = np.empty(shape, dtype=dtype)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        if index is None:
            block = np.asarray(images[start:stop])
        else:
            chunk = index[start:stop]
            order = np.argsort(chunk)  # read rows in increasing order (h5py needs it)
            block = np.empty((stop - start, *images.shape[1:]), dtype=images.dtype)
            block[order] = images[chunk[order]]
        if not channels_first:
            block = block[:, None] if block.ndim == 3 else block.transpose(0, 3, 1, 2)
        if scale != 1 and block.size and block.max() > 1:
            raise ValueError(f"binary images must hold 0 and 1 only, found {block.max()}.")
        if dtype == np.uint8:
            out[start:stop] = block if scale == 1 else block * np.uint8(scale)
        else:
            np.multiply(block, np.float32(scale / 255), out=out[start:stop], casting="unsafe")
    return out


def load_dsprites(path, *, dtype="uint8", n_samples=None, random_state=None, return_info=False):
    """Load the dSprites file (``dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz``).

    dSprites (Matthey et al., 2017) holds 737,280 binary 64 x 64 images of one white
    sprite on black, every combination of its factors exactly once. The constant
    colour factor is dropped: five factors remain, as in :class:`Sprites`.

    Parameters
    ----------
    path : str or path-like
        The official ``.npz`` file, with arrays ``imgs`` ``(N, 64, 64)`` (0/1),
        ``latents_classes`` and ``latents_values`` ``(N, 6)``. Its ``metadata``
        (a pickle) is never read.
    dtype : {"uint8", "float32"}, default="uint8"
        ``uint8`` images are 0 or 255, ``float32`` images 0 or 1. The whole file is
        3.0 GB as ``uint8`` and 12 GB as ``float32``; the ``.npz`` is compressed, so the
        whole of ``imgs`` is decompressed (3.0 GB) even when ``n_samples`` is small.
    n_samples : int or None, default=None
        Number of images drawn uniformly without replacement; ``None`` loads all, in
        the file's order.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        Seed of the sample.
    return_info : bool, default=False
        Also return a dict with ``factor_names``, ``factor_sizes`` and ``values``
        (the factor values of each image, ``(n, 5)`` float64).

    Returns
    -------
    X : ndarray of shape (n, 1, 64, 64)
        The images.
    factors : ndarray of shape (n, 5), dtype int64
        Factor indices: shape, scale, orientation, position_x, position_y.
    info : dict
        Only when ``return_info`` is True.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If the file is truncated or corrupt, lacks an array, or its arrays have the
        wrong shapes or values.

    See Also
    --------
    fetch_dsprites : Download the file, then load it.
    make_sprites : The same factor grid, generated in memory.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklq.datasets import load_dsprites
    >>> classes = np.array([[0, 0, 0, 0, 0, 0], [0, 2, 5, 39, 31, 31]])
    >>> path = os.path.join(tempfile.mkdtemp(), "dsprites.npz")
    >>> np.savez(path, imgs=np.ones((2, 64, 64), np.uint8), latents_classes=classes,
    ...          latents_values=classes.astype(float))
    >>> X, factors = load_dsprites(path)
    >>> X.shape, int(X.max()), factors[1].tolist()
    ((2, 1, 64, 64), 255, [2, 5, 39, 31, 31])
    """
    dtype = _check_dtype(dtype)
    path = _check_path(path, "dSprites", "fetch_dsprites")
    what = "dSprites .npz"
    arrays = {}
    for name in ("imgs", "latents_classes", "latents_values"):
        arrays[name], names = _npz_member(path, name, what, mmap=True)
        if arrays[name] is None:
            _require(path, what, names, name)
    images, classes, values = arrays["imgs"], arrays["latents_classes"], arrays["latents_values"]
    n_total = images.shape[0]
    if images.ndim != 3 or images.shape[1:] != (64, 64) or images.dtype != np.uint8:
        raise ValueError(
            f"dSprites 'imgs' must be uint8 of shape (N, 64, 64), got {images.dtype} "
            f"of shape {images.shape}."
        )
    for name, array in (("latents_classes", classes), ("latents_values", values)):
        if array.shape != (n_total, 6):
            raise ValueError(
                f"dSprites {name!r} must have shape ({n_total}, 6), got {array.shape}."
            )
    classes = np.asarray(classes)[:, 1:].astype(np.int64)
    too_big = (classes < 0) | (classes >= np.array(DSPRITES_FACTOR_SIZES))
    if too_big.any():
        j = int(np.argmax(too_big.any(axis=0)))
        raise ValueError(
            f"dSprites 'latents_classes' column {j + 1} ({DSPRITES_FACTOR_NAMES[j]}) must lie "
            f"in [0, {DSPRITES_FACTOR_SIZES[j] - 1}]."
        )
    index = _select(n_total, n_samples, random_state)
    X = _to_nchw(images, index, dtype, scale=255)
    factors = classes if index is None else classes[index]
    if not return_info:
        return X, factors
    values = np.asarray(values)[:, 1:].astype(np.float64)
    info = {
        "factor_names": DSPRITES_FACTOR_NAMES,
        "factor_sizes": DSPRITES_FACTOR_SIZES,
        "values": values if index is None else values[index],
    }
    return X, factors, info


def _values_to_indices(values, grid, name):
    """Indices of factor values: their rank if all values are present, else the grid's."""
    unique = np.unique(values)
    if len(unique) == len(grid):
        return np.searchsorted(unique, values).astype(np.int64)
    nearest = np.abs(values[:, None] - grid[None, :]).argmin(axis=1)
    tolerance = 1e-3 * (grid.max() - grid.min())
    if np.any(np.abs(grid[nearest] - values) > tolerance):
        raise ValueError(
            f"Shapes3D 'labels' column {name!r} has values not on its grid "
            f"({np.round(grid, 4).tolist()}) and not all {len(grid)} of its values."
        )
    return nearest.astype(np.int64)


def load_shapes3d(path, *, dtype="uint8", n_samples=None, random_state=None, return_info=False):
    """Load the Shapes3D file (``3dshapes.h5``).

    3D Shapes (Burgess & Kim, 2018) holds 480,000 RGB 64 x 64 images of an object on
    a floor before a wall. Its ``labels`` are factor *values*; they are turned into
    indices (the rank of each value among the factor's values).

    Parameters
    ----------
    path : str or path-like
        The official HDF5 file with datasets ``images`` ``(N, 64, 64, 3)`` uint8 and
        ``labels`` ``(N, 6)`` float64. Reading it needs ``h5py``.
    dtype : {"uint8", "float32"}, default="uint8"
        ``uint8`` images in [0, 255], ``float32`` in [0, 1]. The whole file is 5.9 GB
        as ``uint8`` and 23.6 GB as ``float32``; only the requested images are read
        (chunk by chunk), so a sample needs little memory.
    n_samples : int or None, default=None
        Number of images drawn uniformly without replacement; ``None`` loads all.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        Seed of the sample.
    return_info : bool, default=False
        Also return a dict with ``factor_names``, ``factor_sizes`` and ``values``
        (the labels of each image, ``(n, 6)`` float64).

    Returns
    -------
    X : ndarray of shape (n, 3, 64, 64)
        The images.
    factors : ndarray of shape (n, 6), dtype int64
        Factor indices: floor_hue, wall_hue, object_hue, scale, shape, orientation.
    info : dict
        Only when ``return_info`` is True.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ImportError
        If h5py is not installed.
    ValueError
        If the file is not a readable HDF5 file, lacks a dataset or has wrong shapes.

    See Also
    --------
    fetch_shapes3d : Download the file, then load it.
    make_scenes : The same factor grid, generated in memory.

    Examples
    --------
    >>> import numpy as np, tempfile, os, h5py
    >>> from sklq.datasets import load_shapes3d
    >>> path = os.path.join(tempfile.mkdtemp(), "3dshapes.h5")
    >>> with h5py.File(path, "w") as file:
    ...     _ = file.create_dataset("images", data=np.zeros((2, 64, 64, 3), np.uint8))
    ...     _ = file.create_dataset("labels", data=[[0, 0, 0, 0.75, 0, -30],
    ...                                             [0.9, 0.1, 0.2, 1.25, 3, 30]])
    >>> X, factors = load_shapes3d(path)
    >>> X.shape, factors.tolist()
    ((2, 3, 64, 64), [[0, 0, 0, 0, 0, 0], [9, 1, 2, 7, 3, 14]])
    """
    dtype = _check_dtype(dtype)
    path = _check_path(path, "Shapes3D", "fetch_shapes3d")
    try:
        import h5py
    except ImportError as err:  # pragma: no cover - h5py is installed in the test extras
        raise ImportError("load_shapes3d needs h5py: pip install h5py (or sklq[hdf5]).") from err
    what = "Shapes3D .h5"
    try:
        file = h5py.File(path, "r")
    except OSError as err:
        raise _corrupt(path, what, err) from err
    with file:
        for name in ("images", "labels"):
            if name not in file:
                _require(path, what, list(file.keys()), name)
        images, labels = file["images"], file["labels"]
        n_total = images.shape[0]
        if images.ndim != 4 or images.shape[1:] != (64, 64, 3) or images.dtype != np.uint8:
            raise ValueError(
                f"Shapes3D 'images' must be uint8 of shape (N, 64, 64, 3), got "
                f"{images.dtype} of shape {images.shape}."
            )
        if labels.shape != (n_total, 6):
            raise ValueError(
                f"Shapes3D 'labels' must have shape ({n_total}, 6), got {labels.shape}."
            )
        try:
            values = np.asarray(labels[...], dtype=np.float64)
            factors = np.stack(
                [
                    _values_to_indices(values[:, j], grid, name)
                    for j, (grid, name) in enumerate(
                        zip(SHAPES3D_FACTOR_VALUES, SHAPES3D_FACTOR_NAMES, strict=True)
                    )
                ],
                axis=1,
            )
            index = _select(n_total, n_samples, random_state)
            X = _to_nchw(images, index, dtype, scale=1)
        except OSError as err:
            raise _corrupt(path, what, err) from err
    if index is not None:
        factors, values = factors[index], values[index]
    if not return_info:
        return X, factors
    info = {
        "factor_names": SHAPES3D_FACTOR_NAMES,
        "factor_sizes": SHAPES3D_FACTOR_SIZES,
        "values": values,
    }
    return X, factors, info


def load_mpi3d(
    path, variant="toy", *, dtype="uint8", n_samples=None, random_state=None, return_info=False
):
    """Load an MPI3D file (``mpi3d_toy.npz``, ``mpi3d_realistic.npz``, ``mpi3d_real.npz``...).

    MPI3D (Gondal et al., 2019) photographs or renders a robot arm holding an object:
    1,036,800 RGB 64 x 64 images (``complex``: 460,800), every combination of seven
    factors exactly once in C order, so the factors are implied by the image's index.

    Parameters
    ----------
    path : str or path-like
        The official ``.npz`` file with one array ``images`` ``(N, 64, 64, 3)`` uint8.
        When it is stored uncompressed (as the official files are) it is
        memory-mapped: only the requested images are read.
    variant : {"toy", "realistic", "real", "complex"}, default="toy"
        Which MPI3D; ``complex`` has 4 colours and 4 shapes, the others 6 and 6.
    dtype : {"uint8", "float32"}, default="uint8"
        ``uint8`` images in [0, 255], ``float32`` in [0, 1]. The whole of ``toy`` is
        12.7 GB as ``uint8`` (51 GB as ``float32``): use ``n_samples`` for a sample.
    n_samples : int or None, default=None
        Number of images drawn uniformly without replacement; ``None`` loads all.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None
        Seed of the sample.
    return_info : bool, default=False
        Also return a dict with ``factor_names`` and ``factor_sizes``.

    Returns
    -------
    X : ndarray of shape (n, 3, 64, 64)
        The images.
    factors : ndarray of shape (n, 7), dtype int64
        Factor indices: object_color, object_shape, object_size, camera_height,
        background_color, horizontal_axis, vertical_axis.
    info : dict
        Only when ``return_info`` is True.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If ``variant`` is unknown, or the file is truncated, corrupt, lacks ``images``
        or does not hold the variant's full grid.

    See Also
    --------
    fetch_mpi3d : Download the file, then load it.

    Examples
    --------
    >>> from sklq.datasets import load_mpi3d
    >>> load_mpi3d("missing.npz")
    Traceback (most recent call last):
    ...
    FileNotFoundError: No MPI3D file at 'missing.npz'. ...
    """
    if variant not in MPI3D_FACTOR_SIZES:
        raise ValueError(f"variant must be one of {tuple(MPI3D_FACTOR_SIZES)}, got {variant!r}.")
    dtype = _check_dtype(dtype)
    path = _check_path(path, "MPI3D", "fetch_mpi3d")
    what = "MPI3D .npz"
    images, names = _npz_member(path, "images", what, mmap=True)
    if images is None:
        _require(path, what, names, "images")
    sizes = MPI3D_FACTOR_SIZES[variant]
    n_total = int(np.prod(sizes))
    if images.shape != (n_total, 64, 64, 3) or images.dtype != np.uint8:
        raise ValueError(
            f"MPI3D-{variant} 'images' must be uint8 of shape ({n_total}, 64, 64, 3) (its "
            f"full factor grid {sizes}), got {images.dtype} of shape {images.shape}."
        )
    index = _select(n_total, n_samples, random_state)
    X = _to_nchw(images, index, dtype, scale=1)
    rows = np.arange(n_total, dtype=np.int64) if index is None else index
    factors = np.stack(np.unravel_index(rows, sizes), axis=1).astype(np.int64)
    if not return_info:
        return X, factors
    return X, factors, {"factor_names": MPI3D_FACTOR_NAMES, "factor_sizes": sizes}
