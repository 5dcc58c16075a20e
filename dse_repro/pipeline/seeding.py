"""Seed streams shared by the studies and the data generators."""
from __future__ import annotations

import zlib
from typing import Any

import numpy as np


def rng_for(seed: int, *keys: Any) -> np.random.Generator:
    """An independent generator for ``(seed, *keys)``; stable across processes and platforms
    (strings are hashed with CRC32, not Python's salted ``hash``)."""
    ints = [int(seed)] + [zlib.crc32(str(k).encode()) for k in keys]
    return np.random.default_rng(np.random.SeedSequence(ints))
