"""Any timm model by name, randomly initialised, and its penultimate embedding Z.

Z is timm's pooled pre-logits feature (``forward_head(forward_features(x), pre_logits=True)``),
i.e. the input of the classifier head, for every architecture family.
"""
from __future__ import annotations

from typing import Any

import torch

from dse_repro.data.transforms import PreparedImages, batches_on


def is_vit(model: torch.nn.Module) -> bool:
    """True for transformer-style models (patch embedding + attention blocks), judged from the
    modules the model has rather than its name."""
    names = {type(m).__name__ for m in model.modules()}
    return any(n in names for n in ("PatchEmbed", "Attention", "XCA", "WindowAttention"))


def create_model(name: str, num_classes: int, in_chans: int = 3, img_size: int | None = None,
                 **kwargs: Any) -> torch.nn.Module:
    """``timm.create_model(name, pretrained=False, ...)`` with the input size passed to models
    that take one (ViTs, Swin, XCiT); ConvNets adapt to any size by global pooling.

    Args:
        name: a timm model name (``timm.list_models()``).
        num_classes: classifier outputs. in_chans: input channels (1 for grey images).
        img_size: input side in pixels for models with a fixed token grid.
        **kwargs: passed to timm (e.g. ``patch_size=4, depth=4`` for a small ViT).
    """
    import timm

    if not timm.is_model(name):
        raise ValueError(f"unknown timm model {name!r}")
    extra = dict(kwargs)
    if img_size is not None:
        extra["img_size"] = img_size
    try:
        return timm.create_model(name, pretrained=False, num_classes=num_classes,
                                 in_chans=in_chans, **extra)
    except TypeError:
        if "img_size" in extra:  # ConvNets take no input size
            extra.pop("img_size")
            return timm.create_model(name, pretrained=False, num_classes=num_classes,
                                     in_chans=in_chans, **extra)
        raise


@torch.no_grad()
def embed(model: torch.nn.Module, x: torch.Tensor | PreparedImages, batch_size: int = 256
          ) -> torch.Tensor:
    """Penultimate embeddings ``Z`` of ``x`` (``(n, C, H, W)``; a tensor or images prepared a
    batch at a time) -> ``(n, num_features)``, on the model's device, in eval mode (the model's
    train/eval state is restored)."""
    device = next(model.parameters()).device
    x = batches_on(x, device)
    was_training = model.training
    model.eval()
    try:
        out = [model.forward_head(model.forward_features(x[i:i + batch_size].to(device)),
                                  pre_logits=True)
               for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(out).flatten(1)
