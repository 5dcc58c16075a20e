"""Initialization schemes selectable from conf (Fig. 9).

``conv_normal_(model, sigma)``: every convolution weight ~ N(0, sigma) (std, not variance);
biases and all other layers keep timm's default initialization.
"""
from __future__ import annotations

import math

import torch
from torch import nn

_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d,
          nn.ConvTranspose3d)


@torch.no_grad()
def conv_normal_(model: nn.Module, sigma: float, generator: torch.Generator | None = None
                 ) -> int:
    """Redraw every convolution weight of ``model`` from N(0, ``sigma``) in place.

    Args:
        model: any torch module (e.g. a timm model); its convolutions are found by type, so
            ViT patch embeddings count too.
        sigma: standard deviation of the weights, > 0.
        generator: optional RNG (default: torch's global one, seeded by the caller).

    Returns:
        The number of convolution layers redrawn (0 raises: the scheme would be a no-op).
    """
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)):
        raise TypeError(f"sigma must be a number, got {type(sigma).__name__}")
    if not math.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be finite and > 0, got {sigma}")
    convs = [m for m in model.modules() if isinstance(m, _CONVS)]
    if not convs:
        raise ValueError(f"{type(model).__name__} has no convolution layers to initialize")
    for m in convs:
        m.weight.normal_(0.0, float(sigma), generator=generator)
    return len(convs)
