"""warm_start=True: continued training that ends where one longer fit does, also after save/load."""

import io
import zipfile

import numpy as np
import pytest
import torch

import sklq
from sklq import BetaTCVAE, LatentQuantizedAutoencoder, LatentQuantizedInfoGAN
from sklq.exceptions import ModelFileError

CASES = [
    (LatentQuantizedAutoencoder, {}),
    (LatentQuantizedInfoGAN, {"critic_steps_per_generator_step": 2}),
    (BetaTCVAE, {}),
]


def _model(cls, params, epochs, **extra):
    return cls(2, max_epochs=epochs, batch_size=16, random_state=0, **params, **extra)


def _save_load(model, **kwargs):
    buffer = io.BytesIO()
    sklq.save(model, buffer, **kwargs)
    buffer.seek(0)
    return sklq.load(buffer)


@pytest.mark.parametrize(("cls", "params"), CASES, ids=lambda c: getattr(c, "__name__", ""))
@pytest.mark.parametrize("through_file", [False, True], ids=["in memory", "saved and loaded"])
def test_two_fits_of_2_plus_1_epochs_equal_one_of_3(cls, params, through_file, images):
    three = _model(cls, params, 3).fit(images)
    model = _model(cls, params, 2, warm_start=True).fit(images)
    assert model.n_iter_ == 2
    if through_file:
        model = _save_load(model)
    model.set_params(max_epochs=1).fit(images)
    assert model.n_iter_ == 3 and model.history_["epoch"].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(model.history_["train_loss"], three.history_["train_loss"])
    np.testing.assert_array_equal(model.transform(images), three.transform(images))
    for name, value in three.net_.module_.state_dict().items():
        torch.testing.assert_close(model.net_.module_.state_dict()[name], value, rtol=0, atol=0)


def test_the_optimizer_state_travels_in_the_file(images):
    model = _model(LatentQuantizedAutoencoder, {}, 2).fit(images)
    loaded = _save_load(model)
    saved_state = model.net_.optimizer_.state_dict()["state"]
    loaded_state = loaded.net_.optimizer_.state_dict()["state"]
    assert saved_state.keys() == loaded_state.keys() and len(saved_state) > 0
    for key, moments in saved_state.items():
        for name in ("exp_avg", "exp_avg_sq"):
            torch.testing.assert_close(loaded_state[key][name], moments[name], rtol=0, atol=0)


def test_warm_start_false_trains_anew(images):
    model = _model(LatentQuantizedAutoencoder, {}, 2).fit(images)
    first = model.transform(images)
    model.fit(images)
    assert model.n_iter_ == 2
    np.testing.assert_array_equal(model.transform(images), first)


def test_changing_the_network_between_continued_fits_is_refused(images):
    model = _model(LatentQuantizedAutoencoder, {}, 1, warm_start=True).fit(images)
    model.set_params(learning_rate=0.1, n_values_per_latent=5)
    with pytest.raises(ValueError, match=r"learning_rate, n_values_per_latent changed since "
                                         r"it was fitted \(from 0.001, 10\)"):
        model.fit(images)
    model.set_params(learning_rate=1e-3, n_values_per_latent=10, verbose=0, max_epochs=2)
    model.fit(images)
    assert model.n_iter_ == 3
    with pytest.raises(ValueError, match="X has 64 features, but LatentQuantizedAutoencoder "
                                         "is expecting 256"):
        model.fit(images[:, :, :8, :8])


def test_a_file_without_training_state_loads_but_cannot_be_continued(images):
    model = _model(LatentQuantizedAutoencoder, {}, 1, warm_start=True).fit(images)
    full, small = io.BytesIO(), io.BytesIO()
    sklq.save(model, full)
    sklq.save(model, small, training_state=False)
    assert len(small.getvalue()) < 0.6 * len(full.getvalue())
    small.seek(0)
    loaded = sklq.load(small)
    np.testing.assert_array_equal(loaded.transform(images), model.transform(images))
    with pytest.raises(ValueError, match="saved with training_state=False"):
        loaded.fit(images)
    loaded.set_params(warm_start=False).fit(images)  # training anew still works
    assert loaded.n_iter_ == 1


def test_a_corrupt_training_state_is_a_model_file_error(images, tmp_path):
    model = _model(LatentQuantizedAutoencoder, {}, 1).fit(images)
    path = tmp_path / "model.sklq"
    sklq.save(model, path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["training.pt"] = b"not a torch file"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="training state cannot be restored"):
        sklq.load(path)
