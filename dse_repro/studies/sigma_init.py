"""Fig. 9 study: initializing every convolution weight from N(0, sigma).

Two kinds of job (``studies.sigma_init.job.part``):

* ``init`` -- ``job.model=… job.init_sigma=… job.seed=…``: the measures of ``init_measures``
  (default DSE(Z)) of the untrained model on the validation set of every data set of the
  study (epoch 0).
* ``train`` -- ``job.dataset=… job.init_sigma=… job.seed=…``: the comparison model trained
  with the training study's trainer and settings (``studies.training``; overrides in
  ``compare.train``), one row per epoch and measure, as in Figs. 6-8.

Tidy rows: ``part, dataset, model, arch, method, init_sigma, seed, epoch, measure, value,
unit`` (+ ``train_seconds, metric_seconds`` for ``train``, sent to ``timings_out``). DSE in bits.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from dse_repro.studies._runner import (
    checkpoint_path,
    hydra_entry,
    job_values,
    progress,
    study_datasets,
)
from dse_repro.studies.spec import JobKind, ModelRuns, Resources, Slices, StudySpec

log = logging.getLogger(__name__)
PARTS = ("init", "train")
#: value: empty for SimCLR epochs without a probe (never in this study's supervised runs)
COLUMNS = dict(part="str", dataset="str", model="str", arch="str", method="str",
               init_sigma="float", seed="int", epoch="int", measure="str", value="float?",
               unit="str")


def slices(cfg: DictConfig) -> Slices:
    s = cfg.studies.sigma_init
    init = [("at_init", dict(model=str(m), init_sigma=f"{float(sg):g}", seed=str(int(sd))))
            for m in s.models for sg in s.sigmas for sd in s.seeds]
    train = [("train", dict(dataset=d, init_sigma=f"{float(sg):g}", seed=str(int(sd))))
             for d in study_datasets(cfg, "sigma_init") for sg in s.compare.sigmas
             for sd in s.compare.seeds]
    return init + train


SIGMA = r"[0-9.e+-]+"
@dataclass
class CompareSettings:
    model: str
    method: Literal["supervised", "simclr", "random_labels"]
    sigmas: list[float]
    seeds: list[int]
    train: dict[str, Any]  # overrides of studies.training.train (checked against it)
    target_acc: float


@dataclass
class Settings(ModelRuns):
    """``studies.sigma_init`` (conf/study/sigma_init.yaml): what the jobs read. After the
    :class:`~dse_repro.studies.spec.ModelRuns` fields:"""

    sigmas: list[float]
    init_measures: list[str]
    compare: CompareSettings
    resources: dict[Literal["at_init", "train"], Resources]  # by kind of job


SPEC = StudySpec(
    name="sigma_init",
    settings=Settings,
    job_keys=("part", "model", "dataset", "init_sigma", "seed"),
    kinds={"at_init": JobKind("init/{model}/sigma{init_sigma}/s{seed}",
                           dict(model=r"[A-Za-z0-9_.]+", init_sigma=SIGMA, seed=r"\d+"),
                           fixed={"part": "init"}),
           "train": JobKind("train/{dataset}/sigma{init_sigma}/s{seed}",
                            dict(dataset=r"[a-z0-9_]+", init_sigma=SIGMA, seed=r"\d+"),
                            fixed={"part": "train"}, timings=True)},
    slices=slices,
    figures=("fig9",),
    columns=COLUMNS,
    uses=("training",),
    reads_measures=True,
)


def init_rows(cfg: DictConfig, model_name: str, sigma: float, seed: int) -> list[dict]:
    """The ``init_measures`` of ``model_name`` drawn with conv std ``sigma`` (seeded), at
    initialization, on the validation set of each data set."""
    from dse_repro.models import embed, is_vit
    from dse_repro.train.measures import build_measures, needs_clusters
    from dse_repro.train.setup import build_model, device, prepared_data, x_clusters

    t = cfg.studies.training
    measures = build_measures(cfg.measures, cfg.studies.sigma_init.init_measures)
    rows = []
    for dataset in progress(study_datasets(cfg, "sigma_init"), cfg, desc="data sets"):
        data = prepared_data(cfg, dataset)
        model = build_model(cfg, model_name, data, seed, init_sigma=sigma).to(device(t.device))
        z = embed(model, data.x_val)
        clusters = x_clusters(cfg, data) if needs_clusters(measures) else None
        for name, measure in measures.items():
            value = measure(z, data.y_val.numpy(), clusters)
            log.info("%s %s sigma %g seed %d: %s at init %.4g %s (|Z| median %.3g)", dataset,
                     model_name, sigma, seed, name, value, measure.unit,
                     float(z.norm(dim=1).median()))
            rows.append(dict(part="init", dataset=dataset, model=model_name,
                             arch="vit" if is_vit(model) else "convnet", method="untrained",
                             init_sigma=float(sigma), seed=int(seed), epoch=0, measure=name,
                             value=value, unit=measure.unit))
    return rows


def run(cfg: DictConfig) -> pd.DataFrame:
    from dse_repro.train.setup import run_one

    s = cfg.studies.sigma_init
    rows: list[dict] = []
    parts = job_values(s, "part", PARTS)
    if any(p not in PARTS for p in parts):
        raise ValueError(f"studies.sigma_init.job.part must be one of {PARTS}, "
                         f"got {s.job.part!r}")
    if "init" in parts:
        for m in job_values(s, "model", s.models):
            for sigma in job_values(s, "init_sigma", s.sigmas):
                for seed in job_values(s, "seed", s.seeds):
                    rows += init_rows(cfg, str(m), float(sigma), int(seed))
    if "train" in parts:
        c = s.compare
        combos = [(d, float(sg), int(sd))
                  for d in job_values(s, "dataset", study_datasets(cfg, "sigma_init"))
                  for sg in job_values(s, "init_sigma", c.sigmas)
                  for sd in job_values(s, "seed", c.seeds)]
        overrides = OmegaConf.to_container(c.train, resolve=True)
        for d, sigma, seed in combos:
            for r in run_one(cfg, d, str(c.model), str(c.method), seed,
                             checkpoint_path(cfg, len(combos)), init_sigma=sigma,
                             train_overrides=overrides):
                rows.append(dict(part="train", init_sigma=sigma, **r))
    df = pd.DataFrame(rows)
    first = list(COLUMNS)[:8]
    return df[first + [c for c in df.columns if c not in first]]


main = hydra_entry("sigma_init", run)

if __name__ == "__main__":
    main()
