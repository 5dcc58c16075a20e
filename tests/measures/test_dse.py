"""Known values and invariances of DSE (bits)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import blobs
from scipy.stats import ortho_group

from dse_repro.measures import _lapack, diffusion_matrix, dse, dse_from_matrix, spectral_entropy


def test_tiny_sigma_gives_log2_n(rng):
    X = rng.normal(size=(200, 5))
    assert dse(X, sigma=1e-6) == pytest.approx(np.log2(200), abs=1e-9)


def test_huge_sigma_gives_zero(rng):
    # sigma >> diameter: G = all ones, K = 11^T / n has one eigenvalue 1 and the rest 0.
    X = rng.normal(size=(100, 3))
    assert dse(X, sigma=1e6) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_far_tight_clusters_at_large_t_give_log2_k(k):
    X, _ = blobs(60, k, d=4, spread=100.0, std=0.1, seed=k)
    assert dse(X, sigma=1.0, t=200) == pytest.approx(np.log2(k), abs=0.01)


def test_one_blob_at_large_t_goes_to_zero():
    X, _ = blobs(300, 1, d=3, spread=0.0, std=1.0, seed=1)
    assert dse(X, sigma=2.0, t=500) < 0.05


def test_non_increasing_in_t(rng):
    for X in (rng.normal(size=(150, 10)), blobs(40, 3, 5, 5.0, 1.0)[0], rng.uniform(size=(120, 2))):
        values = [dse(X, sigma=1.0, t=t) for t in range(1, 12)]
        assert all(b <= a + 1e-10 for a, b in zip(values, values[1:])), values


def test_bounds(rng):
    X = rng.normal(size=(80, 4))
    for sigma in (0.1, 1.0, 10.0):
        assert 0.0 <= dse(X, sigma=sigma) <= np.log2(80) + 1e-12


def test_invariant_to_point_order(rng):
    X = rng.normal(size=(150, 8))
    assert dse(X[rng.permutation(150)], sigma=2.0) == pytest.approx(dse(X, sigma=2.0), abs=1e-9)


def test_invariant_to_rotation_and_translation(rng):
    X = rng.normal(size=(150, 8))
    Q = ortho_group.rvs(8, random_state=0)
    moved = X @ Q + 1e4  # far from the origin: checks there is no cancellation
    assert dse(moved, sigma=2.0, t=2) == pytest.approx(dse(X, sigma=2.0, t=2), abs=1e-7)


def test_scale_covariance(rng):
    X = rng.normal(size=(100, 3))
    assert dse(3.0 * X, sigma=6.0) == pytest.approx(dse(X, sigma=2.0), abs=1e-9)


def test_diffusion_matrix_is_symmetric_with_top_eigenvalue_one(rng):
    X = rng.normal(size=(90, 4))
    K = diffusion_matrix(X, sigma=1.5)
    assert np.allclose(K, K.T)
    lam = np.linalg.eigvalsh(K)
    assert lam[-1] == pytest.approx(1.0, abs=1e-10)
    assert lam[0] > -1.0


def test_torch_matches_numpy(rng):
    X = rng.normal(size=(120, 6))
    assert dse(torch.tensor(X), sigma=2.0, t=3) == pytest.approx(dse(X, sigma=2.0, t=3), abs=1e-9)


def test_float32_option_is_close(rng):
    X = rng.normal(size=(500, 16))
    assert abs(dse(X, sigma=4.0, precision="float32") - dse(X, sigma=4.0)) < 1e-3


def test_max_n_subsamples_reproducibly(rng):
    X = rng.normal(size=(300, 4))
    a = dse(X, sigma=1.0, max_n=100, seed=3)
    assert a == dse(X, sigma=1.0, max_n=100, seed=3)
    assert a <= np.log2(100)


class TestFromMatrix:
    def test_identity_gives_log2_n(self):
        assert dse_from_matrix(np.eye(64)) == pytest.approx(6.0, abs=1e-12)

    def test_rank_one_gives_zero(self):
        v = np.ones((10, 1))
        assert dse_from_matrix(v @ v.T) == pytest.approx(0.0, abs=1e-9)

    def test_equals_entropy_of_known_spectrum(self, rng):
        Q = ortho_group.rvs(6, random_state=1)
        lam = np.array([4.0, 2.0, 1.0, 1.0, 0.5, 0.5])
        p = lam / lam.sum()
        expected = -(p * np.log2(p)).sum()
        assert dse_from_matrix(Q @ np.diag(lam) @ Q.T) == pytest.approx(expected, abs=1e-10)

    def test_mixture_rises_toward_identity(self, rng):
        A = rng.normal(size=(64, 64))
        S = A @ A.T / 64
        values = [dse_from_matrix((1 - a) * S + a * np.eye(64)) for a in np.linspace(0, 1, 6)]
        assert all(b > a for a, b in zip(values, values[1:]))

    def test_rejects_non_symmetric(self):
        with pytest.raises(ValueError, match="symmetric"):
            dse_from_matrix(np.triu(np.ones((4, 4))))

    def test_rejects_non_square(self):
        with pytest.raises(ValueError, match="square"):
            dse_from_matrix(np.ones((3, 4)))


def test_spectral_entropy_large_t_does_not_overflow():
    lam = np.array([1.0, 0.999, 0.5, -0.2])
    assert spectral_entropy(lam, t=10_000) == pytest.approx(0.0, abs=1e-3)
    assert np.isfinite(spectral_entropy(lam * 1e300, t=5))


def test_spectral_entropy_takes_a_spectrum_only():
    """A matrix passed for its eigenvalues is refused, not read as n^2 eigenvalues; one
    eigenvalue gives 0.0 bits (not -0.0)."""
    with pytest.raises(ValueError, match="eigenvalues must be a non-empty 1-D array.*dse_from_"):
        spectral_entropy(np.eye(3))
    with pytest.raises(TypeError, match="eigenvalues"):
        spectral_entropy(["a", "b"])
    assert str(spectral_entropy(np.array([0.7]))) == "0.0"
    assert str(dse_from_matrix(np.ones((1, 1)))) == "0.0"


@pytest.mark.parametrize("c", [1e-100, 1e-12, 1.0, 1e100])
def test_dse_from_matrix_symmetry_check_is_scale_free(c):
    """A non-symmetric matrix is refused at any scale (entries below atol were taken as
    symmetric, one triangle read), a symmetric one accepted, with the same entropy."""
    A = np.random.default_rng(0).normal(size=(6, 6))
    with pytest.raises(ValueError, match="K must be symmetric"):
        dse_from_matrix(c * A)
    with pytest.raises(ValueError, match="K must be symmetric"):
        dse_from_matrix(torch.tensor(c * A))
    S = A + A.T
    assert dse_from_matrix(c * S) == pytest.approx(dse_from_matrix(S), abs=1e-12)
    assert dse_from_matrix(torch.tensor(c * S)) == pytest.approx(dse_from_matrix(S), abs=1e-12)
    assert spectral_entropy(torch.tensor([1.0, 1.0])) == pytest.approx(1.0)


def test_dse_curve_equals_pointwise(rng):
    from dse_repro.measures import dse_curve

    X = rng.normal(size=(100, 4))
    ts = [1, 2, 7, 50]
    assert np.allclose(dse_curve(X, 1.5, ts), [dse(X, 1.5, t) for t in ts], atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sigma", ["scalar", "per_point", 1e-200, 1e200])
def test_kernel_from_the_gram_matrix_in_blocks_is_the_two_steps_bit_for_bit(dtype, sigma):
    """The fused, row-blocked kernel (distances and weights of each block while it is in
    cache) gives the bits of squared distances first and the kernel from them after."""
    from dse_repro.measures import distances
    from dse_repro.measures._kernel import kernel_from_gram, kernel_from_sq

    X = np.random.default_rng(1).normal(size=(300, 5))  # 300 rows: 3 blocks, the last short
    width = {"scalar": 1.5, "per_point": np.linspace(0.5, 2.0, 300)}.get(sigma, sigma)
    G = distances.gram(X, dtype)
    fused = kernel_from_gram(G.copy(), width)
    apart = kernel_from_sq(distances.gram_to_sq_distances(G.copy()), width)
    assert fused.dtype == dtype
    assert np.array_equal(fused, apart)
    if sigma == 1e-200:  # every weight between distinct points 0: the identity
        assert np.array_equal(fused, np.eye(300, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sigma", ["scalar", "wide_data", "per_point", 1e-200, 1e200])
def test_the_one_triangle_kernel_is_the_full_kernel_on_its_upper_triangle(dtype, sigma):
    """``kernel_upper`` (syrk, weights on one triangle, the single width's weights as
    ``exp(g_ij / sigma^2) a_i a_j`` where that cannot over- or underflow) is the full kernel
    on the triangle a one-triangle eigensolve reads, to rounding; the limits exactly."""
    from dse_repro.measures._kernel import FUSED_MAX_ARG, kernel_matrix, kernel_upper

    X = np.random.default_rng(3).normal(size=(300, 5)) + 2.0  # 3 row blocks, the last short
    width = {"scalar": 1.5, "per_point": np.linspace(0.5, 2.0, 300),
             "wide_data": 0.1}.get(sigma, sigma)  # 0.1: g_ii / sigma^2 > FUSED_MAX_ARG
    if sigma == "wide_data":
        Xc = X - X.mean(axis=0)
        assert (Xc ** 2).sum(axis=1).max() > FUSED_MAX_ARG * width ** 2  # the two-pass form
    upper = np.triu_indices(300)
    K = kernel_upper(X, width, dtype)
    full = kernel_matrix(X, width, np.dtype(dtype).name)
    assert K.dtype == dtype and K.flags.c_contiguous and K.shape == (300, 300)
    tol = 1e-6 if dtype == np.float32 else 1e-14
    assert np.allclose(K[upper], full[upper], rtol=tol, atol=tol * np.abs(full).max())
    if isinstance(sigma, float):  # the identity / the all-ones kernel, bit for bit
        assert np.array_equal(K[upper], full[upper])
    # the eigenvalues that one triangle gives are the full kernel's
    lam = _lapack.syevr_eigenvalues(K.copy())
    assert np.allclose(lam, np.linalg.eigvalsh(full.astype(np.float64)), atol=10 * tol)


@pytest.mark.parametrize("solver", ["syevr", "mkl"])
def test_dse_is_the_entropy_of_the_full_kernel_through_either_kernel(rng, solver, monkeypatch):
    """``dse``'s one-triangle kernel, solved in place by OpenBLAS ``?syevr`` (below the switch
    to MKL) or by MKL's ``?syevd`` (from it), gives the entropy of ``diffusion_matrix``'s full
    kernel to rounding, for a fixed and for per-point widths."""
    from dse_repro.measures import _kernel

    if solver == "mkl" and not _lapack.mkl_syevd_available(np.float64):
        pytest.skip("no MKL in this torch")
    monkeypatch.setattr(_kernel, "EIGENSOLVER_SWITCH_N", 100 if solver == "mkl" else 10_000)
    X = rng.normal(size=(400, 6))
    assert _kernel._numpy_solver(400, np.dtype(np.float64)) == solver
    for sigma in (2.0, "knn"):
        for t in (1, 5):
            full = np.linalg.eigvalsh(diffusion_matrix(X, sigma))
            assert abs(dse(X, sigma, t) - spectral_entropy(full, t)) < 1e-12


@pytest.mark.parametrize("d", [3, 256, 257, 600])  # both sides of GEMM_MAX_D = 256
def test_gram_by_either_blas_product_is_the_centred_inner_products(d):
    from dse_repro.measures import distances

    X = np.random.default_rng(2).normal(size=(50, d)) + 7.0
    Xc = X - X.mean(axis=0)
    G = distances.gram(X, np.float64)
    assert G.flags.c_contiguous
    assert np.allclose(G, Xc @ Xc.T, rtol=1e-12, atol=1e-9)
    assert np.abs(G - G.T).max() <= 1e-13 * np.abs(G).max()  # symmetric to the last bits


def test_single_threaded_blas_holds_numpys_blas_to_one_thread_and_gives_it_back():
    from threadpoolctl import threadpool_info

    from dse_repro.measures._parallel import single_threaded_blas

    def numpys() -> int:
        threads = [i["num_threads"] for i in threadpool_info()
                   if i["user_api"] == "blas" and "numpy" in i["filepath"]]
        if not threads:
            pytest.skip("numpy's BLAS is not one threadpoolctl finds by its path here")
        return threads[0]

    before = numpys()
    with single_threaded_blas():
        assert numpys() == 1
    assert numpys() == before


def test_overlapping_single_threaded_blas_contexts_give_the_threads_back():
    """Two threads whose contexts overlap (A in, B in, A out, B out): the limit stays until
    the last leaves, and BLAS then has its threads back -- not left on one thread for good.
    (The limit is checked through the module's state: OpenBLAS applies it to every thread but
    reports the count set from another thread unreliably.)"""
    import threading

    from threadpoolctl import threadpool_info

    from dse_repro.measures import _parallel

    def threads() -> set[int]:
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    def held() -> tuple[int, bool]:
        return _parallel._blas_holders, _parallel._blas_limiter is not None

    before = threads()
    steps = {name: threading.Event() for name in ("a_in", "b_in", "a_go", "a_out", "b_go")}

    def a() -> None:
        with _parallel.single_threaded_blas():
            steps["a_in"].set()
            steps["a_go"].wait()
        steps["a_out"].set()

    def b() -> None:
        steps["a_in"].wait()
        with _parallel.single_threaded_blas():
            steps["b_in"].set()
            steps["b_go"].wait()
            assert _parallel.map_single_blas(lambda x: x + 1, [1, 2]) == [2, 3]  # nested

    runners = [threading.Thread(target=f) for f in (a, b)]
    for r in runners:
        r.start()
    steps["b_in"].wait()
    seen = [held()]  # both in
    steps["a_go"].set()
    steps["a_out"].wait()
    seen.append(held())  # A out, B still in
    steps["b_go"].set()
    for r in runners:
        r.join()
    assert seen == [(2, True), (1, True)]
    assert held() == (0, False)
    assert threads() == before
