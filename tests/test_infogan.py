"""LatentQuantizedInfoGAN and InfoGAN: the scikit-learn contract and their behaviour."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback

from sklq import InfoGAN, LatentQuantizedInfoGAN
from sklq.exceptions import TrainingDivergedError

FAST = dict(max_epochs=2, batch_size=16, critic_steps_per_generator_step=2, random_state=0)
ESTIMATORS = [LatentQuantizedInfoGAN, InfoGAN]


@pytest.fixture(scope="module")
def fitted(images):
    return LatentQuantizedInfoGAN(3, n_values_per_latent=4, **FAST).fit(images)


@pytest.fixture(scope="module")
def fitted_continuous(images):
    return InfoGAN(3, **FAST).fit(images)


# ------------------------------------------------------------------ parameters


def test_default_parameters_follow_the_reference():
    params = LatentQuantizedInfoGAN().get_params()
    assert params["n_values_per_latent"] == 10 and params["learn_codebook"] is True
    assert params["quantization_weight"] == params["commitment_weight"] == 0.01
    continuous = InfoGAN().get_params()
    for p in (params, continuous):
        assert p["weight_decay"] == 1e-3
        assert p["latent_weight"] == 200
        assert p["gradient_penalty_weight"] == 10
        assert p["critic_steps_per_generator_step"] == 5
        assert p["learning_rate"] == 2e-4
        assert p["adam_betas"] == (0.0, 0.9)
        assert p["batch_size"] == 64
        assert p["grad_clip_value"] == 1.0
        assert p["output_activation"] == "sigmoid"
    assert set(params) - set(continuous) == {
        "n_values_per_latent", "learn_codebook", "global_codebook", "quantization_weight",
        "commitment_weight", "codebook_learning_rate",
    }
    assert params["global_codebook"] is False and params["codebook_learning_rate"] is None


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_clone_and_set_params(estimator_class):
    est = estimator_class(4, latent_weight=50.0, adam_betas=(0.5, 0.99))
    cloned = clone(est)
    assert cloned.get_params() == est.get_params()
    cloned.set_params(critic_steps_per_generator_step=2)
    assert est.critic_steps_per_generator_step == 5


# ----------------------------------------------------------------- fitted model


def test_fitted_attributes_and_history(fitted, images):
    assert fitted.n_features_in_ == 256
    assert fitted.codebook_.shape == (3, 4)
    assert fitted.architecture_ == "conv" and fitted.input_shape_ == (1, 16, 16)
    assert fitted.n_iter_ == 2
    history = fitted.history_
    assert isinstance(history, pd.DataFrame) and len(history) == 2
    terms = ["value_loss", "gradient_penalty_loss", "latent_loss", "quantization_loss",
             "commitment_loss", "generator_loss", "wasserstein_estimate", "train_loss"]
    for column in terms:
        assert np.isfinite(history[column]).all(), column
    np.testing.assert_allclose(history.wasserstein_estimate, -history.value_loss, rtol=1e-6)
    total = (history.value_loss + 10 * history.gradient_penalty_loss
             + 200 * history.latent_loss
             + 0.01 * (history.quantization_loss + history.commitment_loss))
    np.testing.assert_allclose(history.train_loss, total, rtol=1e-4)


def test_continuous_history_has_no_quantization_terms(fitted_continuous):
    history = fitted_continuous.history_
    assert "quantization_loss" not in history and "commitment_loss" not in history
    assert np.isfinite(history[["value_loss", "gradient_penalty_loss", "latent_loss",
                                "wasserstein_estimate", "generator_loss"]]).all().all()
    assert not hasattr(fitted_continuous, "codebook_")


def test_transform_is_the_quantized_code_of_real_data(fitted, images):
    Z = fitted.transform(images)
    indices = fitted.encode(images, output="indices")
    continuous = fitted.encode(images, output="continuous")
    assert Z.shape == indices.shape == continuous.shape == (len(images), 3)
    assert Z.dtype == np.float32 and indices.dtype == np.int64
    for j in range(3):
        np.testing.assert_array_equal(Z[:, j], fitted.codebook_[j][indices[:, j]])
        nearest = np.abs(continuous[:, j, None] - fitted.codebook_[j]).argmin(axis=1)
        np.testing.assert_array_equal(indices[:, j], nearest)
    net = fitted.net_
    with torch.no_grad(), net.autocast():  # the precision and layout transform runs in
        expected = net.module_.encoder(net.prepare_batch(torch.from_numpy(images)))
    np.testing.assert_allclose(continuous, expected.float().numpy(), rtol=1e-5, atol=1e-6)


def test_continuous_transform_is_the_encoder_output(fitted_continuous, images):
    Z = fitted_continuous.transform(images)
    np.testing.assert_array_equal(Z, fitted_continuous.encode(images, output="continuous"))
    with pytest.raises(ValueError, match="output='indices' is not one of"):
        fitted_continuous.encode(images, output="indices")


@pytest.mark.parametrize("which", ["fitted", "fitted_continuous"])
def test_inverse_transform_is_the_generator(which, request):
    est = request.getfixturevalue(which)
    Z = np.random.default_rng(0).random((5, 3)).astype(np.float32)
    X_gen = est.inverse_transform(Z)
    assert X_gen.shape == (5, 1, 16, 16) and X_gen.dtype == np.float32
    assert X_gen.min() >= 0 and X_gen.max() <= 1
    with torch.no_grad(), est.net_.autocast():
        logits = est.net_.module_.generator(torch.from_numpy(Z))
    np.testing.assert_allclose(X_gen, torch.sigmoid(logits.float()).numpy(), rtol=1e-5,
                               atol=1e-6)


def test_sample_draws_codes_from_the_codebook(fitted):
    X_gen, Z = fitted.sample(300, random_state=0)
    assert X_gen.shape == (300, 1, 16, 16) and Z.shape == (300, 3) and Z.dtype == np.float32
    for j in range(3):
        # every codebook value shows up, and nothing else
        assert set(Z[:, j]) == set(fitted.codebook_[j])
    np.testing.assert_allclose(X_gen, fitted.inverse_transform(Z), rtol=1e-6)
    again = fitted.sample(300, random_state=0)
    np.testing.assert_array_equal(again[1], Z)
    np.testing.assert_array_equal(again[0], X_gen)
    assert not np.array_equal(fitted.sample(300, random_state=1)[1], Z)
    assert fitted.sample(1)[0].shape == (1, 1, 16, 16)


def test_continuous_sample_is_uniform(fitted_continuous):
    X_gen, Z = fitted_continuous.sample(2000, random_state=np.random.default_rng(0))
    assert X_gen.shape == (2000, 1, 16, 16)
    assert Z.min() >= 0 and Z.max() < 1
    np.testing.assert_allclose(Z.mean(axis=0), 0.5, atol=0.03)


@pytest.mark.parametrize("random_state", [None, 0, np.random.RandomState(0)])
def test_sample_and_fit_leave_global_generators_untouched(fitted, images, random_state):
    np.random.seed(123)  # noqa: NPY002 - the legacy global RNG is what must stay untouched
    torch.manual_seed(123)
    numpy_state, torch_state = np.random.get_state(), torch.get_rng_state()  # noqa: NPY002
    fitted.sample(4, random_state=random_state)
    fitted.transform(images)  # inference iterates a DataLoader, which seeds from torch
    InfoGAN(2, max_epochs=1, batch_size=16, random_state=random_state).fit(images[:16])
    after = np.random.get_state()  # noqa: NPY002
    assert all(np.array_equal(a, b) for a, b in zip(numpy_state, after, strict=True))
    assert torch.equal(torch_state, torch.get_rng_state())


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_sample_rejects_bad_sizes(fitted, bad):
    with pytest.raises(ValueError, match="n_samples must be an integer >= 1"):
        fitted.sample(bad)


def test_score_is_negative_round_trip_error(fitted, images):
    round_trip = fitted.inverse_transform(fitted.transform(images))
    expected = -float(((round_trip - images) ** 2).mean())
    assert fitted.score(images) == pytest.approx(expected, rel=1e-5)
    assert fitted.score(images) <= 0


def test_same_random_state_identical_results(fitted, images):
    again = LatentQuantizedInfoGAN(3, n_values_per_latent=4, **FAST).fit(images)
    np.testing.assert_array_equal(again.encode(images, "continuous"),
                                  fitted.encode(images, "continuous"))
    np.testing.assert_array_equal(again.codebook_, fitted.codebook_)
    np.testing.assert_array_equal(again.sample(3, random_state=0)[0],
                                  fitted.sample(3, random_state=0)[0])
    pd.testing.assert_frame_equal(again.history_.drop(columns="dur"),
                                  fitted.history_.drop(columns="dur"))
    other = LatentQuantizedInfoGAN(3, n_values_per_latent=4, **{**FAST, "random_state": 1})
    assert not np.array_equal(other.fit(images).encode(images, "continuous"),
                              fitted.encode(images, "continuous"))


@pytest.mark.parametrize("which", ["fitted", "fitted_continuous"])
def test_pickle_and_joblib_round_trips(which, request, images, tmp_path):
    est = request.getfixturevalue(which)
    expected = est.transform(images)
    X_gen, _ = est.sample(4, random_state=0)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.transform(images), expected)
    np.testing.assert_array_equal(restored.sample(4, random_state=0)[0], X_gen)
    assert restored.score(images) == est.score(images)
    joblib.dump(est, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.transform(images), expected)
    assert loaded.net_.generator_optimizer_ is not None


def test_uint8_images_equal_scaled_floats(images):
    as_uint8 = np.round(images * 255).astype(np.uint8)
    est_uint8 = LatentQuantizedInfoGAN(2, **FAST).fit(as_uint8)
    scaled = as_uint8.astype(np.float32) / np.float32(255)
    est_float = LatentQuantizedInfoGAN(2, **FAST).fit(scaled)
    np.testing.assert_array_equal(est_uint8.transform(as_uint8), est_float.transform(scaled))
    X_gen, _ = est_uint8.sample(3, random_state=0)
    assert X_gen.dtype == np.uint8 and X_gen.shape == (3, 1, 16, 16)


def test_flat_rows_with_input_shape_and_tabular_data(images, tabular):
    flat = LatentQuantizedInfoGAN(2, input_shape=(1, 16, 16), **FAST).fit(
        images.reshape(len(images), -1)
    )
    assert flat.architecture_ == "conv"
    assert flat.sample(2, random_state=0)[0].shape == (2, 256)
    table = InfoGAN(2, **FAST).fit(pd.DataFrame(tabular, columns=list("abcdef")))
    assert table.architecture_ == "mlp"
    assert list(table.feature_names_in_) == list("abcdef")
    assert table.sample(3, random_state=0)[0].shape == (3, 6)
    unbounded = InfoGAN(2, output_activation="identity", **FAST).fit(tabular * 10 - 5)
    assert np.isfinite(unbounded.score(tabular * 10 - 5))


class _PoisonWeights(Callback):
    def on_batch_begin(self, net, batch=None, training=None, **kwargs):
        if training and len(net.history[-1, "batches"]) == 1:
            with torch.no_grad():
                net.module_.critic.weight.fill_(float("nan"))


def test_nan_loss_stops_training_with_a_clear_error(images):
    est = InfoGAN(2, callbacks=[_PoisonWeights()], **FAST)
    with pytest.raises(TrainingDivergedError, match="diverged.*nan"):
        est.fit(images)
    assert not hasattr(est, "net_")


def test_verbose_prints_the_epoch_table(images, capsys):
    LatentQuantizedInfoGAN(2, verbose=1, **{**FAST, "max_epochs": 1}).fit(images[:16])
    out = capsys.readouterr().out
    assert "gradient_penalty_loss" in out and "wasserstein_estimate" in out


# ------------------------------------------------------------------- bad input


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_data_outside_the_unit_interval_is_rejected(estimator_class, images):
    with pytest.raises(ValueError, match=r"output_activation='sigmoid'.*\[-0.99\d*, 0.99\d*\]"):
        estimator_class(2, **FAST).fit(images * 2 - 1)
    with pytest.raises(ValueError, match=r"X must be in \[0, 1\]"):
        estimator_class(2, **FAST).fit(images + 1)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_is_rejected(images, bad):
    X = images.copy()
    X[2, 0, 3, 3] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        LatentQuantizedInfoGAN(2, **FAST).fit(X)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"critic_steps_per_generator_step": 0},
         "'critic_steps_per_generator_step' parameter.*Got 0"),
        ({"latent_weight": -1.0}, "'latent_weight' parameter.*Got -1.0"),
        ({"gradient_penalty_weight": -1}, "'gradient_penalty_weight' parameter.*Got -1"),
        ({"output_activation": "tanh"}, "'output_activation' parameter.*Got 'tanh'"),
        ({"adam_betas": 0.9}, "'adam_betas' parameter.*Got 0.9"),
        ({"n_values_per_latent": 1}, "'n_values_per_latent' parameter.*Got 1"),
        ({"learning_rate": 0}, "'learning_rate' parameter.*Got 0"),
    ],
)
def test_invalid_hyperparameters(images, params, match):
    with pytest.raises(InvalidParameterError, match=match):
        LatentQuantizedInfoGAN(**{"n_latents": 2, **FAST, **params}).fit(images)


@pytest.mark.parametrize("betas", [(0.0,), (0.0, 1.0), (-0.1, 0.9), ("a", 0.9)])
def test_invalid_adam_betas(images, betas):
    with pytest.raises(ValueError, match=r"adam_betas=.* must be two numbers in \[0, 1\)"):
        InfoGAN(2, adam_betas=betas, **FAST).fit(images)


def test_bad_input_after_fit(fitted, images):
    with pytest.raises(ValueError, match="X has 1024 features.*expecting 256"):
        fitted.transform(np.zeros((2, 1, 32, 32), dtype=np.float32))
    with pytest.raises(ValueError, match="Z has 2 columns.*n_latents=3"):
        fitted.inverse_transform(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="output='codes' is not one of"):
        fitted.encode(images, output="codes")


@pytest.mark.parametrize("method", ["transform", "score", "encode", "inverse_transform",
                                    "sample"])
def test_unfitted_estimator(method, images):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(LatentQuantizedInfoGAN(2), method)(images if method != "sample" else 3)


def test_public_names():
    import sklq

    for name in ("LatentQuantizedInfoGAN", "InfoGAN"):
        assert name in sklq.__all__ and name in dir(sklq)
        assert getattr(sklq, name).__module__ == "sklq._infogan"


def test_grid_search_with_default_score(tabular):
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(
        InfoGAN(2, max_epochs=1, batch_size=16, random_state=0),
        {"latent_weight": [1.0, 200.0], "critic_steps_per_generator_step": [1, 5]},
        cv=2,
    ).fit(tabular)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert (search.cv_results_["mean_test_score"] <= 0).all()
