"""Kernel widths: a fixed ``sigma``, or a policy that reads the width off the data.

DSE and DSMI see the data only through ``sigma`` relative to its scale
(``dse(c X, c sigma) == dse(X, sigma)``), so a fixed width (the paper's 10) measures the
embedding's scale as much as its structure. Three policies make the estimate scale-free:

* ``sigma="knn"`` (the library's default, :data:`DEFAULT_SIGMA`): an adaptive local width
  (self-tuning spectral clustering, Zelnik-Manor and Perona 2004): ``sigma_i`` = the distance
  from point i to its ``k``-th nearest other point, and the kernel
  ``exp(-d_ij^2 / (2 sigma_i sigma_j))`` -- symmetric, with the Gaussian's ``2 sigma^2``
  replaced by ``2 sigma_i sigma_j``, so dense regions get narrow kernels and sparse ones wide
  kernels. For DSMI the widths are those of the whole set, cut to each class and subset.
  Exact method only; with fewer than ``k + 1`` points, ``k`` is taken as ``n - 1``.
* ``sigma="knn_median"``: one global width read off local distances, the median over points
  of the distance to the ``k``-th nearest other point. A single number, so it also serves the
  sparse large-n path and ``reference=True``; it mixes clusters of very different spread less
  evenly than ``"knn"``.
* ``sigma="median"``: one width, the median Euclidean distance over all pairs of points (a
  seeded sample of :data:`MEDIAN_PAIRS` pairs when n is larger than :data:`MEDIAN_EXACT_MAX_N`).
  For DSMI it is taken once over the whole set and used for every class and subset. As wide
  as a typical distance *between* clusters, so by t = 3 the diffusion mixes across them:
  DSE of separated clusters collapses towards 0 (:func:`degenerate_sigma` warns).

Why ``"knn"`` is the default: on data of known structure (``benchmarks/width_policies.py``,
README "Choosing sigma") it is the policy under which DSE of k separated Gaussian blobs in
8 or more dimensions reads log2 k at t = 10 (k = 1..20, blob spreads differing tenfold),
while ``"median"`` reads 0 from t = 3 and ``"knn_median"`` misreads blobs of unequal spread.

All depend on the data only through its distances: invariant to scale (data of extreme scale
are rescaled by a power of two first, exactly), translation and rotation. The width used is
logged (DEBUG) on the ``dse_repro.measures`` logger.

:func:`degenerate_sigma` tells when a width is so far from the data's scale, at the diffusion
time asked for, that the operator is nearly the identity (DSE close to log2 n) or mixes across
any structure (DSE close to 0) whatever the data; the estimators warn then.
"""
from __future__ import annotations

import logging
import numbers
from functools import lru_cache
from typing import Any

import numpy as np

from ._parallel import single_threaded_blas
from ._validation import (
    check_int,
    check_points,
    check_positive_real,
    check_sq_distances,
    check_ts,
    to_numpy,
)
from .distances import rescale, sq_distances

__all__ = ["POLICIES", "DEFAULT_SIGMA", "DegenerateSigmaWarning", "resolve_sigma",
           "degenerate_sigma", "median_distance", "mean_norm"]


class DegenerateSigmaWarning(UserWarning):
    """A fixed kernel width far from the data's scale (see :func:`degenerate_sigma`). A
    subclass of ``UserWarning``, so that code computing such a width on purpose (the paper's
    sigma = 10 beside the scale-free widths) can filter it by category."""

