"""Sprites: one white shape on black, on dSprites' factor grid (737,280 images)."""

import numpy as np

from .._docstrings import fill_doc
from ._base import GroundTruthDataset

SHAPE_NAMES = ("square", "ellipse", "heart")
# Rotations that map each shape onto itself, in orientation steps (40 steps per turn).
_SYMMETRY_PERIOD = {"square": 10, "ellipse": 20, "heart": 40}
_N_ORIENTATIONS = 40

# Geometry, in fractions of the canvas width, at scale 1.
_SQUARE_HALF_SIDE = 0.15
_ELLIPSE_SEMI_AXES = (0.2, 0.1)
# The heart is the region (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0, centred on its centroid
# (y = 0.2935) and scaled so that its farthest point is 0.2 from the centre.
_HEART_CENTROID_Y = 0.2935
_HEART_SCALE = 0.2 / 1.2935
# Largest distance of any sprite point from the sprite's centre (the square's corner).
_MAX_RADIUS = _SQUARE_HALF_SIDE * np.sqrt(2)
# The centre moves over (16.5 + k) / 64 of the canvas, k = 0..31: one pixel per step at 64.
_POSITION_OFFSET, _POSITION_SPAN = 16.5 / 64, 31 / 64
_SUPERSAMPLING = 8


def _inside(shape, u, v):
    """Whether points (u, v) in the sprite's own frame (fractions of the canvas, v up) are in."""
    if shape == "square":
        return np.maximum(np.abs(u), np.abs(v)) <= _SQUARE_HALF_SIDE
    if shape == "ellipse":
        a, b = _ELLIPSE_SEMI_AXES
        return (u / a) ** 2 + (v / b) ** 2 <= 1.0
    x = u / _HEART_SCALE
    y = v / _HEART_SCALE + _HEART_CENTROID_Y
    x2 = x * x
    return (x2 + y * y - 1.0) ** 3 - x2 * y**3 <= 0.0


