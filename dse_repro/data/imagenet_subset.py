"""The model-zoo study's real data: ImageNet validation images of the 20 Imagenette +
Imagewoof classes, each seen through random-resized crops.

Layout under ``data_root``: ``<folder>/<wnid>/*.JPEG`` with ``folder`` = ``imagenet/val`` by
default -- the class-folder layout of torchvision's ``ImageNet(split="val")`` and of
``ImageFolder``. Nothing is downloaded.

Also: :func:`timm_results`, timm's published ImageNet results table shipped with the package
(``timm_results_imagenet.csv``; source: github.com/huggingface/pytorch-image-models,
``results/results-imagenet.csv``; columns model, top1, top1_err, top5, top5_err, param_count
(millions), img_size, crop_pct, interpolation).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from .datasets import DatasetNotFoundError

RESULTS_CSV = Path(__file__).with_name("timm_results_imagenet.csv")
IMAGE_SUFFIXES = (".jpeg", ".jpg", ".png")


def timm_results() -> pd.DataFrame:
    """timm's published ImageNet-1k validation results (one row per pretrained model tag)."""
    return pd.read_csv(RESULTS_CSV)


@dataclass(frozen=True)
class CropSet:
    """Images and, per view, a crop box in relative coordinates ``(top, left, h, w)`` in [0, 1]:
    the same boxes are cut at every model's own input size, so all models see the same views."""

    paths: list[Path]
    labels: np.ndarray  # (n_views,) class position 0..len(classes)-1
    image_index: np.ndarray  # (n_views,) which path each view comes from
    boxes: np.ndarray  # (n_views, 4) float, relative (top, left, height, width)


def imagenet_class_folders(data_root: str | Path, folder: str, classes: list[int]
                           ) -> list[Path]:
    """The validation folders of ImageNet class indices ``classes`` (WordNet ids from timm's
    ImageNet metadata), checked to exist and hold images."""
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    root = Path(data_root) / folder
    folders = [root / info.index_to_label_name(int(c)) for c in classes]
    missing = [f for f in folders if not f.is_dir() or not any(
        p.suffix.lower() in IMAGE_SUFFIXES for p in f.iterdir())]
    if missing:
        raise DatasetNotFoundError(
            f"ImageNet validation images not found: {len(missing)} of {len(folders)} class "
            f"folders missing or empty under {root} (first: {missing[0]}). Put the ImageNet "
            f"validation set there in class-folder layout (<wnid>/*.JPEG, e.g. as prepared by "
            f"torchvision.datasets.ImageNet(root, split='val')), or set paths.data_root.")
    return folders


def sample_crops(folders: list[Path], crops: int, scale: tuple[float, float],
                 ratio: tuple[float, float] = (3 / 4, 4 / 3), seed: int = 0) -> CropSet:
    """``crops`` random-resized-crop boxes per image (torchvision's RandomResizedCrop
    distribution over relative coordinates, seeded)."""
    rng = np.random.default_rng(seed)
    paths, labels = [], []
    for label, f in enumerate(folders):
        files = sorted(p for p in f.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        paths += files
        labels += [label] * len(files)
    n_views = len(paths) * crops
    area = rng.uniform(*scale, size=n_views)
    log_r = rng.uniform(np.log(ratio[0]), np.log(ratio[1]), size=n_views)
    aspect = np.exp(log_r)
    w = np.clip(np.sqrt(area * aspect), 0.05, 1.0)
    h = np.clip(np.sqrt(area / aspect), 0.05, 1.0)
    top, left = rng.uniform(0, 1 - h), rng.uniform(0, 1 - w)
    return CropSet(paths, np.repeat(labels, crops), np.repeat(np.arange(len(paths)), crops),
                   np.stack([top, left, h, w], axis=1))


def load_views(crop_set: CropSet, size: int, mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0),
               interpolation: str = "bilinear") -> torch.Tensor:
    """All views cut from their images and resized to ``size`` x ``size``, normalised:
    ``(n_views, 3, size, size)`` float32."""
    from PIL import Image
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms.functional import pil_to_tensor, resized_crop

    mode = InterpolationMode(interpolation)
    out = torch.empty(len(crop_set.labels), 3, size, size)
    m = torch.tensor(mean).view(3, 1, 1)
    s = torch.tensor(std).view(3, 1, 1)
    for i, path in enumerate(crop_set.paths):
        with Image.open(path) as im:
            img = pil_to_tensor(im.convert("RGB"))
        hh, ww = img.shape[-2:]
        for v in np.flatnonzero(crop_set.image_index == i):
            top, left, h, w = crop_set.boxes[v]
            crop = resized_crop(img, int(top * hh), int(left * ww), max(1, int(h * hh)),
                                max(1, int(w * ww)), [size, size], interpolation=mode,
                                antialias=True)
            out[v] = (crop.float() / 255.0 - m) / s
    return out