POLICIES = ("knn", "knn_median", "median")
#: The width every estimator, the CLI, the monitor and the Lightning callback use by default.
DEFAULT_SIGMA = "knn"
#: Up to this many points the median is over all pairs; above, over a seeded sample of pairs.
MEDIAN_EXACT_MAX_N = 3000
MEDIAN_PAIRS = 500_000
#: A width is degenerate when the weight at the largest distance is above this (all ones) ...
ALL_ONES_WEIGHT = 0.99
#: ... or t times the weight at the median nearest-neighbour distance is below this (the
#: walk does not leave its point in t steps: the identity) ...
IDENTITY_WEIGHT = 1e-4
#: ... or two clusters as far apart as the median pair of points would be mixed at t: the
#: cluster-level eigenvalue ``(1 - w) / (1 + w)`` (w = the weight at the median distance)
#: to the power t is below this, so DSE of two such clusters reads < 0.28 bits, not 1.
MIXED_EIGENVALUE = 0.05
#: Points the degenerate-width test looks at (a seeded sample above this).
DEGENERATE_SAMPLE = 500
_log = logging.getLogger(__name__)


def _pair_sq_distances(X: np.ndarray, squared: bool, seed: int) -> np.ndarray:
    """Squared distances of the pairs i < j of ``X`` ``(n, D)`` (or of the squared-distance
    matrix ``X`` with ``squared=True``), a fresh array: every pair up to
    :data:`MEDIAN_EXACT_MAX_N` points, else a seeded sample of :data:`MEDIAN_PAIRS` (i != j)."""
    n = X.shape[0]
    if n <= MEDIAN_EXACT_MAX_N:  # every pair: one Gram matrix (BLAS) is fastest
        return (X if squared else sq_distances(X, np.float64))[_upper_triangle(n)]
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, MEDIAN_PAIRS)
    j = (i + rng.integers(1, n, MEDIAN_PAIRS)) % n
    if squared:  # X holds squared distances already
        return X[i, j]
    out = np.empty(len(i))
    for s in range(0, len(i), 8192):  # sampled pairs, in chunks of (8192, D) differences
        d = X[i[s:s + 8192]] - X[j[s:s + 8192]]
        out[s:s + 8192] = np.einsum("ij,ij->i", d, d)
    return out


def median_in_place(values: np.ndarray) -> float:
    """``np.median`` of a 1-D float array without NaN (non-empty), reordering it in place.

    Our own because numpy's is slow here: it partitions at both middle elements. One partition
    at the upper one and the largest element below it give the same two (then the same
    ``(a + b) / 2``): 0.17 ms instead of 1.2 ms for the 124 750 pairs of 500 points (2 cores,
    2026-12-03); equality with ``np.median`` is tested, ties and odd sizes included."""
    m = values.size
    k = m // 2
    values.partition(k)
    if m % 2:
        return float(values[k])
    return float((values[:k].max() + values[k]) / 2)


def mean_norm(X: Any) -> float:
    """Mean Euclidean norm of the rows of ``X`` ``(n, D)``, in the units of ``X`` (the scale a
    fixed kernel width is measured against)."""
    X = np.asarray(to_numpy(check_points(X, "X")), dtype=np.float64)
    Xn, unit = rescale(X, 1.0)  # exact: no square under- or overflows at extreme scales
    return float(np.linalg.norm(Xn, axis=1).mean()) / unit


def median_distance(X: Any, *, squared: bool = False, seed: int = 0) -> float:
    """Median Euclidean distance between pairs of rows of ``X`` ``(n, D)`` (or, with
    ``squared=True``, of a squared-distance matrix ``(n, n)``), in the units of ``X``; see the
    module docstring."""
    X = to_numpy(check_points(X, "X"))
    if squared:
        check_sq_distances(X, "X with squared=True")
    Xn, unit = rescale(X, 1.0, squared=squared)  # exact: no square under- or overflows
    return _median_distance(Xn, squared, seed) / unit


def _median_distance(X: np.ndarray, squared: bool, seed: int) -> float:
    """:func:`median_distance` of checked points (or squared distances)."""
    return float(np.sqrt(median_in_place(_pair_sq_distances(X, squared, seed))))


