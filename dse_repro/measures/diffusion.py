"""Diffusion operator and Diffusion Spectral Entropy (DSE).

Definitions (Liao, Liu et al., CISS 2024, arXiv 2312.04823):

* ``G_ij = exp(-||x_i - x_j||^2 / (2 sigma^2))`` (Gaussian affinities),
* ``K = D^{-1/2} G D^{-1/2}`` with ``D = diag(G 1)`` -- symmetric, same spectrum as the
  random-walk matrix ``P = D^{-1} G``,
* ``alpha_i = |lambda_i|^t / sum_j |lambda_j|^t``, ``DSE = -sum_i alpha_i log2 alpha_i`` (bits).

Differences of the default (fast) mode from the authors' ``dse-dsmi`` 1.1, each changing the
value by < 1e-6 bits (``tests/measures/test_reference_parity.py`` checks it):

1. The kernel constant ``1 / (sigma sqrt(2 pi))`` is dropped: it cancels in ``K``.
2. ``K`` is formed by scaling rows and columns in place, not with two dense ``n x n``
   diagonal-matrix products (each an O(n^3) matmul).
3. Squared distances come from one Gram matrix of the *centred* data (translation-invariant,
   and avoids cancellation when the data sit far from the origin), turned into the kernel in
   row blocks while each is in cache, on the one triangle the eigensolve reads
   (``_kernel.kernel_upper``; a single width's weights as ``exp(g_ij / sigma^2) a_i a_j``
   where no factor can over- or underflow).
4. One symmetric eigensolve, eigenvalues only, in place: OpenBLAS ``dsyevr`` below a size
   measured per CPU maker, MKL's ``dsyevd`` (torch's) from it on
   (``_kernel.EIGENSOLVER_SWITCH_N``) -- no ``allclose`` symmetry check on an ``n x n``
   matrix.
5. ``0 log 0 = 0`` exactly instead of adding ``eps = 2.2e-16`` to every probability.
6. No silent subsampling: the reference keeps at most ``max_N = 10000`` random points; the fast
   mode uses every point (pass ``max_n`` to subsample as the reference does).

``reference=True`` runs the reference algorithm step for step (same constant, dense diagonal
products, symmetry check, ``eps``, subsampling with Python's ``random`` seeded with 0).
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np

from . import large_n  # its AUTO_EXACT_MAX_N is read at call time (adjustable)
from ._kernel import (
    REFERENCE_MAX_N,
    Precision,
    check_method,
    check_precision,
    check_reference_sigma,
    check_scalar_width,
    check_ts,
    eigvalsh_inplace,
    kernel_eigenvalues,
    kernel_matrix,
    spectral_entropy,
    squared_distances,
    subsample,
    width,
)
from ._validation import (
    check_finite,
    check_int,
    check_numeric_array,
    check_points,
    is_torch,
    to_numpy,
)
from .bandwidth import DEFAULT_SIGMA
from .distances import SAFE_EXP, gram_to_sq_distances, rescale, safe_exp, sq_distances  # noqa: F401

__all__ = [
    "diffusion_matrix",
    "diffusion_eigenvalues",
    "spectral_entropy",
    "dse",
    "dse_from_matrix",
    "dse_curve",
    "squared_distances",
]


def diffusion_matrix(X: Any, sigma: float | str = DEFAULT_SIGMA, *,
                     precision: Precision = "float64", k: int = 7) -> Any:
    """Symmetric diffusion matrix ``K = D^-1/2 G D^-1/2`` of a point cloud.

    Args:
        X: points, shape ``(n, D)``; numpy array or torch tensor (kept on its device).
        sigma: ``"knn"`` (default), ``"knn_median"``, ``"median"``
            (:mod:`dse_repro.measures.bandwidth`) or a Gaussian kernel width in the units of
            ``X``.
        precision: ``"float64"`` (default) or ``"float32"``.
        k: the neighbour whose distance is each point's width under ``sigma="knn"``.

    Returns:
        ``K``, shape ``(n, n)``, same library (numpy/torch) as ``X``. Its eigenvalues are those
        of the random-walk matrix ``P = D^-1 G`` and lie in ``(-1, 1]``.
    """
    X = check_points(X, "X")
    check_precision(precision)
    X, sigma = rescale(X, width(X, sigma, k), limit_exp=safe_exp(precision))
    return kernel_matrix(X, sigma, precision)


def diffusion_eigenvalues(
    X: Any, sigma: float | str = DEFAULT_SIGMA, *, precision: Precision = "float64"
) -> np.ndarray:
    """Eigenvalues of the diffusion matrix of ``X`` (shape ``(n, D)``), ascending, shape ``(n,)``.

    One kernel build and one symmetric eigensolve; torch tensors are computed on their device.
    """
    return eigvalsh_inplace(diffusion_matrix(X, sigma, precision=precision))


def dse(
    X: Any,
    sigma: float | str = DEFAULT_SIGMA,
    t: int = 1,
    *,
    reference: bool = False,
    precision: Precision = "float64",
    max_n: int | None = None,
    seed: int = 0,
    method: str = "exact",
    k: int = 7,
) -> float:
    """Diffusion Spectral Entropy ``S_D(X, t)`` of a point cloud, in **bits**.

    Args:
        X: points, shape ``(n, D)`` (a 1-D array is read as ``(n, 1)``); numpy array or torch
            tensor. Tensors are computed on their own device (GPU if they live there).
        sigma: kernel width. Default ``"knn"``: per-point widths (each point's distance to
            its ``k``-th neighbour) with the kernel ``exp(-d_ij^2 / (2 sigma_i sigma_j))``
            (exact method only); ``"knn_median"``: one width, the median of those distances;
            ``"median"``: the median distance between points (mixes clusters from t = 3); or
            a fixed Gaussian width (> 0) in the units of ``X`` -- the paper uses 10, and
            ``sqrt(D)`` for high-dimensional blobs (:mod:`dse_repro.measures.bandwidth`). A
            width that is degenerate at ``t`` for these data (operator nearly the identity,
            or mixing across any structure) gets one ``DegenerateSigmaWarning``. At t = 1 a
            local width reads local dimension (near log2 n for spread-out data); cluster
            structure needs a larger t (k separated blobs -> log2 k by t = 10 in >= 8-D).
        t: diffusion time (integer >= 1). Larger ``t`` suppresses small (noise) eigenvalues.
        reference: reproduce the authors' ``dse-dsmi`` 1.1 step for step (slow; for parity).
        precision: ``"float32"``: about 1.7x faster than float64 at n = 4000, 4.1e-7 bits from
            it on the benchmark data (``benchmarks/bench_measures.py``; the error grows with
            the condition of the kernel); default ``"float64"``.
        max_n: subsample to at most this many points (seeded like the reference). Default:
            all points (the reference mode defaults to its own cap of 10 000).
        seed: seed for the subsampling (and for the stochastic ``slq`` method).
        k: the neighbour that sets each point's width under ``sigma="knn"`` (default 7).
        method: ``"exact"`` (default: one dense eigensolve, O(n^3) time, O(n^2) memory);
            ``"lanczos"`` / ``"slq"``: a sparse radius-truncated kernel and its top eigenvalues
            / stochastic Lanczos quadrature, for large n where the kernel is local (error model
            in :mod:`dse_repro.measures.large_n`); ``"auto"``: exact up to
            ``large_n.AUTO_EXACT_MAX_N`` points, else ``slq``, logged on the
            ``dse_repro.measures`` logger. For the metadata of an approximate run
            call :func:`dse_repro.measures.large_n.dse_approx`.

    Returns:
        DSE in bits, between 0 and ``log2 n``.

    Example:
        >>> import numpy as np
        >>> from dse_repro.measures import dse
        >>> X = np.random.default_rng(0).normal(size=(200, 5))
        >>> 0 < dse(X, sigma=1.0) < np.log2(200)
        True
    """
    X = check_points(X, "X")
    t = check_int(t, "t", minimum=1)
    check_precision(precision)
    if max_n is not None:
        max_n = check_int(max_n, "max_n", minimum=2)
    if check_method(method) != "exact" and reference:
        raise ValueError(f"method={method!r} cannot be combined with reference=True (the "
                         "reference is dse-dsmi's exact eigensolve)")
    sigma = width(X, sigma, k, seed=seed, ts=[t])
    check_scalar_width(sigma, method, reference)
    X, sigma = rescale(X, sigma, limit_exp=safe_exp(precision))
    if reference:
        from .reference import reference_dse

        return reference_dse(
            to_numpy(X), sigma=check_reference_sigma(sigma), t=t,
            max_n=REFERENCE_MAX_N if max_n is None else max_n,
            seed=seed,
        )
    if max_n is not None and X.shape[0] > max_n and isinstance(sigma, np.ndarray):
        raise ValueError("sigma='knn' cannot be combined with max_n= subsampling")
    X = subsample(X, max_n, seed)
    approx = _large_n(X, sigma, [t], method, seed, "dse")
    if approx is not None:
        return float(approx[0])
    return spectral_entropy(kernel_eigenvalues(X, sigma, precision), t)


def _large_n(X: Any, sigma: float, ts: list[int], method: str, seed: int,
             caller: str) -> np.ndarray | None:
    """DSE at ``ts`` by the sparse large-n path when ``method`` asks for it (``auto``: above
    ``large_n.AUTO_EXACT_MAX_N`` points), logged; None when the exact path should run."""
    if check_method(method) == "exact":
        return None

    log = logging.getLogger(__name__)
    if method == "auto" and X.shape[0] <= large_n.AUTO_EXACT_MAX_N:
        log.info("%s(n=%d, method=auto): exact (n <= %d)", caller, X.shape[0],
                 large_n.AUTO_EXACT_MAX_N)
        return None
    values, info = large_n.dse_curve_approx(to_numpy(X), sigma, ts, method, seed=seed)
    log.info("%s(n=%d, method=%s): %s", caller, X.shape[0], method, info)
    return values


def dse_curve(
    X: Any, sigma: float | str = DEFAULT_SIGMA, ts: Any = (1,), *, precision: Precision = "float64",
    method: str = "exact", seed: int = 0, k: int = 7,
) -> np.ndarray:
    """:func:`dse` at several diffusion times for the cost of one eigensolve (or, with
    ``method="lanczos" | "slq" | "auto"`` as in :func:`dse`, one sparse operator).

    Returns:
        DSE in bits, shape ``(len(ts),)``.
    """
    X = check_points(X, "X")
    ts = check_ts(ts)
    sigma = width(X, sigma, k, seed=seed, ts=ts)
    check_scalar_width(sigma, check_method(method), False)
    check_precision(precision)
    X, sigma = rescale(X, sigma, limit_exp=safe_exp(precision))
    approx = _large_n(X, sigma, ts, method, seed, "dse_curve")
    if approx is not None:
        return approx
    lam = kernel_eigenvalues(X, sigma, precision)
    return np.array([spectral_entropy(lam, t) for t in ts], dtype=np.float64)


def dse_from_matrix(K: Any, t: int = 1, *, atol: float = 1e-8) -> float:
    """DSE in **bits** of a given symmetric matrix ``K`` (shape ``(n, n)``), e.g. Fig. 3A's
    mixtures ``(1 - a) S + a I`` of an SPD matrix and the identity.

    Uses ``|lambda|^t`` normalized, so ``K`` need not be stochastic; the identity of size
    ``n`` gives ``log2 n``.

    Raises:
        ValueError: if ``K`` is not square, not symmetric (within ``atol`` times its largest
            |entry|, and relative 1e-5: scale-free, like the entropy), or not finite.
    """
    K = check_numeric_array(K, "K")
    t = check_int(t, "t", minimum=1)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"K must be a square matrix, got shape {tuple(K.shape)}")
    check_finite(K, "K")
    if is_torch(K):
        import torch

        K = K if K.is_floating_point() else K.double()
        scale = float(K.abs().max())
        if not torch.allclose(K, K.T, atol=atol * scale, rtol=1e-5):
            raise ValueError("K must be symmetric")
        return spectral_entropy(torch.linalg.eigvalsh(K), t)
    K = np.array(K, dtype=np.float64)  # copy: the eigensolve overwrites it
    # atol relative to K's largest |entry|: an absolute one would take any matrix of entries
    # below 1e-8 as symmetric (only one triangle is read) and refuse a huge symmetric one
    if not np.allclose(K, K.T, atol=atol * float(np.abs(K).max()), rtol=1e-5):
        raise ValueError("K must be symmetric")
    return spectral_entropy(eigvalsh_inplace(K), t)
