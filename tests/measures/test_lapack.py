"""``_lapack``: OpenBLAS ?syevr, ?syrk and ?symv from numpy's own OpenBLAS or through scipy's
Cython BLAS/LAPACK, and MKL's ?syevd from torch's library, GIL released, in place; and the
choice among the solvers by size (``_kernel.eigvalsh_inplace``)."""
import ctypes
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.linalg

from dse_repro.measures import _kernel, _lapack
from dse_repro.measures._kernel import eigvalsh_inplace
from dse_repro.measures._lapack import mkl_syevd_eigenvalues, syevr_eigenvalues
from dse_repro.measures._parallel import map_single_blas

mkl = pytest.mark.skipif(not _lapack.mkl_syevd_available(np.float64),
                         reason="this torch has no MKL ?syevd to call")


def _symmetric(n: int, dtype, seed: int = 0) -> np.ndarray:
    A = np.random.default_rng(seed).standard_normal((n, n))
    return (A + A.T).astype(dtype)


LIBRARIES = {"numpy": _lapack._numpy_openblas, "scipy": _lapack._scipy_cython}


def _routines(library: str, dtype) -> "_lapack._Routines":
    rt = LIBRARIES[library](_lapack._PREFIX[np.dtype(dtype)])
    if rt is None:
        pytest.skip(f"{library}'s OpenBLAS routines cannot be reached here")
    return rt


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_each_library_passes_its_known_cases(library, dtype):
    assert _lapack._works(_routines(library, dtype), np.dtype(dtype))


def test_numpys_openblas_is_preferred_where_it_can_be_reached(monkeypatch):
    """numpy's own OpenBLAS first (the library user code's products leave spinning), scipy's
    where numpy's cannot be reached or fails its known cases, none where neither works."""
    expected = "numpy's OpenBLAS" if _lapack._numpy_openblas("d") else "scipy's OpenBLAS"
    assert _lapack.syevr_library(np.float64) == expected
    monkeypatch.setattr(_lapack, "_numpy_openblas", lambda prefix: None)
    _lapack._library.cache_clear()
    try:
        assert _lapack.syevr_library(np.float64) == "scipy's OpenBLAS"
        monkeypatch.setattr(_lapack, "_works", lambda routines, dtype: False)
        _lapack._library.cache_clear()
        assert _lapack.syevr_library(np.float64) is None
        assert not _lapack.syevr_available(np.float64)
        with pytest.raises(RuntimeError, match="syevr_available"):
            syevr_eigenvalues(np.eye(3))
    finally:
        monkeypatch.undo()
        _lapack._library.cache_clear()
    assert _lapack.syevr_library(np.float64) == expected


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 2, 7, 257])
def test_the_eigenvalues_of_syevr_in_place(library, dtype, n):
    """Every library's ``?syevr`` gives LAPACK's eigenvalues (scipy's: bit for bit with
    ``scipy.linalg.eigh``, the same routine), the same bits on every call."""
    rt = _routines(library, dtype)
    A = _symmetric(n, dtype)
    w = _lapack._solve(A.copy(), lambda *a: _lapack._syevr_call(rt, *a), rt.integer)
    assert w.dtype == dtype
    evr = scipy.linalg.eigh(A, eigvals_only=True, driver="evr")
    if library == "scipy":
        assert np.array_equal(w, evr)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    assert np.allclose(w, evr, atol=tol * n)
    assert np.array_equal(w, _lapack._solve(A.copy(), lambda *a: _lapack._syevr_call(rt, *a),
                                            rt.integer))


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (300, 7), (40, 1000)])
def test_syrk_and_symv_on_the_upper_triangle(library, dtype, shape):
    """``syrk_upper`` is ``alpha X X^T`` on the upper triangle (what a one-triangle solver
    reads; below it, whatever the memory held); ``symv_upper`` multiplies by the symmetric
    matrix that triangle stands for."""
    rt = _routines(library, dtype)
    rng = np.random.default_rng(4)
    X = rng.normal(size=shape).astype(dtype)
    G = _lapack.syrk_upper(X, -2.0, rt)
    assert G.dtype == dtype and G.flags.c_contiguous and G.shape == (shape[0], shape[0])
    full = -2.0 * X.astype(np.float64) @ X.T.astype(np.float64)
    upper = np.triu_indices(shape[0])
    tol = 1e-4 if dtype == np.float32 else 1e-12
    assert np.allclose(G[upper], full[upper], rtol=tol, atol=tol * shape[1])
    x = rng.normal(size=shape[0]).astype(dtype)
    y = _lapack.symv_upper(G, x, rt)
    assert y.dtype == dtype
    upper_only = np.triu(G).astype(np.float64)  # (below the diagonal: uninitialised memory)
    sym = upper_only + np.triu(upper_only, 1).T
    assert np.allclose(y, sym @ x, rtol=tol, atol=tol * np.abs(sym).sum(axis=1).max())


