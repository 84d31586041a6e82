"""Save and load fitted sklq models without executing code on load.

A model file is a zip archive holding

* ``sklq.json``: the format tag and version, the estimator's class name (one of sklq's public
  estimators), its ``get_params()``, its fitted scalar attributes and the training history;
* ``arrays.npz``: its fitted array attributes (read with ``allow_pickle=False``);
* ``module.pt``: the torch module's ``state_dict`` (read with ``torch.load(weights_only=True)``);
* ``training.pt`` (unless saved with ``training_state=False``): what ``warm_start=True``
  continues from, the optimizers' states, step counters and the torch generator's
  state (read the same way). Files without it load too (they cannot be continued).

Loading rebuilds the network with the estimator's own ``_build_module``/``_build_net`` and loads
the weights into it: nothing in the file is ever unpickled.
"""

import io
import json
import zipfile
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from .exceptions import ModelFileError

FORMAT = "sklq-model"
FORMAT_VERSION = 1
_META, _ARRAYS, _WEIGHTS = "sklq.json", "arrays.npz", "module.pt"
_TRAINING = "training.pt"

#: Fitted attributes rebuilt on load rather than stored.
_REBUILT = {"net_", "history_"}


def _registry():
    from . import _ESTIMATORS

    return _ESTIMATORS


