"""Fig. 10 study: do DSE(Z), DSMI(Z; X), DSMI(Z; Y) -- and cheap competitors -- predict a
model's accuracy across a zoo of models?

Two sources (``studies.model_zoo.source``):

* ``timm_pretrained`` (paper): one job per pretrained timm model of timm's published ImageNet
  table (``job.model=<name.tag>``); weights from the local timm / Hugging Face cache with hub
  access off (a model without local weights is *skipped* -- its rows say why -- never a crash);
  data: the ImageNet validation images of the 20 Imagenette + Imagewoof classes, each through
  ``crops`` random-resized crops cut at the model's own input size and normalised with its own
  data config; accuracy = the table's top-1. Job: ``studies.model_zoo.job.model=<name.tag>``.
* ``self_trained`` (laptop, smoke; offline): one job per (member, epochs, seed)
  (``studies.model_zoo.job.{model,epochs,seed}=…``, model = a ``variants`` entry: an
  architecture of the catalogue, augmentation on or off, a data budget), trained supervised
  with the training study's trainer on Fashion-MNIST when installed, else digits; accuracy =
  held-out accuracy on the whole validation split. Two labelled groups: ``converged`` (every
  member of ``members`` trained for the fixed budget ``epochs``: they differ by architecture,
  width, depth, augmentation and data budget -- the paper's question) and
  ``training_length`` (``training_length.members`` stopped after fewer epochs).

Measures on the embedding Z of the measurement images: those named in ``measures`` (from the
config's measures registry, ``conf/measures/``; by default DSE_Z, DSMI_ZX, DSMI_ZY in bits, X =
the inputs spectrally clustered; rankme, alpha_req unitless; knn_acc a fraction). Tidy rows:
``source, group (converged | training_length; pretrained timm models: converged), dataset,
model, family, arch, param_count (millions), epochs, seed, accuracy (fraction), measure, value,
unit, status`` (``ok`` or ``skipped: <reason>``).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from dse_repro.studies._runner import hydra_entry, job_values
from dse_repro.studies.spec import JobKind, Resources, Slices, StudySpec

log = logging.getLogger(__name__)
SOURCES = ("timm_pretrained", "self_trained")


def slices(cfg: DictConfig) -> Slices:
    s = cfg.studies.model_zoo
    if s.source == "timm_pretrained":
        return [("timm", {"model": m}) for m in zoo_model_names(s)]
    z = s.self_trained
    runs = [(m, int(z.epochs)) for m in z.members]
    runs += [(m, int(e)) for m in z.training_length.members for e in z.training_length.epochs]
    return [("trained", dict(model=str(m), epochs=str(e), seed=str(int(sd))))
            for m, e in runs for sd in z.seeds]


@dataclass
class ImageNetSettings:
    folder: str
    classes: list[int]
    crops: int
    crop_scale: list[float]
    x_size: int
    x_clusters: int


@dataclass
class Architecture:
    model: str
    kwargs: dict[str, Any]


@dataclass
class TrainingLength:
    members: list[str]
    epochs: list[int]


@dataclass
class SelfTrained:
    dataset: str
    fallback_dataset: str
    architectures: dict[str, Architecture]
    variants: dict[str, dict[str, Any]]
    members: list[str]
    epochs: int
    training_length: TrainingLength
    seeds: list[int]
    img_size: int
    n_train: int
    n_val: int
    x_clusters: int
    train: dict[str, Any]  # overrides of studies.training.train (checked against it)


@dataclass
class Settings:
    """``studies.model_zoo`` (conf/study/model_zoo.yaml): what the jobs read."""

    name: str
    source: Literal["timm_pretrained", "self_trained"]
    pretrained: bool
    max_models: int | None
    imagenet: ImageNetSettings
    batch_size: int
    measures: list[str]
    device: str
    self_trained: SelfTrained
    resources: Resources


SPEC = StudySpec(
    name="model_zoo",
    settings=Settings,
    job_keys=("model", "epochs", "seed"),
    kinds={"timm": JobKind("timm/{model}", {"model": r"[A-Za-z0-9_.\-]+"}),
           "trained": JobKind("{model}/e{epochs}/s{seed}",
                              dict(model=r"(?!timm$)[A-Za-z0-9_]+", epochs=r"\d+",
                                   seed=r"\d+"))},
    slices=slices,
    figures=("fig10",),
    # epochs: empty for pretrained models; value: empty for a skipped model
    columns=dict(source="str", group="str", dataset="str", model="str", family="str",
                 arch="str", param_count="float", epochs="float?", seed="int", accuracy="float",
                 measure="str", value="float?", unit="str", status="str"),
    summaries=("model_zoo_correlations",),
    uses=("training",),
    reads_measures=True,
)


def embedding_measures(cfg: DictConfig, z, y: np.ndarray,
                       x_clusters: np.ndarray) -> dict[str, float]:
    """The study's ``measures`` of embeddings ``z`` ``(n, d)`` with labels ``y`` and input
    cluster labels ``x_clusters`` (both ``(n,)``)."""
    from dse_repro.train.measures import build_measures

    measures = build_measures(cfg.measures, cfg.studies.model_zoo.measures)
    return {k: m(z, y, x_clusters) for k, m in measures.items()}


def _rows(cfg: DictConfig, base: dict, measures: dict[str, float] | None,
          status: str = "ok") -> list[dict]:
    return [dict(**base, measure=m, value=(measures or {}).get(m, float("nan")),
                 unit=cfg.measures[m].unit, status=status)
            for m in cfg.studies.model_zoo.measures]


# --- paper: pretrained timm models on ImageNet -------------------------------------------
def zoo_model_names(s: DictConfig) -> list[str]:
    """Pretrained timm models of timm's results table that this timm knows, in table order
    (best top-1 first); the first ``max_models`` when set."""
    import timm

    from dse_repro.data.imagenet_subset import timm_results

    known = set(timm.list_pretrained())
    names = [m for m in timm_results()["model"] if m in known]
    return names[: int(s.max_models)] if s.get("max_models") else names


def missing_weights(name: str) -> str | None:
    """None if the pretrained weights of timm model ``name`` are in the local cache (Hugging
    Face hub cache, or torch hub's checkpoints folder for URL weights); else the reason,
    naming where they were looked for. Never touches the network."""
    from pathlib import Path

    from timm.models import get_pretrained_cfg

    cfg = get_pretrained_cfg(name)
    if cfg is None:
        return f"timm has no pretrained config for {name}"
    looked = []
    if cfg.hf_hub_id:
        from huggingface_hub import constants, try_to_load_from_cache

        repo = cfg.hf_hub_id.split("@")[0]
        for fname in ("model.safetensors", "pytorch_model.bin", "open_clip_pytorch_model.bin"):
            if isinstance(try_to_load_from_cache(repo, fname), str):
                return None
        looked.append(f"Hugging Face cache {constants.HF_HUB_CACHE} (repo {repo})")
    if cfg.url:
        import torch

        path = Path(torch.hub.get_dir()) / "checkpoints" / cfg.url.rsplit("/", 1)[-1]
        if path.is_file():
            return None
        looked.append(str(path))
    return "weights not in the local cache; looked in " + " and ".join(looked or ["nowhere"])


def _hub_offline() -> None:
    """Switch Hugging Face hub access off in this process (env var for new imports, the
    library constant for an already imported hub)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        from huggingface_hub import constants

        constants.HF_HUB_OFFLINE = True
    except ImportError:  # pragma: no cover - timm depends on huggingface_hub
        pass


def _arch_of(name: str) -> str:
    """convnet | vit from the model's modules, built on the meta device (no memory, no weights)."""
    import timm
    import torch

    from dse_repro.models import is_vit

    with torch.device("meta"):
        model = timm.create_model(name.split(".")[0], pretrained=False)
    return "vit" if is_vit(model) else "convnet"


def timm_rows(cfg: DictConfig, name: str) -> list[dict]:
    """One pretrained model measured on the ImageNet subset (or skipped with its reason)."""
    import timm
    import torch
    from timm.data import resolve_model_data_config

    from dse_repro.data.imagenet_subset import (
        imagenet_class_folders,
        load_views,
        sample_crops,
        timm_results,
    )
    from dse_repro.measures import spectral_clusters
    from dse_repro.models import embed
    from dse_repro.train.setup import device

    s = cfg.studies.model_zoo
    im = s.imagenet
    info = timm_results().set_index("model").loc[name]
    base = dict(source="timm_pretrained", group="converged", dataset="imagenet_subset",
                model=name, family=name.split(".")[0], arch=_arch_of(name),
                param_count=float(info["param_count"]), epochs=float("nan"), seed=int(cfg.seed),
                accuracy=float(info["top1"]) / 100)
    # Missing data is every model's problem: a clear error, not a skip.
    folders = imagenet_class_folders(cfg.paths.data_root, im.folder, list(im.classes))
    crops = sample_crops(folders, int(im.crops), tuple(im.crop_scale), seed=int(cfg.seed))
    x_small = load_views(crops, int(im.x_size))
    clusters = spectral_clusters(x_small.flatten(1).numpy(), n_clusters=int(im.x_clusters),
                                 seed=int(cfg.seed))
    _hub_offline()  # weights only from the local cache
    reason = missing_weights(name) if s.pretrained else None
    if reason is None:
        torch.manual_seed(int(cfg.seed))  # only matters without pretrained weights (tests)
        try:
            model = timm.create_model(name, pretrained=bool(s.pretrained))
        except Exception as err:  # noqa: BLE001 - unreadable weights skip this model only
            reason = f"weights failed to load ({type(err).__name__}: {str(err)[:200]})"
    if reason is not None:
        log.warning("%s skipped: %s", name, reason)
        return _rows(cfg, base, None, f"skipped: {reason}")
    dc = resolve_model_data_config(model)
    x = load_views(crops, int(dc["input_size"][-1]), dc["mean"], dc["std"],
                   dc.get("interpolation", "bilinear"))
    model.to(device(s.device))
    z = embed(model, x, batch_size=int(s.batch_size))
    return _rows(cfg, base, embedding_measures(cfg, z, crops.labels, clusters))


# --- laptop / smoke: a self-trained zoo ---------------------------------------------------
def self_trained_rows(cfg: DictConfig, member: str, epochs: int, seed: int) -> list[dict]:
    """Train zoo member ``member`` (a ``variants`` entry) for ``epochs`` (supervised, seeded)
    and measure it."""
    import torch

    from dse_repro.data import available, load_dataset
    from dse_repro.data.transforms import input_clusters, resize_normalize
    from dse_repro.models import create_model, embed, is_vit
    from dse_repro.train import TrainSettings, accuracy, train
    from dse_repro.train.setup import device

    s = cfg.studies.model_zoo
    z_cfg = s.self_trained
    dataset = (z_cfg.dataset if available(z_cfg.dataset, cfg.paths.data_root)
               else z_cfg.fallback_dataset)
    full = resize_normalize(load_dataset(dataset, cfg.paths.data_root), int(z_cfg.img_size))
    variant = z_cfg.variants[member]
    arch = str(variant.arch)
    if arch not in z_cfg.architectures:
        raise ValueError(f"studies.model_zoo.self_trained.variants.{member}.arch must be one of "
                         f"{list(z_cfg.architectures)}, got {arch!r}")
    n_train = variant.get("n_train") or z_cfg.n_train
    data = full.subset(n_train, z_cfg.n_val, seed=0)
    if n_train is not None and len(data.y_train) < int(n_train):
        log.warning("%s: data budget %d, but %s has only %d training images", member,
                    int(n_train), dataset, len(data.y_train))
    clusters = input_clusters(data.x_val, int(z_cfg.x_clusters), 64, seed=int(cfg.seed))
    spec = z_cfg.architectures[arch]
    torch.manual_seed(seed)
    model = create_model(str(spec.model), data.num_classes, data.in_chans, int(z_cfg.img_size),
                         **OmegaConf.to_container(spec.get("kwargs", {}), resolve=True))
    # measures=(): the zoo measures the trained model once, below, not after every epoch
    train_cfg = OmegaConf.to_container(z_cfg.train, resolve=True)
    train_cfg["augment"] = bool(variant.get("augment", train_cfg.get("augment", False)))
    settings = TrainSettings(method="supervised", epochs=int(epochs), seed=int(seed),
                             measures=(), **train_cfg)
    train(model, data, settings, clusters, device=device(s.device),
          on_epoch=lambda m: log.info("%s", m.line()),
          progress=bool(cfg.progress))
    held_out = accuracy(model, full.x_val, full.y_val, batch_size=512)
    z = embed(model, data.x_val)
    group = "converged" if int(epochs) == int(z_cfg.epochs) else "training_length"
    base = dict(source="self_trained", group=group, dataset=dataset,
                model=f"{member}/e{epochs}/s{seed}", family=arch,
                arch="vit" if is_vit(model) else "convnet",
                param_count=sum(p.numel() for p in model.parameters()) / 1e6,
                epochs=float(epochs), seed=int(seed), accuracy=held_out)
    log.info("%s: held-out accuracy %.4f on %d images", base["model"], held_out, len(full.y_val))
    return _rows(cfg, base, embedding_measures(cfg, z, data.y_val.numpy(), clusters))


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.model_zoo
    if s.source not in SOURCES:
        raise ValueError(f"studies.model_zoo.source must be one of {SOURCES}, got {s.source!r}")
    rows: list[dict] = []
    if s.source == "timm_pretrained":
        for name in job_values(s, "model", zoo_model_names(s)):
            rows += timm_rows(cfg, str(name))
    else:
        z = s.self_trained
        job = s.get("job") or {}
        if job.get("model") is not None and job.model not in z.variants:
            raise ValueError(f"studies.model_zoo.job.model must be one of {list(z.variants)}, "
                             f"got {job.model!r}")
        # the grid's runs that match the keys this job sets (all three set: that one run)
        runs = [(v["model"], int(v["epochs"]), int(v["seed"])) for _, v in slices(cfg)]
        if all(job.get(k) is not None for k in ("model", "epochs", "seed")):
            runs = [(str(job.model), int(job.epochs), int(job.seed))]
        for member, epochs, seed in runs:
            if all(job.get(k) is None or str(job[k]) == str(v)
                   for k, v in (("model", member), ("epochs", epochs), ("seed", seed))):
                rows += self_trained_rows(cfg, member, epochs, seed)
    return pd.DataFrame(rows)


main = hydra_entry("model_zoo", run)

if __name__ == "__main__":
    main()
