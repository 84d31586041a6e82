"""The scikit-learn contract shared by every sklq model.

:class:`BaseLatentModel` validates data and hyper-parameters, resolves the random state and
the device, builds a private skorch net in ``fit`` (template method: subclasses say how to
build the torch module and which loss terms it has) and implements ``encode``,
``transform``, ``inverse_transform`` and ``score`` on top of it.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from scipy import sparse
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._checks import check_seed
from ._nn import CONV_LAYOUTS, WEIGHT_INITS, check_image_shape, initialize_weights_
from ._out_of_core import check_out_of_core, is_out_of_core
from ._training import (
    PRECISIONS,
    ArrayDataset,
    concat_batches,
    history_frame,
    no_decay_param_groups,
    resolve_precision,
)

#: dtypes kept as they are; anything else is converted to the first (float32).
_INPUT_DTYPES = (np.float32, np.uint8)


def resolve_device(device):
    """``"cpu"``, ``"cuda"`` or ``"auto"`` (CUDA when available) as a torch device string."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "device='cuda' was requested but CUDA is not available; use 'cpu' or 'auto'."
        )
    return device


def _image_shape(shape, name):
    """Normalise ``(H, W)`` to ``(1, H, W)``; ``(C, H, W)`` is returned as it is."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 2:
        shape = (1, *shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(
            f"{name}={shape} is not an image shape: expected (H, W) or (C, H, W) with "
            "positive sizes."
        )
    return shape


def _cuda_devices(device):
    """The CUDA devices whose generators ``torch.random.fork_rng`` must keep intact."""
    device = str(device)
    return [torch.device(device).index or 0] if device.startswith("cuda") else []


def _same_value(a, b):
    """Whether two parameter values are the same (numbers, strings, tuples, objects)."""
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


class BaseLatentModel(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Base class of sklq's models. Not for direct use.

    Subclasses implement :meth:`_build_module` (the torch module for an input shape),
    :meth:`_build_net` (the skorch net around it) and list in ``_ENCODE_FIELDS`` the
    outputs ``encode`` offers (fields of the latent module's output), and may extend
    ``_parameter_constraints``.
    """

    _parameter_constraints: dict = {
        "n_latents": [Interval(Integral, 1, None, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "grad_clip_value": [Interval(Real, 0, None, closed="neither"), None],
        "architecture": [StrOptions({"auto", "mlp", "conv"})],
        "input_shape": [tuple, list, None],
        "network_size": [StrOptions({"cpu", "image_small", "image"})],
        "decoder": [StrOptions({"auto", "style", "conv"})],
        "weight_init": [StrOptions(set(WEIGHT_INITS))],
        "precision": [StrOptions(set(PRECISIONS))],
        "device": [StrOptions({"cpu", "cuda", "auto"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
    }

    def _set_init_parameters(self, arguments):
        """Assign every parameter of the subclass' ``__init__`` as an attribute.

        The whole body of every sklq ``__init__`` is ``self._set_init_parameters(locals())``:
        the signature lists the parameters (scikit-learn reads them from it), this stores
        them unchanged, in one place.
        """
        for name in self._get_param_names():
            setattr(self, name, arguments[name])

    # ------------------------------------------------------------------ data
    def _validate_X(self, X, *, reset):
        """Validate ``X`` (2-D rows or an image stack) and return it as float32 or uint8.

        Image stacks are checked through a flat 2-D view, so ``n_features_in_`` is the
        number of values per sample for both layouts.
        """
        if is_out_of_core(X):
            return self._validate_out_of_core(X, reset=reset)
        is_table = hasattr(X, "iloc") or sparse.issparse(X)
        if not is_table and not isinstance(X, np.ndarray):
            X = np.asarray(X)
        if not is_table and X.ndim > 2:
            sample_shape = X.shape[1:]
            flat = X.reshape(X.shape[0], int(np.prod(sample_shape)))
            flat = validate_data(
                self, flat, reset=reset, dtype=_INPUT_DTYPES, ensure_all_finite=True
            )
            X = flat.reshape(len(flat), *sample_shape)
            if not reset and sample_shape not in (self.sample_shape_, self.input_shape_):
                raise ValueError(
                    f"X has samples of shape {sample_shape}, but {type(self).__name__} was "
                    f"fitted on samples of shape {self.sample_shape_}."
                )
        else:
            X = validate_data(self, X, reset=reset, dtype=_INPUT_DTYPES, ensure_all_finite=True)
        return X

    def _validate_out_of_core(self, X, *, reset):
        """:meth:`_validate_X` for memory maps and on-disk datasets: checked in chunks and
        returned as they are (batches are read from them and converted per step)."""
        check_out_of_core(X)
        n_features = int(np.prod(X.shape[1:]))
        if reset:
            self.n_features_in_ = n_features
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        elif n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        sample_shape = tuple(X.shape[1:])
        if not reset and len(sample_shape) > 1 and sample_shape not in (
            self.sample_shape_, self.input_shape_
        ):
            raise ValueError(
                f"X has samples of shape {sample_shape}, but {type(self).__name__} was "
                f"fitted on samples of shape {self.sample_shape_}."
            )
        return X

    def _resolve_input(self, X):
        """Set ``sample_shape_``, ``architecture_`` and ``input_shape_`` from ``X``."""
        self.sample_shape_ = tuple(X.shape[1:])
        # what validation makes of X: uint8 stays (scaled per batch), the rest is float32
        self.sample_dtype_ = np.dtype(np.uint8 if X.dtype == np.uint8 else np.float32)
        if self.input_shape is not None:
            image_shape = _image_shape(self.input_shape, "input_shape")
            if int(np.prod(image_shape)) != self.n_features_in_:
                raise ValueError(
                    f"input_shape={tuple(self.input_shape)} holds {int(np.prod(image_shape))} "
                    f"values, but X has {self.n_features_in_} features per sample."
                )
        elif len(self.sample_shape_) > 1:
            image_shape = _image_shape(self.sample_shape_, "X.shape[1:]")
        else:
            image_shape = None

        architecture = self.architecture
        if architecture == "auto":
            architecture = "mlp" if image_shape is None else "conv"
        if architecture == "conv":
            if image_shape is None:
                raise ValueError(
                    "architecture='conv' needs images: pass X of shape (n, C, H, W) or (n, H, W),"
                    " or flat rows with input_shape=(C, H, W)."
                )
            check_image_shape(
                image_shape, "input_shape" if self.input_shape is not None else "X.shape[1:]"
            )
            self.input_shape_ = image_shape
        else:
            self.input_shape_ = (self.n_features_in_,)
        self.architecture_ = architecture

    def _dataset(self, X):
        return ArrayDataset(X, self.input_shape_)

    # --------------------------------------------------------------- fitting
    def _resolved_decoder(self):
        if self.decoder == "auto":
            return "conv" if self.network_size == "cpu" else "style"
        return self.decoder

    def _check_params(self, X):
        """Cross-parameter and parameter-vs-data rules (subclasses extend)."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the model on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)
            Tabular rows (arrays or DataFrames) or image stacks, float or ``uint8``
            (``uint8`` is kept in memory and scaled to [0, 1] per batch).
        y : Ignored
            Not used by training. It may carry ground-truth factors so that
            :class:`~sklearn.model_selection.GridSearchCV` can pass them to the
            disentanglement scorers of :mod:`sklq.metrics`.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X)

    def _fit(self, X):
        """Validate, build and train (the body of ``fit``, inside ``_fit_context``)."""
        if self.warm_start and hasattr(self, "net_"):
            return self._continue_fit(X)
        X = self._validate_X(X, reset=True)
        self.n_samples_fit_ = len(X)
        self._resolve_input(X)
        self._check_params(X)
        device = resolve_device(self.device)
        self.precision_ = resolve_precision(self.precision, device)
        seed = check_seed(self.random_state)
        with torch.random.fork_rng(devices=_cuda_devices(device)):
            torch.manual_seed(seed)
            module = initialize_weights_(self._build_module(), self.weight_init)
            net = self._build_net(module, device)
            net.fit(self._dataset(X), None)
            net.rng_state_ = torch.get_rng_state()  # where a continued fit picks up
        net.fitted_params_ = self.get_params(deep=False)
        self.net_ = net
        return self._record_training()

    def _record_training(self):
        self.n_iter_ = len(self.net_.history)
        self.history_ = pd.DataFrame(history_frame(self.net_.history))
        self._set_fitted_attributes()
        return self

    #: Parameters ``warm_start=True`` lets change between fits.
    _WARM_START_MUTABLE = frozenset({"max_epochs", "warm_start", "verbose", "callbacks"})

    def _continue_fit(self, X):
        """``warm_start=True`` on a fitted model: ``max_epochs`` more epochs of the same net."""
        net = self.net_
        fitted = getattr(net, "fitted_params_", None) or self.get_params(deep=False)
        changed = sorted(
            name for name, value in self.get_params(deep=False).items()
            if name not in self._WARM_START_MUTABLE and not _same_value(value, fitted.get(name))
        )
        if changed:
            raise ValueError(
                f"warm_start=True continues the fitted network, but {', '.join(changed)} "
                f"changed since it was fitted (from "
                f"{', '.join(repr(fitted.get(n)) for n in changed)}). Set them "
                "back, or set warm_start=False to train anew."
            )
        if not getattr(net, "has_training_state_", True):
            raise ValueError(
                "warm_start=True needs the optimizer state, but this model was loaded from a "
                "file saved with training_state=False. Fit anew (warm_start=False)."
            )
        X = self._validate_X(X, reset=False)
        fitted_loss = getattr(self, "reconstruction_loss_", None)
        self._check_params(X)
        if getattr(self, "reconstruction_loss_", None) != fitted_loss:
            self.reconstruction_loss_ = fitted_loss
            raise ValueError(
                f"warm_start=True: the fitted network uses reconstruction_loss_="
                f"{fitted_loss!r}, which does not suit this X (its values are outside [0, 1])."
            )
        net.set_params(max_epochs=self.max_epochs, verbose=int(self.verbose or 0),
                       callbacks=self._net_callbacks())
        with torch.random.fork_rng(devices=_cuda_devices(net.device)):
            net.fit_continuing(self._dataset(X), net.rng_state_)
        self.n_samples_fit_ = len(X)
        return self._record_training()

    def _set_fitted_attributes(self):
        """Hook for subclasses: derived fitted attributes such as ``codebook_``."""

    def _net_options(self):
        """Options every sklq skorch net takes from the estimator: precision, memory format."""
        channels_last = (self.architecture_ == "conv"
                         and CONV_LAYOUTS[self.network_size].channels_last)
        return {"precision": self.precision_, "channels_last": channels_last}

    def _param_groups(self):
        """skorch ``param_groups`` of the optimizers: biases and codebooks without weight
        decay (spec §5)."""
        return no_decay_param_groups()

    def _net_callbacks(self):
        from skorch.callbacks import ProgressBar

        callbacks = list(self.callbacks or [])
        if self.verbose and self.verbose >= 2:
            callbacks.append(ProgressBar())
        return callbacks

    # ------------------------------------------------------------- inference
    #: ``encode`` outputs: name -> field of the latent module's output.
    _ENCODE_FIELDS = {"values": "continuous", "continuous": "continuous"}

    def _encode_batch(self, x, output):
        """One batch of ``encode``'s ``output`` (a tensor)."""
        return getattr(self.net_.module_.encode(x), self._ENCODE_FIELDS[output])

    def encode(self, X, output="values"):
        """Encode ``X`` into latent codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)
            Samples to encode, shaped and typed like the training data.
        output : str, default="values"
            ``"values"``: what ``transform`` returns (float32: codebook values for the
            quantized models, the posterior mean for the VAEs, the encoder output for
            the continuous models); ``"continuous"``: the encoder's output before the
            latent module; ``"indices"`` (quantized models): each latent's index in its
            codebook, int64; ``"scale"`` (VAEs): the posterior standard deviation.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_latents)
            (``(n_samples, n_latents * embedding_dim)`` for a VQ-VAE's ``"continuous"``.)
        """
        check_is_fitted(self)
        if output not in self._ENCODE_FIELDS:
            raise ValueError(f"output={output!r} is not one of {sorted(self._ENCODE_FIELDS)}.")
        X = self._validate_X(X, reset=False)
        batches = self.net_.map_batches(
            self._dataset(X), lambda x: self._encode_batch(x, output), per_sample=True
        )
        return concat_batches(batches).reshape(len(X), -1)

    def transform(self, X):
        """Latent codes of ``X``: ``encode(X, output="values")``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, [C,] H, W)
            Samples to encode, shaped and typed like the training data.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_latents), float32
            The latent values (see :meth:`encode`).
        """
        return self.encode(X, output="values")

    def _decode_batch(self, z):
        logits = self.net_.module_.decode(z)
        return torch.sigmoid(logits) if self.reconstruction_loss_ == "bce" else logits

    def inverse_transform(self, Z):
        """Decode latent codes back to data space (with a GAN's generator).

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_latents)
            Latent values. They are decoded as given: values off the codebook are not snapped
            to it (the decoder is a continuous function of its input).

        Returns
        -------
        X : ndarray of shape ``(n_samples, *sample_shape_)``
            In the shape and units ``X`` had at fit: float32, or ``uint8`` (rounded and
            clipped to [0, 255]) when the model was fitted on ``uint8`` images.
        """
        check_is_fitted(self)
        Z = check_array(Z, dtype=np.float32, ensure_all_finite=True, input_name="Z")
        self._check_n_latent_columns(Z)
        return self._decode(Z)

    def _check_n_latent_columns(self, Z):
        if Z.shape[1] != self.n_latents:
            raise ValueError(
                f"Z has {Z.shape[1]} columns, but {type(self).__name__} has "
                f"n_latents={self.n_latents}."
            )

    def _decode(self, codes):
        """Decode float32 decoder inputs ``codes`` (n, width) to data, batch by batch."""
        batches = self.net_.map_batches(ArrayDataset(codes, codes.shape[1:]), self._decode_batch,
                                        per_sample=True)
        X = concat_batches(batches).reshape(len(codes), *self.sample_shape_)
        if self.sample_dtype_ == np.uint8:
            return np.clip(np.rint(X * 255.0), 0, 255).astype(np.uint8)
        return X

    @property
    def _n_features_out(self):
        return self.net_.module_.latent.n_latents

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
