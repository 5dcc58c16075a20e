# Shared helpers: the scale, the study grids (from conf/ via Hydra compose), conf inputs.
from dse_repro.config import SCALES, compose_config
from dse_repro.workflow import COLLECTED, FIGURE_STUDY, mi_job_resources, study_job_outputs

SCALE = config.get("scale", "laptop")
if SCALE not in SCALES:
    raise ValueError(f"--config scale must be one of {SCALES}, got {SCALE!r}")


wildcard_constraints:
    scale="|".join(SCALES),
    study="|".join(COLLECTED),
    fig="|".join(FIGURE_STUDY),


def conf_inputs(study):
    """The config files a study's jobs depend on (editing one reruns them)."""
    return [
        "conf/config.yaml",
        "conf/paths/default.yaml",
        f"conf/study/{study}.yaml",
        "conf/scale/{scale}.yaml",
    ]


def study_resources(study):
    """Per-job threads, memory (MB), runtime (min) and GPUs of a study's rule, read from conf
    (studies.<study>.resources) at the job's scale."""
    return lambda w: compose_config(w.scale).studies[study].resources


def all_targets(scale):
    figs = expand("figures/{scale}/{fig}.{ext}", scale=scale, fig=FIGURE_STUDY, ext=["pdf", "png"])
    return figs + [f"results/{scale}/claims.csv", f"results/{scale}/claims.md",
                   f"results/{scale}/mi_groundtruth_summary.csv",
                   f"results/{scale}/model_zoo_correlations.csv"]
