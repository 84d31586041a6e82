"""Ground-truth datasets generated in memory, and loaders for public benchmarks.

``sklq.datasets`` depends on numpy only (h5py is imported lazily by
:func:`load_shapes3d`, Pillow by :func:`load_falcor3d` and :func:`load_isaac3d`); it never
imports torch.
"""

from ._base import GroundTruthDataset
from ._fetch import (
    DSPRITES_URL,
    MPI3D_URLS,
    SHAPES3D_URL,
    download,
    fetch_dsprites,
    fetch_mpi3d,
    fetch_shapes3d,
    get_data_home,
)
from ._loaders import load_dsprites, load_mpi3d, load_shapes3d
from ._png_folders import load_falcor3d, load_isaac3d
from ._scenes import Scenes, make_scenes
from ._sprites import Sprites, make_sprites
from ._squares import Squares, make_squares

__all__ = [
    "DSPRITES_URL",
    "MPI3D_URLS",
    "SHAPES3D_URL",
    "GroundTruthDataset",
    "Scenes",
    "Sprites",
    "Squares",
    "download",
    "fetch_dsprites",
    "fetch_mpi3d",
    "fetch_shapes3d",
    "get_data_home",
    "load_dsprites",
    "load_falcor3d",
    "load_isaac3d",
    "load_mpi3d",
    "load_shapes3d",
    "make_scenes",
    "make_sprites",
    "make_squares",
]
