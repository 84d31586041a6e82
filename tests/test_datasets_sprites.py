"""Tests of the Sprites dataset (dSprites' factor grid)."""

import pickle

import numpy as np
import pytest
from _datasets_helpers import factor_sweeps, min_pairwise_difference

from sklq.datasets import Sprites, make_sprites
from sklq.datasets._sprites import _inside

SYMMETRY_PERIOD = {0: 10, 1: 20, 2: 40}  # square, ellipse, heart, in orientation steps


@pytest.fixture(scope="module", params=[64, 32])
def sprites(request):
    return Sprites(request.param)


def test_grid_metadata(sprites):
    assert sprites.factor_names == ("shape", "scale", "orientation", "position_x", "position_y")
    assert sprites.factor_sizes == (3, 6, 40, 32, 32)
    assert sprites.n_samples == 737_280
    assert sprites.image_shape == (1, sprites.image_size, sprites.image_size)
    np.testing.assert_allclose(sprites.factor_values[1], np.linspace(0.5, 1, 6))
    np.testing.assert_allclose(np.diff(sprites.factor_values[2]), 2 * np.pi / 40)
    assert sprites.factor_values[2][-1] < 2 * np.pi - 0.1  # no duplicate of orientation 0
    assert sprites.shape_names == ("square", "ellipse", "heart")


@pytest.mark.parametrize("factor", range(5))
def test_every_factor_value_changes_the_image(sprites, factor):
    """Varying one factor alone gives visibly different images, except symmetries."""
    bases = [
        [shape, scale, orientation, x, y]
        for shape in range(3)
        for scale in (0, 5)
        for orientation, x, y in [(0, 0, 0), (7, 31, 31), (13, 12, 20)]
    ]
    for factors in factor_sweeps(sprites, factor, bases):
        images = sprites.render(factors, dtype="uint8")
        if factor == 2:
            period = SYMMETRY_PERIOD[factors[0, 0]]

            def same(a, b, period=period):
                return (a - b) % period == 0
        else:

            def same(a, b):
                return False

        smallest, largest_same = min_pairwise_difference(images, same)
        assert smallest >= 0.15 * 255, (sprites.factor_names[factor], factors[0], smallest)
        assert largest_same == 0  # symmetric orientations are identical, bit for bit


def _reference_render(image_size, factors, supersampling=8):
    """A direct (slow) renderer: supersample the whole canvas, no patches."""
    sprites = Sprites(image_size)
    shape_v, scale_v, angle_v, x_v, y_v = sprites.factor_values
    samples = (np.arange(image_size * supersampling) + 0.5) / supersampling
    images = []
    for shape, scale, orientation, x, y in factors:
        cx = (16.5 + 31 * x_v[x]) / 64 * image_size
        cy = (16.5 + 31 * y_v[y]) / 64 * image_size
        dx = (samples[None, :] - cx) / image_size / scale_v[scale]
        dy = (cy - samples[:, None]) / image_size / scale_v[scale]
        angle = angle_v[orientation]
        u = np.cos(angle) * dx + np.sin(angle) * dy
        v = np.cos(angle) * dy - np.sin(angle) * dx
        inside = _inside(sprites.shape_names[shape], u, v)
        n = image_size
        images.append(inside.reshape(n, supersampling, n, supersampling).mean(axis=(1, 3)))
    return np.stack(images)[:, None]


def test_matches_a_direct_renderer(sprites):
    factors = sprites.sample_factors(12, random_state=1)
    expected = _reference_render(sprites.image_size, factors)
    # The symmetric orientations are canonicalised, so allow a few sub-pixel samples.
    np.testing.assert_allclose(sprites.render(factors), expected, atol=3 / 64)
    assert np.mean(np.abs(sprites.render(factors) - expected)) < 1e-3


def test_shapes_sit_inside_the_canvas(sprites):
    corners = np.array(
        [[s, 5, o, x, y] for s in range(3) for o in (0, 5) for x in (0, 31) for y in (0, 31)]
    )
    images = sprites.render(corners)
    assert np.all(images[..., 0, :] == 0) and np.all(images[..., -1, :] == 0)
    assert np.all(images[..., :, 0] == 0) and np.all(images[..., :, -1] == 0)
    # The square at scale 1 covers 0.3 ** 2 of the canvas.
    square = sprites.render([[0, 5, 0, 16, 16]])
    assert square.sum() == pytest.approx(0.09 * sprites.image_size**2, rel=0.05)


def test_dtypes_and_determinism(sprites):
    factors = sprites.sample_factors(200, random_state=0)
    as_float = sprites.render(factors)
    as_uint8 = sprites.render(factors, dtype="uint8")
    assert as_float.dtype == np.float32 and as_uint8.dtype == np.uint8
    assert as_float.min() == 0 and as_float.max() == 1
    np.testing.assert_array_equal(as_uint8, np.rint(as_float * 255).astype(np.uint8))
    fresh = Sprites(sprites.image_size)  # an empty patch cache renders the same images
    np.testing.assert_array_equal(fresh.render(factors[::-1]), as_float[::-1])
    restored = pickle.loads(pickle.dumps(sprites))
    np.testing.assert_array_equal(restored.render(factors, dtype="uint8"), as_uint8)


def test_sample_equals_grid_rows(sprites):
    X, factors = make_sprites(64, image_size=sprites.image_size, dtype="uint8", random_state=5)
    assert X.shape == (64, 1, sprites.image_size, sprites.image_size)
    assert len(np.unique(sprites.factors_to_index(factors))) == 64
    # rows of the grid, rendered as a contiguous block of the C-order grid
    start = 737_280 - 3000
    block_factors = sprites.index_to_factors(np.arange(start, 737_280))
    block = sprites.render(block_factors, dtype="uint8")
    np.testing.assert_array_equal(block_factors, sprites.all_factors()[start:])
    np.testing.assert_array_equal(block_factors[-1], [2, 5, 39, 31, 31])
    inside = sprites.factors_to_index(factors) >= start
    index = sprites.factors_to_index(factors)[inside] - start
    np.testing.assert_array_equal(block[index], X[inside])
    one_by_one = np.concatenate([sprites.render(f[None], dtype="uint8") for f in factors[:5]])
    np.testing.assert_array_equal(one_by_one, X[:5])


def test_make_sprites_arguments():
    X, factors = make_sprites(3, image_size=32, random_state=0)
    assert X.shape == (3, 1, 32, 32) and factors.shape == (3, 5)
    with pytest.raises(ValueError, match=r"image_size must be one of \(64, 32\) .* got 16"):
        make_sprites(3, image_size=16)
    with pytest.raises(ValueError, match=r"n_samples .* \[1, 737280\], got 737281"):
        make_sprites(737_281)
    with pytest.raises(ValueError, match=r"dtype must be 'uint8' or 'float32', got 'int16'"):
        make_sprites(3, dtype="int16")
    with pytest.raises(ValueError, match=r"factor_indices\[:, 2\] \(orientation\) .* got 40"):
        Sprites(32).render([[0, 0, 40, 0, 0]])
