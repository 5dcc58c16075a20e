"""All eigenvalues of a symmetric matrix by LAPACK, and the BLAS products of the kernel that
comes before it, called in place and without the GIL: ``?syevr``, ``?syrk`` and ``?symv`` from
one OpenBLAS -- numpy's own (the PyPI wheels' ``scipy-openblas64``) where it can be reached, else
scipy's (through ``scipy.linalg.cython_lapack`` / ``cython_blas``) -- and ``?syevd`` from the
MKL inside torch's PyPI wheels.

Why our own calls:

- DSMI solves a dozen class and subset kernels of a few thousand points, one per core in
  threads (:mod:`._parallel`). ``?syevr`` is the fastest solver below the switch to MKL, but
  the two ways to reach it from Python fall short (measured at 1667 points, 2 cores,
  single-threaded BLAS, 2026-12-03): ``numpy.linalg.eigvalsh`` releases the GIL but runs
  ``?syevd`` on a copy (0.35 s a float32 matrix); ``scipy.linalg.lapack.ssyevr`` takes 0.19 s
  but holds the GIL, so two threads run one at a time. ``ssyevr`` from a ctypes call, which
  releases the GIL: 0.18 s, and 0.09 s a matrix amortised with two threads.
- One kernel (``dse``) below the switch: the Gram product on one triangle (``?syrk``), the
  degrees (``?symv``) and the solve in place, all in **one** library. OpenBLAS's idle threads
  spin for ~0.1 s after each threaded call and take a core from whatever runs next in another
  library: measured at n = 1000, ``dse`` took 77 ms right after a threaded numpy product
  when its solve ran in scipy's OpenBLAS (46 ms from a quiet machine), while numpy's own
  eigensolve took 41 ms either way. So numpy's OpenBLAS is preferred -- the BLAS that user code
  calls most -- and scipy's serves where numpy's cannot be reached (another numpy build).
- One large kernel from the switch on: MKL's ``dsyevd`` is the fastest float64 solver on the
  machine (1.3 s at n = 4000 against OpenBLAS's 2.2 s on 2 Intel cores), but
  ``torch.linalg.eigvalsh`` copies the matrix first; called here it works on the kernel itself.
  MKL sits inside ``libtorch_cpu``, which exports its LAPACK symbols (``dsyevd_``, 32-bit
  integers; the 64-bit ones are ``dsyevd_64_``).

numpy's OpenBLAS is found as the wheel's ``numpy.libs/libscipy_openblas64_*`` (the library numpy
has loaded: the same threads), with 64-bit integers and symbols ``scipy_dsyevr_64_`` etc.; the
scipy function pointers come from the Cython modules' ``__pyx_capi__`` capsules, as numba
reaches them, their signatures checked first. The MKL symbol has no signature to check: it is
used only when ``torch.backends.mkl`` says MKL is there and the library also holds MKL's own
``mkl_get_max_threads``. Every library's routines must give a known result on a small case
(a 3 x 3 matrix of known eigenvalues, a 3 x 2 product) before they are used. Where nothing
passes, :func:`syevr_available` / :func:`mkl_syevd_available` are false and callers use numpy
or torch. scipy's and MKL's routines take 32-bit LAPACK integers, so ``n < 46 341``.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MAX_N", "syevr_available", "syevr_eigenvalues", "syevr_library", "syrk_upper",
           "symv_upper", "mkl_syevd_available", "mkl_syevd_eigenvalues"]

_P = ctypes.c_void_p
_INT = ctypes.c_int
MAX_N = 46_340  # n * n must fit LAPACK's 32-bit integers
_PREFIX = {np.dtype(np.float32): "s", np.dtype(np.float64): "d"}  # LAPACK's name per dtype
_DTYPE = {p: d for d, p in _PREFIX.items()}
_ROUTINES = ("syevr", "syrk", "symv")
_ARGS = {"syevr": 21, "syrk": 10, "symv": 10}  # pointer arguments of each routine
_CHARS = {"syevr": 3, "syrk": 2, "symv": 1}  # its character arguments (Fortran's hidden lengths)


#: The eigenvalues of :func:`_known`'s matrix: every solver must give them before it is used.
KNOWN_EIGENVALUES = (1.0, 3.0, 5.0)


def _known(dtype: np.dtype) -> np.ndarray:
    """A 3 x 3 symmetric matrix of eigenvalues :data:`KNOWN_EIGENVALUES` (a fresh copy: the
    solve overwrites it)."""
    return np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 5.0]], dtype=dtype)


@dataclass(frozen=True)
class _Routines:
    """One library's ``?syevr``, ``?syrk`` and ``?symv`` for one precision: ctypes functions
    (which release the GIL while they run) taking pointers, the integer type they take, and
    whether they expect Fortran's hidden string lengths after their arguments."""

    library: str
    integer: type
    syevr: Any
    syrk: Any
    symv: Any
    hidden_lengths: bool

    def call(self, routine: str, *args: Any) -> None:
        fn = getattr(self, routine)
        lengths = [ctypes.c_size_t(1)] * _CHARS[routine] if self.hidden_lengths else []
        fn(*args, *lengths)


