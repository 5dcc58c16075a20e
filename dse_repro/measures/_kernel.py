"""The diffusion kernel's plumbing, shared by :mod:`.diffusion` (DSE), :mod:`.dsmi` and
:mod:`.large_n`: precision and argument checks, squared distances, the kernel ``K`` from them
(numpy and torch), the width a policy gives, the symmetric eigensolve and the spectral entropy
of a spectrum. Private to the package (its public names are re-exported where users need them);
it imports neither of the modules that use it, so they form no cycle.
"""
from __future__ import annotations

import random
import warnings
from contextlib import nullcontext
from functools import cache
from typing import Any, Literal

import numpy as np

from ._lapack import MAX_N as LAPACK_MAX_N
from ._lapack import (
    mkl_syevd_available,
    mkl_syevd_eigenvalues,
    syevr_available,
    syevr_eigenvalues,
    symv_upper,
    syrk_upper,
)
from ._parallel import in_worker, single_threaded_blas
from ._validation import (
    check_int,
    check_numeric_array,
    check_points,
    check_ts,
    is_torch,
    to_numpy,
)
from .bandwidth import DegenerateSigmaWarning, degenerate_sigma, resolve_sigma
from .distances import (
    ROWS,
    centred,
    gram,
    gram_to_sq_distances,
    row_blocks,
    sq_distances,
    sq_rows,
)

Precision = Literal["float64", "float32"]


LN2 = np.log(2.0)


#: The reference implementation's default cap on the number of points (``max_N``).
REFERENCE_MAX_N = 10_000


#: From this size on a numpy kernel's eigenvalues come from MKL's ``?syevd`` (torch's), below
#: it from OpenBLAS ``?syevr`` (:mod:`._lapack`), both in place: the faster of the two there,
#: per CPU maker, measured on 2 cores with ``python benchmarks/bench_measures.py --solvers``
#: (each solver on a fresh copy, interleaved, each after a 0.2 s pause). Intel Xeon (AVX-512,
#: 2026-12-03, best of 7): n = 1300 OpenBLAS 86.3 ms vs MKL 87.5 ms, n = 1400 110.1 vs
#: 101.6 ms, n = 2000 307 vs 215 ms, n = 4000 2.2 vs 1.3 s. AMD EPYC (2026-12-02; MKL through
#: torch, with its copy): n = 2000 numpy 0.38 s vs MKL 0.49 s, n = 4000 4.9 vs 3.3 s. Set
#: :data:`EIGENSOLVER_SWITCH_N` to choose another size for every CPU.
EIGENSOLVER_SWITCH_N_BY_VENDOR = {"GenuineIntel": 1400, "AuthenticAMD": 3000}
EIGENSOLVER_SWITCH_N_OTHER = 3000
EIGENSOLVER_SWITCH_N: int | None = None


@cache
def _cpu_vendor() -> str:
    """``vendor_id`` of ``/proc/cpuinfo`` (Linux), else ``""``."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("vendor_id"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def eigensolver_switch_n() -> int:
    """The size from which numpy kernels go to MKL: :data:`EIGENSOLVER_SWITCH_N` when set,
    else the size measured for this CPU's maker."""
    if EIGENSOLVER_SWITCH_N is not None:
        return EIGENSOLVER_SWITCH_N
    return EIGENSOLVER_SWITCH_N_BY_VENDOR.get(_cpu_vendor(), EIGENSOLVER_SWITCH_N_OTHER)


#: A kernel width (after that rescaling) below this makes every weight between distinct points
#: underflow -- the kernel is the identity on distinct points; above ``1 / TINY_SIGMA`` every
#: weight is 1. Both limits are taken exactly instead of through an under/overflowing 1/sigma^2.
TINY_SIGMA = 1e-150


def check_precision(precision: str) -> str:
    if precision not in ("float64", "float32"):
        raise ValueError(f"precision must be 'float64' or 'float32', got {precision!r}")
    return precision


