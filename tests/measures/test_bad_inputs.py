"""Bad input gives a ValueError/TypeError naming the argument -- one test per case."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from dse_repro.measures import (
    cse,
    csmi,
    dse,
    dse_from_matrix,
    dsmi,
    ksg_mi,
    median_distance,
    mine_mi,
    squared_distances,
)
from dse_repro.measures.bandwidth import degenerate_sigma

X = np.random.default_rng(0).normal(size=(20, 3))
Y = np.repeat([0, 1], 10)


def test_nan():
    bad = X.copy()
    bad[3, 1] = np.nan
    for fn in (lambda: dse(bad), lambda: dsmi(bad, Y), lambda: cse(bad), lambda: ksg_mi(bad, Y)):
        with pytest.raises(ValueError, match="X|Z"):
            fn()


def test_inf():
    bad = X.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="X contains NaN or infinite"):
        dse(bad)
    with pytest.raises(ValueError, match="Z contains NaN or infinite"):
        dsmi(bad, Y)


def test_nan_in_y():
    with pytest.raises(ValueError, match="Y contains NaN"):
        dsmi(X, np.where(Y == 0, np.nan, 1.0))


def test_nan_in_torch_tensor():
    bad = torch.tensor(X)
    bad[1, 1] = float("nan")
    with pytest.raises(ValueError, match="X contains NaN"):
        dse(bad)


def test_fewer_than_two_points():
    with pytest.raises(ValueError, match="X needs at least 2 points"):
        dse(X[:1])
    with pytest.raises(ValueError, match="Z needs at least 2 points"):
        dsmi(X[:1], Y[:1])


def test_wrong_number_of_dimensions():
    with pytest.raises(ValueError, match="X must be 2-D"):
        dse(np.zeros((4, 3, 2)))


def test_different_lengths():
    with pytest.raises(ValueError, match="Z and Y must have the same number of points"):
        dsmi(X, Y[:-2])
    with pytest.raises(ValueError, match="X and Y must have the same number of points"):
        csmi(X, Y[:-2])
    with pytest.raises(ValueError, match="X and Y must have the same number of points"):
        ksg_mi(X, Y[:-2])
    with pytest.raises(ValueError, match="X and Y must have the same number of points"):
        mine_mi(X, Y[:-2], epochs=1)


@pytest.mark.parametrize("sigma", [0, -1.0, np.inf, np.nan])
def test_sigma_not_positive(sigma):
    with pytest.raises(ValueError, match="sigma"):
        dse(X, sigma=sigma)
    with pytest.raises(ValueError, match="sigma"):
        dsmi(X, Y, sigma=sigma)


def test_sigma_wrong_type():
    with pytest.raises(TypeError, match="sigma"):
        dse(X, sigma="10")


@pytest.mark.parametrize("t", [0, -2])
def test_t_below_one(t):
    with pytest.raises(ValueError, match="t must be >= 1"):
        dse(X, t=t)
    with pytest.raises(ValueError, match="t must be >= 1"):
        dse_from_matrix(np.eye(3), t=t)


@pytest.mark.parametrize("t", [1.5, 2.0001])
def test_t_not_integer(t):
    with pytest.raises(ValueError, match="t must be an integer"):
        dse(X, t=t)


def test_t_bool_or_string():
    with pytest.raises(TypeError, match="t must be an integer"):
        dse(X, t=True)
    with pytest.raises(TypeError, match="t must be an integer"):
        dsmi(X, Y, t="2")


def test_bins_below_one():
    with pytest.raises(ValueError, match="bins must be >= 1"):
        cse(X, bins=0)
    with pytest.raises(ValueError, match="bins must be >= 1"):
        csmi(X, Y, bins=0)


def test_k_too_large():
    with pytest.raises(ValueError, match="k must be <= 19"):
        ksg_mi(X, X, k=20)
    with pytest.raises(ValueError, match="k must be smaller than the smallest class"):
        ksg_mi(X, Y, k=10, y_discrete=True)
    with pytest.raises(ValueError, match="k must be >= 1"):
        ksg_mi(X, X, k=0)


def test_class_with_one_member():
    y = Y.copy()
    y[0] = 7
    with pytest.raises(ValueError, match="fewer than 2 members"):
        dsmi(X, y)


def test_one_class_only():
    with pytest.raises(ValueError, match="single class"):
        dsmi(X, np.zeros(20, dtype=int))
    with pytest.raises(ValueError, match="single class"):
        csmi(X, np.zeros(20, dtype=int))


def test_empty_input():
    with pytest.raises(ValueError, match="X is empty"):
        dse(np.empty((0, 3)))
    with pytest.raises(ValueError, match="Y is empty"):
        dsmi(X, np.array([], dtype=int))


def test_non_numeric_dtype():
    with pytest.raises(TypeError, match="X must have a real numeric dtype"):
        dse(np.array([["a", "b"], ["c", "d"]]))
    # one column of strings is class names (test_string_labels_are_class_names); several
    # columns of strings are no variable to cluster
    with pytest.raises(TypeError, match="Y must have a real numeric dtype"):
        dsmi(X, np.array([["cat", "a"]] * 10 + [["dog", "b"]] * 10))
    with pytest.raises(TypeError, match="X must have a real numeric dtype"):
        dse(X.astype(complex))
    with pytest.raises(TypeError, match="X must be an array"):
        dse("not an array")
    with pytest.raises(TypeError, match="X must be an array"):
        dse(None)


def test_discrete_y_with_many_columns():
    with pytest.raises(ValueError, match="y_discrete=True must have shape"):
        dsmi(X, X, y_discrete=True)


def test_non_integer_float_labels():
    with pytest.raises(ValueError, match="integer class labels"):
        dsmi(X, Y + 0.5, y_discrete=True)


def test_constant_continuous_y():
    with pytest.raises(ValueError, match="constant"):
        dsmi(X, np.ones(20))


def test_bad_precision():
    with pytest.raises(ValueError, match="precision"):
        dse(X, precision="float16")


def test_mine_bad_arguments():
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        mine_mi(X, X, epochs=0)
    with pytest.raises(ValueError, match="lr"):
        mine_mi(X, X, lr=-1.0)
    with pytest.raises(ValueError, match="estimator"):
        mine_mi(X, X, estimator="nope")
    with pytest.raises(ValueError, match="holdout"):
        mine_mi(X, X, holdout=1.0)


def test_precomputed_must_be_squared_distances():
    """A point cloud, a negative or asymmetric matrix is refused with precomputed=True."""
    from dse_repro.measures import dsmi, squared_distances

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 40))
    y = np.repeat(np.arange(2), 20)
    S = squared_distances(X)
    assert np.isfinite(dsmi(S, y, 3.0, precomputed=True))
    for bad, match in ((X, "zero diagonal"), (-S, "zero diagonal|>= 0"),
                       (S - 0.5 * (S > 0) * S.max(), ">= 0"),
                       (S + np.triu(np.ones_like(S), 1), "symmetric")):
        with pytest.raises(ValueError, match=match):
            dsmi(bad, y, 3.0, precomputed=True)


@pytest.mark.parametrize("scale, match", [(1e100, "overflow float32"), (1e-100, "vanish")])
def test_float32_distances_refuse_data_float32_cannot_hold(scale, match):
    """float32 squared distances of data at 1e+-100 would be inf or 0 (then NaN kernels): a
    ValueError naming X or its block; float64 takes the same data."""
    from dse_repro.measures import squared_distances

    Xs = X * scale
    too_large = "X block 0 holds" if scale > 1 else "X holds"  # the blocks' largest |value|
    for data, name in ((Xs, "X holds"), ([Xs[:, :2], Xs[:, 2:]], too_large)):
        with pytest.raises(ValueError, match=f"{name}.*{match}"):
            squared_distances(data, precision="float32")
    assert np.isfinite(squared_distances(Xs)).all()
    # the edge of float32's range still works
    assert squared_distances(X * 1e17, precision="float32").max() > 1e34


def test_float32_distances_take_a_tiny_block_beside_ordinary_ones():
    """The vanishing bound is on the whole data's largest |value|: a column block of 1e-100
    beside ordinary columns adds ~nothing to the distances, and float32 keeps them."""
    from dse_repro.measures import squared_distances

    blocks = [X[:, :2], X[:, 2:] * 1e-100]
    S32 = squared_distances(blocks, precision="float32")
    assert np.allclose(S32, squared_distances(X[:, :2]), rtol=1e-5, atol=1e-6)


def test_whole_number_float_labels_warn():
    """20 classes given as floats are binned as a continuous variable unless told: warn."""
    from dse_repro.measures import dsmi

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(20), 15)
    Z = rng.normal(size=(300, 5)) + y[:, None]
    with pytest.warns(UserWarning, match="whole numbers.*y_discrete=True"):
        dsmi(Z, y.astype(float), 2.0)
    assert dsmi(Z, y.astype(float), 2.0, y_discrete=True) == dsmi(Z, y, 2.0)


def test_string_labels_are_class_names():
    """Class names ("cat", "dog") are classes, as integer labels are (they used to be refused
    as a non-numeric dtype); binning them as numbers is refused."""
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(120, 5)), rng.integers(0, 3, 120)
    names = np.array(["cat", "dog", "emu"])[y]
    for given in (names, names.tolist(), names.astype(object), names.reshape(-1, 1)):
        assert dsmi(Z, given) == dsmi(Z, y)
    assert csmi(Z, names) == csmi(Z, y)
    with pytest.raises(ValueError, match="class names"):
        dsmi(Z, names, y_discrete=False)
    with pytest.raises(TypeError, match="Y must have a real numeric dtype"):
        dsmi(Z, np.array([None] * 120, dtype=object))


def test_half_precision_tensors_are_computed_in_float32():
    """bfloat16 used to end in torch's raw "unsupported ScalarType"."""
    import torch

    from dse_repro.measures import dse, dsmi

    X = torch.randn(120, 4, generator=torch.Generator().manual_seed(0))
    y = torch.arange(120) % 3
    for half in (torch.bfloat16, torch.float16):
        assert dse(X.to(half)) == pytest.approx(dse(X.to(half).float()), abs=1e-9)
        assert np.isfinite(dsmi(X.to(half), y))


