"""The Figs. 4-5 study: data generator, estimator registry, job expansion and resources."""
from __future__ import annotations

import numpy as np
import pytest
from hydra.utils import instantiate

from dse_repro.pipeline.config import grid
from dse_repro.simulate import WideBlobs
from dse_repro.studies.mi_compare import job_resources
from dse_repro.studies.registry import compose_config, job_dirs


def test_wide_blobs_streamed_equals_materialised():
    data = WideBlobs(60, 23, 3, noise=0.1, seed=5, block=5)
    blocks = list(data.blocks())
    assert [b.shape[1] for b in blocks] == [5, 5, 5, 5, 3]
    whole = WideBlobs(60, 23, 3, 0.1, 5, block=5).full()
    assert np.array_equal(np.concatenate(blocks, axis=1), whole)
    assert data.full().dtype == np.float32


def test_wide_blobs_like_make_blobs():
    data = WideBlobs(3000, 4, 3, seed=0)
    X, y = data.full(), data.labels
    assert np.array_equal(np.bincount(y), [1000, 1000, 1000])
    for k in range(3):  # isotropic unit scatter around centres inside the box
        assert np.allclose(X[y == k].std(axis=0), 1.0, atol=0.1)
        assert np.all(np.abs(X[y == k].mean(axis=0)) <= 10.2)


def test_noise_levels_share_the_clean_data():
    clean = WideBlobs(40, 6, 3, noise=0.0, seed=2).full()
    low = WideBlobs(40, 6, 3, noise=0.01, seed=2).full()
    assert np.abs(low - clean).max() <= 0.01 * 10 + 1e-5


ESTIMATORS = [(scale, name) for scale in ("smoke", "laptop", "paper")
              for name in compose_config(scale).studies.mi_compare.estimators]


@pytest.mark.parametrize("scale,name", ESTIMATORS, ids=[f"{s}-{n}" for s, n in ESTIMATORS])
def test_every_estimator_entry_instantiates_and_runs(scale, name):
    """Each entry of the Figs. 4-5 estimator registry (a new entry is tested here too)."""
    spec = compose_config(scale).studies.mi_compare.estimators[name]
    data = WideBlobs(60, 5, 3, noise=0.01, seed=0)
    fn = instantiate(spec.fn, epochs=2) if "epochs" in spec.fn else instantiate(spec.fn)
    value = fn(data, data.labels)
    assert isinstance(value, float) and np.isfinite(value), name
    assert fn(data, data.labels) == value  # seeded
    assert isinstance(spec.label, str) and spec.label


def test_yaml_floats_are_floats():
    # YAML 1.1 reads `1e-4` as a string (a quirk of the original configs); ours are floats.
    mine = compose_config("paper").studies.mi_compare.estimators.mine.fn
    assert isinstance(mine.lr, float) and mine.lr == 1e-4


def test_paper_settings():
    s = compose_config("paper").studies.mi_compare
    assert s.n_points == 5000 and s.n_centers == 3
    assert list(s.sweeps.dimension.dims) == [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]
    assert max(s.sweeps.runtime.dims) == 500_000
    assert len(grid(s.sweeps.corruption.ratio_grid)) == 11
    assert list(s.noise_levels) == [0.01, 0.1, 0.5]
    assert {"dsmi", "csmi_5", "csmi_10", "csmi_100", "npeet_mi", "npeet_micd",
            "mine"} <= set(s.estimators)


def test_laptop_meets_issue_minimums():
    s = compose_config("laptop").studies.mi_compare
    assert s.n_points >= 1000 and max(s.sweeps.dimension.dims) >= 5000


def test_one_job_per_sweep_dim_estimator():
    cfg = compose_config("smoke")
    s = cfg.studies.mi_compare
    slices = job_dirs(cfg, "mi_compare")
    n = sum(len(s.sweeps[w].dims) for w in s.sweeps) * len(s.estimators)
    assert len(slices) == len(set(slices)) == n
    assert "dimension/d500/dsmi" in slices


def test_resources_scale_with_size():
    cfg = compose_config("paper")
    small = job_resources(cfg, "job", dict(sweep="dimension", dim="20", estimator="npeet_mi"))
    big = job_resources(cfg, "job", dict(sweep="runtime", dim="500000", estimator="npeet_mi"))
    assert big["mem_mb"] > 20 * 2**10 > small["mem_mb"]
    assert big["runtime"] > small["runtime"]
    # DSMI streams the data above its threshold: memory stays O(n^2).
    assert job_resources(cfg, "job", dict(sweep="runtime", dim="500000",
                                          estimator="dsmi"))["mem_mb"] < 4 * 2**10


def test_a_standalone_job_keeps_timings_apart_as_under_snakemake(tmp_path):
    """Without timings_out the wall times go to timings.csv beside `out` (they used to stay in
    `out` as extra columns, a second layout of the same file)."""
    import subprocess
    import sys

    import pandas as pd

    out = tmp_path / "results.csv"
    subprocess.run([sys.executable, "-m", "dse_repro.studies.mi_compare", "scale=smoke",
                    "studies.mi_compare.job.sweep=dimension", "studies.mi_compare.job.dim=20",
                    "studies.mi_compare.job.estimator=dsmi", f"out={out}",
                    f"hydra.run.dir={tmp_path}"], check=True, capture_output=True, timeout=300)
    results, timings = pd.read_csv(out), pd.read_csv(tmp_path / "timings.csv")
    assert "seconds" not in results.columns and (timings["seconds"] > 0).all()
    assert len(results) == len(timings)
