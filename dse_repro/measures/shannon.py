"""Classic Shannon entropy (CSE) and mutual information (CSMI) after per-dimension binning.

Each coordinate is min-max scaled to [0, 1] and cut into ``bins`` equal-width bins (the
authors' ``np.digitize`` edges, so values match ``dse-dsmi``'s ``classic_shannon_entropy``);
a point's bucket is its tuple of bin indices; entropies are plug-in estimates in **bits**.
In high dimension nearly every point gets its own bucket, so CSE saturates at ``log2 n`` --
the failure the paper's Fig. 3A shows.

A constant coordinate (zero range) is put in a single bin instead of producing NaN as the
reference does.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import check_int, check_points, check_same_length, to_numpy
from .labels import class_partition, conditional_subsets, discretize

__all__ = ["bin_codes", "cse", "csmi"]


def bin_codes(X: np.ndarray, bins: int) -> np.ndarray:
    """Per-coordinate bin indices in ``1..bins`` of ``X`` (shape ``(n, D)``) -> ``(n, D)`` ints."""
    lo = X.min(axis=0)
    span = X.max(axis=0) - lo
    span[span == 0] = 1.0  # constant column -> every value scales to 0 -> bin 1
    scaled = (X - lo) / span
    dtype = np.uint8 if bins < 255 else np.uint16 if bins < 65535 else np.int64
    return np.digitize(scaled, bins=np.linspace(0, 1, bins + 1)[:-1]).astype(dtype)


def _row_entropy(codes: np.ndarray) -> float:
    """Plug-in entropy (bits) of the distribution of distinct rows of ``codes`` (n, D)."""
    # Hash each row as one opaque byte string: np.unique(axis=0) would sort lexicographically
    # column by column, which is far slower at D in the thousands.
    row_type = np.dtype((np.void, codes.dtype.itemsize * codes.shape[1]))
    rows = np.ascontiguousarray(codes).view(row_type)
    _, counts = np.unique(rows.ravel(), return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def cse(X: Any, bins: int = 2) -> float:
    """Classic Shannon entropy of ``X`` (shape ``(n, D)``) after binning, in **bits**.

    Args:
        X: points; numpy array or torch tensor.
        bins: equal-width bins per coordinate (>= 1).

    Returns:
        Between 0 and ``log2 n`` (reached when every point has its own bucket).
    """
    X = to_numpy(check_points(X, "X", min_points=1)).astype(np.float64)
    bins = check_int(bins, "bins", minimum=1)
    return _row_entropy(bin_codes(X, bins))


def csmi(
    X: Any,
    Y: Any,
    bins: int = 10,
    y_discrete: bool | None = None,
    n_clusters: int = 10,
    *,
    subset_correction: bool = False,
    n_repeats: int = 5,
    seed: int = 0,
) -> float:
    """Classic Shannon mutual information ``I(X; Y)`` after binning ``X``, in **bits**.

    ``Y`` is turned into labels exactly as in :func:`dsmi` (labels, binned scalar or spectral
    clusters). The bins of ``X`` are fixed once on all points.

    Args:
        X: points, shape ``(n, D)``.
        Y: labels or continuous variable with ``n`` rows.
        bins: equal-width bins per coordinate of ``X`` (>= 1).
        subset_correction: ``False`` (default) gives the plug-in estimate
            ``H(X) - sum_y p(y) H(X | y)``. ``True`` replaces ``H(X)`` per class by the mean
            entropy of random subsets of the class's size, as ``dse-dsmi`` does with
            ``classic_shannon_entropy=True`` (each class and subset then binned on its own
            range, as there).
        n_repeats, seed: subsets for ``subset_correction`` (same draws as :func:`dsmi`).
    """
    X = to_numpy(check_points(X, "X")).astype(np.float64)
    bins = check_int(bins, "bins", minimum=1)
    labels = discretize(to_numpy(Y), y_discrete=y_discrete, n_clusters=n_clusters, seed=seed)
    check_same_length(X, "X", labels, "Y")
    _, counts = class_partition(labels, min_size=1)
    p = counts / counts.sum()
    codes = bin_codes(X, bins)
    plan = conditional_subsets(labels, n_repeats=check_int(n_repeats, "n_repeats", minimum=1)
                               if subset_correction else 0, seed=seed)
    if not subset_correction:
        h_cond = np.array([_row_entropy(codes[idx]) for idx, _ in plan])
        return float(_row_entropy(codes) - np.dot(p, h_cond))
    # As in dse-dsmi, every class and subset is min-max scaled and binned on its own range.
    h = lambda idx: _row_entropy(bin_codes(X[idx], bins))  # noqa: E731
    parts = [np.mean([h(s) for s in subsets]) - h(idx) for idx, subsets in plan]
    return float(np.dot(p, parts))
