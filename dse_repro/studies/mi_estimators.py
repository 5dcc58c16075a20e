"""The estimators compared in Figs. 4-5, each as ``fn(data, labels, *, y=None, **settings) ->
bits``.

``data`` is a :class:`~dse_repro.simulate.WideBlobs` (points, possibly streamed in column blocks)
or an array ``(n, d)``; ``labels`` the (possibly corrupted) class labels, shape ``(n,)``; ``y``
an optional continuous second variable ``(n, d')`` (ground-truth study) that estimators able to
use it (NPEET ``mi``, MINE) take instead of the labels. To add an estimator: write one function
here with this signature and add one entry under ``estimators:`` in
``conf/study/mi_compare.yaml`` (``_target_`` = the function, ``_partial_: true``, its settings).
"""
from __future__ import annotations

import numpy as np

from dse_repro.measures import csmi, dsmi, ksg_mi, mine_mi, squared_distances
from dse_repro.simulate import WideBlobs

__all__ = ["dsmi_estimator", "csmi_estimator", "ksg_estimator", "mine_estimator"]


def _points(data: WideBlobs | np.ndarray) -> np.ndarray:
    return data.full() if isinstance(data, WideBlobs) else np.asarray(data)


def dsmi_estimator(data: WideBlobs | np.ndarray, labels: np.ndarray, *, y: np.ndarray | None = None,
                   t: int = 1, sigma_scale: float = 1.0, precision: str = "float64",
                   distance_precision: str = "float64", stream_above_dim: int = 20_000) -> float:
    """DSMI(X; labels) with ``sigma = sigma_scale * sqrt(d)`` (paper: 1). Distances come from
    BLAS Gram matrices in ``distance_precision``, accumulated block by block above
    ``stream_above_dim`` (memory O(n^2)); eigensolves in ``precision``."""
    if isinstance(data, WideBlobs) and data.dim > stream_above_dim:
        X, dim = data.blocks(), data.dim
    else:
        X = _points(data)
        dim = X.shape[1]
    S = squared_distances(X, precision=distance_precision)
    return dsmi(S, labels, sigma_scale * np.sqrt(dim), t, y_discrete=True,
                precision=precision, precomputed=True)


def csmi_estimator(data: WideBlobs | np.ndarray, labels: np.ndarray, *, y: np.ndarray | None = None,
                   bins: int = 10, subset_correction: bool = True) -> float:
    """Binned Shannon MI(X; labels); ``subset_correction=True`` is the authors' (and the
    paper's) CSMI."""
    return csmi(_points(data), labels, bins, y_discrete=True, subset_correction=subset_correction)


def ksg_estimator(data: WideBlobs | np.ndarray, labels: np.ndarray, *, y: np.ndarray | None = None,
                  k: int = 3, y_discrete: bool = False) -> float:
    """NPEET: ``mi(X, labels)`` with the labels as a continuous column (the paper's call; ``y``
    instead when given), or ``micd(X, labels)`` with ``y_discrete=True``."""
    if y_discrete:
        return ksg_mi(_points(data), labels, k=k, y_discrete=True)
    return ksg_mi(_points(data), labels if y is None else y, k=k)


def mine_estimator(data: WideBlobs | np.ndarray, labels: np.ndarray, *, y: np.ndarray | None = None,
                   epochs: int = 200, batch_size: int = 500, lr: float = 1e-4, hidden: int = 100,
                   estimator: str = "biased", holdout: float = 0.0, seed: int = 0) -> float:
    """MINE(X; labels as a column, or ``y``), paper settings by default, in bits."""
    second = labels.astype(np.float32) if y is None else y
    return mine_mi(_points(data), second, epochs=epochs, batch_size=batch_size,
                   lr=lr, hidden=hidden, seed=seed, estimator=estimator, holdout=holdout,
                   bits=True)
