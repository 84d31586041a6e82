"""Falcor3D and Isaac3D (Nie et al., 2020): folders of PNG images with a label array.

Decoding hundreds of thousands of PNGs takes tens of minutes, so the first load converts the
folder once into a memory-mappable ``.npy`` cache (``sklq-cache/`` beside the data by
default): decoded in parallel threads, written chunk by chunk into a ``.partial`` file whose
progress is recorded after every chunk, so an interrupted conversion resumes where it
stopped; renamed into place (atomically) when complete. Later loads read the cache.
Decoding needs Pillow (``pip install Pillow`` or ``sklq[png]``).
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._docstrings import fill_doc
from ._base import _check_dtype
from ._loaders import _select, _to_nchw
from ._progress import Progress

FALCOR3D_FACTOR_NAMES = (
    "lighting_intensity", "lighting_x", "lighting_y", "lighting_z",
    "camera_x", "camera_y", "camera_z",
)  # fmt: skip
FALCOR3D_FACTOR_SIZES = (5, 6, 6, 6, 6, 6, 6)
ISAAC3D_FACTOR_NAMES = (
    "object_shape", "robot_x", "robot_y", "camera_height", "object_scale",
    "lighting_intensity", "lighting_y", "object_color", "wall_color",
)  # fmt: skip
ISAAC3D_FACTOR_SIZES = (3, 8, 5, 4, 4, 4, 6, 4, 4)
IMAGE_SIZES = (64, 128)
#: Images decoded and written between two progress records of a conversion.
CONVERT_CHUNK = 2048
CACHE_FOLDER = "sklq-cache"


@dataclass(frozen=True)
class PNGFolder:
    """How one dataset's folder is laid out, and its factors."""

    name: str
    folder: str  #: the folder name the authors' archive unpacks to
    labels: str  #: the label array's file name inside it (a ``.npy`` file, whatever its name)
    factor_names: tuple
    factor_sizes: tuple


FALCOR3D = PNGFolder("Falcor3D", "Falcor3D_down128", "train-rec.labels",
                     FALCOR3D_FACTOR_NAMES, FALCOR3D_FACTOR_SIZES)
ISAAC3D = PNGFolder("Isaac3D", "Isaac3D_down128", "labels.npy",
                    ISAAC3D_FACTOR_NAMES, ISAAC3D_FACTOR_SIZES)


