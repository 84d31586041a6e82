"""Squares: one grey square on a small black canvas, four factors (tests and demos)."""

import numpy as np

from .._docstrings import fill_doc
from ._base import GroundTruthDataset


def _box_coverage(low, high, image_size):
    """Fraction of each pixel column covered by the intervals ``[low, high]`` (pixel units).

    ``low`` and ``high`` have shape ``(n,)``; returns ``(n, image_size)`` float64.
    """
    edges = np.arange(image_size, dtype=np.float64)
    left = np.maximum(low[:, None], edges)
    right = np.minimum(high[:, None], edges + 1.0)
    return np.clip(right - left, 0.0, 1.0)


class Squares(GroundTruthDataset):
    """One axis-aligned grey square on a black canvas: a tiny ground-truth dataset.

    Four factors, 10 x 10 x 4 x 4 = 1,600 images. Positions and sizes are fractions
    of the canvas: at 16 pixels the square moves by one pixel per position step and
    its side is 3, 4, 5 or 6 pixels. Pixels are the exact area of the pixel covered by
    the square (analytic anti-aliasing) times the brightness, so any image size
    renders the same scene.

    ==========  =====  ==============================================
    factor      size   values
    ==========  =====  ==============================================
    position_x  10     centre, ``(3.5 + k) / 16`` of the width
    position_y  10     centre, ``(3.5 + k) / 16`` of the height (down)
    size        4      side, ``(3, 4, 5, 6) / 16`` of the width
    brightness  4      ``0.4, 0.6, 0.8, 1.0``
    ==========  =====  ==============================================

    Parameters
    ----------
    image_size : int, default=16
        Height and width in pixels, any integer in [8, 256] (16 and 32 are the
        intended ones).

    Attributes
    ----------
    factor_names : tuple of str
        ``("position_x", "position_y", "size", "brightness")``.
    factor_sizes : tuple of int
        ``(10, 10, 4, 4)``.
    factor_values : tuple of ndarray
        The value of every factor at every index (fractions of the canvas, brightness).
    n_samples : int
        1,600, the size of the full grid.
    image_shape : tuple of int
        ``(1, image_size, image_size)``.

    See Also
    --------
    make_squares : Render a sample of the grid, or all of it.

    Examples
    --------
    >>> from sklq.datasets import Squares
    >>> squares = Squares(image_size=16)
    >>> squares.factor_sizes, squares.n_samples
    ((10, 10, 4, 4), 1600)
    >>> X = squares.render([[0, 0, 0, 3], [9, 9, 3, 0]])
    >>> X.shape, X.dtype, float(X.max())
    ((2, 1, 16, 16), dtype('float32'), 1.0)
    >>> factors = squares.sample_factors(5, random_state=0)
    >>> factors.shape
    (5, 4)
    """

    factor_names = ("position_x", "position_y", "size", "brightness")
    n_channels = 1
    default_image_size = 16
    image_size_range = (8, 256)
    supported_image_sizes = None
    _chunk_size = 4096

    def __init__(self, image_size=16):
        super().__init__(image_size)

    def _factor_values(self):
        positions = (3.5 + np.arange(10)) / 16
        return (positions, positions, np.arange(3, 7) / 16, np.array([0.4, 0.6, 0.8, 1.0]))

    def render(self, factor_indices, *, dtype="float32"):
        """Render the squares of a batch of factor combinations.

        Parameters
        ----------
        factor_indices : array-like of shape (n, 4)
            Integer index of each factor's value (position_x, position_y, size,
            brightness), one row per image.
        dtype : {"float32", "uint8"}, default="float32"
            ``float32`` images lie in [0, 1], ``uint8`` images in [0, 255].

        Returns
        -------
        X : ndarray of shape (n, 1, image_size, image_size)
            One image per row of ``factor_indices``.

        Examples
        --------
        >>> from sklq.datasets import Squares
        >>> X = Squares(image_size=16).render([[0, 0, 0, 3]], dtype="uint8")
        >>> int(X.sum() // 255)  # a 3 x 3 square of full brightness
        9
        """
        return super().render(factor_indices, dtype=dtype)

    def _render_chunk(self, factors):
        x, y, size, brightness = (
            values[factors[:, j]] for j, values in enumerate(self.factor_values)
        )
        half = size * self.image_size / 2
        cx, cy = x * self.image_size, y * self.image_size
        cov_x = _box_coverage(cx - half, cx + half, self.image_size)
        cov_y = _box_coverage(cy - half, cy + half, self.image_size)
        images = brightness[:, None, None] * cov_y[:, :, None] * cov_x[:, None, :]
        return images[:, None].astype(np.float32)


@fill_doc(n_channels=1, n_factors=4, dataset="Squares")
def make_squares(n_samples=None, *, image_size=16, dtype="float32", random_state=None):
    """Generate the Squares dataset: one grey square on a black canvas.

    Four factors (position_x 10, position_y 10, size 4, brightness 4), 1,600
    combinations; see :class:`Squares` for the values.

    Parameters
    ----------
    n_samples : int or None, default=None
        Number of images, drawn uniformly from the grid without replacement (at most
        1,600). ``None`` renders the whole grid in C order (brightness fastest).
    image_size : int, default=16
        Height and width in pixels, any integer in [8, 256] (16 and 32 intended).
    {generated_images}

    Examples
    --------
    >>> from sklq.datasets import make_squares
    >>> X, factors = make_squares()
    >>> X.shape, factors.shape
    ((1600, 1, 16, 16), (1600, 4))
    >>> X, factors = make_squares(100, image_size=32, dtype="uint8", random_state=0)
    >>> X.shape, X.dtype
    ((100, 1, 32, 32), dtype('uint8'))
    """
    return Squares(image_size).make(n_samples, dtype=dtype, random_state=random_state)
