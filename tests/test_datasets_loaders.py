"""Loaders of the public files, tested on small files written in the official formats."""

import zipfile

import numpy as np
import pytest

from sklq.datasets import Scenes, Sprites, _loaders, load_dsprites, load_mpi3d, load_shapes3d

h5py = pytest.importorskip("h5py")
SPRITES = Sprites(64)  # shared, so that its cache of rendered sprites is reused


def write_dsprites(path, n=300, seed=0, compressed=True, **overrides):
    """A dSprites-format file holding ``n`` rows of the grid, rendered by Sprites."""
    sprites = SPRITES
    factors = sprites.sample_factors(n, random_state=seed)
    imgs = (sprites.render(factors)[:, 0] > 0.5).astype(np.uint8)
    classes = np.concatenate([np.zeros((n, 1), np.int64), factors], axis=1)
    values = np.concatenate(
        [np.ones((n, 1))] + [sprites.factor_values[j][factors[:, j]][:, None] for j in range(5)],
        axis=1,
    )
    values[:, 1] += 1  # dSprites' shape values are 1, 2, 3
    arrays = {"imgs": imgs, "latents_classes": classes, "latents_values": values}
    arrays["metadata"] = np.array("dSprites metadata stand-in")
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    return imgs, factors, values


def write_shapes3d(path, n=200, seed=0, hue_grid=None):
    factors = Scenes(64).sample_factors(n, random_state=seed)
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 64, 64, 3), dtype=np.uint8)
    grids = list(_loaders.SHAPES3D_FACTOR_VALUES)
    if hue_grid is not None:
        grids[:3] = [hue_grid] * 3
    labels = np.stack([grids[j][factors[:, j]] for j in range(6)], axis=1)
    with h5py.File(path, "w") as file:
        file.create_dataset("images", data=images)
        file.create_dataset("labels", data=labels)
    return images, factors, labels


@pytest.fixture
def tiny_mpi3d(monkeypatch):
    """An MPI3D variant with a small grid, so that a test file can hold all of it."""
    monkeypatch.setitem(_loaders.MPI3D_FACTOR_SIZES, "tiny", (2, 1, 2, 3, 1, 2, 5))
    return (2, 1, 2, 3, 1, 2, 5)


# -- dSprites --------------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [True, False])
def test_load_dsprites(tmp_path, compressed):
    path = tmp_path / "dsprites.npz"
    imgs, factors, values = write_dsprites(path, compressed=compressed)
    X, loaded = load_dsprites(path)
    assert X.shape == (300, 1, 64, 64) and X.dtype == np.uint8
    np.testing.assert_array_equal(X[:, 0], imgs * 255)
    np.testing.assert_array_equal(loaded, factors)
    assert loaded.dtype == np.int64
    X, loaded, info = load_dsprites(str(path), dtype="float32", return_info=True)
    assert X.dtype == np.float32 and set(np.unique(X)) == {0.0, 1.0}
    assert info["factor_names"] == ("shape", "scale", "orientation", "position_x", "position_y")
    assert info["factor_sizes"] == (3, 6, 40, 32, 32)
    np.testing.assert_array_equal(info["values"], values[:, 1:])


def test_load_dsprites_sample(tmp_path):
    path = tmp_path / "dsprites.npz"
    imgs, factors, _ = write_dsprites(path, n=100)
    X, loaded = load_dsprites(path, n_samples=10, random_state=0)
    X_again, _ = load_dsprites(path, n_samples=10, random_state=0)
    np.testing.assert_array_equal(X, X_again)
    rows = [np.flatnonzero((factors == f).all(axis=1))[0] for f in loaded]
    np.testing.assert_array_equal(X[:, 0], imgs[rows] * 255)
    assert len(set(rows)) == 10
    with pytest.raises(ValueError, match=r"n_samples .* \[1, 100\], got 101"):
        load_dsprites(path, n_samples=101)


def test_load_dsprites_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No dSprites file at .*fetch_dsprites"):
        load_dsprites(tmp_path / "missing.npz")
    path = tmp_path / "dsprites.npz"
    write_dsprites(path, n=50, latents_values=None)
    with pytest.raises(ValueError, match=r"no array 'latents_values' \(arrays found: imgs"):
        load_dsprites(path)
    write_dsprites(path, n=50, imgs=np.zeros((50, 32, 32), np.uint8))
    with pytest.raises(ValueError, match=r"'imgs' must be uint8 of shape \(N, 64, 64\)"):
        load_dsprites(path)
    write_dsprites(path, n=50, latents_classes=np.full((50, 6), 40))
    with pytest.raises(ValueError, match=r"column 1 \(shape\) must lie in \[0, 2\]"):
        load_dsprites(path)
    with pytest.raises(ValueError, match="dtype must be 'uint8' or 'float32'"):
        load_dsprites(path, dtype="float64")
    # truncated files: compressed and stored
    for compressed in (True, False):
        write_dsprites(path, n=50, compressed=compressed)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(ValueError, match="not a readable dSprites .npz file"):
            load_dsprites(path)
    path.write_bytes(b"this is not a zip file" * 10)
    with pytest.raises(ValueError, match="not a readable dSprites .npz file"):
        load_dsprites(path)


def test_pickled_arrays_are_never_loaded(tmp_path):
    path = tmp_path / "dsprites.npz"
    write_dsprites(path, n=5, imgs=np.array([object()] * 5, dtype=object))
    with pytest.raises(ValueError, match="not a readable dSprites"):
        load_dsprites(path)