def _knn_widths(X: np.ndarray, k: int, squared: bool, policy: str) -> np.ndarray:
    n = X.shape[0]
    # With fewer than k + 1 points the k-th neighbour does not exist: the farthest point
    # (k = n - 1) stands in, so that the default width works on any data of >= 2 points.
    k = min(check_int(k, "k", minimum=1), n - 1)
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
        raise ValueError(f"sigma={policy!r}: every point has {k} duplicates at distance 0; "
                         "use a fixed sigma or sigma='median'")
    # A point with k duplicates would get width 0: give it the smallest positive width.
    return np.where(kth > 0, kth, positive.min())


def resolve_sigma(X: Any, sigma: Any, *, k: int = 7, squared: bool = False,
                  seed: int = 0) -> float | np.ndarray:
    """The kernel width for points ``X`` ``(n, D)`` (or squared distances with
    ``squared=True``), in the units of ``X``: a number is checked and returned; ``"median"``
    and ``"knn_median"`` give a float, ``"knn"`` per-point widths ``(n,)``. Logged at DEBUG."""
    if isinstance(sigma, str):
        if sigma not in POLICIES:
            raise TypeError(f"sigma must be a number > 0 or one of {POLICIES}, got the string "
                            f"{sigma!r}")
        # data of extreme scale: widths from the data rescaled by a power of two (exact), in
        # units of ``unit`` (1.0 for data of ordinary scale)
        Xn, unit = rescale(np.asarray(to_numpy(X), dtype=np.float64), 1.0, squared=squared)
        if sigma == "median":
            value = _median_distance(Xn, squared, seed)
            if not value > 0:
                raise ValueError("sigma='median': the median distance between points is 0 "
                                 "(most points coincide); use a fixed sigma")
            value = value / unit
            _log.debug("sigma='median' -> %.6g", value)
            return value
        widths = _knn_widths(Xn, k, squared, sigma) / unit
        if sigma == "knn_median":
            value = float(np.median(widths))
            _log.debug("sigma='knn_median' (k=%d) -> %.6g", k, value)
            return value
        _log.debug("sigma='knn' (k=%d) -> per-point widths, median %.6g (min %.3g, max %.3g)",
                   k, np.median(widths), widths.min(), widths.max())
        return widths
    if not isinstance(sigma, numbers.Real) or isinstance(sigma, bool):
        raise TypeError(f"sigma must be a number > 0 or one of {POLICIES}, got "
                        f"{type(sigma).__name__}")
    return check_positive_real(sigma, "sigma")


@lru_cache(maxsize=4)
def _upper_triangle_kept(n: int) -> np.ndarray:
    mask = np.triu(np.ones((n, n), dtype=bool), 1)
    mask.setflags(write=False)
    return mask


def _upper_triangle(n: int) -> np.ndarray:
    """A boolean ``(n, n)`` mask of the pairs i < j (``S[mask]`` is ``S[np.triu_indices(n,
    1)]``, 3x faster), kept up to :data:`DEGENERATE_SAMPLE` points: every
    :func:`degenerate_sigma` on more points asks for the same one."""
    return _upper_triangle_kept(n) if n <= DEGENERATE_SAMPLE else np.triu(
        np.ones((n, n), dtype=bool), 1)