class Sprites(GroundTruthDataset):
    """One white shape on a black canvas, on the factor grid of dSprites.

    Five factors, 3 x 6 x 40 x 32 x 32 = 737,280 images, numbered in C order with
    ``position_y`` fastest (dSprites' order without its constant colour factor).

    ===========  =====  =========================================================
    factor       size   values
    ===========  =====  =========================================================
    shape        3      0 square, 1 ellipse, 2 heart
    scale        6      ``linspace(0.5, 1, 6)``
    orientation  40     ``2 pi k / 40`` radians, counter-clockwise (a full turn)
    position_x   32     ``linspace(0, 1, 32)``: centre at ``(16.5 + 31 x) / 64``
    position_y   32     ``linspace(0, 1, 32)``, downwards, same mapping
    ===========  =====  =========================================================

    At scale 1 the square's side is 0.3 of the canvas, the ellipse's axes 0.4 and
    0.2, and the heart reaches 0.2 from its centroid (about the square's area). The
    sprite stays entirely inside the canvas. Each pixel is the fraction of 8 x 8
    sub-pixel samples inside the shape (anti-aliasing), so positions move by exactly
    one pixel per step at 64 x 64 (half a pixel at 32 x 32) and every step of scale
    and orientation changes the image visibly.

    **Symmetries.** A square looks the same after a quarter turn (orientation ``k``
    and ``k + 10``), an ellipse after a half turn (``k`` and ``k + 20``); those
    pairs give identical images, bit for bit. The heart has no rotational symmetry,
    so all of its 40 orientations differ (dSprites lists 40 orientations from 0 to
    2 pi inclusive, whose first and last coincide; here they are ``2 pi k / 40``).

    Parameters
    ----------
    image_size : {64, 32}, default=64
        Height and width in pixels.

    Attributes
    ----------
    factor_names : tuple of str
        ``("shape", "scale", "orientation", "position_x", "position_y")``.
    factor_sizes : tuple of int
        ``(3, 6, 40, 32, 32)``.
    factor_values : tuple of ndarray
        The value of each factor at each index (shape codes, scales, radians,
        positions in [0, 1]).
    shape_names : tuple of str
        ``("square", "ellipse", "heart")``.
    n_samples : int
        737,280.
    image_shape : tuple of int
        ``(1, image_size, image_size)``.

    See Also
    --------
    make_sprites : Render a sample of the grid, or all of it.
    load_dsprites : Read the original dSprites file.

    Examples
    --------
    >>> from sklq.datasets import Sprites
    >>> sprites = Sprites(image_size=32)
    >>> sprites.factor_sizes, sprites.n_samples
    ((3, 6, 40, 32, 32), 737280)
    >>> X = sprites.render([[2, 5, 0, 16, 16]], dtype="uint8")  # a big upright heart
    >>> X.shape, X.dtype, int(X.max())
    ((1, 1, 32, 32), dtype('uint8'), 255)
    >>> import numpy as np
    >>> same = sprites.render([[0, 3, 1, 5, 5], [0, 3, 11, 5, 5]])  # square, +90 degrees
    >>> bool(np.array_equal(same[0], same[1]))
    True
    """

    factor_names = ("shape", "scale", "orientation", "position_x", "position_y")
    shape_names = SHAPE_NAMES
    n_channels = 1
    default_image_size = 64
    supported_image_sizes = (64, 32)
    _chunk_size = 2048
    _patch_chunk = 32

    def __init__(self, image_size=64):
        super().__init__(image_size)
        n = self.image_size
        centres = (_POSITION_OFFSET + _POSITION_SPAN * self.factor_values[3]) * n
        self._radius = int(np.ceil(_MAX_RADIUS * n))
        self._patch_size = 2 * self._radius + 1
        floors = np.floor(centres)
        self._origins = (floors - self._radius).astype(np.intp)
        phases = np.round(centres - floors, 6)
        self._phases, self._phase_ids = np.unique(phases, return_inverse=True)
        if self._origins.min() < 0 or self._origins.max() + self._patch_size > n:
            raise AssertionError(
                "the sprite's patch must fit inside the canvas"
            )  # pragma: no cover
        n_phases = len(self._phases)
        # Lazily filled cache of rendered sprites: one patch per (shape, scale,
        # orientation modulo the shape's symmetry, sub-pixel phase x, phase y).
        self._n_keys = 3 * 6 * _N_ORIENTATIONS * n_phases * n_phases
        self._patches = {}  # dtype -> (patches, which of them are rendered)
        period = np.array([_SYMMETRY_PERIOD[name] for name in SHAPE_NAMES])
        self._canonical_orientation = np.arange(_N_ORIENTATIONS)[None, :] % period[:, None]

    def _factor_values(self):
        return (
            np.arange(3),
            np.linspace(0.5, 1.0, 6),
            2 * np.pi * np.arange(_N_ORIENTATIONS) / _N_ORIENTATIONS,
            np.linspace(0.0, 1.0, 32),
            np.linspace(0.0, 1.0, 32),
        )

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_patches"] = {}
        return state

    def _keys(self, factors):
        """Patch key of every row of factors (symmetric orientations share one key)."""
        n_phases = len(self._phases)
        orientation = self._canonical_orientation[factors[:, 0], factors[:, 2]]
        key = (factors[:, 0] * 6 + factors[:, 1]) * _N_ORIENTATIONS + orientation
        key = key * n_phases + self._phase_ids[factors[:, 3]]
        return key * n_phases + self._phase_ids[factors[:, 4]]

    def _ensure_patches(self, keys, dtype):
        """Render (once) the patches of ``keys`` and return the cache for ``dtype``."""
        if dtype not in self._patches:
            shape = (self._n_keys, self._patch_size * self._patch_size)
            self._patches[dtype] = (np.zeros(shape, dtype=dtype), np.zeros(self._n_keys, bool))
        cache, cached = self._patches[dtype]
        missing = np.unique(keys)
        missing = missing[~cached[missing]]
        for start in range(0, len(missing), self._patch_chunk):
            chunk = missing[start : start + self._patch_chunk]
            patches = self._render_patches(chunk)
            cache[chunk] = np.rint(patches * 255) if dtype == np.uint8 else patches
            cached[chunk] = True
        return cache

    def _render_patches(self, keys):
        """Anti-aliased sprites of ``keys``, shape ``(len(keys), patch_size ** 2)`` float32."""
        n_phases = len(self._phases)
        keys = np.asarray(keys)
        phase_y = self._phases[keys % n_phases]
        phase_x = self._phases[keys // n_phases % n_phases]
        rest = keys // (n_phases * n_phases)
        orientation = rest % _N_ORIENTATIONS
        scale = self.factor_values[1][rest // _N_ORIENTATIONS % 6]
        shape = rest // (_N_ORIENTATIONS * 6)
        n, size, s = self.image_size, self._patch_size, _SUPERSAMPLING
        samples = (np.arange(size * s) + 0.5) / s  # sample positions inside the patch (px)
        angle = self.factor_values[2][orientation]
        cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
        # Offsets from the sprite centre in canvas fractions, y up, divided by the scale.
        dx = (samples[None, None, :] - (self._radius + phase_x)[:, None, None]) / n
        dy = ((self._radius + phase_y)[:, None, None] - samples[None, :, None]) / n
        dx, dy = dx / scale[:, None, None], dy / scale[:, None, None]
        u = cos * dx + sin * dy
        v = cos * dy - sin * dx
        coverage = np.empty((len(keys), size * s, size * s), dtype=bool)
        for code, name in enumerate(SHAPE_NAMES):
            rows = shape == code
            if rows.any():
                coverage[rows] = _inside(name, u[rows], v[rows])
        coverage = coverage.reshape(len(keys), size, s, size, s).mean(axis=(2, 4))
        return coverage.reshape(len(keys), -1).astype(np.float32)

    def _render_into(self, factors, out):
        n, size = self.image_size, self._patch_size
        cache = self._ensure_patches(self._keys(factors), out.dtype.type)
        offsets = (np.arange(size)[:, None] * n + np.arange(size)[None, :]).ravel()
        for start in range(0, len(factors), self._chunk_size):
            chunk = factors[start : start + self._chunk_size]
            block = out[start : start + len(chunk)]
            block[...] = 0
            flat = block.reshape(-1)  # a view: ``out`` is C-contiguous
            base = np.arange(len(chunk), dtype=np.intp) * (n * n)
            base += self._origins[chunk[:, 4]] * n + self._origins[chunk[:, 3]]
            flat[base[:, None] + offsets[None, :]] = cache[self._keys(chunk)]


@fill_doc(n_channels=1, n_factors=5, dataset="Sprites")
def make_sprites(n_samples=None, *, image_size=64, dtype="float32", random_state=None):
    """Generate the Sprites dataset: one white shape on black, dSprites' factor grid.

    Five factors: shape (3: square, ellipse, heart), scale (6), orientation (40 over
    a full turn), position_x (32), position_y (32); 737,280 combinations. See
    :class:`Sprites` for the values and symmetries.

    Parameters
    ----------
    n_samples : int or None, default=None
        Number of images, drawn uniformly from the grid without replacement.
        ``None`` renders the whole grid in C order (``position_y`` fastest): at 64 x 64
        that is 3.0 GB as ``uint8`` and 12 GB as ``float32``.
    image_size : {64, 32}, default=64
        Height and width in pixels.
    {generated_images}
    load_dsprites : Read the original dSprites file.

    Examples
    --------
    >>> from sklq.datasets import make_sprites
    >>> X, factors = make_sprites(1000, image_size=32, random_state=0)
    >>> X.shape, X.dtype, factors.shape
    ((1000, 1, 32, 32), dtype('float32'), (1000, 5))
    """
    return Sprites(image_size).make(n_samples, dtype=dtype, random_state=random_state)