# -- Shapes3D --------------------------------------------------------------------------


def test_load_shapes3d(tmp_path):
    path = tmp_path / "3dshapes.h5"
    images, factors, labels = write_shapes3d(path)
    X, loaded, info = load_shapes3d(path, return_info=True)
    assert X.shape == (200, 3, 64, 64) and X.dtype == np.uint8
    np.testing.assert_array_equal(X, images.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(loaded, factors)
    np.testing.assert_array_equal(info["values"], labels)
    assert info["factor_sizes"] == (10, 10, 10, 8, 4, 15)
    X, loaded_sample = load_shapes3d(path, dtype="float32", n_samples=20, random_state=1)
    assert X.dtype == np.float32 and X.max() <= 1
    rows = [np.flatnonzero((factors == f).all(axis=1))[0] for f in loaded_sample]
    np.testing.assert_allclose(X, images[rows].transpose(0, 3, 1, 2) / 255, rtol=1e-6)


def test_load_shapes3d_label_grids(tmp_path):
    # a file holding every hue value is indexed by rank, whatever the exact hue grid
    path = tmp_path / "3dshapes.h5"
    _, factors, _ = write_shapes3d(path, n=400, hue_grid=np.linspace(0, 1, 10))
    _, loaded = load_shapes3d(path)
    np.testing.assert_array_equal(loaded, factors)
    # labels off the grid, in a file missing some values, are rejected
    with h5py.File(path, "w") as file:
        file.create_dataset("images", data=np.zeros((2, 64, 64, 3), np.uint8))
        file.create_dataset("labels", data=[[0.05, 0, 0, 0.75, 0, 0]] * 2)
    with pytest.raises(ValueError, match="'floor_hue' has values not on its grid"):
        load_shapes3d(path)


def test_load_shapes3d_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No Shapes3D file"):
        load_shapes3d(tmp_path / "3dshapes.h5")
    path = tmp_path / "3dshapes.h5"
    with h5py.File(path, "w") as file:
        file.create_dataset("images", data=np.zeros((2, 64, 64, 3), np.uint8))
        file.create_dataset("factors", data=np.zeros((2, 6)))
    with pytest.raises(ValueError, match=r"no array 'labels' \(arrays found: factors, images\)"):
        load_shapes3d(path)
    with h5py.File(path, "w") as file:
        file.create_dataset("images", data=np.zeros((2, 64, 64), np.uint8))
        file.create_dataset("labels", data=np.zeros((2, 6)))
    with pytest.raises(ValueError, match=r"'images' must be uint8 of shape \(N, 64, 64, 3\)"):
        load_shapes3d(path)
    write_shapes3d(path, n=20)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable Shapes3D .h5 file"):
        load_shapes3d(path)


# -- MPI3D -----------------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [False, True])
def test_load_mpi3d(tmp_path, tiny_mpi3d, compressed):
    n = int(np.prod(tiny_mpi3d))
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, 64, 64, 3), dtype=np.uint8)
    path = tmp_path / "mpi3d_tiny.npz"
    (np.savez_compressed if compressed else np.savez)(path, images=images)
    if not compressed:
        with zipfile.ZipFile(path) as archive:
            assert archive.getinfo("images.npy").compress_type == zipfile.ZIP_STORED
        assert isinstance(_loaders._npz_member(path, "images", "", mmap=True)[0], np.memmap)
    X, factors, info = load_mpi3d(path, "tiny", return_info=True)
    assert X.shape == (n, 3, 64, 64) and X.dtype == np.uint8
    np.testing.assert_array_equal(X, images.transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(factors[1], [0, 0, 0, 0, 0, 0, 1])  # C order
    np.testing.assert_array_equal(factors[-1], np.array(tiny_mpi3d) - 1)
    assert info["factor_names"][-1] == "vertical_axis"
    X, factors = load_mpi3d(path, "tiny", dtype="float32", n_samples=7, random_state=0)
    index = np.ravel_multi_index(tuple(factors.T), tiny_mpi3d)
    np.testing.assert_allclose(X, images[index].transpose(0, 3, 1, 2) / 255, rtol=1e-6)


def test_load_mpi3d_errors(tmp_path, tiny_mpi3d):
    path = tmp_path / "mpi3d.npz"
    with pytest.raises(FileNotFoundError, match="No MPI3D file"):
        load_mpi3d(path, "tiny")
    np.savez(path, images=np.zeros((5, 64, 64, 3), np.uint8))
    with pytest.raises(ValueError, match=r"variant must be one of .*, got 'large'"):
        load_mpi3d(path, "large")
    with pytest.raises(ValueError, match=r"MPI3D-tiny 'images' must be uint8 of shape \(120, "):
        load_mpi3d(path, "tiny")
    with pytest.raises(ValueError, match=r"MPI3D-toy .* \(1036800, 64, 64, 3\)"):
        load_mpi3d(path)
    np.savez(path, imgs=np.zeros((120, 64, 64, 3), np.uint8))
    with pytest.raises(ValueError, match=r"no array 'images' \(arrays found: imgs\)"):
        load_mpi3d(path, "tiny")
    np.savez(path, images=np.zeros((120, 64, 64, 3), np.uint8))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])  # the end of the array is missing
    with pytest.raises(ValueError, match="not a readable MPI3D .npz file"):
        load_mpi3d(path, "tiny")