def _numpy_openblas(prefix: str) -> _Routines | None:
    """The routines from numpy's own OpenBLAS (PyPI wheels: ``scipy-openblas64``, 64-bit
    integers), or None where this numpy does not bundle it."""
    libs = sorted((Path(np.__file__).parent.parent / "numpy.libs").glob("libscipy_openblas64_*"))
    try:
        lib = ctypes.CDLL(str(libs[0]))
        fns = [getattr(lib, f"scipy_{prefix}{name}_64_") for name in _ROUTINES]
    except (IndexError, OSError, AttributeError):
        return None
    for fn in fns:
        fn.restype = None
    return _Routines("numpy's OpenBLAS", ctypes.c_int64, *fns, hidden_lengths=True)


def _scipy_cython(prefix: str) -> _Routines | None:
    """The routines from scipy's Cython BLAS and LAPACK, or None if this scipy does not offer
    them with the signatures we call (pointers only, returning nothing)."""
    try:
        from scipy.linalg import cython_blas, cython_lapack

        capsules = [cython_lapack.__pyx_capi__[f"{prefix}syevr"],
                    cython_blas.__pyx_capi__[f"{prefix}syrk"],
                    cython_blas.__pyx_capi__[f"{prefix}symv"]]
    except (ImportError, AttributeError, KeyError):
        return None
    api = ctypes.pythonapi
    api.PyCapsule_GetName.restype = ctypes.c_char_p
    api.PyCapsule_GetName.argtypes = [ctypes.py_object]
    api.PyCapsule_GetPointer.restype = _P
    api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    fns = []
    for name, capsule in zip(_ROUTINES, capsules):
        signature = api.PyCapsule_GetName(capsule) or b""
        if not signature.startswith(b"void (") or signature.count(b",") != _ARGS[name] - 1:
            return None
        address = api.PyCapsule_GetPointer(capsule, signature)
        fns.append(ctypes.CFUNCTYPE(None, *[_P] * _ARGS[name])(address))
    return _Routines("scipy's OpenBLAS", _INT, *fns, hidden_lengths=False)


@cache
def _library(prefix: str) -> _Routines | None:
    """The routines for ``prefix`` (``"s"`` or ``"d"``) from the first library whose routines
    give known results on small cases: numpy's OpenBLAS, then scipy's; None if neither."""
    for find in (_numpy_openblas, _scipy_cython):
        routines = find(prefix)
        if routines is not None and _works(routines, _DTYPE[prefix]):
            return routines
    return None


def _works(r: _Routines, dtype: np.dtype) -> bool:
    """Whether ``r`` gives the eigenvalues of a known 3 x 3 matrix, and ``X X^T`` and a
    product with it for a 3 x 2 ``X``."""
    A = _known(dtype)
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=dtype)
    x = np.array([1.0, -1.0, 2.0], dtype=dtype)
    try:
        w = syevr_eigenvalues(A, r)
        G = syrk_upper(X, 1.0, r)
        y = symv_upper(G, x, r)
    except np.linalg.LinAlgError:
        return False
    full = X @ X.T
    return (np.allclose(w, KNOWN_EIGENVALUES, atol=1e-5)
            and np.allclose(G[np.triu_indices(3)], full[np.triu_indices(3)])
            and np.allclose(y, full @ x))


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
    try:
        w = _solve(_known(_DTYPE[prefix]), lambda *a: _syevd_call(fn, *a), _INT)
    except np.linalg.LinAlgError:
        return None
    return fn if np.allclose(w, KNOWN_EIGENVALUES, atol=1e-5) else None


def syevr_available(dtype: np.dtype | type) -> bool:
    """Whether :func:`syevr_eigenvalues` (and :func:`syrk_upper`, :func:`symv_upper`) can take
    matrices of ``dtype`` here."""
    dtype = np.dtype(dtype)
    return dtype in _PREFIX and _library(_PREFIX[dtype]) is not None