def test_approx_paths_take_policies_and_refuse_empty_ts():
    from dse_repro.measures import dse
    from dse_repro.measures.large_n import dse_approx, dse_curve_approx

    X = np.random.default_rng(0).normal(size=(500, 3))
    assert dse_approx(X, "knn_median", 2, method="slq")[0] == dse(X, "knn_median", 2,
                                                                   method="slq")
    with pytest.raises(ValueError, match="ts is empty"):
        dse_curve_approx(X, "knn_median", [])
    with pytest.raises(ValueError, match="knn_median"):
        dse_curve_approx(X, "knn", [1])


def test_median_distance_of_squared_distances_checks_them():
    """``median_distance(S, squared=True)``: a point cloud, NaN, a negative or asymmetric
    matrix is refused by name (it raised an IndexError or returned nan)."""
    S = squared_distances(X)
    assert median_distance(S, squared=True) == pytest.approx(median_distance(X), rel=1e-12)
    nan = S.copy()
    nan[0, 1] = nan[1, 0] = np.nan
    asym = S.copy()
    asym[0, 1] += 1.0
    for bad, match in ((X, "X with squared=True must be a square"), (nan, "X contains NaN"),
                       (-S, "X with squared=True must hold squared distances >= 0"),
                       (asym, "X with squared=True must be symmetric")):
        with pytest.raises(ValueError, match=match):
            median_distance(bad, squared=True)


