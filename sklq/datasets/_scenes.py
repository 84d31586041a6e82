"""Scenes: an object on a floor in front of a wall, on Shapes3D's factor grid (480,000 images)."""

import numpy as np

from .._docstrings import fill_doc
from ._base import GroundTruthDataset

SHAPE_NAMES = ("cube", "cylinder", "sphere", "capsule")

# The world: the floor is the plane y = 0, the back wall the plane z = _WALL_Z, the
# object stands on the floor at the origin. The camera orbits the object at a fixed
# distance and height; the orientation factor is its azimuth.
_WALL_Z = 2.5
_CAMERA_DISTANCE = 3.0
_CAMERA_HEIGHT = 1.6
_TARGET_HEIGHT = 0.5
_HALF_FOV = np.deg2rad(25.0)
_BASE_HALF_WIDTH = 0.42  # the object's half-width at scale 1
_LIGHT = np.array([-0.45, 0.8, -0.4]) / np.linalg.norm([-0.45, 0.8, -0.4])
_AMBIENT, _DIFFUSE = 0.32, 0.68
_FLOOR_SHADE, _WALL_SHADE, _SHADOW_SHADE = 1.0, 0.7, 0.55


def hue_to_rgb(hue):
    """Fully saturated, full value RGB colours of hues in [0, 1), shape ``(n, 3)``."""
    hue = np.asarray(hue, dtype=np.float64)[..., None] * 6.0
    rgb = np.abs(hue - np.array([3.0, 2.0, 4.0])) * np.array([1.0, -1.0, -1.0])
    rgb += np.array([-1.0, 2.0, 2.0])
    return np.clip(rgb, 0.0, 1.0)


def _solve_entry(a, b, c):
    """Smaller root of ``a t^2 + b t + c`` where real (``inf`` elsewhere)."""
    disc = b * b - 4 * a * c
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (-b - np.sqrt(disc)) / (2 * a)
    return np.where(disc >= 0, t, np.inf)


def _sphere(origin, dirs, centre_y, radius):
    """Sphere of ``radius`` centred at height ``centre_y`` above the origin."""
    oc = origin - np.array([0.0, centre_y, 0.0])
    b = 2 * np.einsum("ij,ij->i", dirs, oc)
    t = _solve_entry(1.0, b, np.einsum("ij,ij->i", oc, oc) - radius * radius)
    t = np.where(t > 0, t, np.inf)
    normals = (oc + np.where(np.isfinite(t), t, 0)[:, None] * dirs) / radius
    return t, normals


def _vertical_cylinder(origin, dirs, radius, low, high):
    """Side of the vertical cylinder of ``radius`` between heights ``low`` and ``high``."""
    a = dirs[:, 0] ** 2 + dirs[:, 2] ** 2
    b = 2 * (origin[:, 0] * dirs[:, 0] + origin[:, 2] * dirs[:, 2])
    c = origin[:, 0] ** 2 + origin[:, 2] ** 2 - radius * radius
    t = _solve_entry(a, b, c)
    y = origin[:, 1] + t * dirs[:, 1]
    t = np.where((t > 0) & (y >= low) & (y <= high), t, np.inf)
    points = origin + np.where(np.isfinite(t), t, 0)[:, None] * dirs
    normals = points * np.array([1.0, 0.0, 1.0]) / radius
    return t, normals


def _closest(*hits):
    """Nearest of several ``(t, normals)`` hits, per ray."""
    ts = np.stack([t for t, _ in hits])
    which = np.argmin(ts, axis=0)
    rows = np.arange(ts.shape[1])
    normals = np.stack([n for _, n in hits])[which, rows]
    return ts[which, rows], normals


def _hit_object(shape, half_width, origin, dirs):
    """Distance along each ray to the object (``inf`` if missed) and the unit normal there.

    ``origin`` is one point ``(3,)`` or one per ray ``(n, 3)``; ``dirs`` is ``(n, 3)``.
    """
    origin = np.broadcast_to(origin, dirs.shape)
    a = half_width
    if shape == "cube":
        low = np.array([-a, 0.0, -a])
        high = np.array([a, 2 * a, a])
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = (low - origin) / dirs
            t2 = (high - origin) / dirs
        near = np.minimum(t1, t2)
        far = np.maximum(t1, t2)
        t_near = near.max(axis=1)
        hit = (far.min(axis=1) >= t_near) & (t_near > 0)
        axis = near.argmax(axis=1)
        normals = np.zeros_like(dirs)
        rows = np.arange(len(dirs))
        normals[rows, axis] = -np.sign(dirs[rows, axis])
        return np.where(hit, t_near, np.inf), normals
    if shape == "cylinder":
        side = _vertical_cylinder(origin, dirs, a, 0.0, 2 * a)
        with np.errstate(divide="ignore"):
            t = (2 * a - origin[:, 1]) / dirs[:, 1]
        points = origin + np.where(np.isfinite(t), t, 0)[:, None] * dirs
        inside = points[:, 0] ** 2 + points[:, 2] ** 2 <= a * a
        cap = np.where(inside & (t > 0), t, np.inf), np.broadcast_to([0.0, 1.0, 0.0], dirs.shape)
        return _closest(side, cap)
    if shape == "sphere":
        return _sphere(origin, dirs, a, a)
    # capsule: an upright pill, radius 0.7 a, height 2.6 a
    radius = 0.7 * a
    low, high = radius, 2.6 * a - radius
    return _closest(
        _vertical_cylinder(origin, dirs, radius, low, high),
        _sphere(origin, dirs, low, radius),
        _sphere(origin, dirs, high, radius),
    )


