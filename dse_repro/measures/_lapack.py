"""All eigenvalues of a symmetric matrix by LAPACK, called in place and without the GIL:
``?syevr`` from scipy's LAPACK (OpenBLAS in the PyPI wheels) and ``?syevd`` from the MKL inside
torch's PyPI wheels.

Why our own calls:

- DSMI solves a dozen class and subset kernels of a few thousand points, one per core in
  threads (:mod:`._parallel`). For float32 kernels ``?syevr`` is the fastest solver on the
  machine, but the two ways to reach it from Python fall short (measured at 1667 points,
  2 cores, single-threaded BLAS, 2026-12-03): ``numpy.linalg.eigvalsh`` releases the GIL but
  runs ``ssyevd`` (0.35 s a matrix); ``scipy.linalg.lapack.ssyevr`` takes 0.19 s but holds the
  GIL, so two threads run one at a time. ``ssyevr`` through scipy's public Cython LAPACK
  (``scipy.linalg.cython_lapack``, whose functions are ``nogil``) from a ctypes call, which
  releases the GIL: 0.18 s, and 0.09 s a matrix amortised with two threads.
- One large kernel (``dse``): MKL's ``dsyevd`` is the fastest float64 solver on the machine
  from a size on (1.2 s at n = 4000 against OpenBLAS's 2.3 s on 2 Intel cores), but
  ``torch.linalg.eigvalsh`` copies the matrix first; called here it works on the kernel itself.
  MKL sits inside ``libtorch_cpu``, which exports its LAPACK symbols (``dsyevd_``, 32-bit
  integers; the 64-bit ones are ``dsyevd_64_``).

The scipy function pointer comes from the module's ``__pyx_capi__`` capsule, as numba reaches
the same functions, and its signature is checked first. The MKL symbol has no signature to
check: it is used only when ``torch.backends.mkl`` says MKL is there, the library also holds
MKL's own ``mkl_get_max_threads``, and a 3 x 3 matrix of known eigenvalues comes out right.
Where a check fails, :func:`syevr_available` / :func:`mkl_syevd_available` are false and
callers use numpy or torch. Both take 32-bit LAPACK integers, so ``n < 46 341``.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["MAX_N", "syevr_available", "syevr_eigenvalues", "mkl_syevd_available",
           "mkl_syevd_eigenvalues"]

_P = ctypes.c_void_p
_INT = ctypes.c_int
MAX_N = 46_340  # n * n must fit LAPACK's 32-bit integers
_PREFIX = {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}  # LAPACK's name per dtype
_DTYPE = {p: d for d, p in _PREFIX.items()}


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


@cache
def _mkl_syevd(prefix: str) -> ctypes._CFuncPtr | None:
    """MKL's ``ssyevd`` / ``dsyevd`` from torch's ``libtorch_cpu``, or None where torch has no
    MKL, the library does not export it, or it fails the known-matrix check."""
    try:
        import torch

        if not torch.backends.mkl.is_available():
            return None
        libs = sorted((Path(torch.__file__).parent / "lib").glob("*torch_cpu.*"))
        lib = ctypes.CDLL(str(libs[0]))
        fn = getattr(lib, f"{prefix}syevd_")
        lib.mkl_get_max_threads  # noqa: B018 -- MKL's own symbol: this dsyevd_ is MKL's
    except (ImportError, IndexError, OSError, AttributeError):
        return None
    fn.restype = None
    fn.argtypes = [_P] * 11
    A = np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]], dtype=_DTYPE[prefix])
    try:
        w = _solve(A, lambda *a: _syevd_call(fn, *a))
    except np.linalg.LinAlgError:
        return None
    return fn if np.allclose(w, [1.0, 3.0, 5.0], atol=1e-5) else None


def syevr_available(dtype: np.dtype | type) -> bool:
    """Whether :func:`syevr_eigenvalues` can take matrices of ``dtype`` here."""
    dtype = np.dtype(dtype)
    return dtype in _PREFIX and _syevr(_PREFIX[dtype]) is not None


def mkl_syevd_available(dtype: np.dtype | type) -> bool:
    """Whether :func:`mkl_syevd_eigenvalues` can take matrices of ``dtype`` here (imports
    torch)."""
    dtype = np.dtype(dtype)
    return dtype in _PREFIX and _mkl_syevd(_PREFIX[dtype]) is not None


def _check(A: np.ndarray) -> None:
    if not isinstance(A, np.ndarray) or A.dtype not in _PREFIX:
        raise TypeError(f"A must be a float32 or float64 numpy array, got "
                        f"{type(A).__name__} {getattr(A, 'dtype', '')}")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square (n, n) matrix, got shape {A.shape}")
    if not (A.flags.c_contiguous or A.flags.f_contiguous) or not A.flags.writeable:
        raise ValueError("A must be contiguous and writeable (it is overwritten)")
    if A.shape[0] > MAX_N:
        raise ValueError(f"A has n = {A.shape[0]} rows; these eigensolves take n <= {MAX_N}")


#: ``call(A, w, work, iwork, lwork, liwork) -> (info, eigenvalues found)`` for one routine.
_Call = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int], tuple[int, int]]


def _solve(A: np.ndarray, call: _Call) -> np.ndarray:
    """The eigenvalues of ``A`` (already checked, :func:`_check`) by one LAPACK routine: a
    workspace query, then the solve. A symmetric C-ordered matrix is its own Fortran-ordered
    transpose: no copy."""
    n = A.shape[0]
    w = np.empty(n, A.dtype)
    if n == 0:
        return w
    work, iwork = np.empty(1, A.dtype), np.empty(1, np.int32)
    call(A, w, work, iwork, -1, -1)  # workspace query
    lwork, liwork = int(work[0]), max(1, int(iwork[0]))
    info, found = call(A, w, np.empty(lwork, A.dtype), np.empty(liwork, np.int32), lwork, liwork)
    if info != 0 or found != n:
        raise np.linalg.LinAlgError(f"the eigensolve failed (LAPACK info = {info}, {found} of "
                                    f"{n} eigenvalues): is A finite?")
    return w


def _ptr(a: np.ndarray) -> ctypes.c_void_p:
    return a.ctypes.data_as(_P)


def _syevr_call(fn: ctypes._CFuncPtr, A: np.ndarray, w: np.ndarray, work: np.ndarray,
                iwork: np.ndarray, lwork: int, liwork: int) -> tuple[int, int]:
    real = ctypes.c_float if A.dtype == np.float32 else ctypes.c_double
    r = ctypes.byref
    n, one, found, info = _INT(A.shape[0]), _INT(1), _INT(0), _INT(0)
    bound, abstol = real(0), real(0)
    z = np.empty(1, A.dtype)  # not referenced: eigenvalues only
    isuppz = np.empty(2 * A.shape[0], np.int32)
    fn(r(ctypes.c_char(b"N")), r(ctypes.c_char(b"A")), r(ctypes.c_char(b"L")), r(n), _ptr(A),
       r(n), r(bound), r(bound), r(one), r(n), r(abstol), r(found), _ptr(w), _ptr(z), r(one),
       _ptr(isuppz), _ptr(work), r(_INT(lwork)), _ptr(iwork), r(_INT(liwork)), r(info))
    return info.value, found.value


def _syevd_call(fn: ctypes._CFuncPtr, A: np.ndarray, w: np.ndarray, work: np.ndarray,
                iwork: np.ndarray, lwork: int, liwork: int) -> tuple[int, int]:
    r = ctypes.byref
    n, info = _INT(A.shape[0]), _INT(0)
    fn(r(ctypes.c_char(b"N")), r(ctypes.c_char(b"L")), r(n), _ptr(A), r(n), _ptr(w),
       _ptr(work), r(_INT(lwork)), _ptr(iwork), r(_INT(liwork)), r(info))
    return info.value, A.shape[0] if info.value == 0 else 0


def syevr_eigenvalues(A: np.ndarray) -> np.ndarray:
    """All eigenvalues, ascending, of the symmetric float32 or float64 matrix ``A`` (n, n), in
    its dtype, by scipy's ``?syevr``; ``A`` is overwritten (pass a copy to keep it). Only one
    triangle is read."""
    return _by(A, _syevr, _syevr_call, "this scipy has no ?syevr in scipy.linalg.cython_lapack "
               "with the expected signature (check syevr_available first)")


def mkl_syevd_eigenvalues(A: np.ndarray) -> np.ndarray:
    """All eigenvalues, ascending, of the symmetric float32 or float64 matrix ``A`` (n, n), in
    its dtype, by MKL's ``?syevd`` (torch's); ``A`` is overwritten. Only one triangle is read.
    MKL's threads: torch's setting (``torch.set_num_threads``)."""
    return _by(A, _mkl_syevd, _syevd_call, "torch here has no MKL ?syevd to call (check "
               "mkl_syevd_available first)")


def _by(A: np.ndarray, routine: Callable[[str], ctypes._CFuncPtr | None], call: Callable,
        missing: str) -> np.ndarray:
    """``A``'s eigenvalues by the LAPACK ``routine`` for its dtype, called through ``call``;
    a RuntimeError saying ``missing`` where this machine lacks the routine."""
    _check(A)
    fn = routine(_PREFIX[A.dtype])
    if fn is None:
        raise RuntimeError(missing)
    return _solve(A, lambda *a: call(fn, *a))
