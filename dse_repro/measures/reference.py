"""Step-for-step re-implementation of the authors' ``dse-dsmi`` 1.1 (MIT, Chen Liu & Danqi Liao).

Used by ``reference=True``. Kept deliberately literal -- the kernel constant, dense diagonal-matrix
products, ``allclose`` symmetry check, ``eps`` added to every probability, Python ``random`` seeded
per class -- so that values match ``dse_dsmi`` to ~1e-12 (tested in
``tests/measures/test_reference_parity.py``). Do not "optimize" this module: that is what the
default mode is for.
"""
from __future__ import annotations

import random

import numpy as np
from sklearn.metrics import pairwise_distances

_EPS = np.finfo(float).eps


def _reference_kernel(X: np.ndarray, sigma: float) -> np.ndarray:
    D = pairwise_distances(X)
    G = (1 / (sigma * np.sqrt(2 * np.pi))) * np.exp((-D**2) / (2 * sigma**2))
    Deg = np.diag(1 / np.sum(G, axis=1) ** 0.5)
    return Deg @ G @ Deg


def _reference_eigvals(A: np.ndarray) -> np.ndarray:
    if np.allclose(A, A.T, rtol=1e-5, atol=1e-8):
        return np.linalg.eigvalsh(A)
    return np.linalg.eigvals(A)


def _reference_entropy(prob: np.ndarray) -> float:
    prob = prob + _EPS
    return float(-np.sum(prob * np.log2(prob)))


def reference_dse(X: np.ndarray, sigma: float = 10.0, t: int = 1,
                  max_n: int | None = 10_000, seed: int | None = 0) -> float:
    """``dse_dsmi.diffusion_spectral_entropy`` (bits); ``X`` shape (n, D)."""
    if max_n is not None and len(X) > max_n:
        # Same draw as the reference's `random.seed(seed); random.sample(...)`, without
        # touching the global generator.
        X = X[np.array(random.Random(seed).sample(range(len(X)), k=max_n)), :]
    eigvals = np.abs(_reference_eigvals(_reference_kernel(X, sigma))) ** t
    return _reference_entropy(eigvals / eigvals.sum())


def reference_cse(X: np.ndarray, bins: int = 2) -> float:
    """``dse_dsmi.diffusion_spectral_entropy(classic_shannon_entropy=True)`` (bits)."""
    vecs = (X - np.min(X, axis=0)) / (np.max(X, axis=0) - np.min(X, axis=0))
    vecs = np.digitize(vecs, bins=np.linspace(0, 1, bins + 1)[:-1])
    counts = np.unique(vecs, axis=0, return_counts=True)[1]
    return _reference_entropy(counts / np.sum(counts))