def test_syrk_and_symv_exact_values():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    G = _lapack.syrk_upper(X)
    assert (G[0, 0], G[0, 1], G[1, 1]) == (5.0, 11.0, 25.0)
    assert np.array_equal(_lapack.symv_upper(G, np.array([1.0, -1.0])), [-6.0, -14.0])
    assert _lapack.syrk_upper(np.empty((0, 3))).shape == (0, 0)


def test_exact_values_on_a_small_case():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])  # eigenvalues 1 and 3
    assert np.allclose(syevr_eigenvalues(A), [1.0, 3.0], atol=1e-15)
    assert syevr_eigenvalues(np.empty((0, 0))).shape == (0,)


def test_threads_give_the_values_of_one_call():
    mats = [_symmetric(300, np.float32, seed) for seed in range(6)]
    alone = [syevr_eigenvalues(A.copy()) for A in mats]
    with ThreadPoolExecutor(3) as pool:
        together = list(pool.map(lambda A: syevr_eigenvalues(A.copy()), mats))
    assert all(np.array_equal(a, b) for a, b in zip(alone, together))


def test_float32_kernels_go_through_syevr_and_come_back_in_float64():
    A = _symmetric(50, np.float32)
    w = eigvalsh_inplace(A.copy())
    assert w.dtype == np.float64
    assert np.array_equal(w, syevr_eigenvalues(A.copy()).astype(np.float64))


@pytest.mark.parametrize("A, error, match", [
    (np.ones((3, 3), np.int64), TypeError, "float32 or float64"),
    ([[1.0]], TypeError, "numpy array"),
    (np.ones((3, 4)), ValueError, "square"),
    (np.ones((4, 4))[::2, ::2], ValueError, "contiguous"),
    (np.full((3, 3), np.nan), np.linalg.LinAlgError, "finite"),
])
def test_bad_inputs_are_named(A, error, match):
    with pytest.raises(error, match=match):
        syevr_eigenvalues(A)


def test_without_syevr_float32_kernels_fall_back_to_numpy(monkeypatch):
    """A scipy without ?syevr in its Cython LAPACK (or with another signature): numpy's
    eigensolve instead, the same eigenvalues up to rounding."""
    from dse_repro.measures import _lapack

    A = _symmetric(60, np.float32)
    fast = eigvalsh_inplace(A.copy())
    monkeypatch.setattr(_lapack, "_library", lambda prefix: None)
    assert not _lapack.syevr_available(np.dtype(np.float32))
    assert np.allclose(eigvalsh_inplace(A.copy()), fast, atol=1e-4)
    with pytest.raises(RuntimeError, match="syevr_available"):
        syevr_eigenvalues(A.copy())


@mkl
@pytest.mark.parametrize("dtype, atol", [(np.float64, 1e-12), (np.float32, 1e-4)])
@pytest.mark.parametrize("n", [1, 2, 7, 257])
def test_mkl_syevd_gives_the_eigenvalues_in_place(dtype, atol, n):
    A = _symmetric(n, dtype)
    w = mkl_syevd_eigenvalues(A.copy())
    assert w.dtype == dtype
    assert np.all(np.diff(w) >= 0)
    assert np.allclose(w, np.linalg.eigvalsh(A.astype(np.float64)), atol=atol)
    assert np.array_equal(mkl_syevd_eigenvalues(A.copy()), w)  # the same bits again


