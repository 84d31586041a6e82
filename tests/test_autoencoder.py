"""LatentQuantizedAutoencoder: the scikit-learn contract and its behaviour."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import Callback

from sklq import LatentQuantizedAutoencoder
from sklq._training import NO_DECAY_PATTERNS, is_decayed
from sklq.exceptions import TrainingDivergedError

FAST = dict(max_epochs=2, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def fitted(tabular):
    return LatentQuantizedAutoencoder(3, n_values_per_latent=4, **FAST).fit(tabular)


@pytest.fixture(scope="module")
def fitted_images(images):
    return LatentQuantizedAutoencoder(3, **FAST).fit(images)


def test_default_parameters_follow_the_reference():
    params = LatentQuantizedAutoencoder().get_params()
    assert params["n_latents"] == 10
    assert params["n_values_per_latent"] == 10
    assert params["weight_decay"] == 0.1
    assert params["quantization_weight"] == params["commitment_weight"] == 0.01
    assert params["learning_rate"] == 1e-3
    assert params["batch_size"] == 128
    assert params["grad_clip_value"] == 1.0
    assert params["learn_codebook"] is True


def test_clone_get_set_params():
    est = LatentQuantizedAutoencoder(4, weight_decay=0.5)
    cloned = clone(est)
    assert cloned.get_params() == est.get_params()
    cloned.set_params(n_values_per_latent=3, weight_decay=0.0)
    assert cloned.n_values_per_latent == 3 and est.n_values_per_latent == 10


def test_fitted_attributes(fitted, tabular):
    assert fitted.n_features_in_ == 6
    assert fitted.codebook_.shape == (3, 4)
    assert fitted.n_iter_ == 2
    assert fitted.reconstruction_loss_ == "bce"
    assert fitted.architecture_ == "mlp"
    assert fitted.input_shape_ == (6,)
    history = fitted.history_
    assert isinstance(history, pd.DataFrame) and len(history) == 2
    for column in ["train_loss", "reconstruction_loss", "quantization_loss", "commitment_loss"]:
        assert column in history and np.isfinite(history[column]).all()
    total = history.reconstruction_loss + 0.01 * (history.quantization_loss
                                                  + history.commitment_loss)
    np.testing.assert_allclose(history.train_loss, total, rtol=1e-5)


def test_transform_values_lie_in_the_codebook(fitted, tabular):
    Z = fitted.transform(tabular)
    indices = fitted.encode(tabular, output="indices")
    continuous = fitted.encode(tabular, output="continuous")
    assert Z.shape == indices.shape == continuous.shape == (120, 3)
    assert Z.dtype == np.float32 and indices.dtype == np.int64
    for j in range(3):
        assert len(np.unique(Z[:, j])) <= 4
        np.testing.assert_array_equal(Z[:, j], fitted.codebook_[j][indices[:, j]])
        # each value is the codebook entry nearest to the continuous output
        nearest = np.abs(continuous[:, j, None] - fitted.codebook_[j]).argmin(axis=1)
        np.testing.assert_array_equal(indices[:, j], nearest)


def test_inverse_transform_shape_and_range(fitted, tabular):
    X_hat = fitted.inverse_transform(fitted.transform(tabular))
    assert X_hat.shape == tabular.shape and X_hat.dtype == np.float32
    assert X_hat.min() >= 0 and X_hat.max() <= 1  # BCE: sigmoid of the logits


def test_score_is_negative_reconstruction_loss(fitted, tabular):
    Z = fitted.transform(tabular)
    X_hat = np.clip(fitted.inverse_transform(Z).astype(np.float64), 1e-7, 1 - 1e-7)
    bce = -(tabular * np.log(X_hat) + (1 - tabular) * np.log(1 - X_hat)).mean()
    assert fitted.score(tabular) == pytest.approx(-bce, rel=1e-4)


def test_images_and_flat_rows_give_the_same_model(images, fitted_images):
    assert fitted_images.architecture_ == "conv"
    assert fitted_images.input_shape_ == (1, 16, 16)
    flat = LatentQuantizedAutoencoder(3, input_shape=(1, 16, 16), **FAST).fit(
        images.reshape(len(images), -1)
    )
    assert flat.architecture_ == "conv"
    np.testing.assert_array_equal(
        flat.transform(images.reshape(len(images), -1)), fitted_images.transform(images)
    )
    assert flat.inverse_transform(flat.transform(images[:2].reshape(2, -1))).shape == (2, 256)
    assert fitted_images.inverse_transform(fitted_images.transform(images[:2])).shape == (
        2, 1, 16, 16,
    )
    # (n, H, W) is a one-channel stack
    hw = LatentQuantizedAutoencoder(3, **FAST).fit(images[:, 0])
    np.testing.assert_array_equal(hw.transform(images[:, 0]), fitted_images.transform(images))
    assert hw.inverse_transform(hw.transform(images[:3, 0])).shape == (3, 16, 16)


def test_uint8_images_equal_scaled_floats(images):
    as_uint8 = np.round(images * 255).astype(np.uint8)
    est_uint8 = LatentQuantizedAutoencoder(3, **FAST).fit(as_uint8)
    est_float = LatentQuantizedAutoencoder(3, **FAST).fit(
        as_uint8.astype(np.float32) / np.float32(255)
    )
    assert est_uint8.sample_dtype_ == np.uint8
    assert est_uint8.reconstruction_loss_ == "bce"
    np.testing.assert_array_equal(est_uint8.transform(as_uint8), est_float.transform(
        as_uint8.astype(np.float32) / np.float32(255)))
    decoded = est_uint8.inverse_transform(est_uint8.transform(as_uint8[:4]))
    assert decoded.dtype == np.uint8 and decoded.shape == (4, 1, 16, 16)


def test_same_random_state_identical_results(tabular, fitted):
    again = LatentQuantizedAutoencoder(3, n_values_per_latent=4, **FAST).fit(tabular)
    np.testing.assert_array_equal(again.transform(tabular), fitted.transform(tabular))
    np.testing.assert_array_equal(again.codebook_, fitted.codebook_)
    other = LatentQuantizedAutoencoder(3, n_values_per_latent=4, **{**FAST, "random_state": 1})
    assert not np.array_equal(other.fit(tabular).encode(tabular, "continuous"),
                              fitted.encode(tabular, "continuous"))


@pytest.mark.parametrize("random_state", [None, 0, np.random.RandomState(0)])
def test_global_random_generators_untouched(tabular, random_state):
    np.random.seed(123)  # noqa: NPY002 - the legacy global RNG is what must stay untouched
    torch.manual_seed(123)
    numpy_state, torch_state = np.random.get_state(), torch.get_rng_state()  # noqa: NPY002
    LatentQuantizedAutoencoder(2, max_epochs=1, random_state=random_state).fit(tabular)
    after = np.random.get_state()  # noqa: NPY002
    assert all(np.array_equal(a, b) for a, b in zip(numpy_state, after, strict=True))
    assert torch.equal(torch_state, torch.get_rng_state())


def test_pickle_and_joblib_round_trips(fitted, tabular, tmp_path):
    expected = fitted.transform(tabular)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(tabular), expected)
    np.testing.assert_array_equal(restored.codebook_, fitted.codebook_)
    joblib.dump(fitted, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.transform(tabular), expected)
    np.testing.assert_array_equal(
        loaded.inverse_transform(expected), fitted.inverse_transform(expected)
    )


def test_feature_names_and_pandas_output(tabular):
    frame = pd.DataFrame(tabular, columns=[f"col{i}" for i in range(6)])
    est = LatentQuantizedAutoencoder(3, **FAST).set_output(transform="pandas").fit(frame)
    np.testing.assert_array_equal(est.feature_names_in_, frame.columns)
    out = est.transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [f"latentquantizedautoencoder{i}" for i in range(3)]
    assert list(est.get_feature_names_out()) == list(out.columns)


def test_pipeline_scaler_qlae_classifier():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    X = rng.normal(size=(300, 5)) + 3.0 * y[:, None]  # two well separated clusters
    pipe = make_pipeline(
        StandardScaler(),
        LatentQuantizedAutoencoder(2, max_epochs=15, batch_size=32, random_state=0),
        LogisticRegression(),
    ).fit(X, y)
    assert pipe[1].reconstruction_loss_ == "mse"  # standardised data is not in [0, 1]
    assert pipe.score(X, y) > 0.9


def test_grid_search_with_default_score(tabular):
    search = GridSearchCV(
        LatentQuantizedAutoencoder(2, max_epochs=2, batch_size=32, random_state=0),
        {"weight_decay": [0.0, 0.1], "n_values_per_latent": [3, 8]},
        cv=2,
    ).fit(tabular)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_params_ in search.cv_results_["params"]
    assert search.best_estimator_.codebook_.shape[1] == search.best_params_["n_values_per_latent"]


def test_optimizer_param_groups_follow_the_spec():
    est = LatentQuantizedAutoencoder(
        3, network_size="image_small", decoder="style", max_epochs=1, random_state=0,
        weight_decay=0.25,
    ).fit(np.random.default_rng(0).random((4, 1, 16, 16)))
    optimizer = est.net_.optimizer_
    assert isinstance(optimizer, torch.optim.AdamW)
    names = {p: n for n, p in est.net_.module_.named_parameters()}
    decayed = {names[p] for g in optimizer.param_groups if g["weight_decay"] == 0.25
               for p in g["params"]}
    undecayed = {names[p] for g in optimizer.param_groups if g["weight_decay"] == 0.0
                 for p in g["params"]}
    assert decayed | undecayed == set(names.values()) and not decayed & undecayed
    assert "latent.codebook" in undecayed
    assert all(n.endswith("bias") for n in undecayed - {"latent.codebook"})
    assert any(n.endswith("bias") for n in undecayed)
    assert "decoder.input_map" in decayed
    group_norm_weights = {
        f"{module_name}.weight"
        for module_name, m in est.net_.module_.named_modules()
        if isinstance(m, torch.nn.GroupNorm)
    }
    assert group_norm_weights and group_norm_weights <= decayed
    assert all(n.endswith("weight") or n == "decoder.input_map" for n in decayed)
    for group in optimizer.param_groups:
        assert group["lr"] == 1e-3 and group["betas"] == (0.9, 0.999) and group["eps"] == 1e-8


def test_codebook_learning_rate_is_the_codebook_groups_alone(tabular):
    est = LatentQuantizedAutoencoder(2, max_epochs=1, random_state=0, learning_rate=2e-3,
                                     codebook_learning_rate=1e-4).fit(tabular)
    names = {p: n for n, p in est.net_.module_.named_parameters()}
    rates = {names[p]: g["lr"] for g in est.net_.optimizer_.param_groups for p in g["params"]}
    assert rates.pop("latent.codebook") == 1e-4
    assert set(rates.values()) == {2e-3}
    # and it moves the codebook less: one epoch at 1e-4 against the default (2e-3)
    default = LatentQuantizedAutoencoder(2, max_epochs=1, random_state=0,
                                         learning_rate=2e-3).fit(tabular)
    start = np.linspace(-0.5, 0.5, 10)
    assert np.abs(est.codebook_ - start).max() < np.abs(default.codebook_ - start).max() / 5


def test_gradient_clipping_is_elementwise_and_only_on_decayed_group(fitted):
    net = fitted.net_
    named = list(net.module_.named_parameters())
    for _, param in named:
        param.grad = torch.full_like(param, 5.0)
        param.grad.view(-1)[0] = -0.5
    net.on_grad_computed(net, named)
    for name, param in named:
        if is_decayed(name):
            assert param.grad.max() == 1.0 and param.grad.view(-1)[0] == -0.5
        else:
            assert param.grad.max() == 5.0
        param.grad = None
    assert NO_DECAY_PATTERNS == ("*bias", "latent.codebook")


def test_frozen_codebook_stays_at_initial_values(tabular):
    est = LatentQuantizedAutoencoder(3, n_values_per_latent=5, learn_codebook=False, **FAST)
    est.fit(tabular)
    np.testing.assert_array_equal(est.codebook_, np.tile(np.linspace(-0.5, 0.5, 5), (3, 1))
                                  .astype(np.float32))
    learned = LatentQuantizedAutoencoder(3, n_values_per_latent=5, **FAST).fit(tabular)
    assert not np.allclose(learned.codebook_, est.codebook_)


class _PoisonWeights(Callback):
    """Sets a weight to NaN before the third batch, as a diverging run would."""

    def on_batch_begin(self, net, batch=None, training=None, **kwargs):
        if training and len(net.history[-1, "batches"]) == 2:
            with torch.no_grad():
                next(net.module_.encoder.parameters()).fill_(float("nan"))


def test_nan_loss_stops_training_with_a_clear_error(tabular):
    est = LatentQuantizedAutoencoder(2, callbacks=[_PoisonWeights()], **FAST)
    with pytest.raises(TrainingDivergedError, match="diverged.*nan.*learning_rate"):
        est.fit(tabular)
    assert not hasattr(est, "net_")


def test_verbose_prints_the_epoch_table(tabular, capsys):
    LatentQuantizedAutoencoder(2, verbose=1, **FAST).fit(tabular)
    out = capsys.readouterr().out
    assert "reconstruction_loss" in out and "commitment_loss" in out
    LatentQuantizedAutoencoder(2, verbose=0, **FAST).fit(tabular)
    assert capsys.readouterr().out == ""


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_without_gpu_is_a_clear_error(tabular):
    with pytest.raises(ValueError, match="device='cuda'"):
        LatentQuantizedAutoencoder(2, device="cuda", **FAST).fit(tabular)
    assert LatentQuantizedAutoencoder(2, device="auto", **FAST).fit(tabular).net_.device == "cpu"
