"""Kernel-width policies (sigma="knn", the default; "knn_median"; "median"), the default
width everywhere, DSE's defining property under it, and the degenerate-width warning."""
from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest
import torch

from dse_repro.measures import DegenerateSigmaWarning, dse, dse_curve, dsmi
from dse_repro.measures.bandwidth import (
    degenerate_sigma,
    median_distance,
    median_in_place,
    resolve_sigma,
)

RNG = np.random.default_rng(0)
Y = np.repeat(np.arange(3), 50)
X = RNG.normal(size=(150, 8)) + 3.0 * np.eye(8)[Y]
POLICIES = ["median", "knn", "knn_median"]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("c", [1e-6, 1e-3, 1.0, 1e3, 1e6])
def test_policies_are_scale_invariant(policy, c):
    assert dse(c * X, policy) == pytest.approx(dse(X, policy), abs=1e-9)
    assert dsmi(c * X, Y, policy) == pytest.approx(dsmi(X, Y, policy), abs=1e-9)
    assert np.allclose(dse_curve(c * X, policy, [1, 3]), dse_curve(X, policy, [1, 3]),
                       atol=1e-9)


@pytest.mark.parametrize("policy", POLICIES)
def test_policies_are_translation_and_rotation_invariant(policy):
    q, _ = np.linalg.qr(RNG.normal(size=(8, 8)))
    moved = X @ q + 7.0
    assert dse(moved, policy) == pytest.approx(dse(X, policy), abs=1e-9)
    assert dsmi(moved, Y, policy) == pytest.approx(dsmi(X, Y, policy), abs=1e-9)


def test_median_policy_is_the_fixed_width_it_reports(caplog):
    m = median_distance(X)
    d = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))[np.triu_indices(150, 1)]
    assert m == pytest.approx(np.median(d))
    with caplog.at_level(logging.DEBUG, logger="dse_repro.measures"):
        value = dse(X, "median", t=2)
    assert value == pytest.approx(dse(X, m, t=2), abs=1e-12)
    assert f"sigma='median' -> {m:.6g}" in caplog.text
    assert dsmi(X, Y, "median") == pytest.approx(dsmi(X, Y, m), abs=1e-12)  # one width for all
    # torch input and precomputed distances give the same width and value
    assert dse(torch.as_tensor(X), "median") == pytest.approx(dse(X, "median"), abs=1e-9)
    S = ((X[:, None] - X[None]) ** 2).sum(-1)
    assert dsmi(S, Y, "median", precomputed=True) == pytest.approx(dsmi(X, Y, "median"),
                                                                    abs=1e-9)


def test_knn_widths_and_kernel():
    w = resolve_sigma(X, "knn", k=5)
    d = np.sort(np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1)), axis=1)
    assert np.allclose(w, d[:, 5])  # column 0 is the point itself
    from dse_repro.measures import diffusion_matrix

    D2 = ((X[:, None] - X[None]) ** 2).sum(-1)
    G = np.exp(-D2 / (2 * w[:, None] * w[None, :]))
    deg = G.sum(1)
    assert np.allclose(diffusion_matrix(X, "knn", k=5), G / np.sqrt(deg[:, None] * deg[None]))
    assert dse(X, "knn", k=5) != dse(X, "knn", k=10)


def test_bad_policies():
    with pytest.raises(TypeError, match="one of"):
        dse(X, "mean")
    with pytest.raises(TypeError, match="sigma"):
        dse(X, [1.0])
    with pytest.raises(ValueError, match="knn.*exact.*knn_median"):
        dse(X, "knn", method="slq")
    with pytest.raises(ValueError, match="knn.*exact.*sigma=10"):
        dse(X, reference=True)  # the default width needs the exact, non-reference path
    with pytest.raises(ValueError, match="knn.*exact"):
        dse(X, "knn", reference=True)
    with pytest.raises(ValueError, match="knn.*exact"):
        dsmi(X, Y, "knn", method="slq")
    with pytest.raises(ValueError, match="median distance between points is 0"):
        dse(np.zeros((10, 2)) + np.eye(10, 2)[[0] * 10], "median")
    assert dse(X, "median", reference=True) == pytest.approx(dse(X, "median"), abs=1e-6)


@pytest.mark.parametrize("scale,which", [(0.001, "is far above"), (1e4, "at t=1 is far below")])
def test_degenerate_fixed_width_warns_once(scale, which):
    with pytest.warns(DegenerateSigmaWarning, match=f"sigma=10 {which}.*sigma='knn'") as record:
        dse(X * scale, 10.0)
    assert issubclass(DegenerateSigmaWarning, UserWarning)
    assert len([r for r in record if "sigma=10" in str(r.message)]) == 1
    with pytest.warns(UserWarning, match=which):
        dsmi(X * scale, Y, 10.0)


def test_sensible_widths_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dse(X, 3.0)
        dse(X, "median")
        dse(X, "knn")
        dsmi(X, Y, 3.0)


