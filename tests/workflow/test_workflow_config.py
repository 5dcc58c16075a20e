"""Config composition, grids, the atomic writer and the toy-data generators."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dse_repro.pipeline.config import grid
from dse_repro.pipeline.io import write_tidy
from dse_repro.pipeline.seeding import rng_for
from dse_repro.simulate import (
    add_uniform_noise,
    corrupt_labels,
    embedded_manifold,
    gaussian_blobs,
    random_spd,
    random_tree,
)
from dse_repro.studies.registry import compose_config, job_dirs


def test_paper_scale_has_paper_settings():
    s = compose_config("paper").studies
    assert s.fig2.n_points == 3000 and list(s.fig2.dims) == [2, 3]
    assert max(grid(s.fig2.t_grid)) == 999
    assert list(s.fig3a.spd.sizes) == [64, 128, 256, 512, 1024, 2048]
    assert len(grid(s.fig3a.spd.alpha_grid)) == 20
    assert len(grid(s.fig3a.manifold.intrinsic_dim_grid)) == 20
    assert s.fig3a.manifold.n_points == 500 and s.fig3a.manifold.ambient_dim == 2048
    assert list(s.fig3b.branches) == [2, 5, 10] and s.fig3b.branch_length == 100
    assert len(grid(s.fig3b.corruption_grid)) == 20
    assert list(s.fig3b.noise_levels) == [0.01, 0.1, 0.5]


def test_smoke_is_smaller_than_laptop():
    smoke, laptop = compose_config("smoke").studies, compose_config("laptop").studies
    assert smoke.fig2.n_points < laptop.fig2.n_points
    assert not compose_config("smoke").progress


def test_overrides_reach_the_config():
    cfg = compose_config("smoke", ["studies.fig2.dims=[2]"])
    assert job_dirs(cfg, "fig2") == ["dim2"]


def test_grid_forms():
    assert grid([1, 2]) == [1, 2]
    assert grid({"start": 0, "stop": 1, "num": 3}) == [0.0, 0.5, 1.0]
    assert grid({"start": 1, "stop": 100, "num": 3, "log": True, "integer": True}) == [1, 10, 100]
    with pytest.raises(TypeError):
        grid(3)


def test_bad_scale():
    with pytest.raises(ValueError, match="scale"):
        compose_config("huge")


def test_rng_for_is_stable_and_distinct():
    a = rng_for(0, "fig2", 2).random(3)
    assert np.array_equal(a, rng_for(0, "fig2", 2).random(3))
    assert not np.array_equal(a, rng_for(0, "fig2", 3).random(3))
    assert not np.array_equal(a, rng_for(1, "fig2", 2).random(3))


def test_noise_does_not_accumulate():
    X = embedded_manifold(50, 3, 10, "uniform", 0)
    low = add_uniform_noise(X, 0.01, np.random.default_rng(1))
    high = add_uniform_noise(X, 0.5, np.random.default_rng(1))
    # Same draw, different level: the noise scales linearly from the *clean* data.
    assert np.allclose((high - X), 50 * (low - X))
    assert np.abs(low - X).max() <= 0.01 * np.abs(X).max() + 1e-12


def test_generators_are_seeded():
    assert np.array_equal(random_tree(3, 10, 5, 7)[0], random_tree(3, 10, 5, 7)[0])
    assert np.array_equal(gaussian_blobs(30, 3, 2, 4)[0], gaussian_blobs(30, 3, 2, 4)[0])
    assert np.array_equal(random_spd(8, 1), random_spd(8, 1))


def test_tree_shapes_and_labels():
    X, y = random_tree(4, 25, 20, 0)
    assert X.shape == (100, 20) and np.array_equal(np.bincount(y), [25] * 4)


def test_spd_is_positive_definite_with_mean_eigenvalue_one():
    lam = np.linalg.eigvalsh(random_spd(16, 0))
    assert lam.min() > 0 and lam.mean() == pytest.approx(1.0)


def test_blobs_on_circle_are_separated():
    X, y = gaussian_blobs(300, 3, 2, 0, center_radius=10.0)
    centers = np.array([X[y == k].mean(0) for k in range(3)])
    d = np.linalg.norm(centers[:, None] - centers[None], axis=-1)
    assert d[np.triu_indices(3, 1)].min() > 15


def test_corrupt_labels_ratio():
    y = np.repeat(np.arange(4), 50)
    assert np.array_equal(corrupt_labels(y, 0.0, 0), y)
    changed = (corrupt_labels(y, 0.5, 0) != y).mean()
    assert 0.25 < changed <= 0.5  # half are redrawn; a quarter of those keep their label
    with pytest.raises(ValueError):
        corrupt_labels(y, 1.5, 0)


def test_write_tidy_is_atomic_and_leaves_no_temp(tmp_path):
    out = tmp_path / "a" / "r.csv"
    write_tidy(pd.DataFrame({"x": [1.0 / 3]}), out)
    assert out.read_text() == "x\n0.333333333333\n"
    assert [p.name for p in out.parent.iterdir()] == ["r.csv"]


def test_write_tidy_failure_keeps_the_old_file_and_no_temp(tmp_path):
    out = tmp_path / "r.csv"
    write_tidy(pd.DataFrame({"x": [1]}), out)

    class Boom(pd.DataFrame):
        def to_csv(self, *a, **k):
            super().to_csv(*a, **k)
            raise KeyboardInterrupt  # killed midway

    with pytest.raises(KeyboardInterrupt):
        write_tidy(Boom({"x": [2]}), out)
    assert out.read_text() == "x\n1\n" and [p.name for p in tmp_path.iterdir()] == ["r.csv"]


@pytest.mark.parametrize("override,error,match", [
    ("studies.fig2.n_points=abc", TypeError,
     r"studies.fig2.n_points must be an integer \(declared in dse_repro.studies.fig2.Settings "
     r"\(conf/study/fig2.yaml\)\), got 'abc'"),
    ("studies.fig3a.panels=[spd,unifrom]", ValueError,
     r"studies.fig3a.panels\[1\] must be one of spd, uniform, gaussian"),
    ("studies.training.init_sigma=abc", TypeError, "init_sigma must be a number or null"),
    ("studies.fig3b.dim=null", TypeError, "studies.fig3b.dim may not be null"),
    ("~studies.fig3b.csmi_bins", ValueError, r"studies.fig3b: missing setting\(s\) csmi_bins"),
    ("studies.sigma_init.resources.at_init.gpu=x", TypeError,
     "resources.at_init.gpu must be an integer"),
    ("+studies.fig3b.corruption_grid.stpo=1.0", ValueError,
     r"unknown config key studies.fig3b.corruption_grid.stpo.*declared there: start, stop"),
    ("studies.training.train.lr=1e-4x", TypeError, r"train.lr must be a number.*1.0e-4"),
    ("studies.fig2.dims=[2,x]", TypeError, r"studies.fig2.dims\[1\] must be an integer"),
    ("studies.model_zoo.pretrained=3", TypeError, "pretrained must be a boolean"),
    ("+studies.fig2.n_pointz=3", ValueError, "unknown config key studies.fig2.n_pointz"),
    ("+studies.sigma_init.compare.train.lrr=1.0", ValueError,
     "unknown config key studies.sigma_init.compare.train.lrr"),
])
def test_wrong_type_or_unknown_key_is_named_at_compose_time(override, error, match):
    with pytest.raises(error, match=match):
        compose_config("smoke", [override])


def test_open_registries_and_valid_overrides_pass():
    compose_config("smoke", ["studies.fig2.sigma=2", "+studies.sigma_init.compare.train.lr=0.5",
                             "+measures.DSE_Z_s1={fn: {_target_: dse_repro.measures.dse,"
                             " _partial_: true, sigma: 1.0}, against: null, unit: bits}",
                             "+studies.training.model_kwargs.resnet10t={drop_rate: 0.1}"])


def test_job_and_dry_run_refuse_a_typo_before_any_compute(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "dse_repro.studies.training", "scale=smoke",
                           f"out={tmp_path}/r.csv", "studies.training.n_train=abc"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "studies.training.n_train" in proc.stdout + proc.stderr
    assert "epoch 1" not in proc.stdout + proc.stderr and not (tmp_path / "r.csv").exists()
    from _repo import copy_repository

    repo = copy_repository(tmp_path / "repo")
    smoke = repo / "conf" / "scale" / "smoke.yaml"
    smoke.write_text(smoke.read_text().replace("    n_points: 300\n", "    n_point: 300\n", 1))
    dry = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--config", "scale=smoke"],
                         cwd=repo, capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "PYTHONPATH": str(repo)})
    assert dry.returncode != 0
    assert "unknown config key studies.fig2.n_point" in dry.stdout + dry.stderr

    # the study's conf file itself is checked against the settings its study declares
    smoke.write_text(smoke.read_text().replace("    n_point: 300\n", "    n_points: 300\n", 1))
    study = repo / "conf" / "study" / "fig3b.yaml"
    written = study.read_text()
    for damage, message in [
            ("extra_key: 1\n", "unknown config key studies.fig3b.extra_key: not a setting "
                                "declared in dse_repro.studies.fig3b.Settings"),
            ("", "studies.fig3b.repeats must be an integer (declared in "
                 "dse_repro.studies.fig3b.Settings (conf/study/fig3b.yaml)), got 'three'")]:
        study.write_text(written + damage if damage else
                         written.replace("repeats: 3", "repeats: three"))
        dry = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--config", "scale=smoke"],
                             cwd=repo, capture_output=True, text=True, timeout=300,
                             env={**__import__("os").environ, "PYTHONPATH": str(repo)})
        assert dry.returncode != 0 and message in dry.stdout + dry.stderr, dry.stderr[-2000:]
    study.write_text(written)
    # a --config key other than the scale (a typo, or a setting --config cannot pass on) is
    # refused rather than ignored
    dry = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--config", "scale=smoke",
                          "scael=laptop"], cwd=repo, capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "PYTHONPATH": str(repo)})
    assert dry.returncode != 0 and "--config takes only scale=<smoke|laptop|paper>, got scael" \
        in dry.stdout + dry.stderr
