"""Fig. 9 study: initializing every convolution weight from N(0, sigma).

Two kinds of job (``job.part``):

* ``init`` -- ``job.model=… job.init_sigma=… job.seed=…``: S_D(Z) of the untrained model on
  the validation set of every data set of the study (epoch 0).
* ``train`` -- ``job.dataset=… job.init_sigma=… job.seed=…``: the comparison model trained
  with the training study's trainer and settings (``studies.training``; overrides in
  ``compare.train``), one row per epoch and measure, as in Figs. 6-8.

Tidy rows: ``part, dataset, model, arch, method, init_sigma, seed, epoch, measure, value,
unit`` (+ ``train_seconds, metric_seconds`` for ``train``, sent to ``timings_out``). DSE in bits.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from dse_repro.measures import dse
from dse_repro.models import embed, is_vit
from dse_repro.studies._runner import hydra_entry, job_values, progress
from dse_repro.studies.training import build_model, device, prepared_data, run_one
from dse_repro.workflow import study_datasets

log = logging.getLogger("dse_repro")
PARTS = ("init", "train")


def init_rows(cfg: DictConfig, model_name: str, sigma: float, seed: int) -> list[dict]:
    """DSE(Z) at initialization of ``model_name`` drawn with conv std ``sigma`` (seeded), on the
    validation set of each data set."""
    t = cfg.studies.training
    rows = []
    for dataset in progress(study_datasets(cfg, "sigma_init"), cfg, desc="data sets"):
        data = prepared_data(cfg, dataset)
        model = build_model(cfg, model_name, data, seed, init_sigma=sigma).to(device(t.device))
        z = embed(model, data.x_val)
        value = dse(z, float(t.train.sigma), int(t.train.t))
        log.info("%s %s sigma %g seed %d: DSE(Z) at init %.4f bits (|Z| median %.3g)", dataset,
                 model_name, sigma, seed, value, float(z.norm(dim=1).median()))
        rows.append(dict(part="init", dataset=dataset, model=model_name,
                         arch="vit" if is_vit(model) else "convnet", method="untrained",
                         init_sigma=float(sigma), seed=int(seed), epoch=0, measure="DSE_Z",
                         value=value, unit="bits"))
    return rows


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.sigma_init
    rows: list[dict] = []
    parts = job_values(cfg, "part", PARTS)
    if any(p not in PARTS for p in parts):
        raise ValueError(f"job.part must be one of {PARTS}, got {cfg.job.part!r}")
    if "init" in parts:
        for m in job_values(cfg, "model", s.models):
            for sigma in job_values(cfg, "init_sigma", s.sigmas):
                for seed in job_values(cfg, "seed", s.seeds):
                    rows += init_rows(cfg, str(m), float(sigma), int(seed))
    if "train" in parts:
        c = s.compare
        combos = [(d, float(sg), int(sd)) for d in job_values(cfg, "dataset", study_datasets(cfg, "sigma_init"))
                  for sg in job_values(cfg, "init_sigma", c.sigmas)
                  for sd in job_values(cfg, "seed", c.seeds)]
        overrides = OmegaConf.to_container(c.train, resolve=True)
        for d, sigma, seed in combos:
            ckpt = cfg.checkpoint or (Path(cfg.out).parent / "checkpoint.pt"
                                      if len(combos) == 1 else None)
            for r in run_one(cfg, d, str(c.model), str(c.method), seed,
                             Path(ckpt) if ckpt else None, init_sigma=sigma,
                             train_overrides=overrides):
                rows.append(dict(part="train", init_sigma=sigma, **r))
    df = pd.DataFrame(rows)
    first = ["part", "dataset", "model", "arch", "method", "init_sigma", "seed", "epoch"]
    return df[first + [c for c in df.columns if c not in first]]


main = hydra_entry("sigma_init", run)

if __name__ == "__main__":
    main()
