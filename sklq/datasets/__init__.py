"""Ground-truth datasets generated in memory, and loaders for public benchmarks.

``sklq.datasets`` depends on numpy only (h5py is imported lazily by
:func:`load_shapes3d`); it never imports torch.
"""

from ._base import GroundTruthDataset
from ._squares import Squares, make_squares

__all__ = [
    "GroundTruthDataset",
    "Squares",
    "make_squares",
]