def syevr_library(dtype: np.dtype | type) -> str | None:
    """Which library :func:`syevr_eigenvalues` calls for ``dtype``: ``"numpy's OpenBLAS"``,
    ``"scipy's OpenBLAS"``, or None."""
    dtype = np.dtype(dtype)
    routines = _library(_PREFIX[dtype]) if dtype in _PREFIX else None
    return routines.library if routines else None


def mkl_syevd_available(dtype: np.dtype | type) -> bool:
    """Whether :func:`mkl_syevd_eigenvalues` can take matrices of ``dtype`` here (imports
    torch)."""
    dtype = np.dtype(dtype)
    return dtype in _PREFIX and _mkl_syevd(_PREFIX[dtype]) is not None


def _check(A: np.ndarray, name: str = "A") -> None:
    """Refuse what the routines would misread; the messages name the argument ``name``."""
    if not isinstance(A, np.ndarray) or A.dtype not in _PREFIX:
        raise TypeError(f"{name} must be a float32 or float64 numpy array, got "
                        f"{type(A).__name__} {getattr(A, 'dtype', '')}")
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square (n, n) matrix, got shape {A.shape}")
    if not (A.flags.c_contiguous or A.flags.f_contiguous) or not A.flags.writeable:
        raise ValueError(f"{name} must be contiguous and writeable (it is overwritten)")
    if A.shape[0] > MAX_N:
        raise ValueError(f"{name} has n = {A.shape[0]} rows; these eigensolves take "
                         f"n <= {MAX_N}")


#: ``call(A, w, work, iwork, lwork, liwork) -> (info, eigenvalues found)`` for one routine.
_Call = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int], tuple[int, int]]


def _solve(A: np.ndarray, call: _Call, integer: type) -> np.ndarray:
    """The eigenvalues of ``A`` (already checked, :func:`_check`) by one LAPACK routine taking
    ``integer`` arguments (its integer workspace is of that width: a 64-bit LAPACK given 32-bit
    room would write past it): a workspace query, then the solve. A symmetric C-ordered matrix
    is its own Fortran-ordered transpose: no copy."""
    n = A.shape[0]
    w = np.empty(n, A.dtype)
    if n == 0:
        return w
    int_dtype = np.dtype(integer)
    work, iwork = np.empty(1, A.dtype), np.empty(1, int_dtype)
    call(A, w, work, iwork, -1, -1)  # workspace query
    lwork, liwork = int(work[0]), max(1, int(iwork[0]))
    info, found = call(A, w, np.empty(lwork, A.dtype), np.empty(liwork, int_dtype), lwork,
                       liwork)
    if info != 0 or found != n:
        raise np.linalg.LinAlgError(f"the eigensolve failed (LAPACK info = {info}, {found} of "
                                    f"{n} eigenvalues): is A finite?")
    return w


def _ptr(a: np.ndarray) -> ctypes.c_void_p:
    return a.ctypes.data_as(_P)


def _real(dtype: np.dtype) -> type:
    return ctypes.c_float if dtype == np.float32 else ctypes.c_double


def _syevr_call(rt: _Routines, A: np.ndarray, w: np.ndarray, work: np.ndarray,
                iwork: np.ndarray, lwork: int, liwork: int) -> tuple[int, int]:
    real, i = _real(A.dtype), rt.integer
    r = ctypes.byref
    n, one, found, info = i(A.shape[0]), i(1), i(0), i(0)
    bound, abstol = real(0), real(0)
    z = np.empty(1, A.dtype)  # not referenced: eigenvalues only
    isuppz = np.empty(2 * A.shape[0], np.dtype(i))
    rt.call("syevr", r(ctypes.c_char(b"N")), r(ctypes.c_char(b"A")), r(ctypes.c_char(b"L")),
            r(n), _ptr(A), r(n), r(bound), r(bound), r(one), r(n), r(abstol), r(found),
            _ptr(w), _ptr(z), r(one), _ptr(isuppz), _ptr(work), r(i(lwork)), _ptr(iwork),
            r(i(liwork)), r(info))
    return info.value, found.value


def _syevd_call(fn: ctypes._CFuncPtr, A: np.ndarray, w: np.ndarray, work: np.ndarray,
                iwork: np.ndarray, lwork: int, liwork: int) -> tuple[int, int]:
    r = ctypes.byref
    n, info = _INT(A.shape[0]), _INT(0)
    fn(r(ctypes.c_char(b"N")), r(ctypes.c_char(b"L")), r(n), _ptr(A), r(n), _ptr(w),
       _ptr(work), r(_INT(lwork)), _ptr(iwork), r(_INT(liwork)), r(info))
    return info.value, A.shape[0] if info.value == 0 else 0


