"""Distributions with known Shannon mutual information (bits), for ground-truth checks."""
from __future__ import annotations

import numpy as np
from scipy.special import logsumexp


def correlated_gaussians(n: int, dim: int, rho: float, rng: np.random.Generator
                         ) -> tuple[np.ndarray, np.ndarray, float]:
    """``(X, Y, I)``: ``dim`` independent pairs ``(x_j, y_j)`` with correlation ``rho``;
    ``I = -dim/2 log2(1 - rho^2)`` bits. X, Y have shape ``(n, dim)``."""
    if not -1 < rho < 1:
        raise ValueError(f"rho must be in (-1, 1), got {rho}")
    x = rng.standard_normal((n, dim))
    y = rho * x + np.sqrt(1 - rho**2) * rng.standard_normal((n, dim))
    return x, y, float(-0.5 * dim * np.log2(1 - rho**2)) + 0.0  # + 0.0: no "-0"


def simplex_centers(n_centers: int, dim: int, separation: float) -> np.ndarray:
    """``n_centers`` points pairwise ``separation`` apart (a regular simplex centred at the
    origin, in the first ``n_centers - 1`` coordinates), shape ``(n_centers, dim)``."""
    if dim < n_centers - 1:
        raise ValueError(f"dim must be >= n_centers - 1 = {n_centers - 1}, got {dim}")
    E = np.eye(n_centers) - 1.0 / n_centers  # centred vertices of the standard simplex
    U, _, _ = np.linalg.svd(E)
    C = np.zeros((n_centers, dim))
    C[:, : n_centers - 1] = E @ U[:, : n_centers - 1]  # same geometry in n_centers - 1 dims
    return C * (separation / np.sqrt(2.0))  # standard-simplex vertices are sqrt(2) apart


def gaussian_mixture_mi(centers: np.ndarray, mc_samples: int, rng: np.random.Generator) -> float:
    """``I(X; Y)`` in bits for ``Y`` uniform over the rows of ``centers`` and
    ``X | Y = y ~ N(centers[y], I)``, by Monte Carlo over the exact posterior ``p(y | x)``."""
    k = centers.shape[0]
    y = rng.integers(0, k, mc_samples)
    x = centers[y] + rng.standard_normal((mc_samples, centers.shape[1]))
    logits = -0.5 * ((x[:, None, :] - centers[None]) ** 2).sum(-1)  # (m, k), equal priors
    log_post = logits - logsumexp(logits, axis=1, keepdims=True)
    h_y_given_x = -(np.exp(log_post) * log_post).sum(1).mean() / np.log(2)
    return float(np.log2(k) - h_y_given_x)


def gaussian_mixture(n: int, centers: np.ndarray, rng: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``(X (n, dim), labels (n,))`` from the mixture of :func:`gaussian_mixture_mi`, classes as
    equal as possible."""
    k = centers.shape[0]
    y = rng.permutation(np.arange(n) % k)
    return centers[y] + rng.standard_normal((n, centers.shape[1])), y.astype(np.int64)
