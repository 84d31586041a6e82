"""Download the public benchmark files into a data home, safely (numpy and the standard library)."""

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .._docstrings import fill_doc
from ._loaders import MPI3D_FACTOR_SIZES, load_dsprites, load_mpi3d, load_shapes3d
from ._progress import Progress

DSPRITES_FILENAME = "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz"
DSPRITES_URL = "https://github.com/google-deepmind/dsprites-dataset/raw/master/" + DSPRITES_FILENAME
SHAPES3D_FILENAME = "3dshapes.h5"
SHAPES3D_URL = "https://storage.googleapis.com/3d-shapes/3dshapes.h5"
MPI3D_FILENAMES = {
    "toy": "mpi3d_toy.npz",
    "realistic": "mpi3d_realistic.npz",
    "real": "mpi3d_real.npz",
    "complex": "real3d_complicated_shapes_ordered.npz",
}
#: Where the maintainers moved the MPI3D files in May 2024 (rr-learning/disentanglement_dataset,
#: issue #4); the old ``disentanglement_dataset/Final_Dataset/`` addresses fail (issue #3).
_MPI3D_BASE = "https://storage.googleapis.com/mpi3d_disentanglement_dataset/data/"
#: Download address of each MPI3D variant (``complex`` has no stable public one: pass ``url``).
#: No checksums are published for these files: pass ``sha256=`` to check yours.
MPI3D_URLS = {
    "toy": _MPI3D_BASE + "mpi3d_toy.npz",
    "realistic": _MPI3D_BASE + "mpi3d_realistic.npz",
    "real": _MPI3D_BASE + "mpi3d_real.npz",
    "complex": None,
}
_BLOCK = 1 << 20


def get_data_home(data_home=None):
    """Folder where the fetchers store the files, created if missing.

    ``data_home`` if given, else the ``SKLQ_DATA`` environment variable, else
    ``~/sklq_data`` (scikit-learn's ``get_data_home`` convention).

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use.

    Returns
    -------
    data_home : pathlib.Path
        The folder (created when missing).

    Examples
    --------
    >>> import tempfile
    >>> from sklq.datasets import get_data_home
    >>> folder = tempfile.mkdtemp()
    >>> get_data_home(folder).is_dir()
    True
    """
    if data_home is None:
        data_home = os.environ.get("SKLQ_DATA", Path("~") / "sklq_data")
    data_home = Path(os.fspath(data_home)).expanduser()
    data_home.mkdir(parents=True, exist_ok=True)
    return data_home


def download(url, path, *, sha256=None, progress=True, timeout=60):
    """Download ``url`` to ``path`` atomically: all of it, verified, or nothing.

    The data go to a temporary file in the same folder, are checked against the
    server's ``Content-Length`` and ``sha256`` (when given), and the file is renamed to
    ``path`` only then; on any failure the temporary file is removed.

    Parameters
    ----------
    url : str
        Address to download.
    path : str or path-like
        Final location of the file; its folder must exist.
    sha256 : str or None, default=None
        Expected SHA-256 hex digest; ``None`` skips the check.
    progress : bool, default=True
        Draw a progress bar on stderr.
    timeout : float, default=60
        Seconds to wait for the server on each read.

    Returns
    -------
    path : pathlib.Path
        Where the verified file is.

    Raises
    ------
    OSError
        If the download fails, is cut short, or its checksum does not match.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklq.datasets import download
    >>> download("http://127.0.0.1:9/none", os.path.join(tempfile.mkdtemp(), "f"),
    ...          progress=False, timeout=5)
    Traceback (most recent call last):
    ...
    OSError: Downloading 'http://127.0.0.1:9/none' failed ...
    """
    path = Path(os.fspath(path))
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as file:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                total = int(length) if length is not None else None
                bar = Progress(path.name, total, progress)
                done = 0
                while True:
                    block = response.read(_BLOCK)
                    if not block:
                        break
                    file.write(block)
                    digest.update(block)
                    done += len(block)
                    bar.update(done)
                bar.update(done, final=True)
            if total is not None and done != total:
                raise OSError(f"the connection closed after {done} of {total} bytes")
            file.flush()
            os.fsync(file.fileno())
        if sha256 is not None and digest.hexdigest() != sha256.lower():
            raise OSError(f"its SHA-256 is {digest.hexdigest()}, expected {sha256.lower()}")
        os.replace(temporary, path)
    except BaseException as err:
        Path(temporary).unlink(missing_ok=True)
        failure = OSError | ValueError | EOFError | http.client.HTTPException
        if isinstance(err, failure) and not isinstance(err, FileNotFoundError | PermissionError):
            raise OSError(
                f"Downloading {url!r} failed ({type(err).__name__}: {err}); "
                f"nothing was written to {str(path)!r}."
            ) from err
        raise
    return path


