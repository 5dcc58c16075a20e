"""Toy data: Gaussian blobs, PHATE-style random trees, embedded uniform/Gaussian manifolds,
random SPD matrices, uniform noise and label corruption. Shapes are ``(n_points, n_dims)``.

The original study code added noise cumulatively across noise levels (the 10 % run saw the 1 %
noise too) and left several generators unseeded; here every noise level starts from the clean
data and every draw comes from an explicit ``numpy.random.Generator``.
"""
from __future__ import annotations

import numpy as np

SeedLike = "int | np.random.Generator"


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def gaussian_blobs(
    n: int, n_centers: int, dim: int, seed: int | np.random.Generator = 0, *,
    cluster_std: float = 1.0, center_box: tuple[float, float] = (-10.0, 10.0),
    center_radius: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``sklearn.datasets.make_blobs`` with a seed: ``(X (n, dim), labels (n,))``.

    Centres are drawn uniformly in ``center_box`` (sklearn's default), or, with
    ``center_radius``, placed evenly on a circle of that radius in the first two coordinates
    (well separated by construction, as in the paper's Fig. 2).
    """
    from sklearn.datasets import make_blobs

    centers: int | np.ndarray = n_centers
    if center_radius is not None and n_centers > 1:
        if dim < 2:
            raise ValueError("center_radius needs dim >= 2")
        angles = 2 * np.pi * np.arange(n_centers) / n_centers
        centers = np.zeros((n_centers, dim))
        centers[:, 0] = center_radius * np.cos(angles)
        centers[:, 1] = center_radius * np.sin(angles)
    elif center_radius is not None:
        centers = np.zeros((1, dim))
    seed_int = int(_rng(seed).integers(2**31 - 1))
    X, y = make_blobs(n_samples=n, n_features=dim, centers=centers, cluster_std=cluster_std,
                      center_box=center_box, random_state=seed_int)
    return X, y.astype(np.int64)


def separated_blobs(
    n_blobs: int, dim: int, per_blob: int, seed: int | np.random.Generator = 0, *,
    spread: tuple[float, float] = (0.5, 2.0), separation: float = 3.0,
) -> tuple[np.ndarray, np.ndarray]:
    """``n_blobs`` isotropic Gaussian blobs of ``per_blob`` points each, every blob with its own
    standard deviation drawn from ``U[spread]``, centres in random directions at radius
    ``separation * max(std) * sqrt(dim)`` (pairwise about 4 x the widest blob's typical
    within-blob distance apart at the default 3): clusters that a width at the clusters'
    scale separates, so DSE should tend to ``log2 n_blobs`` at large t (Fig. 2's property).
    Returns ``(X (n_blobs * per_blob, dim), labels)``."""
    rng = _rng(seed)
    stds = rng.uniform(*spread, size=n_blobs)
    centres = rng.normal(size=(n_blobs, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    centres *= separation * stds.max() * np.sqrt(dim)
    labels = np.repeat(np.arange(n_blobs), per_blob)
    X = centres[labels] + rng.normal(size=(labels.size, dim)) * stds[labels, None]
    return X, labels.astype(np.int64)


def random_tree(
    n_branches: int, branch_length: int, dim: int, seed: int | np.random.Generator = 0, *,
    step: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """PHATE-style tree (``phate.tree.gen_dla`` without its built-in noise).

    Each branch is a cumulative random walk of ``branch_length`` steps drawn from
    ``U[-step, step]^dim``; the first starts at the origin and each later one at a random point
    of the tree so far. Returns ``(X (n_branches * branch_length, dim), branch labels)``.
    """
    rng = _rng(seed)
    walk = lambda: np.cumsum(rng.uniform(-step, step, size=(branch_length, dim)), axis=0)  # noqa: E731
    parts = [walk()]
    for _ in range(n_branches - 1):
        tree = np.concatenate(parts)
        parts.append(walk() + tree[rng.integers(tree.shape[0])])
    labels = np.repeat(np.arange(n_branches), branch_length)
    return np.concatenate(parts), labels.astype(np.int64)


def embedded_manifold(
    n: int, intrinsic_dim: int, ambient_dim: int, distribution: str,
    seed: int | np.random.Generator = 0,
) -> np.ndarray:
    """``n`` points of a ``intrinsic_dim``-dimensional ``U[-1, 1]`` or ``N(0, I)`` cloud placed in
    the first coordinates of an ``ambient_dim``-dimensional space (the rest zero)."""
    if not 1 <= intrinsic_dim <= ambient_dim:
        raise ValueError(f"intrinsic_dim must be in [1, {ambient_dim}], got {intrinsic_dim}")
    rng = _rng(seed)
    X = np.zeros((n, ambient_dim))
    if distribution == "uniform":
        X[:, :intrinsic_dim] = rng.uniform(-1.0, 1.0, size=(n, intrinsic_dim))
    elif distribution == "gaussian":
        X[:, :intrinsic_dim] = rng.normal(size=(n, intrinsic_dim))
    else:
        raise ValueError(f"distribution must be 'uniform' or 'gaussian', got {distribution!r}")
    return X


def random_spd(size: int, seed: int | np.random.Generator = 0) -> np.ndarray:
    """Random symmetric positive definite matrix ``A A^T`` (``A`` standard normal, ``size x size``)
    scaled to ``trace = size`` (mean eigenvalue 1, like the identity it is mixed with)."""
    rng = _rng(seed)
    A = rng.normal(size=(size, size))
    S = A @ A.T
    return S * (size / np.trace(S))


def add_uniform_noise(
    X: np.ndarray, level: float, seed: int | np.random.Generator = 0
) -> np.ndarray:
    """``X + level * scale * U[-1, 1]`` on every coordinate, ``scale = max |X|`` (a scalar, so
    that coordinates that are zero in an embedding get noise too). Returns a new array."""
    if level < 0:
        raise ValueError(f"level must be >= 0, got {level}")
    if level == 0:
        return X.copy()
    scale = float(np.abs(X).max()) or 1.0
    return X + level * scale * _rng(seed).uniform(-1.0, 1.0, size=X.shape)


def corrupt_labels(
    labels: np.ndarray, ratio: float, seed: int | np.random.Generator = 0
) -> np.ndarray:
    """Replace a random ``ratio`` of the labels by labels drawn uniformly from the classes."""
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"ratio must be in [0, 1], got {ratio}")
    rng = _rng(seed)
    out = labels.copy()
    classes = np.unique(labels)
    idx = rng.choice(labels.size, size=int(round(ratio * labels.size)), replace=False)
    out[idx] = rng.choice(classes, size=idx.size)
    return out
