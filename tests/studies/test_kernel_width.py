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


# --- the sweep reads the training run's kept embeddings (no second training) ---------------

RUN = dict(dataset="digits", model="resnet10t", arch="convnet", method="supervised", seed=0,
           epochs=2)


def _saved(tmp_path, **changes):
    from dse_repro.train.embeddings import save_embeddings

    z = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    path = tmp_path / "embeddings.npz"
    save_embeddings(path, {**RUN, **changes}, z, 2 * z)
    return path, z


def test_kept_embeddings_come_back_as_written(tmp_path):
    from dse_repro.train.embeddings import load_embeddings

    path, z = _saved(tmp_path)
    zs, record = load_embeddings(path, dict(dataset="digits", model="resnet10t",
                                            method="supervised", seed=0))
    assert zs["init"].dtype == np.float64 and np.array_equal(zs["init"], z.astype(np.float64))
    assert np.array_equal(zs["trained"], 2 * z.astype(np.float64))
    assert record == RUN


@pytest.mark.parametrize("case, match", [
    ("missing", "missing: .*embeddings.npz"),
    ("corrupt", "unreadable .*delete it"),
    ("truncated", "unreadable"),
    ("other run", "of another run: seed 1 .expected 0."),
    ("not kept", "written without the embeddings"),
    ("not finite", "not finite"),
])
def test_a_bad_embeddings_file_is_one_clear_error(tmp_path, case, match):
    from dse_repro.train.embeddings import EmbeddingsError, load_embeddings, save_embeddings

    path, z = _saved(tmp_path, seed=1 if case == "other run" else 0)
    if case == "missing":
        path.unlink()
    elif case == "corrupt":
        path.write_bytes(b"not a zip file at all")
    elif case == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif case == "not kept":
        save_embeddings(path, RUN, None, None)
    elif case == "not finite":  # written by hand: save_embeddings refuses it
        with np.load(path) as f:
            arrays = dict(f)
        arrays["init"][0, 0] = np.nan
        np.savez(path, **arrays)
    with pytest.raises(EmbeddingsError, match=match):
        load_embeddings(path, dict(dataset="digits", model="resnet10t", seed=0))


@pytest.mark.parametrize("scale, match", [
    (1e100, "beyond float32's range"), (np.nan, "not finite"), (1e-100, "too small")])
def test_embeddings_that_float32_cannot_hold_are_not_written(tmp_path, scale, match):
    from dse_repro.train.embeddings import save_embeddings

    z = np.random.default_rng(0).normal(size=(30, 4)) * scale
    with pytest.raises(ValueError, match=match):
        save_embeddings(tmp_path / "embeddings.npz", RUN, z, z)
    assert not (tmp_path / "embeddings.npz").exists()


@pytest.mark.parametrize("scale", [1e-30, 1e30])
def test_embeddings_of_extreme_but_float32_scale_come_back_exactly(tmp_path, scale):
    from dse_repro.train.embeddings import load_embeddings, save_embeddings

    z = (np.random.default_rng(0).normal(size=(30, 4)) * scale).astype(np.float32)
    save_embeddings(tmp_path / "embeddings.npz", RUN, z, z)
    zs, _ = load_embeddings(tmp_path / "embeddings.npz", {"seed": 0})
    assert np.array_equal(zs["trained"], z.astype(np.float64))


@pytest.mark.parametrize("override, named", [
    ("studies.kernel_width.models=[vit_tiny_patch16_224]", "model vit_tiny_patch16_224"),
    ("studies.kernel_width.seeds=[7]", "seed 7"),
    ("studies.training.methods=[simclr]", "method supervised"),
])
def test_a_sweep_of_a_run_the_training_study_does_not_make_is_refused(override, named):
    from dse_repro.pipeline.config import ConfigError
    from dse_repro.studies.kernel_width import slices
    from dse_repro.studies.registry import compose_config

    with pytest.raises(ConfigError, match=named):
        slices(compose_config("smoke", [override]))


@pytest.mark.parametrize("scale", ["smoke", "laptop", "paper"])
def test_each_sweep_reads_a_training_run_that_keeps_its_embeddings(scale):
    """The kernel-width jobs train nothing (no GPU) and read exactly the runs whose training
    jobs are told to keep their embeddings; every other training job keeps none."""
    from dse_repro.studies.registry import (
        compose_config,
        job_resources,
        keeps_embeddings,
        specs,
        upstream_files,
    )

    cfg = compose_config(scale)
    read = {upstream_files(cfg, "kernel_width", job)["embeddings_in"]
            for _, job in specs()["kernel_width"].slices(cfg)}
    kept = {specs()["training"].embeddings_path("job", job)
            for _, job in specs()["training"].slices(cfg)
            if keeps_embeddings(cfg, "training", "job", job)}
    assert read and kept == read
    for kind, job in specs()["kernel_width"].slices(cfg):
        assert job_resources(cfg, "kernel_width", kind, job).get("gpu", 0) == 0
    assert "train" not in cfg.studies.kernel_width


def test_a_job_given_a_bad_embeddings_file_fails_with_one_line(tmp_path):
    """The job's log ends in one ``error:`` line naming the file, no traceback (as for every
    DseReproError a study job meets: a bad setting, a missing data set, a bad file)."""
    import subprocess
    import sys

    bad = tmp_path / "embeddings.npz"
    bad.write_bytes(b"garbage")
    proc = subprocess.run(
        [sys.executable, "-m", "dse_repro.studies.kernel_width", "scale=smoke",
         "studies.kernel_width.job.dataset=digits", "studies.kernel_width.job.model=resnet10t",
         "studies.kernel_width.job.seed=0", f"out={tmp_path / 'results.csv'}",
         f"hydra.run.dir={tmp_path}", f"embeddings_in={bad}"],
        capture_output=True, text=True, cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out and out.count("error:") == 1, out
    assert "error: unreadable" in out and str(bad) in out
    assert not (tmp_path / "results.csv").exists()
