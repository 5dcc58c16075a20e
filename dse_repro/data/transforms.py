"""Preprocessing of in-memory image sets: resized and normalised a batch at a time, and the
input clusters of DSMI(Z; X)."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .datasets import ImageData


class PreparedImages:
    """Images ``(n, C, H, W)`` kept as loaded and resized + normalised a batch at a time.

    Indexing (a slice, an index tensor or array, an int) returns the selected images at
    ``img_size`` x ``img_size`` as ``(x - mean) / std``, float32, computed on :attr:`device`
    (the raw batch is moved there first): the same values, bit for bit, as preparing the whole
    split and indexing it, without ever holding the whole split at the model's size -- the
    paper's CIFAR-10 at 224 px would take 30 GB of float32 (60 GB while normalising) for its
    50 000 training images, which only need 0.6 GB as loaded.
    """

    def __init__(self, raw: torch.Tensor, img_size: int, mean: float = 0.5, std: float = 0.5,
                 device: str | torch.device = "cpu") -> None:
        if not isinstance(raw, torch.Tensor) or raw.dim() != 4:
            raise ValueError(f"raw must be an image tensor (n, C, H, W), got "
                             f"{getattr(raw, 'shape', type(raw).__name__)}")
        integer = isinstance(img_size, (int, np.integer)) and not isinstance(img_size, bool)
        if not integer or img_size < 1:
            raise ValueError(f"img_size must be an integer >= 1, got {img_size!r}")
        self.raw, self.img_size, self.mean, self.std = raw, int(img_size), mean, std
        self.device = torch.device(device)

    def __len__(self) -> int:
        return int(self.raw.shape[0])

    @property
    def shape(self) -> torch.Size:
        """``(n, C, img_size, img_size)``: the shape of the prepared split."""
        return torch.Size((*self.raw.shape[:2], self.img_size, self.img_size))

    def __getitem__(self, idx: Any) -> torch.Tensor:
        x = self.raw[idx]
        if x.dim() == 3:  # one image
            return self._prepare(x[None])[0]
        return self._prepare(x)

    def _prepare(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.device)
        if x.shape[-2:] != (self.img_size, self.img_size):
            x = F.interpolate(x, size=(self.img_size, self.img_size), mode="bilinear",
                              align_corners=False)
        return (x - self.mean) / self.std

    def select(self, idx: Any) -> PreparedImages:
        """The images ``idx`` (an index array or tensor), still prepared a batch at a time."""
        return PreparedImages(self.raw[idx], self.img_size, self.mean, self.std, self.device)

    def on(self, device: str | torch.device) -> PreparedImages:
        """The same images, prepared on ``device`` (the raw images stay where they are)."""
        return PreparedImages(self.raw, self.img_size, self.mean, self.std, device)


def batches_on(x: torch.Tensor | PreparedImages, device: str | torch.device
               ) -> torch.Tensor | PreparedImages:
    """``x`` with its batches prepared on ``device`` where it is :class:`PreparedImages`
    (resizing on a GPU is far faster than on the CPU); a tensor is returned as it is (its
    batches are moved one at a time by the caller)."""
    return x.on(device) if isinstance(x, PreparedImages) else x


def resize_normalize(data: ImageData, img_size: int, mean: float = 0.5, std: float = 0.5
                     ) -> ImageData:
    """Both splits resized to ``img_size`` (bilinear) and normalised to ``(x - mean) / std``
    (the paper's transforms at this size; augmentation happens in the training loop), as
    :class:`PreparedImages`: each batch is prepared when it is taken. ``data`` must hold the
    images as loaded (tensors)."""
    return ImageData(data.name, PreparedImages(data.x_train, img_size, mean, std), data.y_train,
                     PreparedImages(data.x_val, img_size, mean, std), data.y_val,
                     data.num_classes, data.source)


def input_clusters(x: torch.Tensor | PreparedImages, n_clusters: int = 10, size: int = 64,
                   seed: int = 0, batch_size: int = 1024) -> np.ndarray:
    """Cluster labels of images ``x`` ``(n, C, H, W)`` for DSMI(Z; X): downsampled to at most
    ``size`` x ``size`` (paper: 64), flattened, spectrally clustered into ``n_clusters``. The
    images are taken ``batch_size`` at a time (only their downsampled copies are kept)."""
    from dse_repro.measures import spectral_clusters

    def small(batch: torch.Tensor) -> torch.Tensor:
        if batch.shape[-1] > size:
            batch = F.interpolate(batch, size=(size, size), mode="bilinear", align_corners=False)
        return batch.flatten(1).cpu()

    flat = torch.cat([small(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    return spectral_clusters(flat.numpy(), n_clusters=n_clusters, seed=seed)
