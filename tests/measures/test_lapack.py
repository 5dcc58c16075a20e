"""``_lapack``: LAPACK's ?syevr through scipy's Cython LAPACK and MKL's ?syevd from torch's
library, GIL released, in place; and the choice among the solvers by size
(``_kernel.eigvalsh_inplace``)."""
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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 2, 7, 257])
def test_the_eigenvalues_of_scipys_syevr_bit_for_bit(dtype, n):
    A = _symmetric(n, dtype)
    w = syevr_eigenvalues(A.copy())
    assert w.dtype == dtype
    assert np.array_equal(w, scipy.linalg.eigh(A, eigvals_only=True, driver="evr"))


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
    monkeypatch.setattr(_lapack, "_syevr", lambda prefix: None)
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
    monkeypatch.setattr(_lapack, "_syevr", lambda prefix: None)
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
