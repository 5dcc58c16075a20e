"""Figs. 4-5 study: MI of labelled Gaussian blobs vs label corruption and vs dimension, for
every estimator in ``conf/study/mi_compare.yaml``, with the wall time of each call.

Tidy rows: ``sweep (corruption|dimension|runtime), estimator, label, dim, noise, corruption,
repeat, n_points, measure (MI), value, unit (bits), seconds`` -- ``seconds`` is the estimator's
wall time without data generation. Job slice: ``studies.mi_compare.job.{sweep,dim,estimator}=…``.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from hydra.utils import instantiate
from omegaconf import DictConfig

from dse_repro.pipeline.config import grid
from dse_repro.simulate import WideBlobs, corrupt_labels
from dse_repro.studies._runner import hydra_entry, job_values, progress, rng_for
from dse_repro.studies.spec import Grid, JobKind, Slices, StudySpec

log = logging.getLogger(__name__)


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


def slices(cfg: DictConfig) -> Slices:
    s = cfg.studies.mi_compare
    return [("job", dict(sweep=str(sweep), dim=str(int(d)), estimator=str(est)))
            for sweep in s.sweeps for d in s.sweeps[sweep].dims for est in s.estimators]


def job_resources(cfg: DictConfig, kind: str, job: Mapping[str, Any]) -> dict[str, int]:
    """Memory (MB), runtime (min) and threads one job needs, from its size.

    Memory: the data in float64 plus two working copies (NPEET/MINE/CSMI hold all of X; DSMI
    streams it above its ``stream_above_dim`` and keeps only n x n matrices), plus n x n
    matrices. Runtime: a generous bound scaled from timings on 2 CPU cores (n = 5000,
    d = 20 000: DSMI ~1 min; NPEET ~30 min; MINE ~30 min per call).
    """
    s = cfg.studies.mi_compare
    sweep, dim, estimator = str(job["sweep"]), int(job["dim"]), str(job["estimator"])
    n = int(s.n_points)
    fn = s.estimators[estimator].fn
    streams = "stream_above_dim" in fn and dim > int(fn.stream_above_dim)
    data_bytes = 0 if streams else 3 * 8 * n * dim
    mem_mb = int((data_bytes + 6 * 8 * n * n) / 2**20) + 1000
    calls = (1 if sweep == "runtime" else int(s.repeats) * len(s.noise_levels)) * (
        int(s.sweeps.corruption.ratio_grid.num) if sweep == "corruption" else 1)
    minutes = float(estimator_setting(s.estimators[estimator], "minutes"))
    per_call_min = 2 + (n / 5000) ** 2 * (dim / 20_000) * minutes
    return {"mem_mb": mem_mb, "runtime": int(calls * per_call_min) + 5,
            "threads": 2 if dim >= 10_000 else 1}


COLUMNS = dict(sweep="str", estimator="str", label="str", dim="int", noise="float",
               corruption="float", repeat="int", n_points="int", measure="str", value="float",
               unit="str")
@dataclass
class CorruptionSweep:
    dims: list[int]
    ratio_grid: Grid | list[float]


@dataclass
class DimSweep:
    dims: list[int]


@dataclass
class Sweeps:
    corruption: CorruptionSweep
    dimension: DimSweep
    runtime: DimSweep


@dataclass
class Estimator:
    """One entry of ``studies.mi_compare.estimators``: all the code asks about an estimator."""

    label: str  # its name in figures, legends and tables
    fn: dict[str, Any]  # a Hydra partial: _target_, _partial_ and the function's arguments
    baseline: bool = False  # a competitor DSMI must beat in the claims (fig4.dsmi_keeps_info)
    groundtruth: bool = False  # also run on distributions of known MI (mi_groundtruth, Fig. S1)
    continuous_y: bool = False  # ground truth, gaussian family: takes Y itself, not its clusters
    minutes: float = 40.0  # a generous bound on one call at n = 5000, d = 20 000 (2 cores)


def estimator_setting(entry: Mapping[str, Any], name: str) -> Any:
    """Setting ``name`` of an estimator registry entry, or its :class:`Estimator` default."""
    return entry.get(name, getattr(Estimator, name))


def estimators_with(estimators: Mapping[str, Any], flag: str) -> list[str]:
    """The estimators of a registry (``studies.mi_compare.estimators``) whose ``flag``
    (``baseline``, ``groundtruth``, ``continuous_y``) is true, in registry order."""
    return [str(e) for e, entry in estimators.items() if estimator_setting(entry, flag)]


@dataclass
class Settings:
    """``studies.mi_compare`` (conf/study/mi_compare.yaml): what the jobs read."""

    name: str
    n_points: int
    n_centers: int
    cluster_std: float
    center_box: list[float]
    block: int
    noise_levels: list[float]
    repeats: int
    sweeps: Sweeps
    estimators: dict[str, Estimator]


SPEC = StudySpec(
    name="mi_compare",
    settings=Settings,
    job_keys=("sweep", "dim", "estimator"),
    kinds={"job": JobKind("{sweep}/d{dim}/{estimator}",
                          dict(sweep="corruption|dimension|runtime", dim=r"\d+",
                               estimator=r"[A-Za-z0-9_]+"), timings=True)},
    slices=slices,
    figures=("fig4",),
    columns=COLUMNS,
    timed=True,
    timing_figures=("fig5",),
    timing_columns={**COLUMNS, "seconds": "float"},
    resources=job_resources,
)


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.mi_compare
    rows = []
    for sweep in job_values(s, "sweep", s.sweeps.keys()):
        if sweep not in s.sweeps:
            raise ValueError(f"studies.mi_compare.job.sweep must be one of {list(s.sweeps)}, "
                             f"got {sweep!r}")
        for dim in job_values(s, "dim", s.sweeps[sweep].dims):
            for estimator in job_values(s, "estimator", s.estimators.keys()):
                if estimator not in s.estimators:
                    raise ValueError(f"studies.mi_compare.job.estimator must be one of "
                                     f"{list(s.estimators)}, got {estimator!r}")
                rows += run_cell(cfg, sweep, int(dim), estimator)
    return pd.DataFrame(rows)


main = hydra_entry("mi_compare", run)

if __name__ == "__main__":
    main()
