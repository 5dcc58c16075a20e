"""Squared Euclidean distances between points -- the one n x n matrix every kernel starts
from -- and the exact power-of-two rescaling of data of extreme scale that comes before them.

A module of its own so that the kernel-width policies (:mod:`.bandwidth`) and the diffusion
operator (:mod:`.diffusion`) both build on it without importing each other.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._validation import is_torch, unit_exponent

__all__ = ["SAFE_EXP", "SAFE_EXP_FLOAT32", "safe_exp", "rescale", "centred", "gram",
           "sq_distances", "gram_to_sq_distances", "sq_rows", "row_blocks"]

#: Points whose largest |coordinate| lies outside [2**-SAFE_EXP, 2**SAFE_EXP] are rescaled,
#: together with sigma, by a power of two before any square is taken. That is exact (the kernel
#: depends on d / sigma only, and a power of two changes no mantissa), so ``c * X`` with
#: ``c * sigma`` gives the value of ``X`` with ``sigma`` at any scale; data of ordinary scale
#: are not touched at all.
SAFE_EXP = 200
#: ... and the same for kernels in float32 (``precision="float32"``), whose squares stay within
#: float32's 2**+-126 only for data of largest |value| within 2**+-20 (measured: DSE of data
#: x 1e-30 read 0.0001 bits instead of 4.6, x 1e30 failed in LAPACK on NaN). Scaling by a power
#: of two changes no bit where nothing under- or overflows, so data of that range give the bits
#: they gave before.
SAFE_EXP_FLOAT32 = 20
_TINY = float(np.finfo(np.float64).tiny)  # 2.2e-308: below it float64 loses digits (subnormal)


def safe_exp(precision: str) -> int:
    """The ``limit_exp`` of :func:`rescale` for kernels in ``precision``."""
    return SAFE_EXP_FLOAT32 if precision == "float32" else SAFE_EXP


def rescale(X: Any, sigma: float, *, squared: bool = False,
            limit_exp: int = SAFE_EXP) -> tuple[Any, float]:
    """``(X * 2**k, sigma * 2**k)`` with ``2**k`` bringing ``X``'s largest |value| near 1 when
    it lies outside ``[2**-limit_exp, 2**limit_exp]``; else ``X`` and ``sigma`` unchanged.
    ``squared=True``: ``X`` holds squared distances (scaled by ``4**k``)."""
    m = float(abs(X).max())
    if not math.isfinite(m):  # NaN propagates through max: one test for the whole array
        raise ValueError(f"{'the squared distances' if squared else 'the points'} hold NaN or "
                         "infinite values")
    if not squared and 0.0 < m < _TINY:
        raise ValueError(f"the points' largest |value| is {m:.3g}, below float64's smallest normal "
                         f"number ({_TINY:.3g}): its digits are lost and its scale cannot be "
                         "undone; scale the data up (DSE and DSMI do not depend on the scale)")
    k = unit_exponent(m, limit_exp)
    if k is None:
        return X, sigma
    if squared:  # X * 4**k' with sigma * 2**k'
        k = round(k / 2)
    factor_exp = 2 * k if squared else k
    if is_torch(X):
        import torch

        X = torch.ldexp(X, torch.tensor(factor_exp, device=X.device))
    else:
        X = np.ldexp(X, factor_exp)
    if isinstance(sigma, np.ndarray):  # per-point widths (sigma="knn")
        with np.errstate(over="ignore"):
            return X, np.ldexp(sigma, k)
    try:
        return X, math.ldexp(sigma, k)
    except OverflowError:  # a width beyond float64 at the data's new scale: the all-ones limit
        return X, math.inf


def centred(X: np.ndarray, dtype: type) -> np.ndarray:
    """``X - mean(X)`` (rows of shape (n, D), float32 or float64) in ``dtype``, C-contiguous.

    The mean and the differences are float64 whatever ``X``'s type; numpy casts them to
    ``dtype`` in buffered chunks, so float32 data never has a float64 copy (at n = 5000,
    D = 20 000 that copy and the cast back cost ~1 s of a ~10 s DSMI)."""
    out = np.empty(X.shape, dtype=dtype)
    np.subtract(X, X.mean(axis=0, dtype=np.float64), out=out, dtype=np.float64,
                casting="same_kind" if dtype == np.float64 else "unsafe")
    return out


#: Up to this many dimensions the Gram product is a general ``gemm`` against a contiguous copy
#: of the transpose, above it numpy's ``A @ A.T`` (BLAS ``syrk``: half the multiply-adds, but
#: numpy then mirrors the triangle with strided copies). Measured on 2 cores (OpenBLAS 0.3.31,
#: n = 4000, float64): D = 64 gemm 32 ms vs syrk 61 ms, D = 256 73 vs 153 ms, D = 1024 237 vs
#: 150 ms; n = 5000, D = 20 000: 6.7 vs 3.1 s. ``syrk``'s result is exactly symmetric,
#: ``gemm``'s to the last bit or two (``G_ij`` and ``G_ji`` may be summed in another order).
GEMM_MAX_D = 256

#: Rows per block of the elementwise passes over an ``n x n`` matrix: a block of 128 rows
#: (1 MiB at n = 1000) is worked through in cache, all of its passes one after the other.
#: (Blocks on both cores in threads were no faster here: measured on 2 cores, n = 1000-4000,
#: OpenBLAS's threads keep spinning after the Gram product and take the second core.)
ROWS = 128


def row_blocks(n: int, rows: int = ROWS) -> list[tuple[int, int]]:
    """The row blocks ``[(r0, r1), ...]`` of ``rows`` rows that cover ``0..n``."""
    return [(r0, min(n, r0 + rows)) for r0 in range(0, n, rows)]


def gram(X: np.ndarray, dtype: type) -> np.ndarray:
    """``Xc @ Xc.T`` of the centred rows of ``X`` ``(n, D)`` -> ``(n, n)`` in ``dtype``, by the
    faster BLAS product for ``D`` (:data:`GEMM_MAX_D`), every core; C-contiguous, symmetric
    up to rounding."""
    Xc = centred(X, dtype)
    if Xc.shape[1] <= GEMM_MAX_D:
        return Xc @ np.ascontiguousarray(Xc.T)
    return Xc @ Xc.T


def sq_distances(X: np.ndarray, dtype: type) -> np.ndarray:
    """Squared Euclidean distances of the rows of ``X`` (shape (n, D)) -> (n, n), ``dtype``:
    one BLAS Gram product of the centred rows (:func:`gram`), then
    :func:`gram_to_sq_distances`."""
    return gram_to_sq_distances(gram(X, dtype))


def sq_rows(B: np.ndarray, sq: np.ndarray, r0: int, c0: int = 0) -> None:
    """Rows ``r0 : r0 + len(B)``, columns ``c0 :`` of a Gram matrix (``B``, a view) into
    squared distances in place: ``sq_i + sq_j - 2 G_ij`` (``sq`` the Gram diagonal, shape
    ``(n,)``), clamped at 0, with an exact zero on the diagonal (``c0 <= r0``: the rows' own
    diagonal entries lie in ``B``; ``c0 = r0`` for a block of the upper triangle)."""
    r1 = r0 + B.shape[0]
    B *= -2.0
    B += sq[r0:r1, None]
    B += sq[None, c0:]
    np.maximum(B, 0.0, out=B)
    np.fill_diagonal(B[:, r0 - c0:r1 - c0], 0.0)


def gram_to_sq_distances(gram: Any) -> Any:
    """``G_ii + G_jj - 2 G_ij`` in place in the Gram matrix ``G`` (the only n x n matrix; numpy
    or torch), clamped at 0 with an exact zero diagonal; numpy in row blocks (:func:`sq_rows`).

    The squared norms are the Gram matrix's own diagonal, not a separate sum: then each
    distance is a difference of products rounded alike, and in float32 no point carries the
    rounding error of its own norm (~1e-7 of ``||x||^2``, not of the distance) into all of its
    distances. Measured on the mi_compare blobs (n = 1500, D = 20 000, float32 data): DSMI from
    float32 distances is 1.7e-7 bits from float64 this way, 1.9e-6 bits with norms summed apart.
    """
    if is_torch(gram):  # the same steps in torch (the kernel on a tensor's own device)
        sq = gram.diagonal().clone()
        gram.mul_(-2.0).add_(sq[:, None]).add_(sq[None, :]).clamp_(min=0.0)
        gram.fill_diagonal_(0.0)
        return gram
    sq = np.diag(gram).copy()
    for r0, r1 in row_blocks(gram.shape[0]):
        sq_rows(gram[r0:r1], sq, r0)
    return gram
