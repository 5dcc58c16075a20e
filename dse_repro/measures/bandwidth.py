"""Kernel widths: a fixed ``sigma``, or a policy that reads the width off the data.

DSE and DSMI see the data only through ``sigma`` relative to its scale
(``dse(c X, c sigma) == dse(X, sigma)``), so a fixed width (the paper's 10) measures the
embedding's scale as much as its structure. Two policies make the estimate scale-free:

* ``sigma="median"``: one width, the median Euclidean distance over all pairs of points (a
  seeded sample of :data:`MEDIAN_PAIRS` pairs when n is larger than :data:`MEDIAN_EXACT_MAX_N`).
  For DSMI it is taken once over the whole set and used for every class and subset.
* ``sigma="knn"``: an adaptive local width (self-tuning spectral clustering, Zelnik-Manor and
  Perona 2004): ``sigma_i`` = the distance from point i to its ``k``-th nearest other point,
  and the kernel ``exp(-d_ij^2 / (2 sigma_i sigma_j))`` -- symmetric, with the Gaussian's
  ``2 sigma^2`` replaced by ``2 sigma_i sigma_j``, so dense regions get narrow kernels and
  sparse ones wide kernels. For DSMI the widths are those of the whole set, cut to each class
  and subset.

Both depend on the data only through its distances: invariant to scale, translation and
rotation. The width used is logged (DEBUG) on the ``dse_repro.measures`` logger.

:func:`degenerate_sigma` tells when a fixed width is so far from the data's scale that the
kernel is nearly the identity (DSE close to log2 n) or nearly all ones (DSE close to 0)
whatever the data; the estimators warn then.
"""
from __future__ import annotations

import logging
import numbers
from typing import Any

import numpy as np

from ._validation import check_int, check_points, check_positive_real, to_numpy
from .diffusion import _sq_distances_numpy

__all__ = ["POLICIES", "DegenerateSigmaWarning", "resolve_sigma", "degenerate_sigma",
           "median_distance", "mean_norm"]


class DegenerateSigmaWarning(UserWarning):
    """A fixed kernel width far from the data's scale (see :func:`degenerate_sigma`). A
    subclass of ``UserWarning``, so that code computing such a width on purpose (the paper's
    sigma = 10 beside the scale-free widths) can filter it by category."""

POLICIES = ("median", "knn")
#: Up to this many points the median is over all pairs; above, over a seeded sample of pairs.
MEDIAN_EXACT_MAX_N = 3000
MEDIAN_PAIRS = 500_000
#: A fixed width is degenerate when the weight at the largest distance is above this (all ones)
ALL_ONES_WEIGHT = 0.99
#: ... or the weight at the median nearest-neighbour distance below this (the identity).
IDENTITY_WEIGHT = 1e-4
#: Points the degenerate-width test looks at (a seeded sample above this).
DEGENERATE_SAMPLE = 500
_log = logging.getLogger("dse_repro.measures")