# ------------------------------------------------------------------------ JSON values
def _to_json(value, what):
    """``value`` as JSON, tuples and numpy dtypes tagged so they come back as they were."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, tuple):
        return {"__tuple__": [_to_json(v, what) for v in value]}
    if isinstance(value, list):
        return [_to_json(v, what) for v in value]
    if isinstance(value, np.dtype):
        return {"__dtype__": value.str}
    if isinstance(value, type) and issubclass(value, np.generic):
        return {"__dtype__": np.dtype(value).str}
    raise TypeError(
        f"{what}={value!r} ({type(value).__name__}) cannot be saved safely: only numbers, "
        "strings, booleans, None and lists/tuples of them can."
    )


def _from_json(value):
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__tuple__"}:
            return tuple(_from_json(v) for v in value["__tuple__"])
        if set(value) == {"__dtype__"}:
            return np.dtype(value["__dtype__"])
        raise ModelFileError(f"Unexpected value in the model file: {value!r}.")
    return value


# ------------------------------------------------------------------------------ save
def save(estimator, path, *, training_state=True):
    """Save a fitted sklq estimator to a file that :func:`load` reads without running code.

    Parameters
    ----------
    estimator : fitted sklq estimator
        E.g. :class:`~sklq.LatentQuantizedAutoencoder`. Its parameters must be plain values
        (numbers, strings, booleans, None, tuples/lists of them): ``callbacks`` must be None
        (``estimator.set_params(callbacks=None)`` after training) and ``random_state`` an int
        or None.
    path : str, path-like or binary file object
        Where to write (a zip archive; ``.sklq`` is a good extension).
    training_state : bool, default=True
        Also store the optimizer state, step counters and random generator state, so that
        the loaded model continues training with ``warm_start=True`` exactly as the saved
        one would. False writes less than half the bytes (Adam keeps two values per
        weight: the demo's QLAE file is 1.3 MB instead of 3.0 MB).

    Raises
    ------
    TypeError
        For an estimator sklq does not know, or a parameter/attribute that cannot be saved
        safely.
    sklearn.exceptions.NotFittedError
        When the estimator is not fitted.

    See Also
    --------
    load : Read the file back.

    Notes
    -----
    The loaded model transforms, decodes, scores and samples exactly like the saved one;
    ``fit`` trains from scratch unless ``warm_start=True``. pickle and joblib work too, but
    loading a pickle runs code from the file.

    Examples
    --------
    >>> import numpy as np, sklq, tempfile, os
    >>> X = np.random.default_rng(0).random((50, 4)).astype(np.float32)
    >>> qlae = sklq.LatentQuantizedAutoencoder(2, max_epochs=1, random_state=0).fit(X)
    >>> path = os.path.join(tempfile.mkdtemp(), "qlae.sklq")
    >>> sklq.save(qlae, path)
    >>> loaded = sklq.load(path)
    >>> bool(np.array_equal(loaded.transform(X), qlae.transform(X)))
    True
    """
    import torch
    from sklearn.utils.validation import check_is_fitted

    name = type(estimator).__name__
    registry = _registry()
    if name not in registry or type(estimator) is not _estimator_class(name):
        raise TypeError(
            f"sklq.save saves sklq's estimators ({', '.join(sorted(registry))}); got "
            f"{type(estimator).__module__}.{name}. Use pickle or joblib for other objects."
        )
    check_is_fitted(estimator)
    params = estimator.get_params(deep=False)
    if params.get("callbacks"):
        raise TypeError(
            "callbacks cannot be saved safely (they are code). They only matter for training: "
            "call estimator.set_params(callbacks=None) before sklq.save."
        )
    meta_params = {key: _to_json(value, key) for key, value in params.items()}

    attributes, arrays = {}, {}
    output_config = getattr(estimator, "_sklearn_output_config", None)
    if output_config:  # set_output(transform="pandas") survives the round trip
        attributes["_sklearn_output_config"] = {
            str(k): _to_json(v, "set_output") for k, v in output_config.items()
        }
    for key, value in vars(estimator).items():
        if not key.endswith("_") or key.startswith("_") or key in _REBUILT:
            continue
        if isinstance(value, np.ndarray):
            if value.dtype == object:  # e.g. feature_names_in_: strings only
                if not all(isinstance(v, str) for v in value.ravel()):
                    raise TypeError(f"The fitted attribute {key} holds objects other than "
                                    "strings and cannot be saved safely.")
                value = value.astype(str)
                attributes[key] = {"__object_array__": True}
            arrays[key] = value
        else:
            attributes[key] = _to_json(value, key)

    history = getattr(estimator, "history_", None)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sklq_version": _version(),
        "torch_version": torch.__version__,
        "class": name,
        "params": meta_params,
        "attributes": attributes,
        "history": None if history is None else {
            "columns": [str(c) for c in history.columns],
            "data": [[_to_json(v, "history_") for v in row]
                     for row in history.itertuples(index=False)],
        },
    }
    array_bytes = io.BytesIO()
    np.savez(array_bytes, **arrays)
    weights = io.BytesIO()
    state = {k: v.detach().cpu() for k, v in estimator.net_.module_.state_dict().items()}
    torch.save(state, weights)
    training = None
    if training_state and getattr(estimator.net_, "has_training_state_", True):
        training = io.BytesIO()
        torch.save(estimator.net_.training_state(), training)

    if isinstance(path, (str, Path)) or hasattr(path, "__fspath__"):
        path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_META, json.dumps(meta, indent=1))
        archive.writestr(_ARRAYS, array_bytes.getvalue())
        archive.writestr(_WEIGHTS, weights.getvalue())
        if training is not None:
            archive.writestr(_TRAINING, training.getvalue())


def _version():
    from . import __version__

    return __version__


def _estimator_class(name):
    import importlib

    module = importlib.import_module(_registry()[name], "sklq")
    return getattr(module, name)


# ------------------------------------------------------------------------------ load
def _read_archive(path):
    label = getattr(path, "name", path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            missing = {_META, _ARRAYS, _WEIGHTS} - names
            if missing:
                raise ModelFileError(
                    f"{label} is not an sklq model file: it lacks {', '.join(sorted(missing))}."
                )
            return {name: archive.read(name) for name in (_META, _ARRAYS, _WEIGHTS, _TRAINING)
                    if name in names}
    except zipfile.BadZipFile as exc:
        raise ModelFileError(
            f"{label} is not an sklq model file (not a zip archive, or truncated/corrupt): "
            f"{exc}."
        ) from exc
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except (EOFError, zipfile.LargeZipFile, OSError) as exc:
        raise ModelFileError(f"{label} could not be read as an sklq model file: {exc}.") from exc


def load(path, *, device=None):
    """Load an estimator written by :func:`save`, without executing code from the file.

    Parameters
    ----------
    path : str, path-like or binary file object
        A model file written by :func:`save`.
    device : {"cpu", "cuda", "auto"} or None, default=None
        Where to put the network; None keeps the saved estimator's ``device`` parameter.
        Given, it also becomes the loaded estimator's ``device``.

    Returns
    -------
    estimator : fitted sklq estimator
        The same class, parameters and fitted attributes as the saved one; ``transform``,
        ``inverse_transform`` and ``score`` give identical results.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ModelFileError
        (a ``ValueError``) for a file that is not an sklq model file: another format, a
        corrupt or truncated archive, a newer format version, an unknown estimator class or
        weights that do not fit the rebuilt network.

    See Also
    --------
    save : Write the file.
    """
    label = getattr(path, "name", path)
    files = _read_archive(path)  # before importing torch: a wrong file fails fast
    try:
        meta = json.loads(files[_META].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{label}: the model description is not valid JSON: {exc}.") \
            from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{label} is not an sklq model file (format tag missing).")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(
            f"{label} has model format version {version!r}; this sklq ({_version()}) reads "
            f"up to version {FORMAT_VERSION}. Upgrade sklq."
        )
    name = meta.get("class")
    if name not in _registry():
        raise ModelFileError(
            f"{label} holds an estimator of unknown class {name!r}; sklq loads "
            f"{', '.join(sorted(_registry()))}."
        )
    import pandas as pd
    import torch

    from ._base import resolve_device
    from ._training import resolve_precision

    try:
        cls = _estimator_class(name)
        params = {key: _from_json(value) for key, value in meta["params"].items()}
        if device is not None:
            params["device"] = device
        estimator = cls(**params)
        try:
            arrays = dict(np.load(io.BytesIO(files[_ARRAYS]), allow_pickle=False))
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            raise ModelFileError(f"{label}: the fitted arrays cannot be read: {exc}.") from exc
        for key, value in meta["attributes"].items():
            if key != "_sklearn_output_config" and not (
                key.isidentifier() and key.endswith("_") and not key.startswith("_")
                and key not in _REBUILT
            ):
                raise ModelFileError(f"{label}: {key!r} is not a fitted attribute.")
            if isinstance(value, dict) and value.get("__object_array__"):
                setattr(estimator, key, arrays.pop(key).astype(object))
            elif key == "_sklearn_output_config":
                estimator._sklearn_output_config = {k: _from_json(v) for k, v in value.items()}
            else:
                setattr(estimator, key, _from_json(value))
        for key, value in arrays.items():
            if not (key.isidentifier() and key.endswith("_") and not key.startswith("_")):
                raise ModelFileError(f"{label}: {key!r} is not a fitted attribute.")
            setattr(estimator, key, value)
        if meta.get("history") is not None:
            history = meta["history"]
            estimator.history_ = pd.DataFrame(history["data"], columns=history["columns"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise ModelFileError(f"{label}: the model description is incomplete: {exc!r}.") from exc

    try:
        state = torch.load(io.BytesIO(files[_WEIGHTS]), weights_only=True, map_location="cpu")
    except Exception as exc:  # torch raises several types for a bad or unsafe file
        raise ModelFileError(f"{label}: the network weights cannot be read: {exc}.") from exc

    target = resolve_device(estimator.device)
    estimator.precision_ = resolve_precision(estimator.precision, target)
    with torch.random.fork_rng(devices=[]):  # building initialises weights: keep RNG intact
        net = estimator._build_net(estimator._build_module(), target)
        net.initialize()
    try:
        net.module_.load_state_dict(state)
    except (RuntimeError, TypeError, AttributeError) as exc:
        raise ModelFileError(
            f"{label}: the saved weights do not fit the rebuilt {name} network: {exc}"
        ) from exc
    net.module_.to(target)
    if getattr(estimator, "history_", None) is not None:
        from skorch.history import History

        net.history = History(estimator.history_.to_dict(orient="records"))
    net.fitted_params_ = estimator.get_params(deep=False)
    net.has_training_state_ = _TRAINING in files
    if net.has_training_state_:
        try:
            training = torch.load(io.BytesIO(files[_TRAINING]), weights_only=True,
                                  map_location=target)
            net.load_training_state(training)
        except Exception as exc:  # a bad file, or a state that does not fit the optimizers
            raise ModelFileError(
                f"{label}: the training state cannot be restored: {exc}"
            ) from exc
    estimator.net_ = net
    return estimator