class Scenes(GroundTruthDataset):
    """An object on a floor in front of a wall, on the factor grid of Shapes3D.

    Six factors in Shapes3D's order, 10 x 10 x 10 x 8 x 4 x 15 = 480,000 RGB images,
    numbered in C order with ``orientation`` fastest.

    ============  =====  ===================================================
    factor        size   values
    ============  =====  ===================================================
    floor_hue     10     ``k / 10``, hue of the floor
    wall_hue      10     ``k / 10``, hue of the back wall
    object_hue    10     ``k / 10``, hue of the object
    scale         8      ``linspace(0.75, 1.25, 8)``, the object's size
    shape         4      0 cube, 1 cylinder, 2 sphere, 3 capsule
    orientation   15     ``linspace(-30, 30, 15)`` degrees, azimuth of the view
    ============  =====  ===================================================

    Each pixel is ray-cast in a simple perspective: a camera orbits the object at a
    fixed distance and height and looks at it; the floor is a plane, the back wall
    a vertical plane behind the object, and the object (a cube, cylinder, sphere or
    upright capsule standing on the floor) is lit by a fixed light (ambient plus
    Lambertian) and casts a shadow on the floor. Changing the orientation moves the
    camera around the object, so the floor/wall boundary tilts and shifts, the
    object's silhouette and shading turn with it (a sphere's shading and shadow
    turn too), exactly as the azimuth factor does in Shapes3D. Colours are fully
    saturated hues; the wall is drawn darker than the floor so that the boundary is
    visible when both share a hue. Each pixel averages 3 x 3 rays at 64 pixels
    (4 x 4 at 32), and the geometry of each (scale, shape, orientation) is computed
    once and cached, so rendering is fast.

    Parameters
    ----------
    image_size : {64, 32}, default=64
        Height and width in pixels.

    Attributes
    ----------
    factor_names : tuple of str
        ``("floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation")``.
    factor_sizes : tuple of int
        ``(10, 10, 10, 8, 4, 15)``.
    factor_values : tuple of ndarray
        The value of each factor at each index (hues in [0, 0.9], scales, shape
        codes, degrees).
    shape_names : tuple of str
        ``("cube", "cylinder", "sphere", "capsule")``.
    n_samples : int
        480,000.
    image_shape : tuple of int
        ``(3, image_size, image_size)``.

    See Also
    --------
    make_scenes : Render a sample of the grid, or all of it.
    load_shapes3d : Read the original Shapes3D file.

    Examples
    --------
    >>> from sklq.datasets import Scenes
    >>> scenes = Scenes(image_size=32)
    >>> scenes.factor_sizes, scenes.n_samples
    ((10, 10, 10, 8, 4, 15), 480000)
    >>> X = scenes.render([[0, 5, 2, 7, 0, 7]], dtype="uint8")  # a big cube, seen head-on
    >>> X.shape, X.dtype
    ((1, 3, 32, 32), dtype('uint8'))
    """

    factor_names = ("floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation")
    shape_names = SHAPE_NAMES
    n_channels = 3
    default_image_size = 64
    supported_image_sizes = (64, 32)
    _chunk_size = 256
    _supersampling = {64: 3, 32: 4}

    def __init__(self, image_size=64):
        super().__init__(image_size)
        self._n_geometries = 8 * 4 * 15
        self._maps = None  # (n_geometries, 3 surfaces, H, W), filled lazily
        self._cached = np.zeros(self._n_geometries, dtype=bool)
        self._colours = tuple(hue_to_rgb(values) for values in self.factor_values[:3])

    def _factor_values(self):
        hues = np.arange(10) / 10
        return (
            hues,
            hues,
            hues,
            np.linspace(0.75, 1.25, 8),
            np.arange(4),
            np.linspace(-30.0, 30.0, 15),
        )

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_maps"] = None
        state["_cached"] = np.zeros_like(self._cached)
        return state

    def _rays(self, orientation):
        """Camera position and unit ray directions (one per sub-pixel sample)."""
        azimuth = np.deg2rad(self.factor_values[5][orientation])
        camera = np.array(
            [
                _CAMERA_DISTANCE * np.sin(azimuth),
                _CAMERA_HEIGHT,
                -_CAMERA_DISTANCE * np.cos(azimuth),
            ]
        )
        forward = np.array([0.0, _TARGET_HEIGHT, 0.0]) - camera
        forward /= np.linalg.norm(forward)
        right = np.cross([0.0, 1.0, 0.0], forward)
        right /= np.linalg.norm(right)
        up = np.cross(forward, right)
        n, s = self.image_size, self._supersampling[self.image_size]
        grid = ((np.arange(n * s) + 0.5) / (n * s) * 2 - 1) * np.tan(_HALF_FOV)
        sx, sy = np.meshgrid(grid, -grid)  # rows go down the image
        dirs = forward + sx.reshape(-1, 1) * right + sy.reshape(-1, 1) * up
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        return camera, dirs

    def _render_geometry(self, geometry):
        """Weights of the floor, wall and object colours in each pixel, ``(3, H, W)``."""
        scale, shape, orientation = np.unravel_index(geometry, (8, 4, 15))
        half_width = _BASE_HALF_WIDTH * self.factor_values[3][scale]
        camera, dirs = self._rays(orientation)
        with np.errstate(divide="ignore"):
            t_floor = np.where(dirs[:, 1] < 0, -camera[1] / dirs[:, 1], np.inf)
            t_wall = np.where(dirs[:, 2] > 0, (_WALL_Z - camera[2]) / dirs[:, 2], np.inf)
        t_object, normals = _hit_object(SHAPE_NAMES[shape], half_width, camera, dirs)
        nearest = np.argmin(np.stack([t_floor, t_wall, t_object]), axis=0)
        # the object's shadow on the floor: the ray from the floor point to the light
        floor = nearest == 0
        points = camera + np.where(floor, t_floor, 0)[:, None] * dirs
        t_shadow, _ = (
            _hit_object(
                SHAPE_NAMES[shape],
                half_width,
                points[floor],
                np.broadcast_to(_LIGHT, (int(floor.sum()), 3)),
            )
            if floor.any()
            else (np.zeros(0), None)
        )
        floor_shade = np.full(len(dirs), _FLOOR_SHADE)
        floor_shade[floor] = np.where(np.isfinite(t_shadow), _SHADOW_SHADE, _FLOOR_SHADE)
        lambert = np.clip(normals @ _LIGHT, 0.0, 1.0)
        weights = np.stack(
            [
                np.where(floor, floor_shade, 0.0),
                np.where(nearest == 1, _WALL_SHADE, 0.0),
                np.where(nearest == 2, _AMBIENT + _DIFFUSE * lambert, 0.0),
            ]
        )
        n, s = self.image_size, self._supersampling[self.image_size]
        return weights.reshape(3, n, s, n, s).mean(axis=(2, 4)).astype(np.float32)

    def _geometry_maps(self, geometries):
        if self._maps is None:
            n = self.image_size
            self._maps = np.zeros((self._n_geometries, 3, n, n), dtype=np.float32)
        for geometry in np.unique(geometries):
            if not self._cached[geometry]:
                self._maps[geometry] = self._render_geometry(geometry)
                self._cached[geometry] = True
        return self._maps

    def _render_chunk(self, factors):
        geometries = np.ravel_multi_index(tuple(factors[:, 3:].T), (8, 4, 15))
        maps = self._geometry_maps(geometries)[geometries]  # (b, 3 surfaces, H, W)
        images = np.zeros((len(factors), 3, self.image_size, self.image_size), np.float32)
        for surface in range(3):
            colour = self._colours[surface][factors[:, surface]].astype(np.float32)
            images += maps[:, surface, None] * colour[:, :, None, None]
        return images


