"""Fig. 3A study: DSE tracks structure.

Panel ``spd``: DSE of ``(1 - alpha) S + alpha I`` (random SPD ``S``) against alpha, per size.
Panels ``uniform``/``gaussian``: a d-dimensional cloud embedded in ``ambient_dim`` dimensions
with uniform noise; DSE (sigma, t) and CSE (``cse_bins`` per dimension) against d.

Tidy rows: ``panel, size, alpha, intrinsic_dim, noise, repeat, n_points, measure (DSE|CSE, and
DSE_<width>[_t<t>] under each scale-free width of ``width_check``), value, unit (bits)``
(columns a panel does not use are empty).
Job slice: ``studies.fig3a.job.panel=<spd|uniform|gaussian>``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from dse_repro.measures import cse, dse, dse_curve, dse_from_matrix
from dse_repro.pipeline.config import grid
from dse_repro.simulate import add_uniform_noise, embedded_manifold, random_spd
from dse_repro.studies._runner import hydra_entry, job_values, progress, rng_for
from dse_repro.studies._widths import width_variants
from dse_repro.studies.spec import Grid, JobKind, Resources, StudySpec


def run_spd(cfg: DictConfig) -> list[dict]:
    s = cfg.studies.fig3a.spd
    alphas = grid(s.alpha_grid)
    rows = []
    for size in progress(s.sizes, cfg, desc="fig3a spd sizes"):
        for rep in range(s.repeats):
            S = random_spd(int(size), rng_for(cfg.seed, "fig3a", "spd", size, rep))
            for a in alphas:
                M = (1 - a) * S + a * np.eye(int(size))
                rows.append(dict(panel="spd", size=int(size), alpha=a, repeat=rep,
                                 n_points=int(size), t=int(s.t), measure="DSE",
                                 value=dse_from_matrix(M, s.t, atol=1e-6), unit="bits"))
    return rows


def run_manifold(cfg: DictConfig, distribution: str) -> list[dict]:
    s = cfg.studies.fig3a.manifold
    dims = [d for d in grid(s.intrinsic_dim_grid) if d <= s.ambient_dim]
    rows = []
    for d in progress(dims, cfg, desc=f"fig3a {distribution} dims"):
        for rep in range(s.repeats):
            rng = rng_for(cfg.seed, "fig3a", distribution, d, rep)
            clean = embedded_manifold(s.n_points, int(d), s.ambient_dim, distribution, rng)
            for noise in s.noise_levels:
                # Every noise level starts from the clean data (the original accumulated them).
                X = add_uniform_noise(clean, noise, rng)
                common = dict(panel=distribution, intrinsic_dim=int(d), noise=noise, repeat=rep,
                              n_points=s.n_points, unit="bits")
                rows.append(dict(common, measure="DSE", value=dse(X, s.sigma, s.t),
                                 t=int(s.t), sigma=s.sigma))
                rows += [dict(common, measure=m, value=v, t=t)
                         for m, t, v in width_variants(
                             cfg, "DSE", s.t, lambda w, ts, X=X: dse_curve(X, w, ts))]
                rows.append(dict(common, measure="CSE", value=cse(X, s.cse_bins)))
    return rows


@dataclass
class SpdSettings:
    sizes: list[int]
    alpha_grid: Grid | list[float]
    repeats: int
    t: int


@dataclass
class ManifoldSettings:
    n_points: int
    ambient_dim: int
    intrinsic_dim_grid: Grid | list[int]
    noise_levels: list[float]
    repeats: int
    sigma: float
    t: int
    cse_bins: int


@dataclass
class Settings:
    """``studies.fig3a`` (conf/study/fig3a.yaml): what the job reads."""

    name: str
    panels: list[Literal["spd", "uniform", "gaussian"]]
    spd: SpdSettings
    manifold: ManifoldSettings
    resources: Resources


SPEC = StudySpec(
    name="fig3a",
    settings=Settings,
    job_keys=("panel",),
    kinds={"job": JobKind("{panel}", {"panel": "spd|uniform|gaussian"})},
    slices=lambda cfg: [("job", {"panel": str(p)}) for p in cfg.studies.fig3a.panels],
    figures=("fig3a",),
    # a panel leaves the columns it does not use empty; t, sigma: of DSE (sigma empty for a
    # width variant and for the SPD matrices, which need no kernel; both empty for CSE)
    columns=dict(panel="str", size="int?", alpha="float?", intrinsic_dim="int?",
                 noise="float?", repeat="int", n_points="int", t="int?", sigma="float?",
                 measure="str", value="float", unit="str"),
    entropies=("DSE", "CSE"),
    kernel_measures=("DSE",),
)


def run(cfg: DictConfig) -> pd.DataFrame:
    rows = []
    for panel in job_values(cfg.studies.fig3a, "panel", cfg.studies.fig3a.panels):
        if panel == "spd":
            rows += run_spd(cfg)
        elif panel in ("uniform", "gaussian"):
            rows += run_manifold(cfg, panel)
        else:
            raise ValueError(f"studies.fig3a.job.panel must be spd, uniform or gaussian, got "
                             f"{panel!r}")
    return pd.DataFrame(rows, columns=list(SPEC.columns))


main = hydra_entry("fig3a", run)

if __name__ == "__main__":
    main()
