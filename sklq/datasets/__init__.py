"""Ground-truth datasets generated in memory, and loaders for public benchmarks (no torch import)."""

__all__ = []
