"""Figs. 4-5 study: MI of labelled Gaussian blobs vs label corruption and vs dimension, for
every estimator in ``conf/study/mi_compare.yaml``, with the wall time of each call.

Tidy rows: ``sweep (corruption|dimension|runtime), estimator, label, dim, noise, corruption,
repeat, n_points, measure (MI), value, unit (bits), seconds`` -- ``seconds`` is the estimator's
wall time without data generation. Job slice: ``job.sweep=… job.dim=… job.estimator=…``.
"""
from __future__ import annotations

import logging
import time

import pandas as pd
from hydra.utils import instantiate
from omegaconf import DictConfig

from dse_repro.config import grid
from dse_repro.simulate import WideBlobs, corrupt_labels
from dse_repro.studies._runner import hydra_entry, job_values, progress, rng_for

log = logging.getLogger("dse_repro")


def run_cell(cfg: DictConfig, sweep: str, dim: int, estimator: str) -> list[dict]:
    """Every (repeat, noise, corruption) of one estimator at one dimension."""
    s = cfg.studies.mi_compare
    spec = s.estimators[estimator]
    fn = instantiate(spec.fn)
    runtime_only = sweep == "runtime"
    noise_levels = [min(s.noise_levels)] if runtime_only else list(s.noise_levels)
    repeats = 1 if runtime_only else s.repeats
    ratios = grid(s.sweeps.corruption.ratio_grid) if sweep == "corruption" else [0.0]
    # One untimed call on a tiny data set first, so imports and first-call set-up (torch, the
    # k-d tree code) are not billed to the first timed estimate.
    warm = WideBlobs(10 * s.n_centers, 2, s.n_centers, seed=1)
    fn(warm, warm.labels)
    rows = []
    cells = [(r, nz) for r in range(repeats) for nz in noise_levels]
    for rep, noise in progress(cells, cfg, desc=f"{sweep} d={dim} {estimator}"):
        data = WideBlobs(s.n_points, int(dim), s.n_centers, noise,
                         seed=int(rng_for(cfg.seed, "mi_compare", rep).integers(2**31)),
                         cluster_std=s.cluster_std, center_box=tuple(s.center_box), block=s.block)
        for ratio in ratios:
            labels = corrupt_labels(data.labels, ratio,
                                    rng_for(cfg.seed, "mi_compare.corrupt", dim, rep, noise, ratio))
            gen0, t0 = data.generation_seconds, time.perf_counter()
            value = float(fn(data, labels))
            seconds = time.perf_counter() - t0 - (data.generation_seconds - gen0)
            rows.append(dict(sweep=sweep, estimator=estimator, label=spec.label, dim=int(dim),
                             noise=noise, corruption=ratio, repeat=rep, n_points=s.n_points,
                             measure="MI", value=value, unit="bits", seconds=seconds))
    return rows


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.mi_compare
    rows = []
    for sweep in job_values(cfg, "sweep", s.sweeps.keys()):
        if sweep not in s.sweeps:
            raise ValueError(f"job.sweep must be one of {list(s.sweeps)}, got {sweep!r}")
        for dim in job_values(cfg, "dim", s.sweeps[sweep].dims):
            for estimator in job_values(cfg, "estimator", s.estimators.keys()):
                if estimator not in s.estimators:
                    raise ValueError(f"job.estimator must be one of {list(s.estimators)}, "
                                     f"got {estimator!r}")
                rows += run_cell(cfg, sweep, int(dim), estimator)
    return pd.DataFrame(rows)


main = hydra_entry("mi_compare", run)

if __name__ == "__main__":
    main()
