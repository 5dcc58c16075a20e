"""Training setup shared by the studies that train (training, sigma-init, model zoo): the
device, the study's data subset, the model, and one run of the trainer turned into tidy rows.

Everything reads the composed root config ``cfg`` (``cfg.studies.training`` for data, model
and optimiser settings; ``cfg.measures`` for the embedding measures).
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from omegaconf import DictConfig, OmegaConf

from dse_repro.data import ImageData, load_dataset
from dse_repro.data.transforms import input_clusters, resize_normalize
from dse_repro.models import conv_normal_, create_model, embed, is_vit
from dse_repro.train.embeddings import save_embeddings
from dse_repro.train.loop import TrainSettings, train
from dse_repro.train.measures import build_measures, needs_clusters

log = logging.getLogger(__name__)
#: Units of the two per-epoch values every training run records besides its measures.
BASE_UNITS = {"val_acc": "fraction", "train_loss": "nats"}


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


def train_settings(cfg: DictConfig, dataset: str, method: str, seed: int,
                   overrides: dict | None = None) -> TrainSettings:
    """The training study's ``train`` settings for one run: its per-data-set learning rate
    (``lr_by_dataset``) and then ``overrides`` applied on top."""
    s = cfg.studies.training
    return TrainSettings(method=method, seed=int(seed),
                         **{**OmegaConf.to_container(s.train, resolve=True),
                            **({"lr": s.lr_by_dataset[dataset]}
                               if dataset in s.lr_by_dataset else {}),
                            **(overrides or {})})


def run_one(cfg: DictConfig, dataset: str, model_name: str, method: str, seed: int,
            checkpoint: Path | None, init_sigma: float | None = None,
            train_overrides: dict | None = None, embeddings_out: Path | None = None,
            keep_embeddings: bool = False) -> list[dict]:
    """Train one (dataset, model, method, seed) with the training study's settings (plus
    ``train_overrides``) and return its tidy per-epoch rows: ``val_acc``, ``train_loss`` and
    the measures of ``train.measures``, each with its unit, and the epoch's two wall times.
    With ``embeddings_out``, also write the validation embeddings at initialization and after
    the last epoch there (:mod:`dse_repro.train.embeddings`; only a record without them
    unless ``keep_embeddings``)."""
    s = cfg.studies.training
    data = prepared_data(cfg, dataset)
    model = build_model(cfg, model_name, data, seed, init_sigma)
    settings = train_settings(cfg, dataset, method, seed, train_overrides)
    measures = build_measures(cfg.measures, settings.measures)
    clusters = x_clusters(cfg, data) if needs_clusters(measures) else None
    arch = "vit" if is_vit(model) else "convnet"
    log.info("%s %s (%s) %s seed %d: %d train / %d val images at %d px", dataset, model_name,
             arch, method, seed, len(data.y_train), len(data.y_val), s.img_size)
    describe = {"dataset": dataset, "model": model_name, "method": method, "seed": int(seed),
                "init_sigma": init_sigma,  # (not the data root: the data digest covers it)
                # the study's settings, less what does not change the run (its job slice, the
                # resources a scheduler gives it)
                "training": {k: v for k, v in OmegaConf.to_container(s, resolve=True).items()
                             if k not in ("job", "resources")}}
    keep = embeddings_out is not None and keep_embeddings
    # before train(), which may load a checkpoint's weights: the model as initialised
    z_init = embed(model.to(device(s.device)), data.x_val).cpu().numpy() if keep else None
    epochs = train(model, data, settings, clusters, checkpoint=checkpoint,
                   device=device(s.device), measures=measures, describe=describe,
                   on_epoch=lambda m: log.info("%s", m.line()),
                   progress=bool(cfg.progress))
    if embeddings_out is not None:
        z_trained = embed(model, data.x_val).cpu().numpy() if keep else None
        save_embeddings(embeddings_out, dict(dataset=dataset, model=model_name, arch=arch,
                                             method=method, seed=int(seed),
                                             epochs=settings.epochs), z_init, z_trained)
        log.info("wrote %s to %s", "the validation embeddings at init and after epoch "
                 f"{settings.epochs}" if keep else "a record (embeddings not kept)",
                 embeddings_out)
    units = {**BASE_UNITS, **{k: m.unit for k, m in measures.items()}}
    return [dict(dataset=dataset, model=model_name, arch=arch, method=method, seed=int(seed),
                 epoch=m.epoch, measure=k,
                 value=getattr(m, k) if k in BASE_UNITS else m.measures[k], unit=unit,
                 train_seconds=m.train_seconds, metric_seconds=m.metric_seconds)
            for m in epochs for k, unit in units.items()]