def degenerate_sigma(X: Any, sigma: float | np.ndarray, *, ts: Any = (1,),
                     squared: bool = False, seed: int = 0,
                     policy: str | None = None) -> str | None:
    """A warning text for the first diffusion time of ``ts`` at which the width ``sigma`` (a
    number, or per-point widths ``(n,)`` read as their median) makes the diffusion of ``X``
    degenerate whatever the data:

    * all ones: the weight at the largest sampled distance > :data:`ALL_ONES_WEIGHT`;
    * mixed at t: two clusters as far apart as the median pair of points would be one at
      ``t`` (``((1 - w) / (1 + w))**t < MIXED_EIGENVALUE``, ``w`` the weight at the median
      distance) -- e.g. ``sigma="median"`` from t = 3;
    * the identity: ``t`` times the weight at the median nearest-neighbour distance
      < :data:`IDENTITY_WEIGHT` (the walk does not leave its point).

    Else None. ``policy``: the policy the width was read off (named in the text instead of
    its value); the local policies ``knn`` / ``knn_median`` skip the mixing test (their
    width resolves any cluster of more than k points). The data's distances are sampled once
    for every t: a seeded sample of at most 500 points (nearest-neighbour distances in a
    sample are larger than in the whole set, so the identity test errs on the quiet side)."""
    ts = check_ts(ts)
    X = to_numpy(X)
    if X.ndim != 2 or X.shape[0] < 2 or (squared and X.shape[0] != X.shape[1]):
        shape = "a square (n, n) matrix of squared distances" if squared else "(n_points, n_dims)"
        raise ValueError(f"X must be {shape} with n >= 2, got shape {X.shape}")
    if isinstance(sigma, np.ndarray):
        if sigma.shape != (X.shape[0],) or not np.all(np.isfinite(sigma)) or sigma.min() <= 0:
            raise ValueError(f"per-point sigma must be {X.shape[0]} finite widths > 0 (one "
                             f"per point), got shape {sigma.shape}")
    else:
        sigma = check_positive_real(sigma, "sigma")
    Xn, unit = rescale(np.asarray(X, dtype=np.float64), 1.0, squared=squared)
    width = (float(np.median(sigma)) if isinstance(sigma, np.ndarray) else sigma) * unit
    n = Xn.shape[0]
    if n > DEGENERATE_SAMPLE:
        idx = np.sort(np.random.default_rng(seed).choice(n, DEGENERATE_SAMPLE, replace=False))
        Xn = Xn[np.ix_(idx, idx)] if squared else Xn[idx]
    if squared:
        S = Xn.copy()
    else:  # tiny: on one thread, so that no BLAS thread spins on after it (see _parallel)
        with single_threaded_blas():
            S = sq_distances(Xn, np.float64)
    pairs = S[_upper_triangle(S.shape[0])]  # each pair once
    d_max = float(np.sqrt(pairs.max()))  # finite: rescale refused NaN / inf, squares near 1
    median = float(np.sqrt(median_in_place(pairs)))
    np.fill_diagonal(S, np.inf)
    d_nn = float(np.sqrt(np.median(S.min(axis=1))))
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        w = lambda d: float(np.exp(-0.5 * np.square(np.float64(d) / np.float64(width))))  # noqa: E731
        w_max, w_med, w_nn = w(d_max), w(median), w(d_nn)
    if policy:
        label = f"sigma={policy!r}"
    elif isinstance(sigma, np.ndarray):
        label = f"per-point sigma (median {width / unit:g})"
    else:
        label = f"sigma={sigma:g}"
    advice = (f"(median distance between points {median / unit:.3g}); consider the default "
              f"sigma='{DEFAULT_SIGMA}'" + (" or a smaller t" if policy == "median" else ""))
    if d_max > 0 and w_max > ALL_ONES_WEIGHT:
        return (f"{label} is far above the data's scale {advice}: the kernel is nearly "
                "all ones, so DSE is close to 0 and DSMI to 0 whatever the data")
    # The local policies' width is a k-th neighbour's distance, which resolves any cluster of
    # more than k points; where it comes close to the median distance the data have no
    # structure between those scales to mix, so the mixing test is for the other widths.
    mixing = policy not in ("knn", "knn_median") and median > 0
    for t in sorted(set(ts)):
        if mixing and ((1.0 - w_med) / (1.0 + w_med)) ** t < MIXED_EIGENVALUE:
            return (f"{label} at t={t} mixes across any structure at the data's scale "
                    f"{advice}: two clusters as far apart as the median pair of points would "
                    "read as one, so DSE is close to 0 whatever the data")
        if d_nn > 0 and t * w_nn < IDENTITY_WEIGHT:
            return (f"{label} at t={t} is far below the data's scale {advice}: the kernel is "
                    "nearly the identity, so DSE is close to log2 n whatever the data")
    return None
