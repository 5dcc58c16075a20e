"""Large-n DSE and DSMI: sparse radius-truncated operator + Lanczos / SLQ vs the exact value.

Deflated SLQ with error bars (``test_deflated_slq_*``): clustered data (3-20 blobs, 8-32-D,
about 100-900 kernel neighbours per point), a tree and uniform data, n = 2000,
t in {1, 2, 3, 5, 10}: ``auto`` within 1 % of exact everywhere, and its error bars
(``max(3 SE, 1e-3 bits)``) cover the true error in >= 95 % of the 30 cases (measured: all
within 0.9 %, 29 of 30 covered); over 8 probe seeds the errors in standard errors have an RMS
of 0.8-1.2 and the bars cover >= 98 % of 240 (measured: 0.98, 238).

Stated tolerances, on data where the kernel is local (the regime the sparse path is for),
n = 1500, t in {1, 2, 5}: DSE within 1 % relative of exact; DSMI (SLQ, t in {1, 2}) within
``DSMI_ATOL`` bits + 2 % of exact (a difference of entropies: the entropies' random errors
do not cancel fully). Measured here: DSMI errors <= 0.003 bits at t = 1 and <= 0.006 at
t = 2; at t = 5 SLQ on these 300-500-point classes is off by up to 0.06 bits (3 %), and
``auto`` computes sets that small exactly anyway."""
from __future__ import annotations

import numpy as np
import pytest

from dse_repro.measures import dse, dse_curve, dsmi, dsmi_curve, large_n
from dse_repro.measures.large_n import (
    dse_approx,
    dse_lanczos,
    dse_slq,
    neighbourhood_size,
    sparse_diffusion_operator,
)
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


def test_slq_is_reproducible_with_a_seed_whatever_the_number_of_threads(monkeypatch):
    K = sparse_diffusion_operator(_data("tree"), SIGMA)
    value, info = dse_slq(K, 1, seed=3)
    assert dse_slq(K, 1, seed=3) == (value, info)
    assert dse_slq(K, 1, seed=4)[0] != value
    for cores in (1, 3):  # the probes run one per core; the numbers must not notice
        monkeypatch.setattr(large_n, "_cores", lambda cores=cores: cores)
        assert dse_slq(K, 1, seed=3) == (value, info)


def test_operator_is_symmetric_normalised_and_bounded(monkeypatch):
    X = _data("blobs")
    K = sparse_diffusion_operator(X, SIGMA)
    assert (K != K.T).nnz == 0  # exactly symmetric, as ARPACK and Lanczos assume
    assert (K.diagonal() > 0).all()  # G_ii = 1 on every row
    monkeypatch.setattr(large_n, "SEARCH_BLOCK", 97)  # the radius search in other blocks
    K2 = sparse_diffusion_operator(X, SIGMA)
    assert (K2 != K).nnz == 0
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


def test_dse_curve_shares_one_operator_deflation_and_probes():
    X, y = _labelled("tree")
    curve, info = large_n.dse_curve_approx(X, SIGMA, [1, 2, 5], "slq")
    assert len(info["std_errors"]) == 3 and isinstance(info["deflated"], int)
    np.testing.assert_array_equal(curve, dse_curve(X, SIGMA, [1, 2, 5], method="slq"))
    for t, value, bar in zip((1, 2, 5), curve, info["error_bars"]):
        single, one = dse_approx(X, SIGMA, t, "slq")
        assert abs(single - value) <= bar + one["error_bars"][0]  # its own deflation


def test_dsmi_auto_is_exact_below_the_threshold_and_per_set_above(monkeypatch, caplog):
    X, y = _labelled("blobs")
    assert dsmi(X, y, SIGMA, 1, method="auto") == dsmi(X, y, SIGMA, 1)  # n <= threshold
    monkeypatch.setattr(large_n, "AUTO_EXACT_MAX_N", 1000)  # n = 1500 > 1000 >= class size 500
    with caplog.at_level("INFO", logger="dse_repro.measures"):
        value = dsmi(X, y, SIGMA, 1, method="auto")
    # 3 classes + the 5 subsets they share (equal sizes, same seed), each 500 points
    assert "{'exact': 8}" in caplog.text
    assert value == pytest.approx(dsmi(X, y, SIGMA, 1), abs=1e-9)
    monkeypatch.setattr(large_n, "AUTO_EXACT_MAX_N", 100)
    caplog.clear()
    with caplog.at_level("INFO", logger="dse_repro.measures"):
        dsmi(X, y, SIGMA, 1, method="auto")
    assert "{'slq': 8}" in caplog.text


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


