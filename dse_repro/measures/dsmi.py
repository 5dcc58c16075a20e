"""Diffusion Spectral Mutual Information (DSMI).

``I_D(Z; Y) = S_D(Z) - sum_y p(y) S_D(Z | Y = y)``, in **bits**, with the authors' bias
correction: for each class ``y`` of size ``n_y``, ``S_D(Z)`` is replaced by the mean DSE of
``n_repeats`` random subsets of ``Z`` of size ``n_y`` (drawn with Python's ``random`` seeded with
``seed`` anew for every class, as in ``dse-dsmi``), so that both terms see the same number of
points::

    DSMI = sum_y p(y) [ mean_r S_D(Z*_r) - S_D(Z | Y = y) ],   |Z*_r| = n_y.

Default mode: the squared-distance matrix of all of ``Z`` is computed once and every class and
subset kernel is cut from it (the reference recomputes distances ~6 x n_classes times); the
same subsets are drawn, so values agree with ``reference=True`` to < 1e-6 bits.
"""
from __future__ import annotations

import random
from typing import Any

import numpy as np

from ._validation import (
    check_int,
    check_points,
    check_positive_real,
    check_same_length,
    is_torch,
    to_numpy,
)
from .diffusion import (
    Precision,
    _check_precision,
    _eigvalsh_inplace,
    _kernel_from_sq_numpy,
    _sq_distances_numpy,
    spectral_entropy,
)
from .labels import class_partition, discretize

__all__ = ["dsmi", "conditional_subsets"]

#: Above this many points the full distance matrix is not kept (8 n^2 bytes) and each
#: class/subset kernel is built from its own points instead.
_FULL_DISTANCE_MAX_N = 20_000


def conditional_subsets(
    labels: np.ndarray, n_repeats: int = 5, seed: int | None = 0
) -> list[tuple[np.ndarray, list[np.ndarray]]]:
    """Index sets used by the bias-corrected DSMI: ``[(class_idx, [subset_idx, ...]), ...]``.

    One entry per class (sorted by label); each subset has the class's size and is drawn from
    all points with ``random.Random(seed).sample`` -- the draws of ``dse-dsmi``.
    """
    classes, _ = np.unique(labels, return_counts=True)
    n = labels.shape[0]
    out = []
    for c in classes:
        idx = np.flatnonzero(labels == c)
        rng = random.Random(seed)
        subsets = [np.array(rng.sample(range(n), k=idx.size)) for _ in range(n_repeats)]
        out.append((idx, subsets))
    return out


def _entropy_from_sq(S: np.ndarray, idx: np.ndarray, sigma: float, t: int) -> float:
    sub = S[np.ix_(idx, idx)]  # a copy, which the eigensolve may overwrite
    np.fill_diagonal(sub, 0.0)
    return spectral_entropy(_eigvalsh_inplace(_kernel_from_sq_numpy(sub, sigma)), t)


def dsmi(
    Z: Any,
    Y: Any,
    sigma: float = 10.0,
    t: int = 1,
    y_discrete: bool | None = None,
    n_clusters: int = 10,
    *,
    reference: bool = False,
    n_repeats: int = 5,
    seed: int = 0,
    precision: Precision = "float64",
) -> float:
    """Diffusion Spectral Mutual Information ``I_D(Z; Y)`` in **bits**.

    Args:
        Z: embeddings, shape ``(n, D)``; numpy array or torch tensor (kept on its device).
        Y: the other variable, ``n`` rows: class labels ``(n,)``/``(n, 1)``, a continuous scalar
            ``(n,)``/``(n, 1)`` (binned into ``n_clusters``), or vectors ``(n, D')`` such as
            flattened images (spectrally clustered into ``n_clusters``).
        sigma: Gaussian kernel width (> 0) for ``Z``.
        t: diffusion time, integer >= 1.
        y_discrete: ``True`` = ``Y`` holds labels; ``False`` = continuous; ``None`` (default)
            infers: one column with an integer/bool dtype means labels, anything else is
            continuous (so float-typed labels need ``y_discrete=True``).
        n_clusters: number of clusters/bins for a continuous ``Y``.
        reference: reproduce ``dse-dsmi`` 1.1 exactly (slow; for parity).
        n_repeats: random subsets per class in the bias correction (paper: 5).
        seed: seed of the subsets and of the spectral clustering (paper: 0).
        precision: ``"float64"`` or ``"float32"`` eigensolves (see :func:`dse`).

    Returns:
        DSMI in bits; close to 0 for ``Y`` independent of ``Z``, at most about ``H(Y)``.

    Example:
        >>> import numpy as np
        >>> from sklearn.datasets import make_blobs
        >>> from dse_repro.measures import dsmi
        >>> Z, y = make_blobs(300, n_features=5, centers=3, random_state=0)
        >>> dsmi(Z, y, sigma=1.0) > 0.5
        True
    """
    Z = check_points(Z, "Z")
    sigma = check_positive_real(sigma, "sigma")
    t = check_int(t, "t", minimum=1)
    n_repeats = check_int(n_repeats, "n_repeats", minimum=1)
    _check_precision(precision)
    if y_discrete is not None and not isinstance(y_discrete, (bool, np.bool_)):
        raise TypeError(f"y_discrete must be True, False or None, got {y_discrete!r}")
    Y_np = to_numpy(Y) if is_torch(Y) else Y
    labels = discretize(Y_np, y_discrete=y_discrete, n_clusters=n_clusters, seed=seed)
    check_same_length(Z, "Z", labels, "Y")
    classes, counts = class_partition(labels)
    plan = conditional_subsets(labels, n_repeats=n_repeats, seed=seed)

    if reference:
        from .reference import reference_dse

        Zn = to_numpy(Z)
        parts = []
        for idx, subsets in plan:
            h_cond = reference_dse(Zn[idx], sigma=sigma, t=t)
            h_sub = np.mean([reference_dse(Zn[s], sigma=sigma, t=t) for s in subsets])
            parts.append(h_sub - h_cond)
        return float(np.sum(counts / np.sum(counts) * np.array(parts)))

    if is_torch(Z):
        return _dsmi_torch(Z, plan, counts, sigma, t, precision)
    n = Z.shape[0]
    if n <= _FULL_DISTANCE_MAX_N:
        S = _sq_distances_numpy(Z, np.dtype(precision).type)
        entropy = lambda idx: _entropy_from_sq(S, idx, sigma, t)  # noqa: E731
    else:
        entropy = lambda idx: _entropy_from_sq(  # noqa: E731
            _sq_distances_numpy(Z[idx], np.dtype(precision).type),
            np.arange(idx.size), sigma, t)
    parts = []
    for idx, subsets in plan:
        h_sub = np.mean([entropy(s) for s in subsets])
        parts.append(h_sub - entropy(idx))
    return float(np.dot(counts / counts.sum(), parts))


def _dsmi_torch(Z: Any, plan: list, counts: np.ndarray, sigma: float, t: int,
                precision: str) -> float:
    """DSMI with every kernel and eigensolve on ``Z``'s torch device."""
    import torch

    from .diffusion import _kernel_torch

    def entropy(idx: np.ndarray) -> float:
        sel = torch.as_tensor(idx, device=Z.device)
        return spectral_entropy(
            torch.linalg.eigvalsh(_kernel_torch(Z[sel], sigma, getattr(torch, precision))), t)

    parts = [np.mean([entropy(s) for s in subsets]) - entropy(idx) for idx, subsets in plan]
    return float(np.dot(counts / counts.sum(), parts))
