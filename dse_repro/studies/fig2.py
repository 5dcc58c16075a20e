"""Fig. 2 study: DSE and DSMI against diffusion time t, 3 Gaussian blobs vs 1 blob.

Tidy rows: ``dim, dataset, labels, repeat, t, measure, value, unit (bits)``; measure ``DSE`` /
``DSMI`` at the study's sigma, and ``DSE_<width>`` / ``DSMI_<width>`` under each scale-free
width of ``width_check`` (the same t grid). Each ``repeat`` is an independent draw of the blobs
and of the random labels (the claims' units).
Job slice: ``studies.fig2.job.dim=<d>``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from dse_repro.measures import dse_curve, dsmi_curve
from dse_repro.pipeline.config import grid
from dse_repro.simulate import gaussian_blobs
from dse_repro.studies._runner import hydra_entry, job_values, progress, rng_for
from dse_repro.studies._widths import width_variants
from dse_repro.studies.spec import Grid, JobKind, Resources, StudySpec


@dataclass
class Settings:
    """``studies.fig2`` (conf/study/fig2.yaml): what the job reads."""

    name: str
    n_points: int
    dims: list[int]
    n_centers: int
    center_radius: float
    cluster_std: float
    sigma: float
    t_grid: Grid | list[int]
    n_random_labels: int
    repeats: int
    resources: Resources


SPEC = StudySpec(
    name="fig2",
    settings=Settings,
    job_keys=("dim",),
    kinds={"job": JobKind("dim{dim}", {"dim": r"\d+"})},
    slices=lambda cfg: [("job", {"dim": str(int(d))}) for d in cfg.studies.fig2.dims],
    figures=("fig2",),
    # sigma: the fixed kernel width of the paper's measures; empty for a width variant
    columns=dict(dim="int", dataset="str", labels="str", repeat="int", t="int", n_points="int",
                 sigma="float?", measure="str", value="float", unit="str"),
    entropies=("DSE",),
    kernel_measures=("DSE", "DSMI"),
)


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.fig2
    ts = grid(s.t_grid)
    rows = []
    datasets = [("3 blobs", s.n_centers, "blob"), ("1 blob", 1, "random")]
    for dim in progress(job_values(s, "dim", s.dims), cfg, desc="fig2 dims"):
        for rep in range(s.repeats):
            for dataset, k, label_kind in datasets:
                rows += _curves(cfg, s, ts, int(dim), rep, dataset, k, label_kind)
    return pd.DataFrame(rows, columns=list(SPEC.columns))


def _curves(cfg: DictConfig, s: DictConfig, ts: list[int], dim: int, rep: int, dataset: str,
            k: int, label_kind: str) -> list[dict]:
    """The rows of one draw: DSE and DSMI of ``dataset`` against ``ts`` at every width."""
    rng = rng_for(cfg.seed, "fig2", dim, dataset, rep)
    X, y = gaussian_blobs(s.n_points, k, dim, rng, cluster_std=s.cluster_std,
                          center_radius=s.center_radius)
    if label_kind == "random":
        y = rng.integers(0, s.n_random_labels, size=s.n_points)
    dse_at = lambda w, _: dse_curve(X, w, ts)  # noqa: E731
    dsmi_at = lambda w, _: dsmi_curve(X, y, w, ts, y_discrete=True, seed=cfg.seed)  # noqa: E731
    curves = {"DSE": dse_at(s.sigma, ts), "DSMI": dsmi_at(s.sigma, ts),
              **{m: v for m, _, v in width_variants(cfg, "DSE", None, dse_at)},
              **{m: v for m, _, v in width_variants(cfg, "DSMI", None, dsmi_at)}}
    rows = []
    for measure, values in curves.items():
        sigma = s.sigma if measure in SPEC.kernel_measures else np.nan  # fixed width only
        rows += [dict(dim=dim, dataset=dataset, labels=label_kind, repeat=rep, t=t,
                      n_points=s.n_points, sigma=sigma, measure=measure, value=float(v),
                      unit="bits")
                 for t, v in zip(ts, values)]
    return rows


main = hydra_entry("fig2", run)

if __name__ == "__main__":
    main()
