"""What the Snakefile expands, derived from the composed Hydra config (no grid copied here).

Kept in the package (not in ``rules/*.smk``) so it is importable and unit-tested.
"""
from __future__ import annotations

from omegaconf import DictConfig

#: Studies with a Snakemake rule, in DAG order.
STUDIES = ("fig2", "fig3a", "fig3b")
#: Figure -> the study whose results it plots.
FIGURE_STUDY = {"fig2": "fig2", "fig3a": "fig3a", "fig3b": "fig3b"}


def job_slices(cfg: DictConfig, study: str) -> list[str]:
    """The job directory names of one study: one per slice of its grid."""
    s = cfg.studies[study]
    if study == "fig2":
        return [f"dim{int(d)}" for d in s.dims]
    if study == "fig3a":
        return [str(p) for p in s.panels]
    if study == "fig3b":
        return [f"k{int(k)}" for k in s.branches]
    raise KeyError(f"unknown study {study!r}; known: {STUDIES}")


def study_job_outputs(cfg: DictConfig, scale: str, study: str) -> list[str]:
    """``results/<scale>/<study>/<slice>/results.csv`` for every job of ``study``."""
    return [f"results/{scale}/{study}/{s}/results.csv" for s in job_slices(cfg, study)]