def _pairs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs i < j: all of them up to :data:`MEDIAN_EXACT_MAX_N` points, else a seeded
    sample of :data:`MEDIAN_PAIRS` (i != j)."""
    if n <= MEDIAN_EXACT_MAX_N:
        return np.triu_indices(n, 1)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, MEDIAN_PAIRS)
    j = (i + rng.integers(1, n, MEDIAN_PAIRS)) % n
    return i, j


def _pair_sq_distances(X: np.ndarray, i: np.ndarray, j: np.ndarray,
                       squared: bool) -> np.ndarray:
    if squared:  # X holds squared distances already
        return X[i, j]
    if X.shape[0] <= MEDIAN_EXACT_MAX_N:  # every pair: one Gram matrix (BLAS) is fastest
        return _sq_distances_numpy(X, np.float64)[i, j]
    out = np.empty(len(i))
    for s in range(0, len(i), 8192):  # sampled pairs, in chunks of (8192, D) differences
        d = X[i[s:s + 8192]] - X[j[s:s + 8192]]
        out[s:s + 8192] = np.einsum("ij,ij->i", d, d)
    return out


def mean_norm(X: Any) -> float:
    """Mean Euclidean norm of the rows of ``X`` ``(n, D)``, in the units of ``X`` (the scale a
    fixed kernel width is measured against)."""
    X = np.asarray(to_numpy(check_points(X, "X")), dtype=np.float64)
    return float(np.linalg.norm(X, axis=1).mean())


def median_distance(X: Any, *, squared: bool = False, seed: int = 0) -> float:
    """Median Euclidean distance between pairs of rows of ``X`` ``(n, D)`` (or, with
    ``squared=True``, of a squared-distance matrix ``(n, n)``), in the units of ``X``; see the
    module docstring."""
    X = to_numpy(check_points(X, "X")) if not squared else to_numpy(X)
    i, j = _pairs(X.shape[0], seed)
    return float(np.sqrt(np.median(_pair_sq_distances(X, i, j, squared))))


def _knn_widths(X: np.ndarray, k: int, squared: bool) -> np.ndarray:
    n = X.shape[0]
    k = check_int(k, "k", minimum=1, maximum=n - 1)
    if squared:
        S = X.copy()
        np.fill_diagonal(S, np.inf)
        kth = np.sqrt(np.partition(S, k - 1, axis=1)[:, k - 1])
    else:
        from sklearn.neighbors import NearestNeighbors

        dist, _ = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X)
        kth = dist[:, k]  # column 0 is the point itself (or a duplicate at distance 0)
    positive = kth[kth > 0]
    if positive.size == 0:
        raise ValueError(f"sigma='knn': every point has {k} duplicates at distance 0; "
                         "use a fixed sigma or sigma='median'")
    # A point with k duplicates would get width 0: give it the smallest positive width.
    return np.where(kth > 0, kth, positive.min())


def resolve_sigma(X: Any, sigma: Any, *, k: int = 7, squared: bool = False,
                  seed: int = 0) -> float | np.ndarray:
    """The kernel width for points ``X`` ``(n, D)`` (or squared distances with
    ``squared=True``): a number is checked and returned; ``"median"`` gives a float,
    ``"knn"`` per-point widths ``(n,)``. Logged at DEBUG."""
    if isinstance(sigma, str):
        if sigma not in POLICIES:
            raise TypeError(f"sigma must be a number > 0 or one of {POLICIES}, got the string "
                            f"{sigma!r}")
        Xn = np.asarray(to_numpy(X), dtype=np.float64)
        if sigma == "median":
            value = median_distance(Xn, squared=squared, seed=seed)
            if not value > 0:
                raise ValueError("sigma='median': the median distance between points is 0 "
                                 "(most points coincide); use a fixed sigma")
            _log.debug("sigma='median' -> %.6g", value)
            return value
        widths = _knn_widths(Xn, k, squared)
        _log.debug("sigma='knn' (k=%d) -> per-point widths, median %.6g (min %.3g, max %.3g)",
                  k, np.median(widths), widths.min(), widths.max())
        return widths
    if not isinstance(sigma, numbers.Real) or isinstance(sigma, bool):
        raise TypeError(f"sigma must be a number > 0 or one of {POLICIES}, got "
                        f"{type(sigma).__name__}")
    return check_positive_real(sigma, "sigma")


def degenerate_sigma(X: Any, sigma: float, *, squared: bool = False,
                     seed: int = 0) -> str | None:
    """A warning text when the fixed width ``sigma`` makes the kernel of ``X`` nearly all ones
    (the weight at the largest sampled distance > :data:`ALL_ONES_WEIGHT`) or nearly the
    identity (the weight at the median nearest-neighbour distance < :data:`IDENTITY_WEIGHT`);
    else None. Works on a seeded sample of at most 500 points (nearest-neighbour distances in
    a sample are larger than in the whole set, so the identity test errs on the quiet side)."""
    Xn = np.asarray(to_numpy(X), dtype=np.float64)
    n = Xn.shape[0]
    if n > DEGENERATE_SAMPLE:
        idx = np.sort(np.random.default_rng(seed).choice(n, DEGENERATE_SAMPLE, replace=False))
        Xn = Xn[np.ix_(idx, idx)] if squared else Xn[idx]
    S = Xn.copy() if squared else _sq_distances_numpy(Xn, np.float64)
    np.fill_diagonal(S, np.nan)
    if not np.isfinite(np.nanmax(S)):
        return None
    median = float(np.sqrt(np.nanmedian(S)))
    d_max = float(np.sqrt(np.nanmax(S)))
    np.fill_diagonal(S, np.inf)
    d_nn = float(np.sqrt(np.median(S.min(axis=1))))
    advice = (f"(median distance between points {median:.3g}); consider sigma='median' or "
              "sigma='knn'")
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        w_max = np.exp(-0.5 * np.square(np.float64(d_max) / np.float64(sigma)))
        w_nn = np.exp(-0.5 * np.square(np.float64(d_nn) / np.float64(sigma)))
    if d_max > 0 and w_max > ALL_ONES_WEIGHT:
        return (f"sigma={sigma:g} is far above the data's scale {advice}: the kernel is nearly "
                "all ones, so DSE is close to 0 and DSMI to 0 whatever the data")
    if d_nn > 0 and w_nn < IDENTITY_WEIGHT:
        return (f"sigma={sigma:g} is far below the data's scale {advice}: the kernel is nearly "
                "the identity, so DSE is close to log2 n whatever the data")
    return None
