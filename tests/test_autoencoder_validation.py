"""Bad input gets a clear error naming the parameter and the value."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sklq import LatentQuantizedAutoencoder

FAST = dict(max_epochs=1, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def tabular():
    return np.random.default_rng(0).random((50, 4)).astype(np.float32)


@pytest.fixture(scope="module")
def fitted(tabular):
    return LatentQuantizedAutoencoder(2, **FAST).fit(tabular)


@pytest.fixture(scope="module")
def fitted_images():
    X = np.random.default_rng(0).random((20, 1, 16, 16)).astype(np.float32)
    return LatentQuantizedAutoencoder(2, **FAST).fit(X)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_is_rejected(tabular, bad):
    X = tabular.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        LatentQuantizedAutoencoder(2, **FAST).fit(X)


def test_non_finite_images_are_rejected():
    X = np.zeros((4, 1, 16, 16), dtype=np.float32)
    X[1, 0, 3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LatentQuantizedAutoencoder(2, **FAST).fit(X)


def test_empty_X_is_rejected():
    with pytest.raises(ValueError, match="0 sample"):
        LatentQuantizedAutoencoder(2, **FAST).fit(np.empty((0, 4)))
    with pytest.raises(ValueError, match="0 sample"):
        LatentQuantizedAutoencoder(2, **FAST).fit(np.empty((0, 1, 16, 16)))


def test_one_dimensional_X_is_rejected():
    with pytest.raises(ValueError, match="Expected 2D array"):
        LatentQuantizedAutoencoder(2, **FAST).fit(np.arange(10.0))


def test_wrong_number_of_features_at_transform(fitted):
    with pytest.raises(ValueError, match="X has 5 features.*expecting 4 features"):
        fitted.transform(np.zeros((3, 5)))


def test_wrong_image_shape_at_transform(fitted_images):
    with pytest.raises(ValueError, match="X has 1024 features.*expecting 256"):
        fitted_images.transform(np.zeros((2, 1, 32, 32), dtype=np.float32))
    with pytest.raises(ValueError, match=r"samples of shape \(4, 8, 8\).*\(1, 16, 16\)"):
        fitted_images.transform(np.zeros((2, 4, 8, 8), dtype=np.float32))


def test_Z_with_wrong_columns_at_inverse_transform(fitted):
    with pytest.raises(ValueError, match="Z has 3 columns.*n_latents=2"):
        fitted.inverse_transform(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="NaN"):
        fitted.inverse_transform(np.array([[0.0, np.nan]]))


@pytest.mark.parametrize("method", ["transform", "score", "encode", "inverse_transform"])
def test_unfitted_estimator(method, tabular):
    est = LatentQuantizedAutoencoder(2)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(est, method)(tabular)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_values_per_latent": 1}, "'n_values_per_latent' parameter.*Got 1"),
        ({"weight_decay": -0.1}, "'weight_decay' parameter.*Got -0.1"),
        ({"architecture": "transformer"}, "'architecture' parameter.*Got 'transformer'"),
        ({"n_latents": 0}, "'n_latents' parameter.*Got 0"),
        ({"learning_rate": 0.0}, "'learning_rate' parameter.*Got 0.0"),
        ({"reconstruction_loss": "l1"}, "'reconstruction_loss' parameter.*Got 'l1'"),
        ({"device": "tpu"}, "'device' parameter.*Got 'tpu'"),
        ({"network_size": "huge"}, "'network_size' parameter.*Got 'huge'"),
        ({"learn_codebook": "yes"}, "'learn_codebook' parameter.*Got 'yes'"),
        ({"codebook_learning_rate": 0.0}, "'codebook_learning_rate' parameter.*Got 0.0"),
        ({"codebook_learning_rate": "fast"}, "'codebook_learning_rate' parameter.*Got 'fast'"),
    ],
)
def test_invalid_hyperparameters(tabular, params, match):
    with pytest.raises(InvalidParameterError, match=match):
        LatentQuantizedAutoencoder(**{"n_latents": 2, **FAST, **params}).fit(tabular)


def test_bce_needs_data_in_unit_interval(tabular):
    with pytest.raises(ValueError, match=r"reconstruction_loss='bce'.*\[-0.99\d*, 0.99\d*\]"):
        LatentQuantizedAutoencoder(2, reconstruction_loss="bce", **FAST).fit(tabular * 2 - 1)
    auto = LatentQuantizedAutoencoder(2, **FAST).fit(tabular * 2 - 1)
    assert auto.reconstruction_loss_ == "mse"


def test_input_shape_must_match_n_features(tabular):
    with pytest.raises(ValueError, match=r"input_shape=\(1, 16, 16\) holds 256.*4 features"):
        LatentQuantizedAutoencoder(2, input_shape=(1, 16, 16), **FAST).fit(tabular)
    with pytest.raises(ValueError, match=r"input_shape=\(2, 2, 2, 2\) is not an image shape"):
        LatentQuantizedAutoencoder(2, input_shape=(2, 2, 2, 2), **FAST).fit(
            np.zeros((3, 16))
        )


def test_conv_needs_images_of_8_to_256_pixels_per_side(tabular):
    with pytest.raises(ValueError, match="architecture='conv' needs images"):
        LatentQuantizedAutoencoder(2, architecture="conv", **FAST).fit(tabular)
    with pytest.raises(ValueError, match=r"X.shape\[1:\]=\(1, 4, 4\): .* 8 to 256 pixels"):
        LatentQuantizedAutoencoder(2, **FAST).fit(np.zeros((3, 4, 4), dtype=np.float32))
    with pytest.raises(ValueError, match=r"input_shape=\(1, 8, 300\): .* 8 to 256 pixels"):
        LatentQuantizedAutoencoder(2, input_shape=(1, 8, 300), **FAST).fit(
            np.zeros((3, 2400), dtype=np.float32)
        )
    # the MLP takes any image shape
    est = LatentQuantizedAutoencoder(2, architecture="mlp", **FAST)
    assert est.fit(np.zeros((3, 1, 4, 4), dtype=np.float32)).input_shape_ == (16,)


@pytest.mark.parametrize("sample_shape", [(28, 28), (3, 96, 96), (1, 64, 48), (2, 8, 13)])
def test_conv_networks_take_any_image_size(sample_shape):
    X = np.random.default_rng(0).random((6, *sample_shape), dtype=np.float32)
    est = LatentQuantizedAutoencoder(3, batch_size=4, max_epochs=1, random_state=0).fit(X)
    assert est.architecture_ == "conv"
    assert est.inverse_transform(est.transform(X)).shape == X.shape
    # the same images as flat rows with input_shape
    flat = X.reshape(len(X), -1)
    rows = LatentQuantizedAutoencoder(3, batch_size=4, max_epochs=1, random_state=0,
                                      input_shape=sample_shape).fit(flat)
    assert rows.architecture_ == "conv"
    assert rows.inverse_transform(rows.transform(flat)).shape == flat.shape
    np.testing.assert_array_equal(rows.transform(flat), est.transform(X))


@pytest.mark.parametrize(
    ("param", "value"), [("precision", "fp16"), ("weight_init", "kaiming")]
)
def test_invalid_precision_and_init_are_refused(tabular, param, value):
    with pytest.raises(ValueError, match=f"'{param}' parameter .* Got '{value}'"):
        LatentQuantizedAutoencoder(2, **{param: value}, **FAST).fit(tabular)


def test_unknown_encode_output(fitted, tabular):
    with pytest.raises(ValueError, match="output='codes' is not one of"):
        fitted.encode(tabular, output="codes")


def test_wrong_dtype_is_converted_or_rejected(tabular):
    est = LatentQuantizedAutoencoder(2, **FAST).fit(tabular.astype(np.float64))
    assert est.transform(tabular.astype(np.int64)).dtype == np.float32
    with pytest.raises(ValueError, match="could not convert|Unable to convert"):
        LatentQuantizedAutoencoder(2, **FAST).fit(np.array([["a", "b"], ["c", "d"]]))
