"""Config helpers shared by the study entry points and the Snakefile.

The sweep grids live once, in ``conf/``; the Snakefile reads them through :func:`compose_config`
(Hydra's compose API) to expand its jobs, and the study jobs through ``@hydra.main``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from omegaconf import DictConfig, ListConfig, OmegaConf

#: The repository's ``conf/`` directory (the package is installed editable from the checkout).
CONF_DIR = Path(__file__).resolve().parents[1] / "conf"

SCALES = ("smoke", "laptop", "paper")


def conf_dir() -> Path:
    """``conf/`` of the checkout; a clear error if the package was installed without it."""
    if not (CONF_DIR / "config.yaml").is_file():
        raise FileNotFoundError(
            f"dse_repro's Hydra configs were not found at {CONF_DIR}. Install the project "
            "from its checkout with `pip install -e .` so that conf/ sits beside the package.")
    return CONF_DIR


def compose_config(scale: str = "laptop", overrides: Sequence[str] = ()) -> DictConfig:
    """The resolved root config at ``scale`` with extra Hydra ``overrides``."""
    return _compose(scale, tuple(overrides))


@lru_cache(maxsize=None)
def _compose(scale: str, overrides: tuple[str, ...]) -> DictConfig:
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    from dse_repro.studies.registry import register_configs

    register_configs()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("config", overrides=[f"scale={scale}", "out=unused", *overrides])
    OmegaConf.resolve(cfg)
    return cfg


def grid(spec: Any) -> list:
    """Expand a grid from the config: a list is returned as is; a mapping
    ``{start, stop, num, log: false, integer: false}`` becomes ``num`` points (linearly or
    log-spaced; ``integer`` rounds and drops duplicates, so fewer may come back)."""
    if isinstance(spec, (list, tuple, ListConfig)):
        return list(spec)
    if not isinstance(spec, (dict, DictConfig)):
        raise TypeError(f"a grid must be a list or a {{start, stop, num}} mapping, got {spec!r}")
    start, stop, num = float(spec["start"]), float(spec["stop"]), int(spec["num"])
    values = (np.geomspace(start, stop, num) if spec.get("log", False)
              else np.linspace(start, stop, num))
    if spec.get("integer", False):
        return sorted({int(round(v)) for v in values})
    return [round(float(v), 12) for v in values]
