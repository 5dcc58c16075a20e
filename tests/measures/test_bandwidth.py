"""Kernel-width policies (sigma="median", sigma="knn") and the degenerate-width warning."""
from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest
import torch

from dse_repro.measures import DegenerateSigmaWarning, dse, dse_curve, dsmi
from dse_repro.measures.bandwidth import median_distance, resolve_sigma

RNG = np.random.default_rng(0)
Y = np.repeat(np.arange(3), 50)
X = RNG.normal(size=(150, 8)) + 3.0 * np.eye(8)[Y]
POLICIES = ["median", "knn"]


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
    with pytest.raises(ValueError, match="knn.*exact"):
        dse(X, "knn", method="slq")
    with pytest.raises(ValueError, match="knn.*exact"):
        dse(X, "knn", reference=True)
    with pytest.raises(ValueError, match="knn.*exact"):
        dsmi(X, Y, "knn", method="slq")
    with pytest.raises(ValueError, match="median distance between points is 0"):
        dse(np.zeros((10, 2)) + np.eye(10, 2)[[0] * 10], "median")
    assert dse(X, "median", reference=True) == pytest.approx(dse(X, "median"), abs=1e-6)


@pytest.mark.parametrize("scale,which", [(0.001, "far above"), (1e4, "far below")])
def test_degenerate_fixed_width_warns_once(scale, which):
    with pytest.warns(DegenerateSigmaWarning, match=f"sigma=10 is {which}.*sigma='median'") as record:
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
