"""Disentanglement metrics on arrays and as scikit-learn scorers (no torch import)."""

__all__ = []
