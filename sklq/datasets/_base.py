"""Shared machinery of the procedural ground-truth datasets (numpy only)."""

import numbers

import numpy as np

from .._checks import check_generator, check_int

_DTYPES = {"uint8": np.dtype(np.uint8), "float32": np.dtype(np.float32)}


def _check_dtype(dtype):
    """Return ``np.uint8`` or ``np.float32`` for ``dtype``, or raise a ``ValueError``."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.name not in _DTYPES:
        raise ValueError(f"dtype must be 'uint8' or 'float32', got {dtype!r}.")
    return resolved


def _readonly(array):
    array = np.array(array)
    array.setflags(write=False)
    return array


class GroundTruthDataset:
    """Base class of the procedural datasets: a factor grid and a renderer.

    A subclass sets the class attributes ``factor_names``, ``n_channels``,
    ``default_image_size`` and defines ``_factor_values()`` (the value of every
    factor at every index) and ``_render_chunk`` (or ``_render_into``). Every
    combination of factor indices is one image; combinations are numbered in C order
    (the last factor varies fastest), as in the public benchmark files.

    Parameters
    ----------
    image_size : int, default=None
        Height and width of the images in pixels; ``None`` means the class's
        ``default_image_size``.

    Attributes
    ----------
    image_size : int
        Height and width of the images in pixels.
    factor_values : tuple of ndarray
        The value of every factor at every index (read-only arrays).

    See Also
    --------
    Squares, Sprites, Scenes : The procedural datasets built on this class.

    Examples
    --------
    A two-factor dataset of uniform grey images, brightness times contrast:

    >>> import numpy as np
    >>> from sklq.datasets import GroundTruthDataset
    >>> class Greys(GroundTruthDataset):
    ...     factor_names = ("brightness", "contrast")
    ...     supported_image_sizes = (4,)
    ...     default_image_size = 4
    ...     def _factor_values(self):
    ...         return np.linspace(0.2, 1, 3), np.array([0.5, 1.0])
    ...     def _render_chunk(self, factors):
    ...         level = self.factor_values[0][factors[:, 0]] * self.factor_values[1][factors[:, 1]]
    ...         return np.broadcast_to(level[:, None, None, None], (len(factors), 1, 4, 4)).copy()
    >>> greys = Greys()
    >>> greys.n_samples, greys.all_factors()[:3].tolist()
    (6, [[0, 0], [0, 1], [1, 0]])
    >>> greys.render([[2, 1]], dtype="uint8")[0, 0, 0].tolist()
    [255, 255, 255, 255]
    """

    factor_names = ()
    n_channels = 1
    default_image_size = 64
    #: Either a tuple of the allowed image sizes, or a ``(low, high)`` range of them.
    supported_image_sizes = (32, 64)
    image_size_range = None
    #: Images rendered per chunk; bounds the memory of the renderer's temporaries.
    _chunk_size = 1024

    def __init__(self, image_size=None):
        if image_size is None:
            image_size = self.default_image_size
        if self.image_size_range is not None:
            low, high = self.image_size_range
            self.image_size = check_int(image_size, "image_size", low=low, high=high)
        else:
            sizes = self.supported_image_sizes
            if (
                isinstance(image_size, bool | np.bool_)
                or not isinstance(image_size, numbers.Integral)
                or image_size not in sizes
            ):
                raise ValueError(
                    f"image_size must be one of {sizes} for {type(self).__name__}, "
                    f"got {image_size!r}."
                )
            self.image_size = int(image_size)
        self.factor_values = tuple(_readonly(values) for values in self._factor_values())

    def _factor_values(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(image_size={self.image_size})"

    # -- the factor grid -------------------------------------------------------------------

    @property
    def factor_sizes(self):
        """Number of values of each factor, a tuple of ints."""
        return tuple(len(values) for values in self.factor_values)

    @property
    def n_factors(self):
        """Number of factors of variation."""
        return len(self.factor_names)

    @property
    def n_samples(self):
        """Number of images in the full grid (the product of ``factor_sizes``)."""
        return int(np.prod(self.factor_sizes, dtype=np.int64))

    @property
    def image_shape(self):
        """Shape of one image, ``(n_channels, image_size, image_size)``."""
        return (self.n_channels, self.image_size, self.image_size)

    def all_factors(self):
        """Factor indices of the full grid in C order, shape ``(n_samples, n_factors)``."""
        return self.index_to_factors(np.arange(self.n_samples, dtype=np.int64))

    def index_to_factors(self, index):
        """Factor indices of grid positions ``index`` (C order), shape ``(n, n_factors)``."""
        index = np.asarray(index)
        if index.ndim != 1 or (index.size and index.dtype.kind not in "iu"):
            raise ValueError(f"index must be a 1-D array of integers, got shape {index.shape}.")
        if index.size and (index.min() < 0 or index.max() >= self.n_samples):
            raise ValueError(
                f"index must lie in [0, {self.n_samples - 1}], got values in "
                f"[{index.min()}, {index.max()}]."
            )
        columns = np.unravel_index(index.astype(np.int64), self.factor_sizes)
        return np.stack(columns, axis=1).astype(np.int64, copy=False).reshape(-1, self.n_factors)

    def factors_to_index(self, factor_indices):
        """Grid positions (C order) of rows of factor indices, shape ``(n,)``."""
        factors = self._check_factors(factor_indices)
        return np.ravel_multi_index(tuple(factors.T), self.factor_sizes).astype(np.int64)

    def sample_factors(self, n_samples, random_state=None, *, replace=False):
        """Draw ``n_samples`` factor combinations uniformly from the grid.

        Parameters
        ----------
        n_samples : int
            Number of combinations. Without replacement it is at most ``self.n_samples``.
        random_state : int, numpy.random.Generator, numpy.random.RandomState or None
            Seed or generator; ``None`` draws fresh entropy.
        replace : bool, default=False
            If False every combination appears at most once (in random order);
            if True each row is drawn independently.

        Returns
        -------
        factors : ndarray of shape (n_samples, n_factors), dtype int64
            The drawn factor indices, one row per sample.
        """
        high = None if replace else self.n_samples
        n_samples = check_int(n_samples, "n_samples", low=1, high=high)
        rng = check_generator(random_state)
        if isinstance(rng, np.random.RandomState):
            index = rng.choice(self.n_samples, size=n_samples, replace=replace)
        else:
            index = rng.choice(self.n_samples, size=n_samples, replace=replace, shuffle=True)
        return self.index_to_factors(np.asarray(index, dtype=np.int64))

    # -- rendering -------------------------------------------------------------------------

    def _check_factors(self, factor_indices):
        factors = np.asarray(factor_indices)
        if factors.ndim != 2 or factors.shape[1] != self.n_factors:
            raise ValueError(
                f"factor_indices must have shape (n, {self.n_factors}) for "
                f"{type(self).__name__} (factors {', '.join(self.factor_names)}), "
                f"got shape {factors.shape}."
            )
        if factors.size == 0:
            return factors.astype(np.int64)
        if factors.dtype.kind not in "iu":
            raise ValueError(
                f"factor_indices must be integers (indices, not factor values), "
                f"got dtype {factors.dtype}."
            )
        factors = factors.astype(np.int64, copy=False)
        for j, (name, size) in enumerate(zip(self.factor_names, self.factor_sizes, strict=True)):
            low, high = factors[:, j].min(), factors[:, j].max()
            if low < 0 or high >= size:
                bad = low if low < 0 else high
                raise ValueError(
                    f"factor_indices[:, {j}] ({name}) must lie in [0, {size - 1}], got {bad}."
                )
        return factors

    def render(self, factor_indices, *, dtype="float32"):
        """Render the images of a batch of factor combinations.

        Parameters
        ----------
        factor_indices : array-like of shape (n, n_factors)
            Integer index of every factor's value, one row per image.
        dtype : {"float32", "uint8"}, default="float32"
            ``float32`` images lie in [0, 1], ``uint8`` images in [0, 255]
            (``uint8 == round(255 * float32)``).

        Returns
        -------
        X : ndarray of shape (n, n_channels, image_size, image_size)
            One image per row of ``factor_indices``.
        """
        dtype = _check_dtype(dtype)
        factors = self._check_factors(factor_indices)
        out = np.empty((len(factors), *self.image_shape), dtype=dtype)
        self._render_into(factors, out)
        return out

    def _render_into(self, factors, out):
        """Fill ``out`` (uint8 or float32) with the images of ``factors``, chunk by chunk."""
        for start in range(0, len(factors), self._chunk_size):
            stop = min(start + self._chunk_size, len(factors))
            images = self._render_chunk(factors[start:stop])
            if out.dtype == np.uint8:
                np.multiply(images, 255, out=images)
                np.rint(images, out=images)
                out[start:stop] = images
            else:
                out[start:stop] = images

    def _render_chunk(self, factors):  # pragma: no cover - abstract
        """Float32 images in [0, 1] of a chunk of (validated) factor indices."""
        raise NotImplementedError

    def make(self, n_samples=None, *, dtype="float32", random_state=None):
        """Render a uniform sample of the grid (or the whole grid) with its factors.

        See the ``make_*`` functions (e.g. :func:`sklq.datasets.make_squares`).

        Parameters
        ----------
        n_samples : int or None, default=None
            Number of distinct grid points drawn uniformly without replacement; None
            renders the whole grid in order.
        dtype : {"float32", "uint8"}, default="float32"
            float32 in [0, 1] or uint8 in [0, 255].
        random_state : int, RandomState instance, Generator or None, default=None
            Seeds the sample.

        Returns
        -------
        X : ndarray of shape (n_samples, n_channels, image_size, image_size)
            The rendered images.
        factors : ndarray of shape (n_samples, n_factors), dtype int64
            Each image's factor indices.
        """
        dtype = _check_dtype(dtype)
        n_samples = check_int(n_samples, "n_samples", low=1, high=self.n_samples, allow_none=True)
        if n_samples is None:
            factors = self.all_factors()
        else:
            factors = self.sample_factors(n_samples, random_state)
        return self.render(factors, dtype=dtype), factors
