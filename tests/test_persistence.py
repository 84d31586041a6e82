"""sklq.save / sklq.load: a safe file format that round-trips fitted models exactly."""

import io
import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError

import sklq
from sklq import InfoGAN, LatentQuantizedAutoencoder, LatentQuantizedInfoGAN
from sklq.exceptions import ModelFileError

GAN = dict(max_epochs=1, batch_size=16, critic_steps_per_generator_step=1, random_state=0)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).integers(0, 256, (48, 1, 16, 16), dtype=np.uint8)


@pytest.fixture(scope="module")
def qlae(images):
    return LatentQuantizedAutoencoder(3, n_values_per_latent=4, max_epochs=2, batch_size=16,
                                      random_state=0).fit(images)


@pytest.fixture(scope="module")
def saved(qlae, tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "qlae.sklq"
    sklq.save(qlae, path)
    return path


def _same_outputs(a, b, X):
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    np.testing.assert_array_equal(a.encode(X, output="continuous"),
                                  b.encode(X, output="continuous"))
    Z = a.transform(X)
    np.testing.assert_array_equal(a.inverse_transform(Z), b.inverse_transform(Z))
    assert a.score(X) == b.score(X)


def test_round_trip_is_exact(qlae, saved, images):
    loaded = sklq.load(saved)
    assert type(loaded) is LatentQuantizedAutoencoder
    assert loaded.get_params() == qlae.get_params()
    _same_outputs(qlae, loaded, images)
    np.testing.assert_array_equal(loaded.codebook_, qlae.codebook_)
    assert loaded.sample_dtype_ == np.uint8 and loaded.inverse_transform(
        loaded.transform(images[:2])).dtype == np.uint8
    assert loaded.sample_shape_ == qlae.sample_shape_ == (1, 16, 16)
    assert loaded.n_iter_ == qlae.n_iter_ and loaded.reconstruction_loss_ == "bce"
    pd.testing.assert_frame_equal(loaded.history_, qlae.history_)
    assert len(loaded.net_.history) == 2
    # the loaded model pickles as well
    _same_outputs(qlae, pickle.loads(pickle.dumps(loaded)), images)


def test_public_names():
    assert {"save", "load"} <= set(sklq.__all__)
    assert sklq.load.__module__ == "sklq._persistence"


def test_loading_leaves_the_global_torch_rng_alone(saved):
    before = torch.random.get_rng_state()
    sklq.load(saved)
    assert torch.equal(before, torch.random.get_rng_state())


def test_the_file_holds_no_pickles(saved):
    with zipfile.ZipFile(saved) as archive:
        assert sorted(archive.namelist()) == ["arrays.npz", "module.pt", "sklq.json",
                                              "training.pt"]
        meta = json.loads(archive.read("sklq.json"))
        np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False)
        torch.load(io.BytesIO(archive.read("module.pt")), weights_only=True)
        torch.load(io.BytesIO(archive.read("training.pt")), weights_only=True)
    assert meta["class"] == "LatentQuantizedAutoencoder"
    assert meta["params"]["n_latents"] == 3


@pytest.mark.parametrize("Model", [LatentQuantizedInfoGAN, InfoGAN])
def test_gans_round_trip(Model, images, tmp_path):
    params = dict(n_values_per_latent=3) if Model is LatentQuantizedInfoGAN else {}
    gan = Model(2, **params, **GAN).fit(images)
    buffer = io.BytesIO()  # file objects work too
    sklq.save(gan, buffer)
    buffer.seek(0)
    loaded = sklq.load(buffer)
    assert loaded.adam_betas == gan.adam_betas == (0.0, 0.9)
    _same_outputs(gan, loaded, images)
    np.testing.assert_array_equal(loaded.sample(4, random_state=1)[0],
                                  gan.sample(4, random_state=1)[0])


def test_tabular_with_feature_names_and_pandas_output(tmp_path):
    X = pd.DataFrame(np.random.default_rng(0).random((40, 3)), columns=["a", "b", "c"])
    model = LatentQuantizedAutoencoder(2, max_epochs=1, random_state=0).fit(X)
    model.set_output(transform="pandas")
    sklq.save(model, tmp_path / "m.sklq")
    loaded = sklq.load(str(tmp_path / "m.sklq"))
    assert list(loaded.feature_names_in_) == ["a", "b", "c"]
    assert loaded.feature_names_in_.dtype == object
    pd.testing.assert_frame_equal(loaded.transform(X), model.transform(X))


def test_what_cannot_be_saved(qlae, tmp_path):
    from skorch.callbacks import EpochTimer

    with pytest.raises(NotFittedError):
        sklq.save(LatentQuantizedAutoencoder(), tmp_path / "m.sklq")
    with pytest.raises(TypeError, match="set_params\\(callbacks=None\\)"):
        sklq.save(qlae.set_params(callbacks=[EpochTimer()]), tmp_path / "m.sklq")
    qlae.set_params(callbacks=None)
    rng = np.random.RandomState(0)
    with pytest.raises(TypeError, match="random_state=RandomState"):
        sklq.save(qlae.set_params(random_state=rng), tmp_path / "m.sklq")
    qlae.set_params(random_state=0)

    class Mine(LatentQuantizedAutoencoder):
        pass

    with pytest.raises(TypeError, match="sklq.save saves sklq's estimators"):
        sklq.save(Mine(), tmp_path / "m.sklq")


def test_clear_errors_for_bad_files(saved, tmp_path):
    with pytest.raises(FileNotFoundError):
        sklq.load(tmp_path / "missing.sklq")
    data = saved.read_bytes()
    truncated = tmp_path / "truncated.sklq"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="not an sklq model file"):
        sklq.load(truncated)
    other = tmp_path / "other.npz"
    np.savez(other, X=np.zeros(3))
    with pytest.raises(ModelFileError, match="it lacks"):
        sklq.load(other)
    text = tmp_path / "text.sklq"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a zip archive"):
        sklq.load(text)


def _rewrite(saved, tmp_path, edit=None, weights=None):
    with zipfile.ZipFile(saved) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    meta = json.loads(files["sklq.json"])
    if edit:
        edit(meta)
    files["sklq.json"] = json.dumps(meta)
    if weights is not None:
        files["module.pt"] = weights
    path = tmp_path / "edited.sklq"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_clear_errors_for_bad_contents(saved, tmp_path):
    def unknown_class(meta):
        meta["class"] = "os.system"

    with pytest.raises(ModelFileError, match="unknown class 'os.system'"):
        sklq.load(_rewrite(saved, tmp_path, unknown_class))

    def newer(meta):
        meta["format_version"] = 99

    with pytest.raises(ModelFileError, match="format version 99"):
        sklq.load(_rewrite(saved, tmp_path, newer))

    def other_format(meta):
        meta["format"] = "something"

    with pytest.raises(ModelFileError, match="format tag"):
        sklq.load(_rewrite(saved, tmp_path, other_format))

    def wrong_size(meta):
        meta["params"]["n_latents"] = 5

    with pytest.raises(ModelFileError, match="do not fit the rebuilt"):
        sklq.load(_rewrite(saved, tmp_path, wrong_size))

    def bad_attribute(meta):
        meta["attributes"]["transform"] = 1

    with pytest.raises(ModelFileError, match="not a fitted attribute"):
        sklq.load(_rewrite(saved, tmp_path, bad_attribute))

    pickled = io.BytesIO()
    torch.save({"x": object()}, pickled)  # a pickle that weights_only refuses
    with pytest.raises(ModelFileError, match="weights cannot be read"):
        sklq.load(_rewrite(saved, tmp_path, weights=pickled.getvalue()))
