"""Kernel-width robustness study (figS2, beyond the paper): DSE(Z) as a function of the kernel
width relative to the scale of the embeddings.

One job per (data set, model, seed) (``studies.kernel_width.job.{dataset,model,seed}=…``):
the training study's model on its data subset is embedded at initialization, trained
(``method``, the training study's settings with the overrides of ``train``) and embedded
again. For each of the two embeddings Z ``(n_val, D)``: DSE(Z) at sigma = ratio x the median
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
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from dse_repro.pipeline.config import grid
from dse_repro.studies._runner import hydra_entry, job_values, study_datasets
from dse_repro.studies.spec import Grid, JobKind, ModelRuns, Resources, Slices, StudySpec

log = logging.getLogger(__name__)
COLUMNS = dict(dataset="str", model="str", arch="str", method="str", seed="int", state="str",
               epoch="int", width="str", ratio="float?", sigma="float?",
               median_distance="float", measure="str", value="float", unit="str")


def slices(cfg: DictConfig) -> Slices:
    s = cfg.studies.kernel_width
    return [("job", dict(dataset=d, model=str(m), seed=str(int(sd))))
            for d in study_datasets(cfg, "kernel_width") for m in s.models for sd in s.seeds]


@dataclass
class Settings(ModelRuns):
    """``studies.kernel_width`` (conf/study/kernel_width.yaml): what the job reads. After the
    :class:`~dse_repro.studies.spec.ModelRuns` fields:"""

    ratios: Grid | list[float]
    t: int
    k: int
    method: Literal["supervised", "simclr", "random_labels"]
    train: dict[str, Any]  # overrides of studies.training.train (checked against it)
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


def sweep_rows(cfg: DictConfig, dataset: str, model_name: str, seed: int) -> list[dict]:
    """Embed, train and embed again one (dataset, model, seed); the sweep of both embeddings."""
    from dse_repro.models import embed, is_vit
    from dse_repro.train import train
    from dse_repro.train.setup import build_model, device, prepared_data, train_settings

    s, t = cfg.studies.kernel_width, cfg.studies.training
    data = prepared_data(cfg, dataset)
    model = build_model(cfg, model_name, data, seed).to(device(t.device))
    settings = train_settings(cfg, dataset, str(s.method), seed,
                              OmegaConf.to_container(s.train, resolve=True))
    base = dict(dataset=dataset, model=model_name, arch="vit" if is_vit(model) else "convnet",
                method=str(s.method), seed=int(seed))
    ratios = [float(r) for r in grid(s.ratios)]
    rows = []
    for state in ("init", "trained"):
        if state == "trained":
            train(model, data, settings, None, device=device(t.device),
                  on_epoch=lambda m: log.info("%s", m.line()),
                  progress=bool(cfg.progress))
        z = embed(model, data.x_val).double().cpu().numpy()
        epoch = 0 if state == "init" else settings.epochs
        for r in sigma_sweep(z, ratios, int(s.t), int(s.k), paper_sigma(cfg)):
            rows.append(dict(**base, state=state, epoch=epoch, **r, measure="DSE_Z",
                             unit="bits"))
        log.info("%s %s seed %d %s: median distance %.4g; DSE(Z) at sigma = 10: %.4f bits, "
                 "median: %.4f, knn: %.4f", dataset, model_name, seed, state,
                 rows[-1]["median_distance"], rows[-3]["value"], rows[-2]["value"],
                 rows[-1]["value"])
    return rows


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.kernel_width
    rows: list[dict] = []
    for d in job_values(s, "dataset", study_datasets(cfg, "kernel_width")):
        for m in job_values(s, "model", s.models):
            for sd in job_values(s, "seed", s.seeds):
                rows += sweep_rows(cfg, str(d), str(m), int(sd))
    df = pd.DataFrame(rows)
    return df[list(COLUMNS)]


main = hydra_entry("kernel_width", run)

if __name__ == "__main__":
    main()
