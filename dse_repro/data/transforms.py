"""Tensor-level preprocessing for small in-memory image sets."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .datasets import ImageData


def resize_normalize(data: ImageData, img_size: int, mean: float = 0.5, std: float = 0.5
                     ) -> ImageData:
    """Bilinear resize of both splits to ``img_size`` and ``(x - mean) / std`` (the paper's
    transforms at this size: resize + normalise; augmentation happens in the SimCLR loop)."""
    def prep(x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != img_size or x.shape[-2] != img_size:
            x = F.interpolate(x, size=(img_size, img_size), mode="bilinear", align_corners=False)
        return (x - mean) / std

    return ImageData(data.name, prep(data.x_train), data.y_train, prep(data.x_val), data.y_val,
                     data.num_classes, data.source)


def input_clusters(x: torch.Tensor, n_clusters: int = 10, size: int = 64, seed: int = 0
                   ) -> np.ndarray:
    """Cluster labels of images ``x`` ``(n, C, H, W)`` for DSMI(Z; X): downsampled to at most
    ``size`` x ``size`` (paper: 64), flattened, spectrally clustered into ``n_clusters``."""
    from dse_repro.measures import spectral_clusters

    if x.shape[-1] > size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return spectral_clusters(x.flatten(1).numpy(), n_clusters=n_clusters, seed=seed)