@fill_doc(n_channels=3, n_factors=6, dataset="Scenes")
def make_scenes(n_samples=None, *, image_size=64, dtype="float32", random_state=None):
    """Generate the Scenes dataset: an object on a floor before a wall, Shapes3D's grid.

    Six factors: floor hue (10), wall hue (10), object hue (10), scale (8), shape (4:
    cube, cylinder, sphere, capsule), orientation (15, the azimuth of the view);
    480,000 combinations. See :class:`Scenes` for the values.

    Parameters
    ----------
    n_samples : int or None, default=None
        Number of images, drawn uniformly from the grid without replacement.
        ``None`` renders the whole grid in C order (``orientation`` fastest): at
        64 x 64 that is 5.9 GB as ``uint8`` and 23.6 GB as ``float32``.
    image_size : {64, 32}, default=64
        Height and width in pixels.
    {generated_images}
    load_shapes3d : Read the original Shapes3D file.

    Examples
    --------
    >>> from sklq.datasets import make_scenes
    >>> X, factors = make_scenes(100, image_size=32, dtype="uint8", random_state=0)
    >>> X.shape, X.dtype, factors.shape
    ((100, 3, 32, 32), dtype('uint8'), (100, 6))
    """
    return Scenes(image_size).make(n_samples, dtype=dtype, random_state=random_state)
