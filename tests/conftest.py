"""Shared fixtures for the estimator tests."""
from __future__ import annotations

import numpy as np
import pytest


def blobs(n_per: int, k: int, d: int, spread: float, std: float, seed: int = 0):
    """``k`` Gaussian blobs of ``n_per`` points each in ``d`` dims; returns (X, labels)."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, d))
    centers *= spread / np.linalg.norm(centers, axis=1, keepdims=True)
    y = np.repeat(np.arange(k), n_per)
    return centers[y] + std * rng.normal(size=(n_per * k, d)), y


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
