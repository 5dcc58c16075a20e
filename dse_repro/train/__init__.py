"""Training for the training-dynamics studies: supervised, SimCLR and random-label loops with
per-epoch embedding measures (by name, from the config's measures registry) and atomic
checkpoint/resume; :mod:`.setup` holds the data/model/run setup shared by the studies.

The names below are imported on first use (PEP 562), so that reading :mod:`.measures` (the
study registry does, for every job) does not import torch: a toy study's job then starts in
about a second instead of four or more.
"""
from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the submodule that defines it.
_WHERE = {"CheckpointError": "loop", "EpochMetrics": "loop", "TrainingError": "loop",
          "TrainSettings": "loop",
          "accuracy": "loop", "train": "loop",
          "EmbeddingMeasure": "measures", "build_measures": "measures"}

__all__ = sorted(_WHERE, key=str.lower)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
