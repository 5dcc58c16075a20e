# Shared helpers: the scale, the study grids (from conf/ via Hydra compose), conf inputs.
from dse_repro.config import SCALES, compose_config, grid
from dse_repro.workflow import FIGURE_STUDY, STUDIES, job_slices, study_job_outputs

SCALE = config.get("scale", "laptop")
if SCALE not in SCALES:
    raise ValueError(f"--config scale must be one of {SCALES}, got {SCALE!r}")


wildcard_constraints:
    scale="|".join(SCALES),
    study="|".join(STUDIES),
    fig="|".join(FIGURE_STUDY),


def conf_inputs(study):
    """The config files a study's jobs depend on (editing one reruns them)."""
    return [
        "conf/config.yaml",
        "conf/paths/default.yaml",
        f"conf/study/{study}.yaml",
        "conf/scale/{scale}.yaml",
    ]


def all_targets(scale):
    figs = expand("figures/{scale}/{fig}.{ext}", scale=scale, fig=FIGURE_STUDY, ext=["pdf", "png"])
    return figs + [f"results/{scale}/claims.csv", f"results/{scale}/claims.md"]


rule collect:
    """Concatenate a study's per-job CSVs into results/<scale>/<study>.csv."""
    input:
        lambda w: study_job_outputs(compose_config(w.scale), w.scale, w.study),
    output:
        "results/{scale}/{study}.csv",
    log:
        "logs/{scale}/collect/{study}.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m dse_repro.collect --out {output} {input} > {log} 2>&1"


rule plot:
    """Draw figure <fig> from its study's tidy results."""
    input:
        lambda w: f"results/{w.scale}/{FIGURE_STUDY[w.fig]}.csv",
    output:
        pdf=report("figures/{scale}/{fig}.pdf", caption="../report/{fig}.rst", category="Figures",
                   labels={"figure": "{fig}", "format": "pdf"}),
        png=report("figures/{scale}/{fig}.png", caption="../report/{fig}.rst", category="Figures",
                   labels={"figure": "{fig}", "format": "png"}),
    log:
        "logs/{scale}/plot/{fig}.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m dse_repro.plots {wildcards.fig} --input {input} "
        "--pdf {output.pdf} --png {output.png} > {log} 2>&1"
