"""Tests of the Scenes dataset (Shapes3D's factor grid)."""

import colorsys
import pickle

import numpy as np
import pytest
from _datasets_helpers import factor_sweeps, min_pairwise_difference

from sklq.datasets import Scenes, make_scenes
from sklq.datasets._scenes import hue_to_rgb


@pytest.fixture(scope="module", params=[64, 32])
def scenes(request):
    return Scenes(request.param)


def test_grid_metadata(scenes):
    assert scenes.factor_names == (
        "floor_hue", "wall_hue", "object_hue", "scale", "shape", "orientation"
    )  # fmt: skip
    assert scenes.factor_sizes == (10, 10, 10, 8, 4, 15)
    assert scenes.n_samples == 480_000
    assert scenes.image_shape == (3, scenes.image_size, scenes.image_size)
    np.testing.assert_allclose(scenes.factor_values[5], np.linspace(-30, 30, 15))
    np.testing.assert_allclose(scenes.factor_values[3], np.linspace(0.75, 1.25, 8))
    assert scenes.shape_names == ("cube", "cylinder", "sphere", "capsule")


def test_hue_to_rgb_matches_colorsys():
    hues = np.linspace(0, 0.99, 37)
    expected = [colorsys.hsv_to_rgb(h, 1.0, 1.0) for h in hues]
    np.testing.assert_allclose(hue_to_rgb(hues), expected, atol=1e-12)


@pytest.mark.parametrize("factor", range(6))
def test_every_factor_value_changes_the_image(scenes, factor):
    """Varying one factor alone gives visibly different images, even with equal hues."""
    bases = [
        [hue, hue, hue, scale, shape, orientation]
        for hue in (0, 6)
        for scale, shape, orientation in [(0, 0, 0), (7, 2, 14), (3, 3, 7), (0, 1, 5)]
    ] + scenes.sample_factors(3, random_state=0).tolist()
    for factors in factor_sweeps(scenes, factor, bases):
        smallest, _ = min_pairwise_difference(scenes.render(factors, dtype="uint8"))
        assert smallest >= 0.1 * 255, (scenes.factor_names[factor], factors[0], smallest)


def test_colours_of_floor_wall_and_object(scenes):
    n = scenes.image_size
    image = scenes.render([[1, 4, 7, 7, 0, 7]])[0]
    rgb = hue_to_rgb(scenes.factor_values[0])
    # top-left pixel: the wall, darkened; bottom-left: the floor, full brightness
    np.testing.assert_allclose(image[:, 0, 0], 0.7 * rgb[4], atol=1e-6)
    np.testing.assert_allclose(image[:, -1, 0], rgb[1], atol=1e-6)
    # the centre of the image is the object: a shade of its own hue
    centre = image[:, int(0.62 * n), n // 2]
    assert centre.max() > 0.3
    np.testing.assert_allclose(centre / centre.max(), rgb[7] / rgb[7].max(), atol=1e-6)


@pytest.mark.parametrize("shape", range(4))
def test_orientation_moves_the_background_for_every_shape(scenes, shape):
    """The azimuth turns the whole view: the floor/wall boundary at the image edges moves."""
    # floor red (hue 0), wall cyan (hue 0.5, no red), object yellow-green (hue 0.2)
    images = scenes.render([[0, 5, 2, 4, shape, 0], [0, 5, 2, 4, shape, 14]])
    left, right = images[:, :, :, 0], images[:, :, :, -1]  # the outer columns
    assert not np.array_equal(left[0], left[1]) and not np.array_equal(right[0], right[1])
    # the boundary is tilted: the floor is higher on one side than on the other
    floor_rows = (images[:, 0] > 0.5).sum(axis=1)  # rows of (red) floor in each column
    assert floor_rows[0, 0] < floor_rows[0, -1] and floor_rows[1, 0] > floor_rows[1, -1]


def test_dtypes_determinism_and_sample_consistency(scenes):
    X, factors = make_scenes(24, image_size=scenes.image_size, dtype="uint8", random_state=2)
    assert X.shape == (24, 3, scenes.image_size, scenes.image_size) and X.dtype == np.uint8
    assert factors.shape == (24, 6) and factors.dtype == np.int64
    as_float = scenes.render(factors)
    assert as_float.dtype == np.float32 and 0 <= as_float.min() and as_float.max() <= 1
    np.testing.assert_array_equal(X, np.rint(as_float * 255).astype(np.uint8))
    X_again, factors_again = make_scenes(
        24, image_size=scenes.image_size, dtype="uint8", random_state=2
    )
    np.testing.assert_array_equal(X_again, X)
    np.testing.assert_array_equal(factors_again, factors)
    fresh = Scenes(scenes.image_size)
    fresh._chunk_size = 7
    np.testing.assert_array_equal(fresh.render(factors[:8][::-1]), as_float[:8][::-1])
    restored = pickle.loads(pickle.dumps(scenes))
    np.testing.assert_array_equal(restored.render(factors[:5]), as_float[:5])
    # rows of the C-order grid: a contiguous block holds the images of its factors
    start = 12_345 * 15
    block_factors = scenes.index_to_factors(np.arange(start, start + 30))
    np.testing.assert_array_equal(block_factors[:15, 5], np.arange(15))
    np.testing.assert_array_equal(
        scenes.render(block_factors),
        np.concatenate([scenes.render(f[None]) for f in block_factors]),
    )


def test_make_scenes_arguments():
    with pytest.raises(ValueError, match=r"image_size must be one of \(64, 32\) .* got 48"):
        make_scenes(3, image_size=48)
    with pytest.raises(ValueError, match=r"n_samples .* \[1, 480000\], got -3"):
        make_scenes(-3)
    with pytest.raises(ValueError, match=r"factor_indices\[:, 4\] \(shape\) .* got 4"):
        Scenes(32).render([[0, 0, 0, 0, 4, 0]])
