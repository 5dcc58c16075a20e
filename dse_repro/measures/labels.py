"""Turn the second variable ``Y`` of a mutual-information estimate into discrete labels.

Shared by DSMI and CSMI. Rules (the same as the authors' ``dse-dsmi``):

* ``Y`` of shape ``(n,)`` or ``(n, 1)`` with an integer or bool dtype is read as class labels;
  so are strings (class names, e.g. ``"cat"``: numbered in sorted order).
* ``Y`` of shape ``(n,)``/``(n, 1)`` with a float dtype is continuous: min-max scaled and cut
  into ``n_clusters`` equal-width bins.
* ``Y`` of shape ``(n, D')`` with ``D' > 1`` (e.g. flattened images) is continuous: spectral
  clustering into ``n_clusters`` (nearest-neighbour affinity, ``cluster_qr`` assignment,
  ``random_state=seed``).
"""
from __future__ import annotations

import random
import warnings
from typing import Any

import numpy as np

from ._validation import (
    check_finite,
    check_int,
    check_numeric_array,
    is_torch,
    to_numpy,
    unit_scale,
)

__all__ = ["infer_discrete", "discretize", "spectral_clusters", "class_partition",
           "conditional_subsets"]


def infer_discrete(Y: np.ndarray) -> bool:
    """True when ``Y`` looks like class labels: one column and an integer/bool dtype."""
    one_column = Y.ndim == 1 or (Y.ndim == 2 and Y.shape[1] == 1)
    return one_column and (np.issubdtype(Y.dtype, np.integer) or Y.dtype == bool)


def _class_names(Y: Any) -> np.ndarray | None:
    """``Y`` as a 1-D array of strings when it is one column of strings (class names such as
    ``"cat"``), else None."""
    if is_torch(Y) or isinstance(Y, (str, bytes)):
        return None
    try:
        arr = np.asarray(Y)
    except (ValueError, TypeError):
        return None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.reshape(-1)
    if arr.ndim != 1 or arr.size == 0:
        return None
    if arr.dtype.kind in "US" or (arr.dtype == object and all(isinstance(v, str) for v in arr)):
        return arr.astype(str)
    return None


def spectral_clusters(Y: Any, n_clusters: int = 10, seed: int = 0) -> np.ndarray:
    """Spectral clustering of the rows of ``Y`` (shape ``(n, D')``) into ``n_clusters`` labels.

    Compute this once for a fixed set of inputs (e.g. the validation images) and pass the
    labels to :func:`dsmi` with ``y_discrete=True`` instead of re-clustering every epoch.
    """
    from sklearn.cluster import SpectralClustering

    Y = to_numpy(check_numeric_array(Y, "Y")).astype(np.float64)
    if Y.ndim != 2:
        Y = Y.reshape(Y.shape[0], -1)
    check_finite(Y, "Y")
    Y = unit_scale(Y)  # exact; sklearn's distances would under/overflow at extreme scales
    n_clusters = check_int(n_clusters, "n_clusters", minimum=2, maximum=Y.shape[0] - 1)
    op = SpectralClustering(
        n_clusters=n_clusters,
        affinity="nearest_neighbors",
        n_neighbors=min(10, Y.shape[0] - 1),
        assign_labels="cluster_qr",
        random_state=seed,
    )
    return op.fit(Y).labels_.astype(np.int64)


def discretize(
    Y: Any, y_discrete: bool | None = None, n_clusters: int = 10, seed: int = 0
) -> np.ndarray:
    """Labels of shape ``(n,)`` for ``Y`` following the module rules.

    Raises:
        ValueError: ``y_discrete=True`` with more than one column; continuous ``Y`` that is
            constant; non-finite values.
        TypeError: non-numeric ``Y`` (other than strings, which are class names).
    """
    names = _class_names(Y)
    if names is not None:  # strings are class names: labels 0..k-1 in sorted order
        if y_discrete is False:
            raise ValueError("Y holds strings (class names); y_discrete=False would bin them "
                             "as numbers: pass y_discrete=True or None")
        return np.unique(names, return_inverse=True)[1].astype(np.int64)
    Y = to_numpy(check_numeric_array(Y, "Y"))
    if Y.ndim > 2:
        Y = Y.reshape(Y.shape[0], -1)
    if y_discrete is None:
        y_discrete = infer_discrete(Y)
        one_column = Y.ndim == 1 or (Y.ndim == 2 and Y.shape[1] == 1)
        if not y_discrete and one_column and np.issubdtype(Y.dtype, np.floating) and \
                np.all(np.isfinite(Y)) and np.all(Y == np.round(Y)):
            warnings.warn(
                f"Y is a float column of whole numbers ({np.unique(Y).size} distinct values): "
                f"it is read as continuous and binned into n_clusters={n_clusters} bins; pass "
                "y_discrete=True (or integer labels) if these are class labels",
                UserWarning, stacklevel=3)
    if y_discrete:
        if Y.ndim == 2 and Y.shape[1] != 1:
            raise ValueError(
                f"Y with y_discrete=True must have shape (n,) or (n, 1), got {Y.shape}"
            )
        Y = Y.reshape(-1)
        check_finite(Y, "Y")
        if np.issubdtype(Y.dtype, np.floating) and not np.all(Y == np.round(Y)):
            raise ValueError("Y with y_discrete=True must hold integer class labels")
        return Y
    check_finite(Y, "Y")
    if Y.ndim == 1 or Y.shape[1] == 1:
        n_clusters = check_int(n_clusters, "n_clusters", minimum=2)
        y = Y.reshape(-1).astype(np.float64)
        span = y.max() - y.min()
        if span == 0:
            raise ValueError("Y is continuous but constant; it carries no information")
        scaled = (y - y.min()) / span
        return np.digitize(scaled, bins=np.linspace(0, 1, n_clusters + 1)[:-1]).astype(np.int64)
    return spectral_clusters(Y, n_clusters=n_clusters, seed=seed)


def class_partition(labels: np.ndarray, *, min_size: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Distinct classes and their counts, checking there are >= 2 classes of >= ``min_size``.

    Returns:
        ``(classes, counts)``, each shape ``(n_classes,)``.
    """
    classes, counts = np.unique(labels, return_counts=True)
    if classes.size < 2:
        raise ValueError(f"Y has a single class ({classes[0]!r}); mutual information needs >= 2")
    small = classes[counts < min_size]
    if small.size:
        raise ValueError(
            f"Y has classes with fewer than {min_size} members: {small.tolist()[:10]} "
            f"(counts {counts[counts < min_size].tolist()[:10]}); merge them or use fewer clusters"
        )
    return classes, counts


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