# --- deflated SLQ with an error bar (clustered spectra, every t) -----------------------------
TS = [1, 2, 3, 5, 10]


def _spectra_cases():
    from sklearn.datasets import make_blobs

    for centers, dim, sigma in [(3, 16, 4.0), (5, 32, 5.0), (10, 8, 3.0), (20, 32, 5.5)]:
        X, _ = make_blobs(n_samples=2000, centers=centers, n_features=dim,
                          random_state=centers)
        yield f"blobs{centers}-{dim}d", X, sigma
    rng = np.random.default_rng(0)
    x, _ = random_tree(5, 400, 3, seed=2, step=15.0)
    yield "tree", _embed(x, 10, rng), 10.0
    yield "uniform", _embed(rng.uniform(0, 200, size=(2000, 2)), 10, rng), 10.0


@pytest.fixture(scope="module")
def deflated_runs():
    """(name, neighbours per point, exact DSE at TS, auto's values, its info) per data set."""
    runs = []
    for name, X, sigma in _spectra_cases():
        values, info = large_n.dse_curve_approx(X, sigma, TS, "auto")
        runs.append((name, neighbourhood_size(X, sigma), dse_curve(X, sigma, TS), values, info))
    return runs


def test_deflated_slq_within_one_percent_at_every_t(deflated_runs):
    assert {round(nb, -2) >= 100 for _, nb, *_ in deflated_runs[:4]} == {True}
    for name, nb, exact, values, info in deflated_runs:
        rel = np.abs(values - exact) / exact
        assert (rel <= 0.01).all(), (name, nb, rel, info)
    # clustered data at t >= 3 needed the deflation; the spread tree spectrum did not
    deflated = {name: info["deflated"] for name, _, _, _, info in deflated_runs}
    assert all(deflated[n] > 0 for n in deflated if n.startswith("blobs"))


def test_deflated_slq_error_bars_cover_the_true_error(deflated_runs):
    covered = [abs(v - e) <= bar for _, _, exact, values, info in deflated_runs
               for v, e, bar in zip(values, exact, info["error_bars"])]
    assert len(covered) == 30 and np.mean(covered) >= 0.95, covered
    for *_, info in deflated_runs:  # the standard error is a real spread, not a constant
        assert info["std_errors"][0] > 0 and info["target_met"]


def test_plain_slq_is_what_deflation_fixes():
    """Without deflation (max_deflation=0) the issue's case -- 5 blobs, 32-D, t = 3 -- is
    off by more than 1 % for some seed; deflated, every seed is within 0.2 %."""
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=2000, centers=5, n_features=32, random_state=0)
    exact = dse(X, 5.0, 3)
    K = sparse_diffusion_operator(X, 5.0)
    plain = [dse_slq(K, 3, seed=s, max_deflation=0)[0] for s in range(6)]
    deflated = [dse_slq(K, 3, seed=s)[0] for s in range(6)]
    assert max(abs(v - exact) for v in plain) > 0.01 * exact
    assert max(abs(v - exact) for v in deflated) < 0.002 * exact


def test_auto_warns_when_it_cannot_reach_its_target():
    X = _data("uniform")
    with pytest.warns(UserWarning, match="did not reach its error target"):
        _, info = large_n.dse_curve_approx(X, SIGMA, [1], "auto", max_probes=40,
                                           rtol=1e-6, atol=1e-9)
    assert info["probes"] == 40 and not info["target_met"]
    _, info = large_n.dse_curve_approx(X, SIGMA, [1], "slq", rtol=1e-6, atol=1e-9)
    assert info["probes"] == 30  # explicit slq: the probes asked for, no more


def test_dsmi_large_n_logs_its_standard_error(caplog):
    X, y = _labelled("blobs")
    with caplog.at_level("INFO", logger="dse_repro.measures"):
        approx = dsmi(X, y, SIGMA, 3, method="slq")
    assert "standard errors [" in caplog.text
    assert abs(approx - dsmi(X, y, SIGMA, 3)) <= DSMI_ATOL + 0.02 * abs(approx)


