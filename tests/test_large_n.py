"""Large-n DSE: sparse radius-truncated operator + Lanczos / SLQ vs the exact value.

Stated tolerance: 1 % relative to the exact DSE, on data where the kernel is local (the
regime the sparse path is for), n = 1500, t in {1, 2, 5}."""
from __future__ import annotations

import numpy as np
import pytest

from dse_repro.measures import dse
from dse_repro.measures.large_n import (dse_approx, dse_slq, neighbourhood_size,
                                        sparse_diffusion_operator)
from dse_repro.simulate.toys import random_tree

SIGMA = 10.0


def _embed(x: np.ndarray, dim: int, rng) -> np.ndarray:
    q = np.linalg.qr(rng.normal(size=(dim, dim)))[0][: x.shape[1]]
    return x @ q + rng.normal(0, 0.5, size=(x.shape[0], dim))


def _data(kind: str) -> np.ndarray:
    rng = np.random.default_rng(1)
    if kind == "blobs":
        centres = rng.uniform(0, 400, size=(3, 3))
        x = np.concatenate([c + rng.normal(0, 25, size=(500, 3)) for c in centres])
    elif kind == "tree":
        x, _ = random_tree(5, 300, 3, seed=2, step=15.0)
    else:
        x = rng.uniform(0, 200, size=(1500, 2))
    return _embed(x, 10, rng)


@pytest.fixture(scope="module", params=["blobs", "tree", "uniform"])
def case(request):
    X = _data(request.param)
    return request.param, X, {t: dse(X, SIGMA, t) for t in (1, 2, 5)}


@pytest.mark.parametrize("method,t", [("slq", 1), ("slq", 2), ("slq", 5), ("lanczos", 2),
                                      ("lanczos", 5)])
def test_approximations_within_one_percent_of_exact(case, method, t):
    kind, X, exact = case
    value, info = dse_approx(X, SIGMA, t, method)
    assert info["method"] == method and info["nnz_per_row"] < X.shape[0] / 2  # really sparse
    assert abs(value - exact[t]) <= 0.01 * exact[t], (kind, method, t, value, exact[t], info)


def test_dse_method_argument_and_auto(caplog):
    X = _data("uniform")
    assert dse(X, SIGMA, 1, method="slq") == dse_approx(X, SIGMA, 1, "slq")[0]
    with caplog.at_level("INFO", logger="dse_repro.measures"):
        assert dse(X, SIGMA, 1, method="auto") == dse(X, SIGMA, 1)  # small n: exact
    assert "exact" in caplog.text
    with pytest.raises(ValueError, match="method"):
        dse(X, SIGMA, 1, method="nystrom")


def test_slq_is_reproducible_with_a_seed():
    K = sparse_diffusion_operator(_data("tree"), SIGMA)
    assert dse_slq(K, 1, seed=3)[0] == dse_slq(K, 1, seed=3)[0]
    assert dse_slq(K, 1, seed=3)[0] != dse_slq(K, 1, seed=4)[0]


def test_operator_is_symmetric_normalised_and_bounded():
    X = _data("blobs")
    K = sparse_diffusion_operator(X, SIGMA)
    assert abs(K - K.T).max() < 1e-12
    lam = np.linalg.eigvalsh(K.toarray())
    assert lam.max() == pytest.approx(1.0, abs=1e-9)  # top eigenvalue of D^-1/2 G D^-1/2
    assert lam.min() > -1e-3  # PSD up to the truncation error


def test_dense_kernel_is_refused_with_a_clear_error():
    X = np.random.default_rng(0).normal(size=(500, 8))  # all within the kernel's reach
    assert neighbourhood_size(X, SIGMA) == 500
    with pytest.raises(ValueError, match="effectively dense"):
        sparse_diffusion_operator(X, SIGMA, max_neighbors=100)
