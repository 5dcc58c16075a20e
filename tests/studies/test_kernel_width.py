"""figS2's sigma sweep: scale-free by construction, the paper's sigma = 10 not; clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from dse_repro.studies.kernel_width import sigma_sweep

PAPER_SIGMA = 10.0

RATIOS = [0.01, 0.1, 1.0, 10.0, 100.0]


def _points() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([rng.normal(c, 1.0, size=(60, 5)) for c in (0.0, 6.0, 12.0)])


@pytest.mark.parametrize("c", [1e-100, 1e-3, 1e3, 1e100])
def test_sweep_is_scale_free_except_the_fixed_width(c):
    z = _points()
    base, scaled = (sigma_sweep(x, RATIOS, 1, 7, PAPER_SIGMA) for x in (z, z * c))
    for a, b in zip(base, scaled):
        assert a["width"] == b["width"]
        assert b["median_distance"] == pytest.approx(a["median_distance"] * c, rel=1e-9)
        if a["width"] == "fixed":  # sigma = 10 sits elsewhere on the curve at another scale
            assert b["ratio"] == pytest.approx(PAPER_SIGMA / b["median_distance"])
        else:
            assert b["value"] == pytest.approx(a["value"], abs=1e-9)


def test_sweep_spans_the_curve_and_marks_the_widths():
    rows = sigma_sweep(_points(), RATIOS, 1, 7, PAPER_SIGMA)
    curve = [r["value"] for r in rows if r["width"] == "ratio"]
    n = 180
    assert curve[0] == pytest.approx(np.log2(n), abs=1e-4)  # kernel ~ identity
    assert curve[-1] < 0.05 and all(np.diff(curve) <= 1e-9)  # ~ all ones; falls with sigma
    median = next(r for r in rows if r["width"] == "median")
    assert median["value"] == pytest.approx(curve[2]) and median["ratio"] == 1.0
    knn = next(r for r in rows if r["width"] == "knn")
    assert np.isnan(knn["ratio"]) and 0 < knn["value"] < np.log2(n)


def test_sweep_of_one_repeated_point_is_a_clear_error():
    with pytest.raises(ValueError, match="median distance 0"):
        sigma_sweep(np.ones((20, 3)), RATIOS, 1, 7, PAPER_SIGMA)


def test_the_paper_sigma_is_read_from_the_measures_registry():
    from dse_repro.studies.kernel_width import paper_sigma
    from dse_repro.studies.registry import compose_config

    assert paper_sigma(compose_config("smoke")) == 10.0
    assert paper_sigma(compose_config("smoke", ["measures.DSE_Z.fn.sigma=3.0"])) == 3.0
