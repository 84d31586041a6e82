"""Downloads against a local HTTP server on 127.0.0.1: atomic, verified, never partial."""

import hashlib
import http.server
import threading

import numpy as np
import pytest
from test_datasets_loaders import write_dsprites, write_shapes3d

from sklq.datasets import (
    _loaders,
    download,
    fetch_dsprites,
    fetch_mpi3d,
    fetch_shapes3d,
    get_data_home,
)


class _Handler(http.server.BaseHTTPRequestHandler):
    files = {}  # path -> bytes, set by the fixture
    timeout = 10

    def do_GET(self):  # noqa: N802 - the http.server API
        name = self.path.split("/")[-1]
        if name not in self.files:
            self.send_error(404)
            return
        data = self.files[name]
        self.send_response(200)
        if not self.path.startswith("/nolength/"):
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.path.startswith("/drop/"):  # the connection dies halfway
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    write_dsprites(folder / "dsprites.npz", n=40)
    write_shapes3d(folder / "3dshapes.h5", n=30)
    np.savez(folder / "mpi3d.npz", images=np.zeros((120, 64, 64, 3), np.uint8))
    files = {path.name: path.read_bytes() for path in folder.iterdir()}
    handler = type("Handler", (_Handler,), {"files": files})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", files
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _leftovers(folder):
    return sorted(path.name for path in folder.iterdir())


def test_get_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("SKLQ_DATA", str(tmp_path / "from_env"))
    assert get_data_home() == tmp_path / "from_env" and (tmp_path / "from_env").is_dir()
    assert get_data_home(tmp_path / "given") == tmp_path / "given"
    monkeypatch.delenv("SKLQ_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home() == tmp_path / "sklq_data"


def test_fetch_dsprites_downloads_once(server, tmp_path, capsys):
    base, files = server
    X, factors = fetch_dsprites(data_home=tmp_path, url=f"{base}/dsprites.npz")
    assert X.shape == (40, 1, 64, 64) and factors.shape == (40, 5)
    assert _leftovers(tmp_path) == ["dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz"]
    assert "Downloading dsprites_ndarray" in capsys.readouterr().err  # the progress bar
    # the second call reads the file in the data home, without the server
    X_again, _ = fetch_dsprites(data_home=tmp_path, url=f"{base}/gone.npz", n_samples=5)
    assert X_again.shape == (5, 1, 64, 64)


def test_fetch_shapes3d_and_mpi3d(server, tmp_path, monkeypatch):
    base, files = server
    digest = hashlib.sha256(files["3dshapes.h5"]).hexdigest()
    X, factors = fetch_shapes3d(
        data_home=tmp_path, url=f"{base}/nolength/3dshapes.h5", sha256=digest, progress=False
    )
    assert X.shape == (30, 3, 64, 64) and factors.shape == (30, 6)
    monkeypatch.setitem(_loaders.MPI3D_FACTOR_SIZES, "complex", (2, 1, 2, 3, 1, 2, 5))
    with pytest.raises(ValueError, match="no known download address"):
        fetch_mpi3d("complex", data_home=tmp_path)
    X, factors = fetch_mpi3d("complex", data_home=tmp_path, url=f"{base}/mpi3d.npz",
                             progress=False)  # fmt: skip
    assert X.shape == (120, 3, 64, 64) and factors.shape == (120, 7)
    with pytest.raises(ValueError, match="variant must be one of"):
        fetch_mpi3d("huge", data_home=tmp_path)


@pytest.mark.parametrize(
    "route, sha256, match",
    [
        ("/drop/dsprites.npz", None, r"connection closed after \d+ of \d+ bytes"),
        ("/nolength/dsprites.npz", "0" * 64, "SHA-256 is [0-9a-f]{64}, expected 0000"),
        ("/missing.npz", None, "HTTP Error 404"),
    ],
)
def test_failed_downloads_leave_no_file(server, tmp_path, route, sha256, match):
    base, _ = server
    with pytest.raises(OSError, match=match) as info:
        fetch_dsprites(data_home=tmp_path, url=base + route, sha256=sha256, progress=False)
    assert "nothing was written" in str(info.value)
    assert _leftovers(tmp_path) == []  # neither the file nor a partial temporary file


def test_download_unreachable_server(tmp_path):
    with pytest.raises(OSError, match="Downloading 'http://127.0.0.1:9/x' failed"):
        download("http://127.0.0.1:9/x", tmp_path / "x", progress=False, timeout=5)
    assert _leftovers(tmp_path) == []


def test_download_if_missing_false(tmp_path):
    with pytest.raises(FileNotFoundError, match="3dshapes.h5 is not in .*download_if_missing"):
        fetch_shapes3d(data_home=tmp_path, download_if_missing=False)


def test_mpi3d_default_addresses_follow_the_maintainers_move():
    from sklq.datasets import MPI3D_URLS

    for variant in ("toy", "realistic", "real"):
        url = MPI3D_URLS[variant]
        assert url == ("https://storage.googleapis.com/mpi3d_disentanglement_dataset/data/"
                       f"mpi3d_{variant}.npz")
        assert "Final_Dataset" not in url and "/disentanglement_dataset/" not in url
    assert MPI3D_URLS["complex"] is None
