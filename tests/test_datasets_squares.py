"""Tests of the Squares dataset and of the shared procedural-dataset machinery."""

import numpy as np
import pytest
from _datasets_helpers import factor_sweeps, min_pairwise_difference

from sklq.datasets import Squares, make_squares


@pytest.fixture(scope="module")
def squares():
    return Squares()


def test_grid_metadata(squares):
    assert squares.factor_names == ("position_x", "position_y", "size", "brightness")
    assert squares.factor_sizes == (10, 10, 4, 4)
    assert squares.n_factors == 4
    assert squares.n_samples == 1600
    assert squares.image_shape == (1, 16, 16)
    assert [len(v) for v in squares.factor_values] == [10, 10, 4, 4]
    with pytest.raises(ValueError):
        squares.factor_values[0][0] = 1.0  # read-only


@pytest.mark.parametrize("image_size", [16, 32])
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_make_squares_full_grid(image_size, dtype):
    X, factors = make_squares(image_size=image_size, dtype=dtype)
    assert X.shape == (1600, 1, image_size, image_size)
    assert X.dtype == np.dtype(dtype)
    assert factors.shape == (1600, 4) and factors.dtype == np.int64
    np.testing.assert_array_equal(factors, Squares(image_size).all_factors())
    # C order: the last factor varies fastest.
    np.testing.assert_array_equal(factors[:4, 3], np.arange(4))
    np.testing.assert_array_equal(factors[0], [0, 0, 0, 0])
    np.testing.assert_array_equal(factors[-1], [9, 9, 3, 3])
    top = 255 if dtype == "uint8" else 1.0
    assert X.min() == 0 and X.max() == top


def test_uint8_is_rounded_float(squares):
    factors = squares.all_factors()
    as_float = squares.render(factors, dtype="float32")
    as_uint8 = squares.render(factors, dtype="uint8")
    np.testing.assert_array_equal(as_uint8, np.rint(as_float * 255).astype(np.uint8))
    assert as_float.min() >= 0 and as_float.max() <= 1


def test_square_geometry():
    squares = Squares(16)
    # position (3.5 + 0) / 16, side 3 / 16: covers exactly pixels 2..4 on both axes.
    image = squares.render([[0, 0, 0, 3]])[0, 0]
    expected = np.zeros((16, 16), np.float32)
    expected[2:5, 2:5] = 1
    np.testing.assert_array_equal(image, expected)
    # moving x moves columns, moving y moves rows; side 4 gives half-covered edge pixels.
    image = squares.render([[2, 0, 1, 0]])[0, 0]
    assert image[1:6, 3:8].sum() == pytest.approx(0.4 * 16)
    assert image[3, 5] == pytest.approx(0.4) and image[1, 5] == pytest.approx(0.2)
    # The mass of the image is size**2 * brightness in every position (anti-aliasing).
    X = squares.render(squares.all_factors()).reshape(10, 10, 4, 4, -1).sum(axis=-1)
    side, brightness = squares.factor_values[2] * 16, squares.factor_values[3]
    np.testing.assert_allclose(
        X, np.broadcast_to(side[:, None] ** 2 * brightness, X.shape), rtol=1e-5
    )


@pytest.mark.parametrize("image_size", [16, 32])
def test_every_factor_value_changes_the_image(image_size):
    squares = Squares(image_size)
    rng = np.random.default_rng(0)
    bases = squares.sample_factors(6, random_state=rng)
    for factor in range(squares.n_factors):
        for factors in factor_sweeps(squares, factor, bases):
            smallest, _ = min_pairwise_difference(squares.render(factors))
            assert smallest >= 0.1, (squares.factor_names[factor], smallest)


def test_determinism_and_sample_consistency(squares):
    X1, f1 = make_squares(50, random_state=3)
    X2, f2 = make_squares(50, random_state=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(f1, f2)
    X_other, _ = make_squares(50, random_state=4)
    assert not np.array_equal(X1, X_other)
    # A sample is rows of the full grid.
    X_full, f_full = make_squares()
    index = squares.factors_to_index(f1)
    np.testing.assert_array_equal(f_full[index], f1)
    np.testing.assert_array_equal(X_full[index], X1)
    # without replacement: distinct rows
    assert len(np.unique(index)) == 50


def test_random_state_kinds(squares):
    a = squares.sample_factors(10, np.random.default_rng(1))
    b = squares.sample_factors(10, np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    c = squares.sample_factors(10, np.random.RandomState(1))
    assert c.shape == (10, 4)
    many = squares.sample_factors(5000, 0, replace=True)
    assert many.shape == (5000, 4) and many.max(axis=0).tolist() == [9, 9, 3, 3]
    X, _ = make_squares(1600, random_state=0)
    assert X.shape[0] == 1600


def test_index_roundtrip(squares):
    index = np.array([0, 1, 17, 1599])
    factors = squares.index_to_factors(index)
    np.testing.assert_array_equal(squares.factors_to_index(factors), index)
    np.testing.assert_array_equal(factors[1], [0, 0, 0, 1])
    np.testing.assert_array_equal(factors[2], [0, 1, 0, 1])  # 17 = 1 * 16 + 1


def test_chunking_does_not_change_images():
    squares = Squares(16)
    factors = squares.sample_factors(300, random_state=0)
    whole = squares.render(factors)
    squares._chunk_size = 7
    np.testing.assert_array_equal(squares.render(factors), whole)
    assert squares.render(np.empty((0, 4), dtype=np.int64)).shape == (0, 1, 16, 16)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, r"n_samples must be None or an integer in \[1, 1600\], got 0"),
        ({"n_samples": 1601}, r"n_samples .* got 1601"),
        ({"n_samples": 2.5}, r"n_samples .* got 2.5"),
        ({"n_samples": True}, r"n_samples .* got True"),
        ({"image_size": 4}, r"image_size must be an integer in \[8, 256\], got 4"),
        ({"image_size": "16"}, r"image_size .* got '16'"),
        ({"dtype": "float64"}, r"dtype must be 'uint8' or 'float32', got 'float64'"),
        ({"dtype": "pixels"}, r"dtype must be 'uint8' or 'float32', got 'pixels'"),
        ({"n_samples": 5, "random_state": "seed"}, r"random_state must be"),
        ({"n_samples": 5, "random_state": -1}, r"random_state must be"),
    ],
)
def test_make_squares_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_squares(**kwargs)


@pytest.mark.parametrize(
    "factors, match",
    [
        ([[0, 0, 0, 4]], r"factor_indices\[:, 3\] \(brightness\) must lie in \[0, 3\], got 4"),
        ([[0, -1, 0, 0]], r"factor_indices\[:, 1\] \(position_y\) must lie in \[0, 9\], got -1"),
        ([[0, 0, 0]], r"factor_indices must have shape \(n, 4\) .* got shape \(1, 3\)"),
        ([0, 0, 0, 0], r"must have shape \(n, 4\)"),
        ([[0.0, 0, 0, 0]], r"factor_indices must be integers"),
    ],
)
def test_render_bad_factors(squares, factors, match):
    with pytest.raises(ValueError, match=match):
        squares.render(factors)


def test_bad_index(squares):
    with pytest.raises(ValueError, match=r"index must lie in \[0, 1599\]"):
        squares.index_to_factors([1600])
    with pytest.raises(ValueError, match=r"n_samples must be an integer in \[1, 1600\], got 0"):
        squares.sample_factors(0)
