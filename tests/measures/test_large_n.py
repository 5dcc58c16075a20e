"""Large-n DSE and DSMI: sparse radius-truncated operator + Lanczos / SLQ vs the exact value.

Stated tolerances, on data where the kernel is local (the regime the sparse path is for),
n = 1500, t in {1, 2, 5}: DSE within 1 % relative of exact; DSMI (SLQ, t in {1, 2}) within
``DSMI_ATOL`` bits + 2 % of exact (a difference of entropies: the entropies' random errors
do not cancel fully). Measured here: DSMI errors <= 0.003 bits at t = 1 and <= 0.006 at
t = 2; at t = 5 SLQ on these 300-500-point classes is off by up to 0.06 bits (3 %), and
``auto`` computes sets that small exactly anyway."""
from __future__ import annotations

import numpy as np
import pytest

from dse_repro.measures import dse, dse_curve, dsmi
from dse_repro.measures import large_n
from dse_repro.measures.large_n import (dse_approx, dse_lanczos, dse_slq, neighbourhood_size,
                                        sparse_diffusion_operator)
from dse_repro.simulate.toys import random_tree

SIGMA = 10.0
DSMI_ATOL = 0.02  # bits


def _embed(x: np.ndarray, dim: int, rng) -> np.ndarray:
    q = np.linalg.qr(rng.normal(size=(dim, dim)))[0][: x.shape[1]]
    return x @ q + rng.normal(0, 0.5, size=(x.shape[0], dim))


def _labelled(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """``(X (1500, 10), labels)``: blob ids, tree branches, or 5 bins of the first coordinate."""
    rng = np.random.default_rng(1)
    if kind == "blobs":
        centres = rng.uniform(0, 400, size=(3, 3))
        x = np.concatenate([c + rng.normal(0, 25, size=(500, 3)) for c in centres])
        y = np.repeat(np.arange(3), 500)
    elif kind == "tree":
        x, y = random_tree(5, 300, 3, seed=2, step=15.0)
    else:
        x = rng.uniform(0, 200, size=(1500, 2))
        y = np.minimum(x[:, 0] // 40, 4).astype(int)
    return _embed(x, 10, rng), y


def _data(kind: str) -> np.ndarray:
    return _labelled(kind)[0]


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
    with pytest.raises(ValueError, match="reference=True"):  # not silently the reference
        dse(X, SIGMA, 1, method="slq", reference=True)
    with pytest.raises(ValueError, match="method"):
        dse(X, SIGMA, 1, method="nystrom", reference=True)


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


@pytest.mark.parametrize("t", [1, 2])
@pytest.mark.parametrize("kind", ["blobs", "tree", "uniform"])
def test_dsmi_slq_close_to_exact(kind, t):
    X, y = _labelled(kind)
    exact = dsmi(X, y, SIGMA, t)
    approx = dsmi(X, y, SIGMA, t, method="slq")
    assert abs(approx - exact) <= DSMI_ATOL + 0.02 * abs(exact), (kind, approx, exact)
    assert dsmi(X, y, SIGMA, t, method="slq") == approx  # seeded


def test_dse_curve_and_dsmi_curve_share_one_operator_per_set():
    X, y = _labelled("tree")
    curve = dse_curve(X, SIGMA, [1, 2, 5], method="slq")
    singles = [dse(X, SIGMA, t, method="slq") for t in (1, 2, 5)]
    np.testing.assert_allclose(curve, singles, rtol=0, atol=1e-12)  # same nodes, same numbers


def test_dsmi_auto_is_exact_below_the_threshold_and_per_set_above(monkeypatch, caplog):
    X, y = _labelled("blobs")
    assert dsmi(X, y, SIGMA, 1, method="auto") == dsmi(X, y, SIGMA, 1)  # n <= threshold
    monkeypatch.setattr(large_n, "AUTO_EXACT_MAX_N", 1000)  # n = 1500 > 1000 >= class size 500
    with caplog.at_level("INFO", logger="dse_repro.measures"):
        value = dsmi(X, y, SIGMA, 1, method="auto")
    assert "{'exact': 18}" in caplog.text  # 3 classes x (1 + 5 subsets), each 500 points
    assert value == pytest.approx(dsmi(X, y, SIGMA, 1), abs=1e-9)
    monkeypatch.setattr(large_n, "AUTO_EXACT_MAX_N", 100)
    caplog.clear()
    with caplog.at_level("INFO", logger="dse_repro.measures"):
        dsmi(X, y, SIGMA, 1, method="auto")
    assert "{'slq': 18}" in caplog.text


def test_dsmi_method_bad_inputs():
    X, y = _labelled("blobs")
    with pytest.raises(ValueError, match="method"):
        dsmi(X, y, SIGMA, method="nystrom")
    with pytest.raises(ValueError, match="reference"):
        dsmi(X, y, SIGMA, method="slq", reference=True)
    with pytest.raises(ValueError, match="precomputed"):
        dsmi(np.zeros((10, 10)), np.arange(10) % 2, SIGMA, method="slq", precomputed=True)
    with pytest.raises(ValueError, match="method"):
        dse_curve(X, SIGMA, [1], method="nystrom")


def test_lanczos_without_convergence_is_a_clear_error(monkeypatch):
    import scipy.sparse.linalg as sla

    def no_convergence(*args, **kwargs):  # what ARPACK does on a flat, clustered spectrum
        raise sla.ArpackNoConvergence("No convergence (10001 iterations)", np.array([]),
                                      np.array([]))

    K = sparse_diffusion_operator(_data("uniform"), SIGMA)
    monkeypatch.setattr(sla, "eigsh", no_convergence)
    with pytest.raises(ValueError, match="method='slq'"):
        dse_lanczos(K, 2)