@pytest.mark.parametrize("kwargs,error,match", [
    ({"sigma": 0.0}, ValueError, "sigma must be a finite number > 0"),
    ({"sigma": -1.0}, ValueError, "sigma must be a finite number > 0"),
    ({"sigma": "knn"}, TypeError, "sigma must be a real number"),
    ({"sigma": np.ones(3)}, ValueError, "per-point sigma must be 20 finite widths"),
    ({"sigma": np.zeros(20)}, ValueError, "per-point sigma must be 20 finite widths"),
    ({"sigma": 1.0, "ts": []}, ValueError, "ts is empty"),
    ({"sigma": 1.0, "ts": [0]}, ValueError, "t must be >= 1"),
    ({"sigma": 1.0, "squared": True}, ValueError, "X must be a square"),
])
def test_degenerate_sigma_checks_its_arguments(kwargs, error, match):
    """The public width check names a bad argument (it returned None, or a warning text for
    sigma = 0 or t = 0, or raised from deep inside numpy)."""
    with pytest.raises(error, match=match):
        degenerate_sigma(X, **kwargs)
    bad = X.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="the points hold NaN or infinite"):
        degenerate_sigma(bad, 1.0)
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="the points hold NaN or infinite"):
        degenerate_sigma(bad, 1.0)


def test_subnormal_points_are_refused_by_name():
    """Points all below float64's smallest normal number (2.2e-308) have lost their digits and
    their scale cannot be undone by a power of two (it raised an OverflowError from math)."""
    for fn in (lambda Z: dse(Z), lambda Z: dse(Z, 1e-310), lambda Z: dsmi(Z, Y),
               lambda Z: median_distance(Z)):
        with pytest.raises(ValueError, match="below float64's smallest normal number"):
            fn(X * 1e-310)


def test_a_width_beyond_float64_after_rescaling_is_the_all_ones_limit():
    """sigma = 1e300 on data of scale 1e-300 is a width of 1e600 units: the all-ones kernel,
    as sigma = 1e300 on data of unit scale (it raised an OverflowError from math)."""
    assert dse(X * 1e-300, 1e300) == pytest.approx(dse(X, 1e300), abs=1e-9)
    assert dsmi(X * 1e-300, Y, 1e300) == pytest.approx(dsmi(X, Y, 1e300), abs=1e-9)