@mkl
def test_mkl_syevd_exact_values_and_bad_inputs():
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert np.allclose(mkl_syevd_eigenvalues(A), [1.0, 3.0], atol=1e-15)
    assert mkl_syevd_eigenvalues(np.empty((0, 0))).shape == (0,)
    with pytest.raises(ValueError, match="square"):
        mkl_syevd_eigenvalues(np.ones((3, 4)))
    with pytest.raises(np.linalg.LinAlgError, match="finite"):
        mkl_syevd_eigenvalues(np.full((3, 3), np.nan))


@mkl
def test_the_switch_sends_large_matrices_to_mkl_and_workers_to_single_threaded_solvers(
        monkeypatch):
    A = _symmetric(40, np.float64)
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 30)
    assert _kernel.eigensolver_switch_n() == 30
    assert np.array_equal(eigvalsh_inplace(A.copy()), mkl_syevd_eigenvalues(A.copy()))
    # one solve per core in map_single_blas: OpenBLAS ?syevr in place, not MKL
    assert map_single_blas(lambda B: _kernel._numpy_solver(*B.shape[1:], B.dtype),
                           [A, A.astype(np.float32)]) == ["syevr", "syevr"]
    assert np.array_equal(map_single_blas(lambda B: eigvalsh_inplace(B.copy()), [A])[0],
                          syevr_eigenvalues(A.copy()))
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 50)
    assert np.array_equal(eigvalsh_inplace(A.copy()), syevr_eigenvalues(A.copy()))
    # where scipy offers no ?syevr: numpy's eigvalsh
    monkeypatch.setattr(_lapack, "_library", lambda prefix: None)
    assert _kernel._numpy_solver(40, np.dtype(np.float64)) == "numpy"
    assert np.array_equal(eigvalsh_inplace(A.copy()), np.linalg.eigvalsh(A))


def test_the_switch_by_cpu_maker(monkeypatch):
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", None)
    for vendor, n in [*_kernel.EIGENSOLVER_SWITCH_N_BY_VENDOR.items(),
                      ("", _kernel.EIGENSOLVER_SWITCH_N_OTHER)]:
        monkeypatch.setattr(_kernel, "_cpu_vendor", lambda vendor=vendor: vendor)
        assert _kernel.eigensolver_switch_n() == n


def test_without_mkl_large_matrices_go_to_torch(monkeypatch):
    """A torch without MKL (or whose MKL fails the known-matrix check): torch's own
    eigensolve from the switch on."""
    A = _symmetric(40, np.float64)
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 30)
    monkeypatch.setattr(_lapack, "_mkl_syevd", lambda prefix: None)
    assert not _lapack.mkl_syevd_available(np.float64)
    assert _kernel._numpy_solver(40, np.dtype(np.float64)) == "torch"
    assert np.allclose(eigvalsh_inplace(A.copy()), np.linalg.eigvalsh(A), atol=1e-12)
    with pytest.raises(RuntimeError, match="mkl_syevd_available"):
        mkl_syevd_eigenvalues(A.copy())


@pytest.mark.parametrize("n", [1000, 2500])
def test_dse_is_the_same_through_either_solver(n, monkeypatch):
    """The solver is chosen for speed; which one it is moves DSE by rounding only."""
    from dse_repro.measures import dse

    X = np.random.default_rng(0).normal(size=(n, 8))
    values = []
    for switch in (0, 10**9):
        monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", switch)
        values.append(dse(X, 2.0))
    assert values[0] == pytest.approx(values[1], abs=1e-10)


