"""k-nearest-neighbour mutual information (KSG), via NPEET (``npeet-plus`` on PyPI, MIT).

We call NPEET rather than re-implementing it, and guard it:

* inputs are checked here (NPEET uses ``assert``, which ``python -O`` removes);
* NPEET jitters its inputs with the *global* ``np.random`` generator; we seed it for the call
  and restore the caller's state afterwards, so results are reproducible and side-effect free;
* ``npeet_plus.micd`` (0.2.0) fails on a 1-D ``y`` (it calls ``.all(axis=1)`` on it): we pass
  ``y`` as a column;
* ``npeet_plus.midc`` (0.2.0) forwards ``k`` positionally into ``micd``'s ``z`` argument: we
  never call it.
"""
from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._validation import check_int, check_points, check_same_length, to_numpy, unit_scale
from .labels import class_partition, discretize

__all__ = ["ksg_mi"]

#: Data spanning less than this (largest column range) get a warning from the default KSG:
#: NPEET's 1e-10 jitter is >= 1e-4 of their spread.
JITTER_SPAN = 1e-6


@contextlib.contextmanager
def _seeded_global_numpy(seed: int) -> Iterator[None]:
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def ksg_mi(X: Any, Y: Any, k: int = 3, y_discrete: bool = False, *, seed: int = 0) -> float:
    """Mutual information ``I(X; Y)`` in **bits** with NPEET's k-NN estimators.

    Args:
        X: shape ``(n, D)`` (continuous).
        Y: shape ``(n,)`` or ``(n, D')``.
        k: number of neighbours, ``1 <= k < n`` (and ``k <`` the smallest class size when
            ``y_discrete``).
        y_discrete: ``False`` (default) calls ``npeet_plus.mi`` -- the KSG estimator with the
            max-norm, treating ``Y`` as continuous; this is what the paper did with the class
            labels as a 1-D continuous column. ``True`` calls ``npeet_plus.micd`` (continuous
            ``X``, discrete ``Y``: ``H(X) - sum_y p(y) H(X | y)`` with Kozachenko-Leonenko
            entropies), which recovers ``H(Y)`` on well-separated labelled blobs.
        seed: seed for NPEET's 1e-10 jitter.

    Scale: with ``y_discrete=True`` ``X`` is centred and brought to unit scale by a power of two
    first (the estimate does not depend on ``X``'s scale, but NPEET's jitter is absolute: on
    data spanning ~1e-8 it read the jitter); so ``ksg_mi(c * X, Y, y_discrete=True)`` is the
    same for any ``c``. The default KSG works in the joint space of ``X`` and ``Y`` with the
    max-norm, so its estimate depends on their scales relative to each other (the paper's
    setting: raw embeddings against the label column); e.g. on three labelled blobs it reads
    -0.005 bits for ``X``, -0.48 bits for ``1e4 * X``. Data are passed as they are then, with a
    ``UserWarning`` where ``X`` or ``Y`` spans less than 1e-6 (the jitter is then >= 1e-4 of it).

    Duplicate points: NPEET breaks distance ties with a 1e-10 jitter, so on data with repeated
    rows the k-NN distances come from the jitter, not the data, and the estimate depends on
    ``seed`` (up to ~1 bit seen with ``y_discrete=True``); a ``UserWarning`` says so.
    """
    import npeet_plus

    X = to_numpy(check_points(X, "X"))
    n = X.shape[0]
    n_unique = len(np.unique(X, axis=0))
    if n_unique < n:
        warnings.warn(f"X has {n - n_unique} duplicate points: NPEET's k-NN distances between "
                      "them come from its 1e-10 jitter, so the estimate depends on seed",
                      UserWarning, stacklevel=2)
    k = check_int(k, "k", minimum=1, maximum=n - 1)
    if y_discrete:
        labels = discretize(to_numpy(Y), y_discrete=True)
        check_same_length(X, "X", labels, "Y")
        _, counts = class_partition(labels)
        if k >= counts.min():
            raise ValueError(
                f"k must be smaller than the smallest class size ({counts.min()}), got {k}")
        X = unit_scale(X - X.mean(axis=0), limit_exp=0)  # see "Scale" above
        with _seeded_global_numpy(seed):
            return float(npeet_plus.micd(X, labels.reshape(-1, 1), k=k, base=2, warning=False))
    Yc = to_numpy(check_points(Y, "Y"))
    check_same_length(X, "X", Yc, "Y")
    for name, values in (("X", X), ("Y", Yc)):
        span = float(np.ptp(values, axis=0).max())
        if 0 < span < JITTER_SPAN:
            warnings.warn(f"{name} spans at most {span:.3g}: NPEET's 1e-10 jitter is >= 1e-4 of "
                          "that, so the estimate reads the jitter; rescale the data (or use "
                          "y_discrete=True for labels, which is scale-free)", UserWarning,
                          stacklevel=2)
    with _seeded_global_numpy(seed):
        return float(npeet_plus.mi(X, Yc, k=k, base=2))