def squared_distances(X: Any, *, precision: Precision = "float64") -> np.ndarray:
    """Squared Euclidean distances between the rows of a point cloud, shape ``(n, n)``.

    Args:
        X: an array of shape ``(n, D)``, or an iterable of column blocks ``(n, D_i)`` whose
            horizontal concatenation is the point cloud -- for dimensions too large to hold in
            memory (e.g. n = 5000, D = 500 000). Blocks are centred column-wise and accumulated
            into one float64 Gram matrix with BLAS (every core), so memory stays at one block
            plus one ``n x n`` float64 matrix (and its float32 copy for ``"float32"``).
        precision: ``"float64"`` or ``"float32"`` products (float32: ~2x faster at n = 5000,
            D = 20 000 on 2 cores; DSMI from them within 1e-6 bits of float64 distances on the
            Figs. 4-5 blobs, ``benchmarks/bench_mi.py``). float32 refuses data whose squared
            distances it cannot hold (largest |value| ``a`` with ``4 D a^2 > 1e38``, or
            ``a < 1e-15``) with a ValueError.

    Returns:
        ``S`` with ``S[i, j] = ||x_i - x_j||^2`` (zero diagonal, no negative entries), numpy,
        in ``precision``; pass it to :func:`dsmi` with ``precomputed=True``.
    """
    dtype = np.dtype(check_precision(precision)).type
    if isinstance(X, np.ndarray) or is_torch(X):
        X = to_numpy(check_points(X, "X", keep_float32=True))
        _check_float32_small("X", _check_float32_large(X, "X", dtype))
        return sq_distances(X, dtype)
    total, largest = None, 0.0
    for i, block in enumerate(X):
        block = to_numpy(check_points(block, f"X block {i}", keep_float32=True))
        largest = max(largest, _check_float32_large(block, f"X block {i}", dtype))
        Bc = centred(block, dtype)
        if total is None:  # block products summed in float64 (no float32 build-up)
            total = np.zeros((Bc.shape[0], Bc.shape[0]))
        elif Bc.shape[0] != total.shape[0]:
            raise ValueError(f"X block {i} has {Bc.shape[0]} rows, expected {total.shape[0]}")
        total += Bc @ Bc.T
    if total is None:
        raise ValueError("X is an empty iterable of blocks")
    _check_float32_small("X", largest)  # the whole data's largest |value|, not a block's
    S = gram_to_sq_distances(total)
    if dtype == np.float32 and S.max() > _FLOAT32_MAX_SQ:
        raise ValueError(f"X's squared distances reach {S.max():.3g}, beyond float32's range: "
                         "use precision='float64' (or scale X)")
    return S.astype(dtype, copy=False)


#: float32 squared distances keep their meaning while the data's largest |value| ``a`` gives
#: ``4 D a^2 <= 1e38`` (float32's largest is 3.4e38) and ``a >= 1e-15`` (smaller squares near
#: 1e-30 and below lose digits to float32's subnormals, then vanish: every kernel weight 1).
_FLOAT32_MAX_SQ = 1e38
_FLOAT32_MIN_SCALE = 1e-15


def _check_float32_large(X: np.ndarray, name: str, dtype: type) -> float:
    """``X``'s (n, D) largest |value| (0.0 unless ``dtype`` is float32); a ValueError when its
    float32 squared distances would overflow to inf."""
    if dtype != np.float32 or X.size == 0:
        return 0.0
    a = max(abs(float(X.max())), abs(float(X.min())))  # no |X| temporary
    if 4.0 * X.shape[1] * a * a > _FLOAT32_MAX_SQ:
        raise ValueError(f"{name} holds values up to {a:.3g}: its squared distances overflow "
                         "float32; use precision='float64' (or scale the data)")
    return a


def _check_float32_small(name: str, a: float) -> None:
    """A ValueError when the data's largest |value| ``a`` makes float32 squared distances
    vanish (0 when float32 was not asked for, or for all-zero data: nothing to refuse)."""
    if 0.0 < a < _FLOAT32_MIN_SCALE:
        raise ValueError(f"{name} holds values no larger than {a:.3g}: its squared distances "
                         "vanish in float32; use precision='float64' (or scale the data)")