@mkl
def test_an_mkl_symbol_that_gets_the_known_matrix_wrong_is_not_used(monkeypatch):
    """The MKL symbol has no signature to check: a routine that solves the 3 x 3 test matrix
    wrongly (here: returns zeros) makes MKL unavailable rather than trusted."""

    def wrong(fn, A, w, work, iwork, lwork, liwork):
        work[:1], iwork[:1] = 1, 1
        w[:] = 0.0
        return 0, A.shape[0]

    monkeypatch.setattr(_lapack, "_syevd_call", wrong)
    _lapack._mkl_syevd.cache_clear()
    try:
        assert not _lapack.mkl_syevd_available(np.float64)
    finally:
        monkeypatch.undo()
        _lapack._mkl_syevd.cache_clear()


def test_matrices_beyond_32_bit_lapack_go_to_torch_and_numpy(monkeypatch):
    """Our ctypes calls take 32-bit LAPACK integers (n <= 46 340): a larger kernel is solved
    by torch from the switch on and by numpy below it, not refused (here the bound is
    lowered to 30 so that a 40 x 40 matrix stands for one of 50 000 points)."""
    A = _symmetric(40, np.float64)
    monkeypatch.setattr(_kernel, "LAPACK_MAX_N", 30)
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 30)
    assert _kernel._numpy_solver(40, np.dtype(np.float64)) == "torch"
    assert np.allclose(eigvalsh_inplace(A.copy()), np.linalg.eigvalsh(A), atol=1e-12)
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 50)
    assert _kernel._numpy_solver(40, np.dtype(np.float32)) == "numpy"
    assert np.allclose(eigvalsh_inplace(A.astype(np.float32)), np.linalg.eigvalsh(A),
                       atol=1e-4)


@mkl
def test_mkl_without_openblas_routines_solves_the_full_kernel(monkeypatch):
    """From the switch on MKL solves in place; where no OpenBLAS ``?syrk``/``?symv`` can be
    reached for the one-triangle kernel, the full kernel is built instead: same DSE."""
    from dse_repro.measures import dse

    X = np.random.default_rng(5).normal(size=(200, 4))
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 100)
    expected = dse(X, 1.5)
    monkeypatch.setattr(_lapack, "_library", lambda prefix: None)
    assert _kernel._numpy_solver(200, np.dtype(np.float64)) == "mkl"
    assert abs(dse(X, 1.5) - expected) < 1e-12


@pytest.mark.parametrize("integer", [ctypes.c_int32, ctypes.c_int64])
def test_the_integer_workspace_has_the_librarys_width(integer):
    """A 64-bit LAPACK (numpy's OpenBLAS) writes 8-byte integers: its integer workspace is
    allocated at that width, for the query and for the solve."""
    seen = []

    def call(A, w, work, iwork, lwork, liwork):
        seen.append(iwork.dtype)
        if lwork == -1:
            work[0], iwork[0] = 5, 3
            return 0, 0
        assert iwork.size == 3 and work.size == 5
        w[:] = np.diag(A)
        return 0, A.shape[0]

    w = _lapack._solve(np.diag([1.0, 2.0]), call, integer)
    assert np.array_equal(w, [1.0, 2.0])
    assert seen == [np.dtype(integer)] * 2


def test_syrk_and_symv_refuse_what_blas_would_misread():
    X = np.random.default_rng(6).normal(size=(6, 3))
    strided = np.asfortranarray(X)  # not C-ordered: copied, the same product
    assert np.allclose(np.triu(_lapack.syrk_upper(strided)), np.triu(X @ X.T))
    with pytest.raises(TypeError, match="float32 or float64"):
        _lapack.syrk_upper(X.astype(np.int64))
    G = _lapack.syrk_upper(X)
    with pytest.raises(ValueError, match="shape"):
        _lapack.symv_upper(G, np.ones(5))
    with pytest.raises(ValueError, match="square"):
        _lapack.symv_upper(G[:, :4].copy(), np.ones(6))
    with pytest.raises(ValueError, match="^K must be a square"):  # named as the caller calls it
        _lapack.symv_upper(G[:, :4].copy(), np.ones(6))
    with pytest.raises(TypeError, match="^K must be a float32 or float64"):
        _lapack.symv_upper(G.astype(np.int64), np.ones(6))
    with pytest.raises(ValueError, match="C-contiguous"):
        _lapack.symv_upper(np.asfortranarray(X @ X.T), np.ones(6))
