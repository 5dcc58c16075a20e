"""Kernel-width robustness study (figS2, beyond the paper): DSE(Z) as a function of the kernel
width relative to the scale of the embeddings.

One job per (data set, model, seed) (``studies.kernel_width.job.{dataset,model,seed}=…``).
It trains nothing: it reads the training study's run of that (data set, model, ``method``,
seed) -- the validation embeddings that run kept at initialization and after its last epoch
(``embeddings_in``, the run's ``embeddings.npz``; :mod:`dse_repro.train.embeddings`). For
each of the two embeddings Z ``(n_val, D)``: DSE(Z) at sigma = ratio x the median
distance between the points for every ratio of ``ratios`` (width ``ratio``), at the paper's
sigma = 10 (width ``fixed``), at the median distance (``median``) and under the adaptive
per-point width (``knn``, ``k`` neighbours). The figure draws these beside the three-width
measures of the training, sigma-init and model-zoo tables.

Tidy rows: ``dataset, model, arch, method, seed, state (init | trained), epoch, width,
ratio (sigma / median distance; empty for knn), sigma (empty for knn), median_distance
(units of Z), measure (DSE_Z), value (bits), unit``.
"""
from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from dse_repro.pipeline.config import ConfigError, grid
from dse_repro.studies import training
from dse_repro.studies._runner import hydra_entry, job_values, study_datasets
from dse_repro.studies.spec import Grid, JobKind, ModelRuns, Resources, Slices, StudySpec

log = logging.getLogger(__name__)
COLUMNS = dict(dataset="str", model="str", arch="str", method="str", seed="int", state="str",
               epoch="int", width="str", ratio="float?", sigma="float?",
               median_distance="float", measure="str", value="float", unit="str")


def slices(cfg: DictConfig) -> Slices:
    s = cfg.studies.kernel_width
    jobs = [("job", dict(dataset=d, model=str(m), seed=str(int(sd))))
            for d in study_datasets(cfg, "kernel_width") for m in s.models for sd in s.seeds]
    for _, job in jobs:
        training_run(cfg, job)  # each reads a run the training study makes
    return jobs


def training_run(cfg: DictConfig, job: Mapping[str, str]) -> dict[str, str]:
    """The training study's run that a kernel-width job reads: its job keys as written in its
    path. A ConfigError when the training study does not make that run."""
    s, t = cfg.studies.kernel_width, cfg.studies.training
    run = dict(dataset=str(job["dataset"]), model=str(job["model"]), method=str(s.method),
               seed=str(int(job["seed"])))
    grid = dict(dataset=[str(d) for d in study_datasets(cfg, "training")],
                model=[str(m) for m in t.models], method=[str(m) for m in t.methods],
                seed=[str(int(sd)) for sd in t.seeds])
    outside = [f"{k} {run[k]} (studies.training.{k}s: {grid[k]})" for k in grid
               if run[k] not in grid[k]]
    if outside:
        raise ConfigError(
            f"studies.kernel_width reads the training study's run of (dataset, model, method, "
            f"seed) = ({', '.join(run.values())}), which the training study does not make at "
            f"scale {cfg.scale}: {'; '.join(outside)}. Add it there, or drop it from "
            "studies.kernel_width.{datasets,models,seeds,method}")
    return run


def upstream(cfg: DictConfig, job: Mapping[str, str]) -> dict[str, str]:
    """The training run's ``embeddings.npz`` a job reads, under ``results/<scale>/``."""
    return {"embeddings_in": training.SPEC.embeddings_path("job", training_run(cfg, job))}


@dataclass
class Settings(ModelRuns):
    """``studies.kernel_width`` (conf/study/kernel_width.yaml): what the job reads. After the
    :class:`~dse_repro.studies.spec.ModelRuns` fields:"""

    ratios: Grid | list[float]
    t: int
    k: int
    method: Literal["supervised", "simclr", "random_labels"]  # the training runs it reads
    resources: Resources


SPEC = StudySpec(
    name="kernel_width",
    settings=Settings,
    job_keys=("dataset", "model", "seed"),
    kinds={"job": JobKind("{dataset}/{model}/s{seed}",
                          dict(dataset=r"[a-z0-9_]+", model=r"[A-Za-z0-9_.]+", seed=r"\d+"))},
    slices=slices,
    figures=("figS2",),
    columns=COLUMNS,
    uses=("training",),
    reads=("training", "sigma_init", "model_zoo"),
    reads_measures=True,
    upstream=upstream,
)


