"""Reading the user's files: image and factor arrays, saved models, output folders."""

from pathlib import Path

import numpy as np

from .._out_of_core import row_chunks
from ._errors import CommandError

IMAGES_KEYS = ("X", "images", "imgs", "x")


FACTORS_KEYS = ("factors", "y", "latents_classes")


# ------------------------------------------------------------------------------ data
def _load_arrays(path, images_key=None, factors_key=None, factors_path=None):
    """Images (and factors, or None) from a ``.npz``/``.npy`` file, checked."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    factors = None
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                keys = list(archive.keys())
                key = _pick_key(keys, images_key, IMAGES_KEYS, path, "images", "--images-key")
                images = archive[key]
                if factors_path is None:
                    fkey = _pick_key(keys, factors_key, FACTORS_KEYS, path, "factors",
                                     "--factors-key", required=factors_key is not None)
                    factors = None if fkey is None else archive[fkey]
        elif path.suffix == ".npy":
            if images_key or factors_key:
                raise CommandError(f"{path}: a .npy file holds one array; --images-key and "
                                   "--factors-key apply to .npz files")
            # memory-mapped: uint8 images in (n, [C,] H, W) and float32 ones are never
            # read whole (fit and evaluate read them a batch at a time)
            images = np.load(path, mmap_mode="r", allow_pickle=False)
        else:
            raise CommandError(f"{path}: expected a .npz or .npy file, not '{path.suffix}'")
        if factors_path is not None:
            factors_path = Path(factors_path)
            if not factors_path.is_file():
                raise CommandError(f"{factors_path}: no such file")
            factors = np.load(factors_path, allow_pickle=False)
    except CommandError:
        raise
    except (ValueError, OSError, EOFError) as exc:  # corrupt file, pickled objects, ...
        raise CommandError(f"{path}: cannot read the arrays ({exc})") from None
    return _check_images(images, path), _check_factors(factors, len(images), path)


def _pick_key(keys, key, defaults, path, what, option, required=True):
    if key is not None:
        if key not in keys:
            raise CommandError(f"{path} has no array {key!r} (it has {', '.join(keys)})")
        return key
    for candidate in defaults:
        if candidate in keys:
            return candidate
    if what == "images" and len(keys) == 1:
        return keys[0]
    if required and what == "images":
        raise CommandError(
            f"{path} has no images array: expected one of {', '.join(defaults)} (it has "
            f"{', '.join(keys) or 'no arrays'}); name it with {option}"
        )
    return None


def _check_images(images, path):
    if images.dtype == bool:
        images = images.astype(np.uint8) * 255
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise CommandError(f"{path}: the images must be numbers, not {images.dtype}")
    if images.ndim not in (2, 3, 4) or len(images) < 2:
        raise CommandError(
            f"{path}: the images have shape {images.shape}; expected (n, H, W), (n, C, H, W), "
            "(n, H, W, C) or flat rows (n, n_features) with n >= 2"
        )
    if images.ndim == 4 and images.shape[-1] in (1, 3) and images.shape[1] not in (1, 3):
        images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))  # channels last -> first
    if images.dtype != np.uint8:
        if np.issubdtype(images.dtype, np.integer):
            if images.min() < 0 or images.max() > 255:
                raise CommandError(f"{path}: integer images must be in [0, 255]")
            images = images.astype(np.uint8)
        else:
            images = images.astype(np.float32, copy=False)
            if not all(np.isfinite(rows).all() for _, rows in row_chunks(images)):
                raise CommandError(f"{path}: the images contain NaN or infinite values")
    return images


def _check_factors(factors, n_images, path):
    if factors is None:
        return None
    if factors.ndim == 1:
        factors = factors[:, None]
    if factors.ndim != 2 or len(factors) != n_images:
        raise CommandError(
            f"{path}: the factors have shape {factors.shape}; expected ({n_images}, "
            "n_factors), one row per image"
        )
    if not (np.issubdtype(factors.dtype, np.number) or factors.dtype.kind in "USb"):
        raise CommandError(f"{path}: the factors must be numbers or labels")
    return factors


def _check_model_path(path):
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    return path


def _load_model(path, X=None):
    """A model saved by ``sklq fit``/``sklq.save``; checks it fits the samples of ``X``."""
    import sklq

    try:
        model = sklq.load(_check_model_path(path))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    fitted = getattr(model, "sample_shape_", None)
    if X is not None and fitted is not None and X.shape[1:] != tuple(fitted):
        raise CommandError(
            f"the data has samples of shape {X.shape[1:]}, but {path} was fitted on samples "
            f"of shape {tuple(fitted)}"
        )
    return model


def _output_dir(path):
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise CommandError(f"{out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create {out}: {exc.strerror or exc}") from None
    return out
