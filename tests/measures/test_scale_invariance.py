"""Estimators that do not care about scale: ``c * X`` (with ``c * sigma``) gives the value of
``X`` for c from 1e-300 to 1e300 -- never a LAPACK/ZeroDivision/Overflow traceback, NaN or a
huge negative MI -- and the inputs a training loop hands them (tensors that require grad) work."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from dse_repro.measures import (
    alpha_req,
    diffusion_matrix,
    dse,
    dse_curve,
    dsmi,
    knn_accuracy,
    ksg_mi,
    mean_norm,
    median_distance,
    mine_mi,
    rankme,
    spectral_clusters,
    squared_distances,
)

SCALES = [1e-200, 1e-150, 1e-100, 1e-20, 1e-6, 1e6, 1e20, 1e100, 1e150, 1e200]
RNG = np.random.default_rng(0)
Y = np.repeat(np.arange(3), 40)
X = RNG.normal(size=(120, 6)) + 2.0 * np.eye(6)[Y]


@pytest.mark.parametrize("c", [1e-300, *SCALES, 1e300])
def test_diffusion_measures_scale_with_sigma(c):
    assert dse(X * c, 1.5 * c, 2) == pytest.approx(dse(X, 1.5, 2), abs=1e-9)
    assert dse(X * c, 1.5 * c, reference=True) == pytest.approx(dse(X, 1.5, reference=True),
                                                                abs=1e-9)
    assert np.allclose(dse_curve(X * c, 1.5 * c, [1, 3]), dse_curve(X, 1.5, [1, 3]), atol=1e-9)
    assert dsmi(X * c, Y, 1.5 * c) == pytest.approx(dsmi(X, Y, 1.5), abs=1e-9)
    S = squared_distances(X * c) if 1e-100 <= c <= 1e100 else None
    if S is not None:  # squared distances themselves are representable here
        assert dsmi(S, Y, 1.5 * c, precomputed=True) == pytest.approx(dsmi(X, Y, 1.5), abs=1e-9)


@pytest.mark.parametrize("c", SCALES)
def test_scale_free_predictors(c):
    assert rankme(X * c) == pytest.approx(rankme(X), rel=1e-9)
    assert alpha_req(X * c) == pytest.approx(alpha_req(X), rel=1e-9)
    assert knn_accuracy(X * c, Y, k=5) == knn_accuracy(X, Y, k=5)


@pytest.mark.parametrize("c", [1e-300, 1e-60, 1e-30, 1e-10, 1e10, 1e30, 1e60, 1e300])
def test_float32_kernels_at_any_scale(c):
    """precision="float32" at scales whose squares float32 cannot hold (DSE of X x 1e-30 read
    1e-4 bits instead of ~4.6, X x 1e30 failed in LAPACK): the data are brought near 1 first."""
    f32 = {"precision": "float32"}
    assert dse(X * c, **f32) == pytest.approx(dse(X), abs=1e-5)
    assert dse(X * c, 1.5 * c, **f32) == pytest.approx(dse(X, 1.5), abs=1e-5)
    assert np.allclose(dse_curve(X * c, "knn", [1, 4], **f32), dse_curve(X, "knn", [1, 4]),
                       atol=1e-5)
    assert dsmi(X * c, Y, **f32) == pytest.approx(dsmi(X, Y), abs=1e-5)
    K = diffusion_matrix(X * c, 1.5 * c, **f32)
    assert np.allclose(K, diffusion_matrix(X, 1.5), atol=1e-6)
    two = 2.0 ** round(np.log2(c))  # a power of two: the very same bits
    assert dse(X * two, **f32) == dse(X, **f32)
    assert dsmi(X * two, Y, **f32) == dsmi(X, Y, **f32)


@pytest.mark.parametrize("c", [1e-300, *SCALES, 1e300])
def test_scale_free_helpers(c):
    """Widths, clusters and the KSG with labels at any scale (the medians and mean norms were
    0.0 at 1e-300 and nan / inf at 1e300; the clusters differed; the KSG read its jitter)."""
    assert median_distance(X * c) == pytest.approx(c * median_distance(X), rel=1e-12)
    assert mean_norm(X * c) == pytest.approx(c * mean_norm(X), rel=1e-12)
    if 1e-100 <= c <= 1e100:
        S = squared_distances(X * c)
        assert median_distance(S, squared=True) == pytest.approx(c * median_distance(X),
                                                                 rel=1e-12)
    assert np.array_equal(spectral_clusters(X * c, 3), spectral_clusters(X, 3))
    assert ksg_mi(X * c, Y, y_discrete=True) == pytest.approx(ksg_mi(X, Y, y_discrete=True),
                                                             abs=1e-8)


def test_default_ksg_warns_where_its_jitter_is_the_data():
    """The default KSG depends on the relative scale of X and Y (documented), and where X
    spans less than 1e-6 NPEET's absolute 1e-10 jitter is what it measures: it says so."""
    with pytest.warns(UserWarning, match="X spans at most 7.33e-09.*jitter"):
        ksg_mi(X * 1e-9, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ksg_mi(X * 1e-4, Y)


@pytest.mark.parametrize("c", [1e-200, 1e-20, 1e20, 1e200])
def test_mine_standardises_its_inputs(c):
    base = mine_mi(X, Y, epochs=3, batch_size=60)
    value = mine_mi(X * c, Y, epochs=3, batch_size=60)
    assert np.isfinite(value) and value == pytest.approx(base, abs=1e-4)


def test_extreme_kernel_widths_are_their_limits():
    n = len(X)
    assert dse(X, 1e-300) == pytest.approx(np.log2(n))  # identity kernel: every point alone
    assert dse(X, 1e300) == pytest.approx(0.0, abs=1e-9)  # all-ones kernel: one cluster
    assert dsmi(X, Y, 1e-300) == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ValueError, match="reference=True"):
        dse(X, 1e-300, reference=True)


def test_tensors_from_a_training_loop():
    z = torch.as_tensor(X, dtype=torch.float64).requires_grad_()
    assert dse(z, 1.5) == pytest.approx(dse(X, 1.5))
    assert np.allclose(dse_curve(z, 1.5, [1, 2]), dse_curve(X, 1.5, [1, 2]))
    assert dsmi(z, torch.as_tensor(Y), 1.5) == pytest.approx(dsmi(X, Y, 1.5))
    assert rankme(z) == pytest.approx(rankme(X))
    with pytest.raises(TypeError, match="X must hold data.*meta"):
        dse(torch.empty(5, 2, device="meta"))
    with pytest.raises(TypeError, match="Z must hold data.*sparse"):
        dsmi(torch.eye(5).to_sparse(), np.arange(5))


def test_validated_arguments_of_the_predictors():
    with pytest.raises(ValueError, match="eps"):
        rankme(X, eps=-1)
    with pytest.raises(ValueError, match="k=200 is larger than a training fold"):
        knn_accuracy(X, Y, k=200)
    dup = np.vstack([X[::4], X[::4]])
    with pytest.warns(UserWarning, match="30 duplicate points.*jitter"):
        ksg_mi(dup, np.tile(Y[::4], 2), y_discrete=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ksg_mi(X, Y, y_discrete=True)  # no duplicates, no warning
