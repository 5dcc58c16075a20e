"""Squared Euclidean distances between points: the one n x n matrix every kernel starts from.

A module of its own so that the kernel-width policies (:mod:`.bandwidth`) and the diffusion
operator (:mod:`.diffusion`) both build on it without importing each other.
"""
from __future__ import annotations

import numpy as np

__all__ = ["sq_distances", "gram_to_sq_distances"]


def sq_distances(X: np.ndarray, dtype: type) -> np.ndarray:
    """Squared Euclidean distances of the rows of ``X`` (shape (n, D)) -> (n, n), ``dtype``."""
    Xc = X - X.mean(axis=0, keepdims=True)
    Xc = np.ascontiguousarray(Xc, dtype=dtype)
    return gram_to_sq_distances(Xc @ Xc.T, np.einsum("ij,ij->i", Xc, Xc))


def gram_to_sq_distances(gram: np.ndarray, sq: np.ndarray) -> np.ndarray:
    """``||x_i||^2 + ||x_j||^2 - 2 <x_i, x_j>`` in place in ``gram`` (the only n x n matrix),
    clamped at 0 with an exact zero diagonal."""
    gram *= -2.0
    gram += sq[:, None]
    gram += sq[None, :]
    np.maximum(gram, 0.0, out=gram)
    np.fill_diagonal(gram, 0.0)
    return gram