# ----------------------------------------------------------------------------- labels
def _read_labels(spec, path):
    """The label array ``(n, n_factors)`` float64 and the factor indices (rank of each value
    among the column's values)."""
    file = path / spec.labels
    if not file.is_file():
        raise FileNotFoundError(
            f"No {spec.name} label file at {str(file)!r}: `path` must be the "
            f"{spec.folder} folder, holding {spec.labels} and images/."
        )
    try:
        values = np.load(file, allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise ValueError(
            f"{str(file)!r} is not a readable {spec.name} label array (a NumPy .npy file; "
            f"truncated or corrupt?): {type(err).__name__}: {err}"
        ) from err
    n_factors = len(spec.factor_names)
    if values.ndim != 2 or values.shape[1] != n_factors or len(values) == 0:
        raise ValueError(
            f"{str(file)!r} must hold an array of shape (n_images, {n_factors}), one row of "
            f"factor values per image; got shape {values.shape}."
        )
    if values.dtype.kind not in "biuf" or not np.isfinite(values).all():
        raise ValueError(f"{str(file)!r} must hold finite numbers, got dtype {values.dtype}"
                         " or non-finite values.")
    values = values.astype(np.float64)
    factors = np.empty(values.shape, dtype=np.int64)
    for j, (name, size) in enumerate(zip(spec.factor_names, spec.factor_sizes, strict=True)):
        unique, factors[:, j] = np.unique(values[:, j], return_inverse=True)
        if len(unique) > size:
            raise ValueError(
                f"{str(file)!r} column {j} ({name}) has {len(unique)} distinct values; "
                f"{spec.name}'s {name} has {size}. Is this the {spec.name} label file?"
            )
    return values, factors


# ----------------------------------------------------------------------------- images
def _image_file(path, index):
    return path / "images" / f"{index:06d}.png"


def _decode(file, image_size):
    """One PNG as a ``(3, image_size, image_size)`` uint8 array (bicubic, antialiased)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            image = image.convert("RGB")
    except FileNotFoundError:
        raise FileNotFoundError(f"Image {str(file)!r} is missing: the label file lists "
                                "more images than the images/ folder holds.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise ValueError(f"{str(file)!r} is not a readable PNG image (truncated or "
                         f"corrupt?): {type(err).__name__}: {err}") from err
    if image.width != image.height:
        raise ValueError(f"{str(file)!r} is {image.width} x {image.height} pixels; the "
                         "images must be square.")
    if image.size != (image_size, image_size):
        # Pillow widens the filter when it shrinks an image: bicubic with antialiasing, as
        # the paper resizes; uint8 output is clipped to [0, 255].
        image = image.resize((image_size, image_size), Image.Resampling.BICUBIC)
    return np.asarray(image, dtype=np.uint8).transpose(2, 0, 1)


def _decode_many(path, indices, image_size, pool):
    return np.stack(list(pool.map(lambda i: _decode(_image_file(path, i), image_size), indices)))


def _require_pillow(spec):
    try:
        import PIL  # noqa: F401
    except ImportError as err:  # pragma: no cover - Pillow comes with the plot extra
        raise ImportError(f"load_{spec.name.lower()} decodes PNG images with Pillow: pip "
                          "install Pillow (or sklq[png]).") from err


# ------------------------------------------------------------------------------ cache
def _signature(path, spec, n_images, image_size):
    """What a cache was made from: a cache with another signature is stale."""
    stat = (path / spec.labels).stat()
    return {"dataset": spec.name, "n_images": int(n_images), "image_size": int(image_size),
            "labels_bytes": stat.st_size, "labels_mtime_ns": stat.st_mtime_ns}


def _write_json(file, content):
    partial = file.with_name(file.name + ".tmp")
    partial.write_text(json.dumps(content))
    os.replace(partial, file)


def _read_json(file):
    try:
        return json.loads(file.read_text())
    except (OSError, ValueError):
        return None


def _cached_images(spec, path, cache_dir, n_images, image_size, n_jobs, progress):
    """The read-only memory map of the converted images, converting (or resuming) first."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = cache_dir / f"images_{image_size}.npy"
    meta_file = cache_dir / f"images_{image_size}.json"
    partial = cache_dir / f"images_{image_size}.npy.partial"
    progress_file = cache_dir / f"images_{image_size}.progress.json"
    signature = _signature(path, spec, n_images, image_size)
    shape = (n_images, 3, image_size, image_size)
    if final.is_file() and _read_json(meta_file) == signature:
        return _open_cache(final, shape)
    record = _read_json(progress_file)
    done = 0
    if partial.is_file() and record and record.get("signature") == signature:
        try:  # resume; a damaged partial file is simply converted again
            images = np.lib.format.open_memmap(partial, mode="r+")
        except (ValueError, OSError):
            images = None
        if images is not None and images.shape == shape and images.dtype == np.uint8:
            done = int(record.get("done", 0))
        else:
            images = None
    if done == 0:
        images = np.lib.format.open_memmap(partial, mode="w+", dtype=np.uint8, shape=shape)
    bar = Progress(f"{spec.name} into {final}", n_images, progress, verb="Converting",
                   unit="images")
    with ThreadPoolExecutor(max_workers=n_jobs or os.cpu_count() or 1) as pool:
        for start in range(done, n_images, CONVERT_CHUNK):
            stop = min(start + CONVERT_CHUNK, n_images)
            images[start:stop] = _decode_many(path, range(start, stop), image_size, pool)
            images.flush()
            _write_json(progress_file, {"signature": signature, "done": stop})
            bar.update(stop)
    bar.update(n_images, final=True)
    del images
    os.replace(partial, final)
    _write_json(meta_file, signature)
    progress_file.unlink(missing_ok=True)
    return _open_cache(final, shape)


def _open_cache(file, shape):
    try:
        images = np.load(file, mmap_mode="r")
    except (ValueError, OSError) as err:
        raise ValueError(f"The image cache {str(file)!r} is unreadable ({err}); delete it to "
                         "convert the images again.") from err
    if images.shape != shape or images.dtype != np.uint8:
        raise ValueError(f"The image cache {str(file)!r} holds {images.dtype} of shape "
                         f"{images.shape}, not uint8 of shape {shape}; delete it to convert "
                         "the images again.")
    return images


# ----------------------------------------------------------------------------- loader
def _load(spec, path, *, image_size, dtype, n_samples, random_state, return_info, cache,
          mmap_mode, n_jobs, progress):
    dtype = _check_dtype(dtype)
    if image_size not in IMAGE_SIZES:
        raise ValueError(f"image_size must be one of {IMAGE_SIZES}, got {image_size!r}.")
    if mmap_mode not in ("r", None):
        raise ValueError(f"mmap_mode must be 'r' or None, got {mmap_mode!r}.")
    path = Path(os.fspath(path)).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(f"No {spec.name} folder at {str(path)!r}: pass the "
                                f"{spec.folder} folder (holding {spec.labels} and images/).")
    values, factors = _read_labels(spec, path)
    n_images = len(values)
    for index in sorted({0, n_images - 1}):  # fail fast on an incomplete folder
        if not _image_file(path, index).is_file():
            raise FileNotFoundError(
                f"Image {str(_image_file(path, index))!r} is missing: {spec.labels} lists "
                f"{n_images:,} images, images/000000.png to images/{n_images - 1:06d}.png."
            )
    _require_pillow(spec)
    index = _select(n_images, n_samples, random_state)
    if cache is False:
        rows = range(n_images) if index is None else index
        with ThreadPoolExecutor(max_workers=n_jobs or os.cpu_count() or 1) as pool:
            X = _decode_many(path, rows, image_size, pool)
        if dtype != np.uint8:
            X = X.astype(np.float32) / np.float32(255)
    else:
        cache_dir = path / CACHE_FOLDER if cache is True else Path(os.fspath(cache))
        images = _cached_images(spec, path, cache_dir, n_images, image_size, n_jobs, progress)
        if index is None and dtype == np.uint8 and mmap_mode == "r":
            X = images
        else:
            X = _to_nchw(images, index, dtype, scale=1, channels_first=True)
    if index is not None:
        factors, values = factors[index], values[index]
    if not return_info:
        return X, factors
    return X, factors, {"factor_names": spec.factor_names, "factor_sizes": spec.factor_sizes,
                        "values": values}


@fill_doc(folder="Falcor3D_down128", labels="train-rec.labels",
          n_images="233,280", n_factors=7,
          factor_list="lighting_intensity, lighting_x, lighting_y, lighting_z, camera_x, "
                      "camera_y, camera_z")
def load_falcor3d(path, *, image_size=64, dtype="uint8", n_samples=None, random_state=None,
                  return_info=False, cache=True, mmap_mode="r", n_jobs=None, progress=True):
    """Load Falcor3D: 233,280 rendered indoor scenes under varied lighting and camera.

    Seven factors: lighting intensity (5 values), lighting x, y, z and camera x, y, z (6
    each), as in the paper's Falcor3D benchmark (Nie et al., 2020).

    Parameters
    ----------
    {png_folder_parameters}

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from PIL import Image
    >>> from sklq.datasets import load_falcor3d
    >>> folder = os.path.join(tempfile.mkdtemp(), "Falcor3D_down128")
    >>> os.makedirs(os.path.join(folder, "images"))
    >>> labels = np.zeros((3, 7)); labels[:, 0] = [0.2, 0.4, 0.2]
    >>> np.save(os.path.join(folder, "train-rec.labels"), labels)  # np.save adds .npy
    >>> os.rename(os.path.join(folder, "train-rec.labels.npy"),
    ...           os.path.join(folder, "train-rec.labels"))
    >>> for i in range(3):
    ...     Image.new("RGB", (128, 128), (40 * i, 0, 0)).save(
    ...         os.path.join(folder, "images", f"{i:06d}.png"))
    >>> X, factors = load_falcor3d(folder, progress=False)
    >>> X.shape, X.dtype, factors[:, 0].tolist()
    ((3, 3, 64, 64), dtype('uint8'), [0, 1, 0])
    """
    return _load(FALCOR3D, path, image_size=image_size, dtype=dtype, n_samples=n_samples,
                 random_state=random_state, return_info=return_info, cache=cache,
                 mmap_mode=mmap_mode, n_jobs=n_jobs, progress=progress)


@fill_doc(folder="Isaac3D_down128", labels="labels.npy", n_images="737,280",
          n_factors=9,
          factor_list="object_shape, robot_x, robot_y, camera_height, object_scale, "
                      "lighting_intensity, lighting_y, object_color, wall_color")
def load_isaac3d(path, *, image_size=64, dtype="uint8", n_samples=None, random_state=None,
                 return_info=False, cache=True, mmap_mode="r", n_jobs=None, progress=True):
    """Load Isaac3D: 737,280 rendered images of a robot arm with an object.

    Nine factors: object shape (3 values), robot x (8), robot y (5), camera height (4),
    object scale (4), lighting intensity (4), lighting y (6), object colour (4), wall
    colour (4), as in the paper's Isaac3D benchmark (Nie et al., 2020). The whole set is
    9.1 GB as uint8 at 64 x 64 (36 GB at 128): the default returns the cache's memory map.

    Parameters
    ----------
    {png_folder_parameters}

    See Also
    --------
    load_falcor3d : The same for Falcor3D (its example builds a small folder).

    Examples
    --------
    >>> from sklq.datasets import load_isaac3d
    >>> load_isaac3d("nowhere/Isaac3D_down128")
    Traceback (most recent call last):
    ...
    FileNotFoundError: No Isaac3D folder at 'nowhere/Isaac3D_down128': pass the ...
    """
    return _load(ISAAC3D, path, image_size=image_size, dtype=dtype, n_samples=n_samples,
                 random_state=random_state, return_info=return_info, cache=cache,
                 mmap_mode=mmap_mode, n_jobs=n_jobs, progress=progress)
