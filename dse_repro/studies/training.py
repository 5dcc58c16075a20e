"""Figs. 6-8 study: train one (dataset, model, method, seed) and measure every epoch.

Tidy rows: ``dataset, model, arch (convnet|vit), method, seed, epoch, measure (val_acc |
train_loss | DSE_Z | DSMI_ZY | DSMI_ZX -- those of ``train.measures``), value, unit,
train_seconds, metric_seconds`` (the two wall times of the epoch go to ``timings_out`` when
set, keeping ``out`` byte-reproducible).
Job slice: ``job.dataset=… job.model=… job.method=… job.seed=…``. The run checkpoints every
epoch to ``checkpoint`` (default: next to ``out``) and resumes from it when restarted.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from omegaconf import DictConfig, OmegaConf

from dse_repro.data import ImageData, load_dataset
from dse_repro.data.transforms import input_clusters, resize_normalize
from dse_repro.models import conv_normal_, create_model, is_vit
from dse_repro.studies._runner import hydra_entry, job_values
from dse_repro.train import TrainSettings, train

log = logging.getLogger("dse_repro")
UNITS = {"val_acc": "fraction", "train_loss": "nats", "dse_z": "bits", "dsmi_zy": "bits",
         "dsmi_zx": "bits"}
NAMES = {"val_acc": "val_acc", "train_loss": "train_loss", "dse_z": "DSE_Z",
         "dsmi_zy": "DSMI_ZY", "dsmi_zx": "DSMI_ZX"}


def device(spec: str) -> torch.device:
    """``auto`` = CUDA when available, else CPU; anything else is passed to torch."""
    if spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(spec)


def prepared_data(cfg: DictConfig, dataset: str) -> ImageData:
    """The training study's seeded subset of ``dataset`` at its image size, normalised."""
    s = cfg.studies.training
    data = load_dataset(dataset, cfg.paths.data_root).subset(s.n_train, s.n_val, seed=0)
    return resize_normalize(data, int(s.img_size))


def x_clusters(cfg: DictConfig, data: ImageData) -> np.ndarray:
    """Cluster labels of the validation inputs (X of DSMI(Z; X)), ``(n_val,)``."""
    s = cfg.studies.training
    return input_clusters(data.x_val, s.x_clusters.n_clusters, s.x_clusters.size, seed=cfg.seed)


def build_model(cfg: DictConfig, model_name: str, data: ImageData, seed: int,
                init_sigma: float | None = None) -> torch.nn.Module:
    """A randomly initialised timm model for ``data`` (seeded), with the training study's
    ``model_kwargs``; ``init_sigma`` (default: ``studies.training.init_sigma``) redraws every
    convolution weight from N(0, init_sigma), None keeps timm's initialization."""
    s = cfg.studies.training
    torch.manual_seed(seed)
    kwargs = OmegaConf.to_container(s.model_kwargs, resolve=True).get(model_name, {})
    model = create_model(model_name, data.num_classes, data.in_chans, int(s.img_size), **kwargs)
    init_sigma = s.get("init_sigma") if init_sigma is None else init_sigma
    if init_sigma is not None:
        conv_normal_(model, float(init_sigma))
    return model


def run_one(cfg: DictConfig, dataset: str, model_name: str, method: str, seed: int,
            checkpoint: Path | None, init_sigma: float | None = None,
            train_overrides: dict | None = None) -> list[dict]:
    """Train one (dataset, model, method, seed) with the training study's settings (plus
    ``train_overrides``) and return its tidy per-epoch rows."""
    s = cfg.studies.training
    data = prepared_data(cfg, dataset)
    clusters = x_clusters(cfg, data)
    model = build_model(cfg, model_name, data, seed, init_sigma)
    settings = TrainSettings(method=method, seed=int(seed),
                             **{**OmegaConf.to_container(s.train, resolve=True),
                                **({"lr": s.lr_by_dataset[dataset]}
                                   if dataset in s.lr_by_dataset else {}),
                                **(train_overrides or {})})
    arch = "vit" if is_vit(model) else "convnet"
    log.info("%s %s (%s) %s seed %d: %d train / %d val images at %d px", dataset, model_name,
             arch, method, seed, len(data.y_train), len(data.y_val), s.img_size)
    epochs = train(model, data, settings, clusters, checkpoint=checkpoint,
                   device=device(s.device),
                   on_epoch=lambda m: log.info("epoch %d: %s", m.epoch, m))
    kept = [k for k in NAMES if k in ("val_acc", "train_loss") or k in settings.measures]
    return [dict(dataset=dataset, model=model_name, arch=arch, method=method, seed=int(seed),
                 epoch=m.epoch, measure=NAMES[k], value=getattr(m, k), unit=UNITS[k],
                 train_seconds=m.train_seconds, metric_seconds=m.metric_seconds)
            for m in epochs for k in kept]


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.training
    rows = []
    combos = [(d, m, me, sd) for d in job_values(cfg, "dataset", s.datasets)
              for m in job_values(cfg, "model", s.models)
              for me in job_values(cfg, "method", s.methods)
              for sd in job_values(cfg, "seed", s.seeds)]
    for d, m, me, sd in combos:
        ckpt = cfg.checkpoint or (Path(cfg.out).parent / "checkpoint.pt" if len(combos) == 1
                                  else None)
        rows += run_one(cfg, d, m, me, int(sd), Path(ckpt) if ckpt else None)
    return pd.DataFrame(rows)


main = hydra_entry("training", run)

if __name__ == "__main__":
    main()