def kernel_from_sq(S: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """Turn squared distances ``S`` (n, n) into ``K = D^-1/2 G D^-1/2`` in place; ``sigma``
    a width, or per-point widths ``(n,)`` (``exp(-d_ij^2 / (2 sigma_i sigma_j))``)."""
    return _kernel_in_place(S, sigma, None)


def kernel_from_gram(G: np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """:func:`kernel_from_sq` of the squared distances of a Gram matrix ``G`` (n, n) of centred
    points, in place: each row block turns into distances and weights while it is in cache
    (two passes over the matrix instead of ~9; the same bits as the two steps apart)."""
    return _kernel_in_place(G, sigma, np.diag(G).copy())


def _kernel_in_place(S: np.ndarray, sigma: float | np.ndarray,
                     gram_diagonal: np.ndarray | None) -> np.ndarray:
    """``K`` from squared distances ``S`` -- or from a Gram matrix with its diagonal
    ``gram_diagonal`` -- in place, in row blocks (:func:`row_blocks`): the weights and their
    row sums in one pass, the symmetric normalisation in a second."""
    degree = np.empty(S.shape[0], S.dtype)
    for r0, r1 in row_blocks(S.shape[0]):
        B = S[r0:r1]
        if gram_diagonal is not None:
            sq_rows(B, gram_diagonal, r0)
        _weights(B, sigma, r0, 0)
        B.sum(axis=1, out=degree[r0:r1])
    inv_sqrt_deg = 1.0 / np.sqrt(degree)
    for r0, r1 in row_blocks(S.shape[0]):
        B = S[r0:r1]
        B *= inv_sqrt_deg[r0:r1, None]
        B *= inv_sqrt_deg[None, :]
    return S


def _weights(B: np.ndarray, sigma: float | np.ndarray, r0: int, c0: int) -> None:
    """The Gaussian weights of squared distances ``B`` (rows ``r0 :``, columns ``c0 :`` of the
    matrix, a view) in place: ``exp(-d^2 / (2 sigma^2))``, or with per-point widths
    ``exp(-d^2 / (2 sigma_i sigma_j))``; the limits of :func:`limit_weights` exactly."""
    if isinstance(sigma, np.ndarray):
        B *= (-0.5 / sigma[r0:r0 + B.shape[0]])[:, None]
        B /= sigma[None, c0:]
        np.exp(B, out=B)
    elif not limit_weights(B, sigma):
        B *= -1.0 / (2.0 * sigma * sigma)
        np.exp(B, out=B)


def limit_weights(D: np.ndarray, sigma: float) -> bool:
    """Where the width ``sigma`` lies beyond :data:`TINY_SIGMA` of the data's scale, its
    Gaussian weights in place of the distances (or squared distances) ``D`` and True: below,
    ``exp(-d^2 / 2 sigma^2)`` is 1 between coincident points and 0 for every d > 0; above, 1
    for every d. Else False, ``D`` untouched. Shared by the dense and the sparse kernel."""
    if sigma < TINY_SIGMA:
        np.equal(D, 0.0, out=D, casting="unsafe")
    elif sigma > 1.0 / TINY_SIGMA:
        D.fill(1.0)
    else:
        return False
    return True


#: The one-triangle kernel (:func:`kernel_upper`) takes a single width's weights as
#: ``exp(g_ij / sigma^2) * a_i * a_j`` (``g`` the Gram matrix of the centred points,
#: ``a_i = exp(-g_ii / (2 sigma^2))``) -- one elementwise pass instead of six -- while every
#: ``g_ii / sigma^2`` stays at most this: no factor over- or underflows (exp(709) is float64's
#: largest), and each weight's relative rounding, ~1e-16 x that bound, is of the order the
#: distances ``g_ii + g_jj - 2 g_ij`` of the two-pass form carry anyway.
FUSED_MAX_ARG = 300.0


def kernel_upper(X: np.ndarray, sigma: float | np.ndarray, dtype: type) -> np.ndarray:
    """The kernel of checked, :func:`rescale`-d points ``X`` (n, D) and a resolved width, for a
    solver that reads one triangle: ``(n, n)`` C-ordered, ``dtype``, whose upper triangle
    (``j >= i``) holds ``K = D^-1/2 W D^-1/2``; below it the memory is uninitialised.

    About half the work of the full kernel (:func:`kernel_from_gram`; 2 cores, n = 1000,
    D = 64, warm: 4.1 ms against 5.9 ms with its Gram product): the Gram matrix by BLAS
    ``?syrk`` (one triangle, half the multiply-adds of ``?gemm``), the weights on that
    triangle only, the degrees by ``?symv``, all from the library that solves it next
    (:mod:`._lapack`). The same matrix to rounding (tested)."""
    Xc = centred(X, dtype)
    n = Xc.shape[0]
    fused = (not isinstance(sigma, np.ndarray) and dtype == np.float64
             and TINY_SIGMA <= sigma <= 1.0 / TINY_SIGMA
             and np.einsum("ij,ij->i", Xc, Xc).max() <= FUSED_MAX_ARG * sigma * sigma)
    # the Gram matrix on one triangle, into uninitialised memory (zeroing it cost 0.8 ms of a
    # 1.9 ms product at n = 1000), by the library that solves it next
    K = syrk_upper(Xc, 1.0 / (sigma * sigma) if fused else 1.0)
    sq = np.diag(K).copy()
    for r0, r1 in row_blocks(n):
        B = K[r0:r1, r0:]  # the block's part of the upper triangle, and a corner below it
        B[:, : r1 - r0][_strictly_lower(r1 - r0)] = 0.0  # the corner: uninitialised memory
        if fused:
            np.exp(B, out=B)
        else:
            sq_rows(B, sq, r0, r0)
            _weights(B, sigma, r0, r0)
    # degrees: W's row sums, by symv on its upper triangle
    a = np.exp(-0.5 * sq) if fused else np.ones(n, dtype)
    degree = a * symv_upper(K, a)
    scale = a / np.sqrt(degree)
    outer = np.empty(ROWS * n, dtype)  # one block's scale_i scale_j: one pass over K, not two
    for r0, r1 in row_blocks(n):
        B = K[r0:r1, r0:]
        factors = outer[: B.size].reshape(B.shape)
        np.multiply(scale[r0:r1, None], scale[None, r0:], out=factors)
        B *= factors
    return K


@cache
def _strictly_lower(m: int) -> np.ndarray:
    """A boolean ``(m, m)`` mask of ``j < i`` (kept: every kernel asks for the same few)."""
    mask = np.tri(m, k=-1, dtype=bool)
    mask.setflags(write=False)
    return mask


def kernel_torch(X: Any, sigma: float, dtype: Any) -> Any:
    import torch

    Xc = (X - X.mean(dim=0, keepdim=True)).to(dtype)
    S = gram_to_sq_distances(Xc @ Xc.T)
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


def kernel_matrix(X: Any, sigma: float | np.ndarray, precision: str) -> Any:
    """:func:`diffusion_matrix` of checked, :func:`rescale`-d points and a resolved width."""
    if is_torch(X):
        import torch

        return kernel_torch(X, sigma, getattr(torch, precision))
    return kernel_from_gram(gram(X, np.dtype(precision).type), sigma)


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


def _numpy_solver(n: int, dtype: np.dtype) -> str:
    """The solver :func:`eigvalsh_inplace` picks for an ``n x n`` numpy matrix of ``dtype``:
    ``"mkl"`` (torch's MKL ``?syevd``, in place), ``"torch"`` (``torch.linalg.eigvalsh``
    where that MKL is not to be had), ``"syevr"`` (OpenBLAS ``?syevr``, in place) or
    ``"numpy"`` (where that is not to be had). Our own LAPACK calls take at most
    :data:`LAPACK_MAX_N` points (scipy's and MKL's take 32-bit integers): above, torch's or
    numpy's solver instead.

    Below the switch ``?syevr`` in place, not numpy's ``eigvalsh`` (the same OpenBLAS
    algorithm, ``?sytrd`` then ``?sterf``, on a copy it allocates): float64 on 2 cores,
    2026-12-03, best of 9 (scipy's ``dsyevr``): n = 500 8.8 vs 9.0 ms, n = 1000 41.6 vs 43.9 ms,
    n = 1500 133 vs 142 ms; numpy's own ``dsyevr`` 39.4 vs 44.1 ms at n = 1000."""
    ours = n <= LAPACK_MAX_N
    if n >= eigensolver_switch_n() and not in_worker():
        return "mkl" if ours and mkl_syevd_available(dtype) else "torch"
    if ours and syevr_available(dtype):
        return "syevr"
    return "numpy"


def eigvalsh_inplace(K: Any) -> np.ndarray:
    """Eigenvalues (ascending, float64 numpy) of a symmetric matrix ``K`` (n, n), overwritten,
    by the fastest solver measured for its size (:data:`EIGENSOLVER_SWITCH_N`): a torch
    tensor by torch on its device; a numpy matrix from the switch on by MKL's ``?syevd`` in
    place (else torch's), below it by OpenBLAS ``?syevr`` in place (:mod:`._lapack`).
    Inside a :func:`~._parallel.map_single_blas` task (one solve per core) always the latter,
    single-threaded."""
    if is_torch(K):
        import torch

        return torch.linalg.eigvalsh(K).double().cpu().numpy()
    solver = _numpy_solver(K.shape[0], K.dtype)
    in_place = K.flags.c_contiguous and K.flags.writeable
    if solver == "mkl" and in_place:
        return mkl_syevd_eigenvalues(K).astype(np.float64, copy=False)
    if solver in ("mkl", "torch"):
        import torch

        return torch.linalg.eigvalsh(torch.from_numpy(K)).numpy().astype(np.float64)
    if solver == "syevr" and in_place:
        return syevr_eigenvalues(K).astype(np.float64)
    return np.linalg.eigvalsh(K).astype(np.float64, copy=False)


#: A kernel whose Gram product has at most this many multiply-adds (n^2 D) is built with
#: BLAS on one thread when its eigensolve runs in another library (MKL): OpenBLAS's idle
#: threads spin for ~0.1 s after each threaded call and take a core from the solve. Measured
#: on 2 cores, D = 64, the one-triangle kernel and MKL's solve, 2026-12-03 (one thread /
#: threaded): n = 2000 236 / 293 ms (the solve 217 ms after a single-threaded kernel, 275 ms
#: after a threaded one); n = 4000 1.68 / 1.44 s, where the solve is long beside the spin and
#: the kernel on one thread costs more than it saves.
SINGLE_THREAD_GRAM_MAX = 6e8


def kernel_eigenvalues(X: Any, sigma: float | np.ndarray, precision: str) -> np.ndarray:
    """Eigenvalues (ascending, float64) of the kernel of checked, rescaled points ``X``
    (n, D) and a resolved width: the one-triangle kernel (:func:`kernel_upper`) solved in
    place by OpenBLAS ``?syevr`` below the switch to MKL (one library's BLAS and LAPACK
    throughout, :mod:`._lapack`) and by MKL's ``?syevd`` from it; where neither is to be had,
    the full kernel and :func:`eigvalsh_inplace`."""
    n, d = X.shape
    solver = None if is_torch(X) else _numpy_solver(n, np.dtype(precision))
    # both read one triangle, in place; the triangle's products need OpenBLAS's routines
    upper = solver in ("syevr", "mkl") and syevr_available(np.dtype(precision))
    one_thread = solver in ("mkl", "torch") and n * n * d <= SINGLE_THREAD_GRAM_MAX
    with single_threaded_blas() if one_thread else nullcontext():
        if upper:
            K = kernel_upper(X, sigma, np.dtype(precision).type)
        else:
            K = kernel_matrix(X, sigma, precision)
    if not upper:
        return eigvalsh_inplace(K)
    solve = syevr_eigenvalues if solver == "syevr" else mkl_syevd_eigenvalues
    return solve(K).astype(np.float64, copy=False)


def spectral_entropy(eigenvalues: Any, t: int = 1) -> float:
    """Entropy in **bits** of ``alpha_i = |lambda_i|^t / sum_j |lambda_j|^t``.

    Args:
        eigenvalues: shape ``(n,)``.
        t: diffusion time, an integer >= 1.
    """
    t = check_int(t, "t", minimum=1)
    lam = to_numpy(check_numeric_array(eigenvalues, "eigenvalues"))
    if lam.ndim != 1:  # (check_numeric_array refuses an empty one)
        raise ValueError(f"eigenvalues must be a non-empty 1-D array (n,), got shape {lam.shape}"
                         " -- for a matrix, use dse_from_matrix")
    lam = np.abs(lam.astype(np.float64))
    # Scale by the largest magnitude before powering so that large t cannot overflow and
    # the top eigenvalue never underflows; alpha is unchanged by the scale.
    top = lam.max()
    if not np.isfinite(top) or top <= 0:
        raise ValueError("eigenvalues must be finite and not all zero")
    a = (lam / top) ** t
    p = a / a.sum()
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum() / LN2) + 0.0  # + 0.0: one eigenvalue gives 0, not -0


def subsample(X: Any, max_n: int | None, seed: int | None) -> Any:
    """Random subset of ``max_n`` rows chosen like the reference (Python ``random.sample``)."""
    if max_n is None or X.shape[0] <= max_n:
        return X
    rng = random.Random(seed)
    idx = np.array(rng.sample(range(X.shape[0]), k=max_n))
    return X[idx]


def check_scalar_width(sigma: float | np.ndarray, method: str, reference: bool) -> None:
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
