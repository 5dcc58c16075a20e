"""Cheap accuracy predictors computed from an embedding alone -- the competitors of DSMI in
the model-zoo study (beyond the paper).

* :func:`rankme` -- RankMe (Garrido et al., ICML 2023): the effective rank
  ``exp(H(p))`` of the singular values of ``Z``, ``p_k = s_k / sum(s) + eps``. Unitless, in
  ``[1, min(n, d)]``.
* :func:`alpha_req` -- alpha-ReQ (Agrawal et al., NeurIPS 2022): the power-law decay exponent
  ``alpha`` of the eigenspectrum of ``Z``'s covariance, ``lambda_i ~ i^-alpha``, fitted by
  least squares in log-log over the leading eigenvalues. Unitless.
* :func:`knn_accuracy` -- k-nearest-neighbour classification accuracy of labels ``y`` from
  ``Z``, stratified k-fold cross-validated (a fraction in [0, 1]).

All take ``Z`` of shape ``(n_points, n_dims)`` (numpy or torch) and return Python floats.
These are few lines over numpy / scikit-learn; no maintained package ships them.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import check_int, check_points, check_same_length, to_numpy, unit_scale


def _singular_values(z: Any) -> np.ndarray:
    z = unit_scale(to_numpy(check_points(z, "z")))  # scale-free measures: no overflow
    return np.linalg.svd(z - z.mean(0), compute_uv=False)


def rankme(z: Any, eps: float = 1e-7) -> float:
    """RankMe effective rank of ``z`` ``(n, d)`` (centred): ``exp(-sum p log p)`` with ``p``
    the singular values normalised to sum 1 (plus ``eps`` >= 0, as the paper). 1 for a
    rank-one embedding, ``min(n, d)`` for a white one."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 <= eps < 1:
        raise ValueError(f"eps must be a number in [0, 1), got {eps!r}")
    s = _singular_values(z)
    if s.sum() == 0:
        raise ValueError("z is constant: RankMe is undefined")
    p = s / s.sum() + eps
    return float(np.exp(-(p * np.log(p)).sum()))


def alpha_req(z: Any, fraction: float = 0.5, min_eigs: int = 3) -> float:
    """alpha-ReQ: ``-slope`` of ``log lambda_i`` vs ``log i`` for the leading ``fraction`` of
    the non-zero covariance eigenvalues ``lambda_i`` of ``z`` ``(n, d)`` (at least
    ``min_eigs``). Larger alpha = faster decay = a lower-dimensional embedding."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    s = _singular_values(z)
    lam = s ** 2
    lam = lam[lam > lam.max() * 1e-12] if lam.max() > 0 else lam[:0]
    k = max(min_eigs, int(np.ceil(fraction * lam.size)))
    if lam.size < min_eigs:
        raise ValueError(f"z has {lam.size} non-zero covariance eigenvalues; alpha-ReQ needs "
                         f">= {min_eigs}")
    i = np.arange(1, min(k, lam.size) + 1)
    slope = np.polyfit(np.log(i), np.log(lam[: i.size]), 1)[0]
    return float(-slope)


def knn_accuracy(z: Any, y: Any, k: int = 20, folds: int = 5, seed: int = 0) -> float:
    """Cross-validated accuracy of a ``k``-NN classifier (cosine distance, distance-weighted
    votes) predicting labels ``y`` ``(n,)`` from ``z`` ``(n, d)``; stratified ``folds``-fold,
    shuffled with ``seed``. A fraction in [0, 1]. ``k`` must be smaller than a training fold
    (``n - ceil(n / folds)`` points); cosine distance ignores the scale of ``z``."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    # Rows to unit length here (after a power-of-two rescale so no norm overflows): cosine
    # distance ignores scale, but scikit-learn treats norms below ~1e-15 as zero.
    z = unit_scale(to_numpy(check_points(z, "z")))
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    z = z / np.where(norms > 0, norms, 1.0)
    y = to_numpy(y).reshape(-1)
    check_same_length(z, "z", y, "y")
    k = check_int(k, "k", minimum=1)
    folds = check_int(folds, "folds", minimum=2)
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < folds:
        raise ValueError(f"every class of y needs >= folds={folds} points, smallest has "
                         f"{counts.min()}")
    train_size = len(y) - len(y) // folds - 1
    if k > train_size:
        raise ValueError(f"k={k} is larger than a training fold allows ({train_size} points "
                         f"with folds={folds})")
    clf = KNeighborsClassifier(n_neighbors=k,
                               metric="cosine", weights="distance")
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return float(cross_val_score(clf, z, y, cv=cv).mean())
