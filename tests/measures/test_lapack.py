"""``_lapack.syevr_eigenvalues``: LAPACK's ?syevr through scipy's Cython LAPACK, GIL released."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.linalg

from dse_repro.measures._kernel import eigvalsh_inplace
from dse_repro.measures._lapack import syevr_eigenvalues


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
