"""The estimators compared in Figs. 4-5, each as ``fn(data, labels, **settings) -> bits``.

``data`` is a :class:`~dse_repro.simulate.WideBlobs` (points, possibly streamed in column blocks)
and ``labels`` the (possibly corrupted) class labels, shape ``(n,)``. To add an estimator: write
one function here with this signature and add one entry under ``estimators:`` in
``conf/study/mi_compare.yaml`` (``_target_`` = the function, ``_partial_: true``, its settings).
"""
from __future__ import annotations

import numpy as np

from dse_repro.measures import csmi, dsmi, ksg_mi, mine_mi, squared_distances
from dse_repro.simulate import WideBlobs

__all__ = ["dsmi_estimator", "csmi_estimator", "ksg_estimator", "mine_estimator"]


def dsmi_estimator(data: WideBlobs, labels: np.ndarray, *, t: int = 1, sigma_scale: float = 1.0,
                   precision: str = "float64", stream_above_dim: int = 20_000) -> float:
    """DSMI with ``sigma = sigma_scale * sqrt(d)`` (paper: 1). Distances come from BLAS Gram
    matrices, accumulated block by block above ``stream_above_dim`` so memory stays O(n^2)."""
    X = data.blocks() if data.dim > stream_above_dim else data.full()
    S = squared_distances(X, precision=precision)
    return dsmi(S, labels, sigma_scale * np.sqrt(data.dim), t, y_discrete=True,
                precision=precision, precomputed=True)


def csmi_estimator(data: WideBlobs, labels: np.ndarray, *, bins: int = 10,
                   subset_correction: bool = True) -> float:
    """Binned Shannon MI; ``subset_correction=True`` is the authors' (and the paper's) CSMI."""
    return csmi(data.full(), labels, bins, y_discrete=True, subset_correction=subset_correction)


def ksg_estimator(data: WideBlobs, labels: np.ndarray, *, k: int = 3,
                  y_discrete: bool = False) -> float:
    """NPEET: ``mi(X, labels)`` with the labels as a continuous column (the paper's call), or
    ``micd`` with ``y_discrete=True``."""
    return ksg_mi(data.full(), labels, k=k, y_discrete=y_discrete)


def mine_estimator(data: WideBlobs, labels: np.ndarray, *, epochs: int = 200,
                   batch_size: int = 500, lr: float = 1e-4, hidden: int = 100,
                   estimator: str = "biased", holdout: float = 0.0, seed: int = 0) -> float:
    """MINE (paper settings by default), converted to bits for a common axis."""
    return mine_mi(data.full(), labels.astype(np.float32), epochs=epochs, batch_size=batch_size,
                   lr=lr, hidden=hidden, seed=seed, estimator=estimator, holdout=holdout,
                   bits=True)