def test_dsmi_curve_approx_returns_its_error_bar():
    """The DSMI's combined standard error comes back with an error bar that covers the true
    error (against exact) on labelled data, per t; exact paths report zero error."""
    from dse_repro.measures.dsmi import dsmi_curve_approx

    covered = 0
    cases = 0
    for kind in ("blobs", "tree"):  # clustered (deflated) and not
        X, y = _labelled(kind)
        ts = [1, 3]
        values, info = dsmi_curve_approx(X, y, SIGMA, ts, method="slq")
        np.testing.assert_array_equal(values, dsmi_curve(X, y, SIGMA, ts, method="slq"))
        # each class, and 5 subsets per distinct class size (equal classes share them)
        sizes = np.unique(y, return_counts=True)[1]
        assert info["method"] == "slq" and info["sets"] == {"slq": sizes.size
                                                            + 5 * np.unique(sizes).size}
        assert len(info["std_errors"]) == len(ts) == len(info["error_bars"])
        assert all(b >= max(3 * se, 1e-3) - 1e-15
                   for se, b in zip(info["std_errors"], info["error_bars"]))
        exact = dsmi_curve(X, y, SIGMA, ts)
        for v, e, bar in zip(values, exact, info["error_bars"]):
            cases += 1
            covered += abs(v - e) <= bar
    assert covered == cases, (covered, cases)
    X, y = _labelled("blobs")
    values, info = dsmi_curve_approx(X, y, SIGMA, [1], method="auto")  # n <= threshold: exact
    assert info == {"method": "exact", "std_errors": [0.0], "error_bars": [0.0]}
    assert values[0] == dsmi(X, y, SIGMA, 1)
    with pytest.raises(ValueError, match="method='exact' has no error"):
        dsmi_curve_approx(X, y, SIGMA, [1], method="exact")


@pytest.mark.parametrize("n,dim,sigma", [(60, 5, 1.0), (400, 3, 0.03), (300, 8, 2.0)])
@pytest.mark.parametrize("t", [1, 2, 3, 5])
def test_lanczos_error_bar_is_a_bound(n, dim, sigma, t):
    """For t >= 3 the total of the powered spectrum is not known: the tail bound is taken over
    its whole range, so the bar covers the true error (it was ~0 at t >= 3, with errors of
    0.26 bits and more)."""
    X = np.random.default_rng(n).normal(size=(n, dim))
    value, info = dse_approx(X, sigma, t, method="lanczos")
    assert abs(value - dse(X, sigma, t)) <= info["error_bars"][0] + 1e-9
    assert info["error_bars"][0] >= 1e-3


def test_standard_errors_are_calibrated_over_seeds(deflated_runs):
    """Over 8 probe seeds of the 30 cases above, the errors in units of the reported standard
    error have an RMS near 1 (the jackknife neither under- nor overstates the spread) and
    the 3-SE bar covers >= 98 % of them (measured: RMS 0.98, 238 of 240 covered)."""
    z, covered = [], []
    for (name, X, sigma), (run, _, exact, values0, info0) in zip(_spectra_cases(), deflated_runs):
        assert name == run
        for seed in range(8):
            values, info = ((values0, info0) if seed == 0 else
                            large_n.dse_curve_approx(X, sigma, TS, "auto", seed=seed))
            for v, e, se, bar in zip(values, exact, info["std_errors"], info["error_bars"]):
                z.append((v - e) / se)
                covered.append(abs(v - e) <= bar)
    rms = float(np.sqrt(np.mean(np.square(z))))
    assert len(covered) == 240
    assert 0.8 <= rms <= 1.2 and np.mean(covered) >= 0.98, (rms, sum(covered))


@pytest.mark.parametrize("method", ["lanczos", "slq"])
def test_sparse_path_takes_extreme_widths_at_their_limits(method):
    """A width 1e300 times the data's scale is the all-ones kernel (sigma ** 2 raised an
    OverflowError), 1e-300 times it the identity between distinct points -- duplicates
    included, with no 0 / 0 -- as the dense kernel takes them; no -0.0 comes back."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 3))
    assert dse(X, 1e300, method=method) == pytest.approx(0.0, abs=1e-9)
    assert dse(X, 1e-300, method=method) == pytest.approx(np.log2(300), abs=1e-9)
    dup = np.vstack([X[:150], X[:150]])  # 150 pairs: the identity on 150 distinct points
    assert dse(dup, 1e-300, method=method) == pytest.approx(np.log2(150), abs=1e-9)
    assert dse(dup, 1e-300) == pytest.approx(np.log2(150), abs=1e-9)
    value = dse(X, "knn_median", t=10**6, method="lanczos")
    assert value == 0.0 and str(value) == "0.0"
    with pytest.raises(ValueError, match="sigma='knn_median': every point has 7 duplicates"):
        dse(np.repeat(X[:40], 8, axis=0), "knn_median", method=method)