def _routines(dtype: np.dtype) -> _Routines:
    routines = _library(_PREFIX[dtype])
    if routines is None:
        raise RuntimeError("neither numpy's nor scipy's OpenBLAS offers ?syevr, ?syrk and ?symv "
                           "here with the expected signatures (check syevr_available first)")
    return routines


def syevr_eigenvalues(A: np.ndarray, routines: _Routines | None = None) -> np.ndarray:
    """All eigenvalues, ascending, of the symmetric float32 or float64 matrix ``A`` (n, n), in
    its dtype, by OpenBLAS ``?syevr`` (:func:`syevr_library`, or ``routines``); ``A`` is
    overwritten (pass a copy to keep it). Only one triangle is read: the upper one of a
    C-ordered ``A``."""
    _check(A)
    rt = routines or _routines(A.dtype)
    return _solve(A, lambda *a: _syevr_call(rt, *a), rt.integer)


def syrk_upper(X: np.ndarray, alpha: float = 1.0, routines: _Routines | None = None
               ) -> np.ndarray:
    """``alpha * X @ X.T`` of C-contiguous rows ``X`` (n, D), float32 or float64, on the upper
    triangle (``j >= i``) of a new C-ordered ``(n, n)`` matrix of ``X``'s dtype; **below it
    the memory is as allocated** (uninitialised). One ``?syrk`` (half the multiply-adds of the
    full product), every core (the library's threads, :func:`syevr_library`)."""
    if not isinstance(X, np.ndarray) or X.dtype not in _PREFIX or X.ndim != 2:
        raise TypeError(f"X must be a 2-D float32 or float64 numpy array, got "
                        f"{type(X).__name__} {getattr(X, 'dtype', '')}")
    X = np.ascontiguousarray(X)  # BLAS reads it by its strides: rows one after another
    rt = routines or _routines(X.dtype)
    n, d = X.shape
    out = np.empty((n, n), X.dtype)
    if n == 0:
        return out
    real, i, r = _real(X.dtype), rt.integer, ctypes.byref
    # Fortran sees X as the (d, n) matrix X.T (lda = d) and ``out`` as its transpose: our
    # upper triangle is its lower one ("L"); "T": X.T^T X.T = X X^T
    rt.call("syrk", r(ctypes.c_char(b"L")), r(ctypes.c_char(b"T")), r(i(n)), r(i(d)),
            r(real(alpha)), _ptr(X), r(i(max(1, d))), r(real(0.0)), _ptr(out), r(i(n)))
    return out


def symv_upper(K: np.ndarray, x: np.ndarray, routines: _Routines | None = None) -> np.ndarray:
    """``K @ x`` for a symmetric C-ordered ``K`` (n, n) of which only the upper triangle is read
    (as :func:`syrk_upper` leaves it), ``x`` (n,) of ``K``'s dtype: one ``?symv``."""
    _check(K, "K")
    if not K.flags.c_contiguous:
        raise ValueError("K must be C-contiguous (its upper triangle is read)")
    rt = routines or _routines(K.dtype)
    n = K.shape[0]
    x = np.ascontiguousarray(x, dtype=K.dtype)
    if x.shape != (n,):
        raise ValueError(f"x must have shape ({n},), got {x.shape}")
    y = np.zeros(n, K.dtype)
    if n == 0:
        return y
    real, i, r = _real(K.dtype), rt.integer, ctypes.byref
    rt.call("symv", r(ctypes.c_char(b"L")), r(i(n)), r(real(1.0)), _ptr(K), r(i(n)), _ptr(x),
            r(i(1)), r(real(0.0)), _ptr(y), r(i(1)))
    return y


def mkl_syevd_eigenvalues(A: np.ndarray) -> np.ndarray:
    """All eigenvalues, ascending, of the symmetric float32 or float64 matrix ``A`` (n, n), in
    its dtype, by MKL's ``?syevd`` (torch's); ``A`` is overwritten. Only one triangle is read.
    MKL's threads: torch's setting (``torch.set_num_threads``)."""
    _check(A)
    fn = _mkl_syevd(_PREFIX[A.dtype])
    if fn is None:
        raise RuntimeError("torch here has no MKL ?syevd to call (check mkl_syevd_available "
                           "first)")
    return _solve(A, lambda *a: _syevd_call(fn, *a), _INT)
