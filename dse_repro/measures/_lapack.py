"""All eigenvalues of a symmetric matrix by LAPACK's ``?syevr``, called without the GIL.

Why our own call: DSMI solves a dozen class and subset kernels of a few thousand points, one
per core in threads (:mod:`._parallel`). For float32 kernels ``?syevr`` is the fastest solver
on the machine, but the two ways to reach it from Python fall short (measured at 1667 points,
2 cores, single-threaded BLAS, 2026-12-03):

- ``numpy.linalg.eigvalsh`` releases the GIL but runs ``ssyevd``: 0.35 s a matrix;
- ``scipy.linalg.lapack.ssyevr`` takes 0.19 s but holds the GIL: two threads run one at a time
  (0.17 s a matrix amortised);
- ``ssyevr`` through scipy's public Cython LAPACK (``scipy.linalg.cython_lapack``, whose
  functions are ``nogil``) from a ctypes call, which releases the GIL: 0.18 s, and 0.09 s a
  matrix amortised with two threads -- 2x numpy's two-at-once float32 (0.18 s).

The function pointer comes from the module's ``__pyx_capi__`` capsule, as numba reaches the
same functions; its signature is checked first, and a scipy without it makes
:func:`syevr_available` false (callers then use numpy). scipy is built with 32-bit LAPACK
integers, so this is for ``n < 46 341``.
"""
from __future__ import annotations

import ctypes
from functools import cache

import numpy as np

__all__ = ["syevr_available", "syevr_eigenvalues"]

_P = ctypes.c_void_p
_INT = ctypes.c_int
_MAX_N = 46_340  # n * n must fit LAPACK's 32-bit integers
_PREFIX = {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}  # LAPACK's name per dtype


@cache
def _syevr(prefix: str) -> ctypes._CFuncPtr | None:
    """``ssyevr`` (prefix ``"s"``) or ``dsyevr`` (``"d"``) from scipy's Cython LAPACK, as a
    ctypes function (which releases the GIL while it runs); None if this scipy does not offer
    it with the signature we call (21 pointers, returning nothing)."""
    try:
        from scipy.linalg import cython_lapack

        capsule = cython_lapack.__pyx_capi__[f"{prefix}syevr"]
    except (ImportError, AttributeError, KeyError):
        return None
    api = ctypes.pythonapi
    api.PyCapsule_GetName.restype = ctypes.c_char_p
    api.PyCapsule_GetName.argtypes = [ctypes.py_object]
    api.PyCapsule_GetPointer.restype = _P
    api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    signature = api.PyCapsule_GetName(capsule) or b""
    if not signature.startswith(b"void (") or signature.count(b",") != 20:
        return None
    address = api.PyCapsule_GetPointer(capsule, signature)
    return ctypes.CFUNCTYPE(None, *[_P] * 21)(address)


def syevr_available(dtype: np.dtype | type) -> bool:
    """Whether :func:`syevr_eigenvalues` can take matrices of ``dtype`` here."""
    dtype = np.dtype(dtype)
    return dtype in _PREFIX and _syevr(_PREFIX[dtype]) is not None


def syevr_eigenvalues(A: np.ndarray) -> np.ndarray:
    """All eigenvalues, ascending, of the symmetric float32 or float64 matrix ``A`` (n, n), in
    its dtype; ``A`` is overwritten (pass a copy to keep it). Only one triangle is read."""
    if not isinstance(A, np.ndarray) or A.dtype not in _PREFIX:
        raise TypeError(f"A must be a float32 or float64 numpy array, got "
                        f"{type(A).__name__} {getattr(A, 'dtype', '')}")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square (n, n) matrix, got shape {A.shape}")
    if not (A.flags.c_contiguous or A.flags.f_contiguous) or not A.flags.writeable:
        raise ValueError("A must be contiguous and writeable (it is overwritten)")
    n = A.shape[0]
    if n > _MAX_N:
        raise ValueError(f"A has n = {n} rows; syevr_eigenvalues takes n <= {_MAX_N}")
    if n == 0:
        return np.empty(0, A.dtype)
    real = ctypes.c_float if A.dtype == np.float32 else ctypes.c_double
    fn = _syevr(_PREFIX[A.dtype])
    if fn is None:
        raise RuntimeError("this scipy has no ?syevr in scipy.linalg.cython_lapack with the "
                           "expected signature (check syevr_available first)")
    # a symmetric C-ordered matrix is its own Fortran-ordered transpose: no copy
    n_, one, found, info = _INT(n), _INT(1), _INT(0), _INT(0)
    bound, abstol = real(0), real(0)
    w = np.empty(n, A.dtype)
    z = np.empty(1, A.dtype)  # not referenced: eigenvalues only
    isuppz = np.empty(2 * n, np.int32)

    def call(work: np.ndarray, iwork: np.ndarray, lwork: int, liwork: int) -> None:
        r = ctypes.byref
        fn(r(ctypes.c_char(b"N")), r(ctypes.c_char(b"A")), r(ctypes.c_char(b"L")), r(n_),
           A.ctypes.data_as(_P), r(n_), r(bound), r(bound), r(one), r(n_), r(abstol),
           r(found), w.ctypes.data_as(_P), z.ctypes.data_as(_P), r(one),
           isuppz.ctypes.data_as(_P), work.ctypes.data_as(_P), r(_INT(lwork)),
           iwork.ctypes.data_as(_P), r(_INT(liwork)), r(info))

    work, iwork = np.empty(1, A.dtype), np.empty(1, np.int32)
    call(work, iwork, -1, -1)  # workspace query
    lwork, liwork = int(work[0]), int(iwork[0])
    call(np.empty(lwork, A.dtype), np.empty(liwork, np.int32), lwork, liwork)
    if info.value != 0 or found.value != n:
        raise np.linalg.LinAlgError(f"?syevr failed (info = {info.value}, {found.value} of "
                                    f"{n} eigenvalues): is A finite?")
    return w
