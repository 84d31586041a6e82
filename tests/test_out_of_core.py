"""Memory maps and h5py datasets: fit, transform, encode, score and evaluate without copies."""

import tracemalloc

import h5py
import numpy as np
import pytest

import sklq
from sklq import InfoGAN, LatentQuantizedAutoencoder
from sklq._out_of_core import check_out_of_core, is_out_of_core, row_chunks, take_rows

FAST = dict(max_epochs=2, batch_size=16, random_state=0)


@pytest.fixture(scope="module")
def uint8_images():
    return np.random.default_rng(0).integers(0, 256, (48, 1, 16, 16), dtype=np.uint8)


@pytest.fixture
def memmap_path(tmp_path, uint8_images):
    path = tmp_path / "X.npy"
    np.save(path, uint8_images)
    return path


@pytest.fixture
def h5_dataset(tmp_path, uint8_images):
    file = h5py.File(tmp_path / "X.h5", "w")
    file.create_dataset("images", data=uint8_images, chunks=(8, 1, 16, 16))
    yield file["images"]
    file.close()


def test_is_out_of_core_recognises_memory_maps_and_datasets(memmap_path, h5_dataset):
    mapped = np.load(memmap_path, mmap_mode="r")
    assert is_out_of_core(mapped) and is_out_of_core(np.asarray(mapped))
    assert is_out_of_core(mapped.reshape(len(mapped), -1))
    assert is_out_of_core(h5_dataset)
    assert not is_out_of_core(np.zeros((3, 2)))
    assert not is_out_of_core([[1, 2]])
    import pandas as pd

    assert not is_out_of_core(pd.DataFrame(np.zeros((3, 2))))
    from scipy import sparse

    assert not is_out_of_core(sparse.csr_matrix(np.eye(3)))
    assert not is_out_of_core(sparse.csr_array(np.eye(3)))


def test_take_rows_reads_h5py_rows_in_any_order(h5_dataset, uint8_images):
    order = np.array([5, 1, 5, 40, 0])
    np.testing.assert_array_equal(take_rows(h5_dataset, order), uint8_images[order])
    np.testing.assert_array_equal(take_rows(h5_dataset, slice(3, 7)), uint8_images[3:7])


def test_row_chunks_cover_the_array_in_order(uint8_images):
    chunks = list(row_chunks(uint8_images, max_bytes=5 * 256))
    assert [start for start, _ in chunks] == list(range(0, 48, 5))
    np.testing.assert_array_equal(np.concatenate([rows for _, rows in chunks]), uint8_images)


@pytest.mark.parametrize("source", ["memmap", "h5py"])
def test_fit_on_disk_equals_fit_in_memory(source, memmap_path, h5_dataset, uint8_images):
    X = np.load(memmap_path, mmap_mode="r") if source == "memmap" else h5_dataset
    on_disk = LatentQuantizedAutoencoder(3, **FAST).fit(X)
    in_memory = LatentQuantizedAutoencoder(3, **FAST).fit(uint8_images)
    np.testing.assert_array_equal(on_disk.transform(X), in_memory.transform(uint8_images))
    np.testing.assert_array_equal(on_disk.encode(X, output="indices"),
                                  in_memory.encode(uint8_images, output="indices"))
    assert on_disk.score(X) == in_memory.score(uint8_images)
    np.testing.assert_array_equal(on_disk.history_["train_loss"],
                                  in_memory.history_["train_loss"])
    assert on_disk.sample_dtype_ == np.uint8 and on_disk.n_features_in_ == 256


def test_evaluate_on_a_memory_map_equals_in_memory(memmap_path, uint8_images):
    model = LatentQuantizedAutoencoder(3, **FAST).fit(uint8_images)
    factors = np.random.default_rng(1).integers(0, 3, (48, 2))
    table = sklq.evaluate(model, np.load(memmap_path, mmap_mode="r"), factors,
                          random_state=0).to_frame()
    expected = sklq.evaluate(model, uint8_images, factors, random_state=0).to_frame()
    np.testing.assert_allclose(table.to_numpy(dtype=float), expected.to_numpy(dtype=float))
    reconstruction = model.inverse_transform(model.transform(uint8_images))
    assert table.loc["psnr", "value"] == pytest.approx(
        sklq._evaluation.psnr(uint8_images, reconstruction), rel=1e-12)


def test_float64_memory_map_is_converted_per_batch(tmp_path):
    X = np.random.default_rng(0).random((40, 6))
    np.save(tmp_path / "X.npy", X)
    mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    on_disk = InfoGAN(2, max_epochs=1, batch_size=8, critic_steps_per_generator_step=2,
                      random_state=0).fit(mapped)
    in_memory = InfoGAN(2, max_epochs=1, batch_size=8, critic_steps_per_generator_step=2,
                        random_state=0).fit(X)
    assert on_disk.sample_dtype_ == np.float32
    np.testing.assert_array_equal(on_disk.transform(mapped), in_memory.transform(X))


def test_fit_and_transform_do_not_copy_a_memory_map(tmp_path):
    n = 4000  # 4 MB of uint8 images: a copy (or a float32 copy, 16 MB) would show
    X = np.lib.format.open_memmap(tmp_path / "X.npy", mode="w+", dtype=np.uint8,
                                  shape=(n, 1, 32, 32))
    X[:] = np.random.default_rng(0).integers(0, 256, X.shape, dtype=np.uint8)
    X.flush()
    mapped = np.load(tmp_path / "X.npy", mmap_mode="r")
    model = LatentQuantizedAutoencoder(2, max_epochs=1, batch_size=256, random_state=0)
    tracemalloc.start()
    try:
        model.fit(mapped)
        model.transform(mapped)
        model.score(mapped)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes  # numpy allocations stay below one copy of the data


def test_bad_on_disk_data_gets_a_clear_error(tmp_path):
    values = np.random.default_rng(0).random((30, 1, 8, 8)).astype(np.float32)
    values[17, 0, 3, 3] = np.nan
    with h5py.File(tmp_path / "bad.h5", "w") as file:
        file.create_dataset("X", data=values)
        file.create_dataset("words", data=np.array([[b"a", b"b"]]))
        file.create_dataset("empty", shape=(0, 4), dtype=np.float32)
        with pytest.raises(ValueError, match=r"Input X contains NaN or infinity \(first in "
                                             r"sample 17\)"):
            LatentQuantizedAutoencoder(2, max_epochs=1).fit(file["X"])
        with pytest.raises(ValueError, match="must hold real numbers"):
            check_out_of_core(file["words"])
        with pytest.raises(ValueError, match="0 sample"):
            check_out_of_core(file["empty"])
    model = LatentQuantizedAutoencoder(2, max_epochs=1, random_state=0).fit(
        np.nan_to_num(values))
    np.save(tmp_path / "wide.npy", np.zeros((5, 1, 8, 9), np.float32))
    with pytest.raises(ValueError, match="X has 72 features, but LatentQuantizedAutoencoder "
                                         "is expecting 64"):
        model.transform(np.load(tmp_path / "wide.npy", mmap_mode="r"))