def _fetch(filename, url, sha256, data_home, download_if_missing, progress):
    path = get_data_home(data_home) / filename
    if path.is_file():
        return path
    if not download_if_missing:
        raise FileNotFoundError(
            f"{filename} is not in {str(path.parent)!r} and download_if_missing=False."
        )
    if url is None:
        raise ValueError(f"There is no known download address for {filename}: pass url=...")
    return download(url, path, sha256=sha256, progress=progress)


@fill_doc(url_spec="str, default=DSPRITES_URL",
          url_text="Where to download the ``.npz`` from.",
          loader="load_dsprites")
def fetch_dsprites(
    *, data_home=None, url=DSPRITES_URL, sha256=None, download_if_missing=True, progress=True,
    **load_kwargs,
):  # fmt: skip
    """Download dSprites into the data home (once), then load it with :func:`load_dsprites`.

    Parameters
    ----------
    {fetch_parameters}

    Examples
    --------
    >>> import tempfile
    >>> from sklq.datasets import fetch_dsprites
    >>> fetch_dsprites(data_home=tempfile.mkdtemp(), download_if_missing=False)
    Traceback (most recent call last):
    ...
    FileNotFoundError: dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz is not in ...
    """
    path = _fetch(DSPRITES_FILENAME, url, sha256, data_home, download_if_missing, progress)
    return load_dsprites(path, **load_kwargs)


@fill_doc(url_spec="str, default=SHAPES3D_URL",
          url_text="Where to download ``3dshapes.h5`` from.",
          loader="load_shapes3d")
def fetch_shapes3d(
    *, data_home=None, url=SHAPES3D_URL, sha256=None, download_if_missing=True, progress=True,
    **load_kwargs,
):  # fmt: skip
    """Download Shapes3D into the data home (once), then load it with :func:`load_shapes3d`.

    Parameters
    ----------
    {fetch_parameters}

    Examples
    --------
    >>> import tempfile
    >>> from sklq.datasets import fetch_shapes3d
    >>> fetch_shapes3d(data_home=tempfile.mkdtemp(), download_if_missing=False)
    Traceback (most recent call last):
    ...
    FileNotFoundError: 3dshapes.h5 is not in ...
    """
    path = _fetch(SHAPES3D_FILENAME, url, sha256, data_home, download_if_missing, progress)
    return load_shapes3d(path, **load_kwargs)


@fill_doc(url_spec="str or None, default=None",
          url_text="Where to download from; ``None`` uses ``MPI3D_URLS[variant]`` "
                   "(``complex`` has none).",
          loader="load_mpi3d")
def fetch_mpi3d(
    variant="toy", *, data_home=None, url=None, sha256=None, download_if_missing=True,
    progress=True, **load_kwargs,
):  # fmt: skip
    """Download an MPI3D variant into the data home (once), then load it with :func:`load_mpi3d`.

    Parameters
    ----------
    variant : {"toy", "realistic", "real", "complex"}, default="toy"
        Which MPI3D.
    {fetch_parameters}

    Examples
    --------
    >>> import tempfile
    >>> from sklq.datasets import fetch_mpi3d
    >>> fetch_mpi3d("real", data_home=tempfile.mkdtemp(), download_if_missing=False)
    Traceback (most recent call last):
    ...
    FileNotFoundError: mpi3d_real.npz is not in ...
    """
    if variant not in MPI3D_FACTOR_SIZES:
        raise ValueError(f"variant must be one of {tuple(MPI3D_FACTOR_SIZES)}, got {variant!r}.")
    url = MPI3D_URLS[variant] if url is None else url
    path = _fetch(MPI3D_FILENAMES[variant], url, sha256, data_home, download_if_missing, progress)
    return load_mpi3d(path, variant, **load_kwargs)
