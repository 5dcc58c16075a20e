"""Parity with the authors' ``dse-dsmi`` 1.1: reference mode to 1e-9, fast mode to 1e-6 bits."""
from __future__ import annotations

import dse_dsmi
import numpy as np
import pytest
from conftest import blobs

from dse_repro.measures import cse, csmi, dse, dsmi

CASES = [(n, d) for n in (50, 300, 1000) for d in (2, 20, 500)]


def _data(n: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d)


@pytest.mark.parametrize("n,d", CASES)
def test_dse_parity(n, d):
    X = _data(n, d, seed=n + d)
    # sigma on the scale of the data and the paper's default 10.
    for sigma in (np.sqrt(d), 10.0):
        for t in (1, 2, 5):
            ref = dse_dsmi.diffusion_spectral_entropy(X, gaussian_kernel_sigma=sigma, t=t)
            assert dse(X, sigma=sigma, t=t, reference=True) == pytest.approx(ref, abs=1e-9)
            assert dse(X, sigma=sigma, t=t) == pytest.approx(ref, abs=1e-6)


@pytest.mark.parametrize("n,d,k", [(50, 2, 2), (300, 20, 3), (300, 500, 5), (1000, 20, 10),
                                   (1000, 2, 7)])
@pytest.mark.parametrize("t", [1, 2, 5])
def test_dsmi_parity_discrete(n, d, k, t):
    X, _ = blobs(n // k, k, d, spread=3.0, std=1.0, seed=n + k)
    rng = np.random.default_rng(t)
    y = np.repeat(np.arange(k), n // k)
    y[rng.random(y.size) < 0.3] = rng.integers(0, k)  # partly corrupted, unequal classes
    sigma = np.sqrt(d)
    ref, _ = dse_dsmi.diffusion_spectral_mutual_information(
        X, y.reshape(-1, 1), gaussian_kernel_sigma=sigma, t=t)
    assert dsmi(X, y, sigma=sigma, t=t, reference=True) == pytest.approx(ref, abs=1e-9)
    assert dsmi(X, y, sigma=sigma, t=t) == pytest.approx(ref, abs=1e-6)


def test_dsmi_parity_continuous_vectors():
    X, _ = blobs(60, 3, 10, spread=4.0, std=1.0, seed=2)
    rng = np.random.default_rng(0)
    images = X @ rng.normal(size=(10, 64)) + 0.1 * rng.normal(size=(180, 64))
    ref, _ = dse_dsmi.diffusion_spectral_mutual_information(X, images, gaussian_kernel_sigma=3.0)
    assert dsmi(X, images, sigma=3.0, reference=True) == pytest.approx(ref, abs=1e-9)
    assert dsmi(X, images, sigma=3.0) == pytest.approx(ref, abs=1e-6)


def test_dsmi_parity_continuous_scalar():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 5))
    s = X[:, 0] + 0.3 * rng.normal(size=400)
    ref, _ = dse_dsmi.diffusion_spectral_mutual_information(X, s, gaussian_kernel_sigma=2.0,
                                                            n_clusters=4)
    assert dsmi(X, s, sigma=2.0, n_clusters=4) == pytest.approx(ref, abs=1e-6)


@pytest.mark.parametrize("bins", [2, 5, 10])
def test_cse_parity(bins):
    X = _data(300, 4, seed=bins)
    ref = dse_dsmi.diffusion_spectral_entropy(X, classic_shannon_entropy=True,
                                              num_bins_per_dim=bins)
    assert cse(X, bins=bins) == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("bins", [2, 10])
def test_csmi_subset_correction_parity(bins):
    X, y = blobs(100, 3, 3, spread=3.0, std=1.0, seed=bins)
    ref, _ = dse_dsmi.diffusion_spectral_mutual_information(
        X, y.reshape(-1, 1), classic_shannon_entropy=True, num_bins_per_dim=bins)
    assert csmi(X, y, bins=bins, subset_correction=True) == pytest.approx(ref, abs=1e-9)


def test_reference_subsamples_like_dse_dsmi():
    X = _data(10_050, 2, seed=0)
    ref = dse_dsmi.diffusion_spectral_entropy(X, gaussian_kernel_sigma=1.0, max_N=100)
    assert dse(X, sigma=1.0, reference=True, max_n=100) == pytest.approx(ref, abs=1e-9)
