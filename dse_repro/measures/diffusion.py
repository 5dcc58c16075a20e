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
   and avoids cancellation when the data sit far from the origin).
4. One symmetric eigensolve (LAPACK ``syevd``, eigenvalues only; for n >= 3000 through
   torch's MKL, measured faster on CPU) -- no ``allclose`` symmetry check on an ``n x n``
   matrix.
5. ``0 log 0 = 0`` exactly instead of adding ``eps = 2.2e-16`` to every probability.
6. No silent subsampling: the reference keeps at most ``max_N = 10000`` random points; the fast
   mode uses every point (pass ``max_n`` to subsample as the reference does).

``reference=True`` runs the reference algorithm step for step (same constant, dense diagonal
products, symmetry check, ``eps``, subsampling with Python's ``random`` seeded with 0).
"""
from __future__ import annotations

import logging
import random
import warnings
from typing import Any, Literal

import numpy as np

from ._validation import (
    check_finite,
    check_int,
    check_numeric_array,
    check_points,
    is_torch,
    to_numpy,
)
from .bandwidth import DEFAULT_SIGMA, DegenerateSigmaWarning, degenerate_sigma, resolve_sigma
from .distances import SAFE_EXP, gram_to_sq_distances, rescale, sq_distances  # noqa: F401

Precision = Literal["float64", "float32"]

__all__ = [
    "diffusion_matrix",
    "diffusion_eigenvalues",
    "spectral_entropy",
    "dse",
    "dse_from_matrix",
    "dse_curve",
    "squared_distances",
]

_LN2 = np.log(2.0)
#: The reference implementation's default cap on the number of points (``max_N``).
REFERENCE_MAX_N = 10_000
#: From this size on, CPU eigensolves go through torch (MKL); below it through numpy.
_TORCH_EIGVALSH_MIN_N = 3000


#: A kernel width (after that rescaling) below this makes every weight between distinct points
#: underflow -- the kernel is the identity on distinct points; above ``1 / TINY_SIGMA`` every
#: weight is 1. Both limits are taken exactly instead of through an under/overflowing 1/sigma^2.
TINY_SIGMA = 1e-150


def _check_precision(precision: str) -> str:
    if precision not in ("float64", "float32"):
        raise ValueError(f"precision must be 'float64' or 'float32', got {precision!r}")
    return precision


def squared_distances(X: Any, *, precision: Precision = "float64") -> np.ndarray:
    """Squared Euclidean distances between the rows of a point cloud, shape ``(n, n)``.

    Args:
        X: an array of shape ``(n, D)``, or an iterable of column blocks ``(n, D_i)`` whose
            horizontal concatenation is the point cloud -- for dimensions too large to hold in
            memory (e.g. n = 5000, D = 500 000). Blocks are centred column-wise and accumulated
            into one Gram matrix with BLAS, so memory stays at one block plus two ``n x n``
            matrices.
        precision: ``"float64"`` or ``"float32"`` accumulation.

    Returns:
        ``S`` with ``S[i, j] = ||x_i - x_j||^2`` (zero diagonal, no negative entries), numpy,
        in ``precision``; pass it to :func:`dsmi` with ``precomputed=True``.
    """
    dtype = np.dtype(_check_precision(precision)).type
    if isinstance(X, np.ndarray) or is_torch(X):
        return sq_distances(to_numpy(check_points(X, "X")), dtype)
    gram = sq = None
    for i, block in enumerate(X):
        block = to_numpy(check_points(block, f"X block {i}"))
        Bc = np.ascontiguousarray(block - block.mean(axis=0, keepdims=True), dtype=dtype)
        if gram is None:
            gram = np.zeros((Bc.shape[0], Bc.shape[0]), dtype=dtype)
            sq = np.zeros(Bc.shape[0], dtype=dtype)
        elif Bc.shape[0] != gram.shape[0]:
            raise ValueError(f"X block {i} has {Bc.shape[0]} rows, expected {gram.shape[0]}")
        gram += Bc @ Bc.T
        sq += np.einsum("ij,ij->i", Bc, Bc)
    if gram is None:
        raise ValueError("X is an empty iterable of blocks")
    return gram_to_sq_distances(gram, sq)


def _kernel_from_sq_numpy(S: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """Turn squared distances ``S`` (n, n) into ``K = D^-1/2 G D^-1/2`` in place; ``sigma``
    a width, or per-point widths ``(n,)`` (``exp(-d_ij^2 / (2 sigma_i sigma_j))``)."""
    if isinstance(sigma, np.ndarray):
        S *= (-0.5 / sigma)[:, None]
        S /= sigma[None, :]
        np.exp(S, out=S)
    elif sigma < TINY_SIGMA:  # exp(-d^2 / 2 sigma^2) is 0 for every d > 0
        np.equal(S, 0.0, out=S, casting="unsafe")
    elif sigma > 1.0 / TINY_SIGMA:  # ... and 1 for every d
        S.fill(1.0)
    else:
        S *= -1.0 / (2.0 * sigma * sigma)
        np.exp(S, out=S)
    inv_sqrt_deg = 1.0 / np.sqrt(S.sum(axis=1))
    S *= inv_sqrt_deg[:, None]
    S *= inv_sqrt_deg[None, :]
    return S


def _kernel_torch(X: Any, sigma: float, dtype: Any) -> Any:
    import torch

    Xc = (X - X.mean(dim=0, keepdim=True)).to(dtype)
    sq = (Xc * Xc).sum(dim=1)
    S = Xc @ Xc.T
    S.mul_(-2.0).add_(sq[:, None]).add_(sq[None, :]).clamp_(min=0.0)
    S.fill_diagonal_(0.0)
    if isinstance(sigma, np.ndarray):
        w = torch.as_tensor(sigma, device=S.device, dtype=dtype)
        S.mul_((-0.5 / w)[:, None]).div_(w[None, :]).exp_()
    elif sigma < TINY_SIGMA:
        S = (S == 0).to(dtype)
    elif sigma > 1.0 / TINY_SIGMA:
        S.fill_(1.0)
    else:
        S.mul_(-1.0 / (2.0 * sigma * sigma)).exp_()
    inv_sqrt_deg = torch.rsqrt(S.sum(dim=1))
    S.mul_(inv_sqrt_deg[:, None]).mul_(inv_sqrt_deg[None, :])
    return S


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
    X, sigma = rescale(X, width(X, sigma, k))
    return _matrix(X, sigma, _check_precision(precision))


def _matrix(X: Any, sigma: float | np.ndarray, precision: str) -> Any:
    """:func:`diffusion_matrix` of checked, :func:`rescale`-d points and a resolved width."""
    if is_torch(X):
        import torch

        return _kernel_torch(X, sigma, getattr(torch, precision))
    return _kernel_from_sq_numpy(sq_distances(X, np.dtype(precision).type), sigma)


def width(X: Any, sigma: Any, k: int = 7, *, squared: bool = False, seed: int = 0,
          ts: Any = (1,)) -> float | np.ndarray:
    """The kernel width for checked points ``X`` (or squared distances): a number as given,
    or the width a policy reads off them
    (:func:`dse_repro.measures.bandwidth.resolve_sigma`). When it is degenerate for these data
    at one of the diffusion times ``ts``, one
    :class:`~dse_repro.measures.bandwidth.DegenerateSigmaWarning` (a ``UserWarning``) names
    the width, the t and the alternative."""
    value = resolve_sigma(X, sigma, k=k, squared=squared, seed=seed)
    message = degenerate_sigma(X, value, ts=check_ts(ts), squared=squared, seed=seed,
                               policy=sigma if isinstance(sigma, str) else None)
    if message:
        warnings.warn(message, DegenerateSigmaWarning, stacklevel=3)
    return value


def _eigvalsh_inplace(K: Any) -> np.ndarray:
    """Eigenvalues (ascending, float64 numpy) of a symmetric matrix ``K`` (n, n)."""
    if is_torch(K):
        import torch

        return torch.linalg.eigvalsh(K).double().cpu().numpy()
    if K.shape[0] >= _TORCH_EIGVALSH_MIN_N:
        try:
            import torch
        except ImportError:  # pragma: no cover - torch is a project dependency
            torch = None
        if torch is not None:
            # At n >= 3000 torch's LAPACK (MKL in the PyPI wheels) runs syevd ~1.3-1.5x faster
            # than numpy's OpenBLAS on the same matrix (measured on 2 cores, n = 4000: 4.1 s vs
            # 5.4-5.8 s); from_numpy shares K's memory. Below that numpy is faster
            # (n = 1000: 0.07 s vs 0.2 s), so small matrices stay in numpy.
            return torch.linalg.eigvalsh(torch.from_numpy(K)).numpy().astype(np.float64)
    return np.linalg.eigvalsh(K).astype(np.float64, copy=False)


def diffusion_eigenvalues(
    X: Any, sigma: float | str = DEFAULT_SIGMA, *, precision: Precision = "float64"
) -> np.ndarray:
    """Eigenvalues of the diffusion matrix of ``X`` (shape ``(n, D)``), ascending, shape ``(n,)``.

    One kernel build and one symmetric eigensolve; torch tensors are computed on their device.
    """
    return _eigvalsh_inplace(diffusion_matrix(X, sigma, precision=precision))


def _eigenvalues(X: Any, sigma: float | np.ndarray, precision: str) -> np.ndarray:
    return _eigvalsh_inplace(_matrix(X, sigma, precision))


def spectral_entropy(eigenvalues: Any, t: int = 1) -> float:
    """Entropy in **bits** of ``alpha_i = |lambda_i|^t / sum_j |lambda_j|^t``.

    Args:
        eigenvalues: shape ``(n,)``.
        t: diffusion time, an integer >= 1.
    """
    t = check_int(t, "t", minimum=1)
    lam = np.abs(to_numpy(eigenvalues).astype(np.float64).ravel())
    # Scale by the largest magnitude before powering so that large t cannot overflow and
    # the top eigenvalue never underflows; alpha is unchanged by the scale.
    top = lam.max()
    if not np.isfinite(top) or top <= 0:
        raise ValueError("eigenvalues must be finite and not all zero")
    a = (lam / top) ** t
    p = a / a.sum()
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum() / _LN2)


def _subsample(X: Any, max_n: int | None, seed: int | None) -> Any:
    """Random subset of ``max_n`` rows chosen like the reference (Python ``random.sample``)."""
    if max_n is None or X.shape[0] <= max_n:
        return X
    rng = random.Random(seed)
    idx = np.array(rng.sample(range(X.shape[0]), k=max_n))
    return X[idx]


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
        precision: ``"float32"``: about 1.8x faster than float64 at n = 4000, 4.5e-7 bits from
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
    _check_precision(precision)
    if max_n is not None:
        max_n = check_int(max_n, "max_n", minimum=2)
    if check_method(method) != "exact" and reference:
        raise ValueError(f"method={method!r} cannot be combined with reference=True (the "
                         "reference is dse-dsmi's exact eigensolve)")
    sigma = width(X, sigma, k, seed=seed, ts=[t])
    _scalar_width(sigma, method, reference)
    X, sigma = rescale(X, sigma)
    if reference:
        from .reference import reference_dse

        return reference_dse(
            to_numpy(X), sigma=check_reference_sigma(sigma), t=t,
            max_n=REFERENCE_MAX_N if max_n is None else max_n,
            seed=seed,
        )
    if max_n is not None and X.shape[0] > max_n and isinstance(sigma, np.ndarray):
        raise ValueError("sigma='knn' cannot be combined with max_n= subsampling")
    X = _subsample(X, max_n, seed)
    approx = _large_n(X, sigma, [t], method, seed, "dse")
    if approx is not None:
        return float(approx[0])
    return spectral_entropy(_eigenvalues(X, sigma, precision), t)


def _scalar_width(sigma: float | np.ndarray, method: str, reference: bool) -> None:
    """Per-point widths (``sigma="knn"``) need the exact, non-reference path."""
    if isinstance(sigma, np.ndarray) and (reference or method != "exact"):
        raise ValueError("sigma='knn' (the default) needs method='exact' and reference=False "
                         "(the sparse large-n path and dse-dsmi's kernel take one width); pass "
                         "sigma='knn_median' (one width from the same local distances) or a "
                         "number there (dse-dsmi's default is sigma=10)")


#: Estimators of :func:`dse`, :func:`dse_curve` and :func:`~dse_repro.measures.dsmi`.
METHODS = ("exact", "lanczos", "slq", "auto")


def check_reference_sigma(sigma: float) -> float:
    """``sigma`` (after :func:`rescale`) if the reference mode can represent its kernel
    (``1 / (sigma sqrt(2 pi)) exp(-d^2 / 2 sigma^2)``); else a ValueError."""
    if not TINY_SIGMA <= sigma <= 1.0 / TINY_SIGMA:
        raise ValueError("sigma is more than 1e150 times smaller or larger than the data's "
                         "scale: reference=True (dse-dsmi's kernel) cannot represent that kernel; "
                         "the default mode can")
    return sigma


def check_method(method: str) -> str:
    """``method`` if it is one of :data:`METHODS`, else a ValueError naming the choices."""
    if method not in METHODS:
        raise ValueError(f"method must be 'exact', 'lanczos', 'slq' or 'auto', got {method!r}")
    return method


def _large_n(X: Any, sigma: float, ts: list[int], method: str, seed: int,
             caller: str) -> np.ndarray | None:
    """DSE at ``ts`` by the sparse large-n path when ``method`` asks for it (``auto``: above
    ``large_n.AUTO_EXACT_MAX_N`` points), logged; None when the exact path should run."""
    if check_method(method) == "exact":
        return None
    from .large_n import AUTO_EXACT_MAX_N, dse_curve_approx

    log = logging.getLogger(__name__)
    if method == "auto" and X.shape[0] <= AUTO_EXACT_MAX_N:
        log.info("%s(n=%d, method=auto): exact (n <= %d)", caller, X.shape[0], AUTO_EXACT_MAX_N)
        return None
    values, info = dse_curve_approx(to_numpy(X), sigma, ts, method, seed=seed)
    log.info("%s(n=%d, method=%s): %s", caller, X.shape[0], method, info)
    return values


def check_ts(ts: Any) -> list[int]:
    """Diffusion times as a non-empty list of integers >= 1 (a scalar becomes one time)."""
    ts = [ts] if np.isscalar(ts) or isinstance(ts, bool) else list(ts)
    if not ts:
        raise ValueError("ts is empty")
    return [check_int(t, "t", minimum=1) for t in ts]


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
    _scalar_width(sigma, check_method(method), False)
    X, sigma = rescale(X, sigma)
    approx = _large_n(X, sigma, ts, method, seed, "dse_curve")
    if approx is not None:
        return approx
    lam = _eigenvalues(X, sigma, _check_precision(precision))
    return np.array([spectral_entropy(lam, t) for t in ts], dtype=np.float64)


def dse_from_matrix(K: Any, t: int = 1, *, atol: float = 1e-8) -> float:
    """DSE in **bits** of a given symmetric matrix ``K`` (shape ``(n, n)``), e.g. Fig. 3A's
    mixtures ``(1 - a) S + a I`` of an SPD matrix and the identity.

    Uses ``|lambda|^t`` normalized, so ``K`` need not be stochastic; the identity of size
    ``n`` gives ``log2 n``.

    Raises:
        ValueError: if ``K`` is not square, not symmetric (within ``atol``), or not finite.
    """
    K = check_numeric_array(K, "K")
    t = check_int(t, "t", minimum=1)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"K must be a square matrix, got shape {tuple(K.shape)}")
    check_finite(K, "K")
    if is_torch(K):
        import torch

        K = K if K.is_floating_point() else K.double()
        if not torch.allclose(K, K.T, atol=atol, rtol=1e-5):
            raise ValueError("K must be symmetric")
        return spectral_entropy(torch.linalg.eigvalsh(K), t)
    K = np.array(K, dtype=np.float64)  # copy: the eigensolve overwrites it
    if not np.allclose(K, K.T, atol=atol, rtol=1e-5):
        raise ValueError("K must be symmetric")
    return spectral_entropy(_eigvalsh_inplace(K), t)