def paper_sigma(cfg: DictConfig) -> float:
    """The paper's fixed kernel width, in the units of Z: that of ``DSE_Z`` in the measures
    registry (conf/measures/default.yaml), written once there."""
    return float(cfg.measures.DSE_Z.fn.sigma)


def sigma_sweep(z: np.ndarray, ratios: list[float], t: int, k: int,
                fixed_sigma: float) -> list[dict]:
    """DSE(Z) in bits at sigma = ratio x median distance for every ratio, at ``fixed_sigma``
    (the paper's: the width of ``DSE_Z`` in the measures registry), at the median distance and
    under the ``knn`` width: ``[{width, ratio, sigma, median_distance, value}]``."""
    from dse_repro.measures import dse, median_distance

    md = median_distance(z)
    if not md > 0:
        raise ValueError("the embeddings are all one point (median distance 0): no kernel "
                         "width is meaningful")
    points = [("ratio", float(r), float(r) * md) for r in ratios]
    points += [("fixed", fixed_sigma / md, fixed_sigma), ("median", 1.0, md)]
    rows = []
    with warnings.catch_warnings():
        # the sweep samples both degenerate ends on purpose; its rows show where they are
        warnings.simplefilter("ignore", UserWarning)
        for width, ratio, sigma in points:
            rows.append(dict(width=width, ratio=ratio, sigma=sigma, median_distance=md,
                             value=dse(z, sigma=sigma, t=t)))
        rows.append(dict(width="knn", ratio=float("nan"), sigma=float("nan"),
                         median_distance=md, value=dse(z, sigma="knn", k=k, t=t)))
    return rows


def embeddings_path(cfg: DictConfig, job: Mapping[str, str]) -> Path:
    """Where a job reads its training run's embeddings: ``embeddings_in`` (the Snakefile sets
    it), else where the training job writes them under ``paths.results_dir``."""
    if cfg.get("embeddings_in"):
        return Path(cfg.embeddings_in)
    return Path(cfg.paths.results_dir, str(cfg.scale), upstream(cfg, job)["embeddings_in"])


def sweep_rows(cfg: DictConfig, dataset: str, model_name: str, seed: int) -> list[dict]:
    """The sweep of one (dataset, model, seed)'s training-run embeddings at initialization
    and after training."""
    from dse_repro.train.embeddings import load_embeddings

    s = cfg.studies.kernel_width
    job = dict(dataset=dataset, model=model_name, seed=str(int(seed)))
    run = training_run(cfg, job)
    path = embeddings_path(cfg, job)
    zs, record = load_embeddings(path, dict(run, seed=int(seed)))
    log.info("read the embeddings of training run %s (epoch 0 and %d) from %s",
             "/".join(run.values()), record["epochs"], path)
    base = dict(dataset=dataset, model=model_name, arch=str(record["arch"]),
                method=str(s.method), seed=int(seed))
    ratios = [float(r) for r in grid(s.ratios)]
    rows = []
    for state in ("init", "trained"):
        z = zs[state]
        epoch = 0 if state == "init" else int(record["epochs"])
        for r in sigma_sweep(z, ratios, int(s.t), int(s.k), paper_sigma(cfg)):
            rows.append(dict(**base, state=state, epoch=epoch, **r, measure="DSE_Z",
                             unit="bits"))
        log.info("%s %s seed %d %s: median distance %.4g; DSE(Z) at sigma = %g: %.4f bits, "
                 "median: %.4f, knn: %.4f", dataset, model_name, seed, state,
                 rows[-1]["median_distance"], paper_sigma(cfg), rows[-3]["value"],
                 rows[-2]["value"], rows[-1]["value"])
    return rows


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.kernel_width
    combos = [(str(d), str(m), int(sd))
              for d in job_values(s, "dataset", study_datasets(cfg, "kernel_width"))
              for m in job_values(s, "model", s.models) for sd in job_values(s, "seed", s.seeds)]
    if cfg.get("embeddings_in") and len(combos) != 1:
        raise ValueError(f"embeddings_in={cfg.embeddings_in} is one training run's embeddings, "
                         f"but this job sweeps {len(combos)}: set "
                         "studies.kernel_width.job.{dataset,model,seed}")
    rows: list[dict] = []
    for d, m, sd in combos:
        rows += sweep_rows(cfg, d, m, sd)
    df = pd.DataFrame(rows)
    return df[list(COLUMNS)]


main = hydra_entry("kernel_width", run)

if __name__ == "__main__":
    main()
