"""Ground-truth datasets generated in memory, and loaders for public benchmarks.

``sklq.datasets`` depends on numpy only (h5py is imported lazily by
:func:`load_shapes3d`); it never imports torch.
"""

from ._base import GroundTruthDataset
from ._scenes import Scenes, make_scenes
from ._sprites import Sprites, make_sprites
from ._squares import Squares, make_squares

__all__ = [
    "GroundTruthDataset",
    "Scenes",
    "Sprites",
    "Squares",
    "make_scenes",
    "make_sprites",
    "make_squares",
]