def test_one_default_width_everywhere():
    """dse, dse_curve, dsmi, dsmi_curve, the CLI, the monitor and the Lightning callback (which
    passes its keywords to the monitor) default to the same width, ``DEFAULT_SIGMA``."""
    import inspect

    from dse_repro.measures import dse_curve, dsmi_curve
    from dse_repro.measures.bandwidth import DEFAULT_SIGMA
    from dse_repro.tools import cli
    from dse_repro.tools.monitor import DSEMonitor

    assert DEFAULT_SIGMA == "knn"
    for fn in (dse, dse_curve, dsmi, dsmi_curve, DSEMonitor.__init__):
        assert inspect.signature(fn).parameters["sigma"].default == DEFAULT_SIGMA, fn
    args = cli.parser().parse_args(["measure", "Z.npy"])
    assert args.sigma == [DEFAULT_SIGMA]
    assert dse(X) == dse(X, "knn") and dsmi(X, Y) == dsmi(X, Y, "knn")


@pytest.mark.parametrize("seed", [11, 12])
def test_default_width_reads_log2_k_of_separated_blobs_at_t10(seed):
    """DSE's defining property (Fig. 2) under the default width: k separated Gaussian blobs
    (spreads differing up to fourfold) in 8 to 64 dimensions read log2 k within 0.2 bits at
    t = 10, for k = 1..20, on draws these tests were not tuned to; no warning."""
    from dse_repro.simulate import separated_blobs

    rng = np.random.default_rng(seed)
    for k in range(1, 21):
        dim = int(rng.choice([8, 16, 32, 64]))
        Xb, _ = separated_blobs(k, dim, 50, rng)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            value = dse(Xb, t=10)
        assert abs(value - np.log2(k)) < 0.2, (k, dim, value)


def test_median_width_mixes_clusters_and_says_so():
    """The median width is as wide as a typical distance between clusters: 10 separated blobs
    read far below log2 10 from t = 3, and the call warns naming sigma, t and the default."""
    from dse_repro.simulate import separated_blobs

    Xb, _ = separated_blobs(10, 32, 60, 5)
    with pytest.warns(DegenerateSigmaWarning, match="sigma='median' at t=3 mixes.*'knn'"):
        assert dse(Xb, "median", t=3) < 0.5
    with pytest.warns(DegenerateSigmaWarning, match="t=10"):
        dse_curve(Xb, "median", [1, 10])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dse(Xb, "median", t=1) > 1.0  # t = 1 is not degenerate for it
        assert abs(dse(Xb, "knn", t=10) - np.log2(10)) < 0.2


@pytest.mark.parametrize("policy", ["knn", "knn_median", "median"])
@pytest.mark.parametrize("c", [1e-155, 1e155, 1e-300, 1e300])
def test_policies_hold_at_extreme_scale(policy, c):
    """Widths are read off exactly rescaled data: x 1e155 (where squared distances overflow)
    gives the value of x 1, for DSE and DSMI."""
    assert dse(X * c, policy, t=2) == pytest.approx(dse(X, policy, t=2), abs=1e-9)
    assert dsmi(X * c, Y, policy) == pytest.approx(dsmi(X, Y, policy), abs=1e-9)


def test_knn_median_is_one_global_width():
    w = resolve_sigma(X, "knn", k=7)
    assert resolve_sigma(X, "knn_median", k=7) == pytest.approx(np.median(w))
    assert dse(X, "knn_median") == pytest.approx(dse(X, float(np.median(w))), abs=1e-12)
    # one width: the reference mode and the sparse path take it
    assert dse(X, "knn_median", reference=True) == pytest.approx(dse(X, "knn_median"), abs=1e-6)


def test_default_width_on_fewer_points_than_k():
    """dse(X) on 5 points: the 7th neighbour does not exist, the farthest point stands in
    (k = n - 1) instead of an error about a k the user never passed."""
    X5 = RNG.normal(size=(5, 2))
    assert dse(X5) == dse(X5, "knn", k=4)
    assert np.isfinite(dsmi(RNG.normal(size=(6, 2)), np.array([0, 0, 0, 1, 1, 1])))
    with pytest.raises(ValueError, match="k must be >= 1"):
        dse(X5, "knn", k=0)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 100, 101, 124_750])
def test_median_in_place_is_numpys_median(size):
    """The same float as np.median, ties, infinities and odd sizes included."""
    rng = np.random.default_rng(size)
    for values in (rng.normal(size=size), np.round(rng.normal(size=size)),
                   np.where(rng.random(size) < 0.2, np.inf, rng.random(size)),
                   rng.integers(0, 3, size).astype(float) * 1e308):
        assert median_in_place(values.copy()) == np.median(values)
    assert median_distance(X) == pytest.approx(median_distance(X[::-1]), rel=1e-15)


def test_degenerate_per_point_widths_without_a_policy_name_their_median():
    """The public check takes per-point widths (read as their median) with no policy: its text
    names that median (it raised a TypeError formatting the array)."""
    text = degenerate_sigma(X, np.full(len(X), 1e-3), ts=[1])
    assert text.startswith("per-point sigma (median 0.001) at t=1 is far below")
    assert degenerate_sigma(X, np.full(len(X), 1e3)).startswith("per-point sigma (median 1000)")
    assert degenerate_sigma(X, resolve_sigma(X, "knn")) is None
