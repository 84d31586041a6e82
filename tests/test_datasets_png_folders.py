"""Falcor3D and Isaac3D loaders on small folders in the authors' exact layout."""

import json
import os

import numpy as np
import pytest
from PIL import Image

from sklq.datasets import _png_folders, load_falcor3d, load_isaac3d


def _grid_labels(sizes, n, rng):
    """``n`` label rows of factor values (each factor's values are 0.1 * index + 1)."""
    indices = np.stack([rng.integers(0, k, n) for k in sizes], axis=1)
    indices[: len(sizes)] = np.diag(np.array(sizes) - 1)  # every factor takes >= 2 values
    return indices, 0.1 * indices + 1.0


def _make_folder(root, name, labels_name, sizes, n=10, seed=0, size=128):
    rng = np.random.default_rng(seed)
    folder = root / name
    (folder / "images").mkdir(parents=True)
    indices, values = _grid_labels(sizes, n, rng)
    with open(folder / labels_name, "wb") as file:  # a .npy file whatever its name
        np.save(file, values)
    pixels = rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8)
    for i in range(n):
        Image.fromarray(pixels[i]).save(folder / "images" / f"{i:06d}.png")
    return folder, indices, pixels


@pytest.fixture
def falcor(tmp_path):
    return _make_folder(tmp_path, "Falcor3D_down128", "train-rec.labels",
                        _png_folders.FALCOR3D_FACTOR_SIZES)


@pytest.fixture
def isaac(tmp_path):
    return _make_folder(tmp_path, "Isaac3D_down128", "labels.npy",
                        _png_folders.ISAAC3D_FACTOR_SIZES, n=12)


def test_falcor3d_images_and_factor_ranks(falcor):
    folder, indices, pixels = falcor
    X, factors, info = load_falcor3d(folder, image_size=128, return_info=True, progress=False)
    assert X.shape == (10, 3, 128, 128) and X.dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(X), pixels.transpose(0, 3, 1, 2))
    # the rank of each value among the column's values: here the indices themselves where
    # every index occurs, in general their order
    for j in range(7):
        ranks = np.unique(indices[:, j], return_inverse=True)[1]
        np.testing.assert_array_equal(factors[:, j], ranks)
    assert info["factor_names"][0] == "lighting_intensity" and info["factor_sizes"][0] == 5
    np.testing.assert_allclose(info["values"], 0.1 * indices + 1.0)


def test_isaac3d_at_64_pixels_as_float32(isaac):
    folder, indices, _ = isaac
    X, factors = load_isaac3d(folder, dtype="float32", progress=False)
    uint8, _ = load_isaac3d(folder, progress=False)
    assert X.shape == (12, 3, 64, 64) and X.dtype == np.float32 and factors.shape == (12, 9)
    np.testing.assert_allclose(X, np.asarray(uint8) / np.float32(255), rtol=1e-6)


def test_the_shrink_is_antialiased(tmp_path):
    folder = tmp_path / "Isaac3D_down128"
    (folder / "images").mkdir(parents=True)
    np.save(folder / "labels.npy", np.zeros((1, 9)))
    stripes = np.zeros((128, 128, 3), np.uint8)
    stripes[:, ::2] = 255  # one-pixel stripes: sampling every other column gives 0 or 255
    Image.fromarray(stripes).save(folder / "images" / "000000.png")
    X, _ = load_isaac3d(folder, cache=False, progress=False)
    assert abs(float(np.asarray(X, dtype=float)[:, :, 8:-8, 8:-8].mean()) - 127.5) < 2
    assert np.ptp(np.asarray(X)[:, :, 8:-8, 8:-8]) <= 4


def test_the_cache_is_written_once_and_read_afterwards(falcor, monkeypatch):
    folder, _, _ = falcor
    X, factors = load_falcor3d(folder, progress=False)
    cache = folder / "sklq-cache"
    assert sorted(os.listdir(cache)) == ["images_64.json", "images_64.npy"]
    assert isinstance(X, np.memmap) and not X.flags.writeable

    def no_decoding(*args):
        raise AssertionError("decoded again")

    monkeypatch.setattr(_png_folders, "_decode", no_decoding)
    again, factors_again = load_falcor3d(folder, progress=False)
    np.testing.assert_array_equal(again, X)
    np.testing.assert_array_equal(factors_again, factors)
    in_memory, _ = load_falcor3d(folder, mmap_mode=None, progress=False)
    assert type(in_memory) is np.ndarray
    np.testing.assert_array_equal(in_memory, X)


def test_samples_match_the_full_load_and_cache_false_writes_nothing(isaac, tmp_path):
    folder, _, _ = isaac
    X_all, f_all = load_isaac3d(folder, cache=False, progress=False)
    assert not (folder / "sklq-cache").exists()
    X, factors = load_isaac3d(folder, n_samples=5, random_state=0, cache=False,
                              progress=False)
    rows = np.random.default_rng(0).choice(12, size=5, replace=False)
    np.testing.assert_array_equal(X, X_all[rows])
    np.testing.assert_array_equal(factors, f_all[rows])
    cached, cached_factors = load_isaac3d(folder, n_samples=5, random_state=0,
                                          cache=tmp_path / "elsewhere", progress=False)
    np.testing.assert_array_equal(cached, X)
    np.testing.assert_array_equal(cached_factors, factors)
    assert (tmp_path / "elsewhere" / "images_64.npy").is_file()


