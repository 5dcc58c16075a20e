"""What the Snakefile expands, derived from the composed Hydra config (no grid copied here).

Kept in the package (not in ``rules/*.smk``) so it is importable and unit-tested.
"""
from __future__ import annotations

from omegaconf import DictConfig

#: Studies with a Snakemake rule, in DAG order.
STUDIES = ("fig2", "fig3a", "fig3b", "mi_compare", "mi_groundtruth", "training", "sigma_init",
           "model_zoo")
#: Collected tables: each study's results, plus the wall-time tables of timed studies (kept
#: apart because timings differ between runs while results are byte-identical).
TIMED = ("mi_compare", "training")
COLLECTED = STUDIES + tuple(f"{s}_timings" for s in TIMED)
#: Figure -> the collected table it plots.
FIGURE_STUDY = {"fig2": "fig2", "fig3a": "fig3a", "fig3b": "fig3b", "fig4": "mi_compare",
                "fig5": "mi_compare_timings", "figS1": "mi_groundtruth", "fig6": "training",
                "fig7": "training", "fig8": "training", "fig9": "sigma_init",
                "fig10": "model_zoo"}


def job_slices(cfg: DictConfig, study: str) -> list[str]:
    """The job directory names of one study: one per slice of its grid."""
    s = cfg.studies[study]
    if study == "fig2":
        return [f"dim{int(d)}" for d in s.dims]
    if study == "fig3a":
        return [str(p) for p in s.panels]
    if study == "fig3b":
        return [f"k{int(k)}" for k in s.branches]
    if study == "mi_compare":
        return [f"{sweep}/d{int(d)}/{est}" for sweep in s.sweeps for d in s.sweeps[sweep].dims
                for est in s.estimators]
    if study == "mi_groundtruth":
        return [f"{fam}/{est}" for fam in s.families for est in s.estimators]
    if study == "training":
        return [f"{d}/{m}/{me}/s{int(sd)}" for d in study_datasets(cfg, study) for m in s.models
                for me in s.methods for sd in s.seeds]
    if study == "sigma_init":
        return ([f"init/{m}/sigma{float(sg):g}/s{int(sd)}" for m in s.models for sg in s.sigmas
                 for sd in s.seeds]
                + [f"train/{d}/sigma{float(sg):g}/s{int(sd)}" for d in study_datasets(cfg, study)
                   for sg in s.compare.sigmas for sd in s.compare.seeds])
    if study == "model_zoo":
        if s.source == "timm_pretrained":
            from dse_repro.studies.model_zoo import zoo_model_names

            return [f"timm/{m}" for m in zoo_model_names(s)]
        z = s.self_trained
        return [f"{a}/e{int(e)}/s{int(sd)}" for a in z.members for e in z.epochs
                for sd in z.seeds]
    raise KeyError(f"unknown study {study!r}; known: {STUDIES}")


def study_job_outputs(cfg: DictConfig, scale: str, study: str) -> list[str]:
    """``results/<scale>/<study>/<slice>/results.csv`` for every job of ``study``
    (``timings.csv`` for ``<study>_timings``)."""
    name = "results.csv"
    if study.endswith("_timings"):
        study, name = study[: -len("_timings")], "timings.csv"
    return [f"results/{scale}/{study}/{s}/{name}" for s in job_slices(cfg, study)]


def mi_job_resources(cfg: DictConfig, sweep: str, dim: int, estimator: str) -> dict[str, int]:
    """Memory (MB), runtime (min) and threads one mi_compare job needs, from its size.

    Memory: the data in float64 plus two working copies (NPEET/MINE/CSMI hold all of X; DSMI
    streams it above its ``stream_above_dim`` and keeps only n x n matrices), plus n x n
    matrices. Runtime: a generous bound scaled from timings on 2 CPU cores (n = 5000,
    d = 20 000: DSMI ~1 min; NPEET ~30 min; MINE ~30 min per call).
    """
    s = cfg.studies.mi_compare
    n = int(s.n_points)
    fn = s.estimators[estimator].fn
    streams = "stream_above_dim" in fn and dim > int(fn.stream_above_dim)
    data_bytes = 0 if streams else 3 * 8 * n * dim
    mem_mb = int((data_bytes + 6 * 8 * n * n) / 2**20) + 1000
    calls = (1 if sweep == "runtime" else int(s.repeats) * len(s.noise_levels)) * (
        int(s.sweeps.corruption.ratio_grid.num) if sweep == "corruption" else 1)
    per_call_min = 2 + (n / 5000) ** 2 * (dim / 20_000) * (2 if estimator == "dsmi" else 40)
    return {"mem_mb": mem_mb, "runtime": int(calls * per_call_min) + 5,
            "threads": 2 if dim >= 10_000 else 1}


def study_datasets(cfg: DictConfig, study: str) -> list[str]:
    """A study's data sets (``studies.<study>.datasets``), except ``optional_datasets`` that
    are not on this machine (decided at DAG time, e.g. Fashion-MNIST at laptop scale).
    Required data sets are checked when their job runs, with a clear error, so
    ``snakemake -n`` works anywhere."""
    from dse_repro.data import available

    s = cfg.studies[study]
    optional = set(s.get("optional_datasets", []))
    return [str(d) for d in s.datasets
            if d not in optional or available(str(d), cfg.paths.data_root)]