def test_an_interrupted_conversion_resumes(falcor, monkeypatch):
    folder, _, _ = falcor
    expected, _ = load_falcor3d(folder, cache=False, progress=False)
    monkeypatch.setattr(_png_folders, "CONVERT_CHUNK", 4)
    decode = _png_folders._decode
    decoded = []

    def failing_at_7(file, size):
        if file.name == "000007.png" and not decoded.count("failed"):
            decoded.append("failed")
            raise KeyboardInterrupt
        decoded.append(file.name)
        return decode(file, size)

    monkeypatch.setattr(_png_folders, "_decode", failing_at_7)
    with pytest.raises(KeyboardInterrupt):
        load_falcor3d(folder, n_jobs=1, progress=False)
    cache = folder / "sklq-cache"
    assert json.loads((cache / "images_64.progress.json").read_text())["done"] == 4
    assert not (cache / "images_64.npy").exists()  # only the partial file
    decoded.clear()
    decoded.append("failed")  # do not fail again
    X, _ = load_falcor3d(folder, n_jobs=1, progress=False)
    assert sorted(decoded[1:]) == [f"{i:06d}.png" for i in range(4, 10)]  # 0-3 kept
    np.testing.assert_array_equal(X, expected)
    assert sorted(os.listdir(cache)) == ["images_64.json", "images_64.npy"]


def test_a_stale_cache_is_rebuilt(falcor):
    folder, _, pixels = falcor
    load_falcor3d(folder, image_size=128, progress=False)
    labels = np.load(folder / "train-rec.labels")
    with open(folder / "train-rec.labels", "wb") as file:
        np.save(file, labels[:6])  # a different label file: 6 images now
    X, factors = load_falcor3d(folder, image_size=128, progress=False)
    assert X.shape[0] == factors.shape[0] == 6
    np.testing.assert_array_equal(np.asarray(X), pixels[:6].transpose(0, 3, 1, 2))


def test_missing_and_corrupt_files_get_errors_naming_them(falcor, tmp_path):
    folder, _, _ = falcor
    with pytest.raises(FileNotFoundError, match="No Falcor3D folder"):
        load_falcor3d(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="No Isaac3D label file .*labels.npy"):
        load_isaac3d(folder)
    os.remove(folder / "images" / "000009.png")
    with pytest.raises(FileNotFoundError, match="000009.png' is missing: train-rec.labels "
                                                "lists 10 images"):
        load_falcor3d(folder)
    os.remove(folder / "images" / "000004.png")
    Image.new("RGB", (128, 128)).save(folder / "images" / "000009.png")
    with pytest.raises(FileNotFoundError, match="000004.png' is missing"):
        load_falcor3d(folder, cache=False)
    (folder / "images" / "000004.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(ValueError, match="000004.png' is not a readable PNG"):
        load_falcor3d(folder, cache=False)
    Image.new("RGB", (128, 96)).save(folder / "images" / "000004.png")
    with pytest.raises(ValueError, match="000004.png' is 128 x 96 pixels"):
        load_falcor3d(folder, cache=False)


@pytest.mark.parametrize(("content", "message"), [
    (b"not numpy", "is not a readable Falcor3D label array"),
    (np.zeros((4, 6)), r"must hold an array of shape \(n_images, 7\)"),
    (np.full((4, 7), np.nan), "must hold finite numbers"),
    (np.arange(8.0)[:, None] * np.ones((1, 7)),
     "column 0 \\(lighting_intensity\\) has 8 distinct values; Falcor3D's "
     "lighting_intensity has 5"),
])
def test_bad_label_files(tmp_path, content, message):
    folder = tmp_path / "Falcor3D_down128"
    (folder / "images").mkdir(parents=True)
    with open(folder / "train-rec.labels", "wb") as file:
        if isinstance(content, bytes):
            file.write(content)
        else:
            np.save(file, content)
    with pytest.raises(ValueError, match=message):
        load_falcor3d(folder)


def test_invalid_parameters(falcor):
    folder, _, _ = falcor
    with pytest.raises(ValueError, match="image_size must be one of"):
        load_falcor3d(folder, image_size=32)
    with pytest.raises(ValueError, match="mmap_mode must be 'r' or None"):
        load_falcor3d(folder, mmap_mode="w+")
    with pytest.raises(ValueError, match="dtype must be"):
        load_falcor3d(folder, dtype="float64")
    with pytest.raises(ValueError, match="n_samples"):
        load_falcor3d(folder, n_samples=11)


def test_a_corrupt_cache_is_named(falcor):
    folder, _, _ = falcor
    load_falcor3d(folder, progress=False)
    (folder / "sklq-cache" / "images_64.npy").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="images_64.npy' is unreadable .*delete it"):
        load_falcor3d(folder, progress=False)


def test_a_damaged_partial_conversion_starts_again(falcor):
    folder, _, _ = falcor
    expected, _ = load_falcor3d(folder, cache=False, progress=False)
    cache = folder / "sklq-cache"
    cache.mkdir()
    (cache / "images_64.npy.partial").write_bytes(b"not a numpy file")
    signature = _png_folders._signature(folder, _png_folders.FALCOR3D, 10, 64)
    (cache / "images_64.progress.json").write_text(json.dumps({"signature": signature,
                                                               "done": 4}))
    X, _ = load_falcor3d(folder, progress=False)
    np.testing.assert_array_equal(X, expected)
