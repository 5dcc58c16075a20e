# dse-repro workflow: every figure of Liao, Liu et al. (CISS 2024) from tidy results.
#
#   snakemake --cores 2                          # all figures at the default scale (laptop)
#   snakemake --cores 2 --config scale=smoke     # the same DAG, tiny (CI)
#   snakemake --cores 2 figures/laptop/fig3b.pdf # one figure
#   snakemake --report report.html               # figures, captions, claims/zoo/ground-truth
#   snakemake --report r.html --config scale=smoke  # the report of another scale
#
# Jobs are Hydra entry points (python -m dse_repro.studies.<name>); their grids live in conf/
# and are read through Hydra's compose API. Studies are registered in dse_repro/studies/ (each
# module's SPEC); rules/jobs.smk makes their job rules from the registry.
from snakemake.utils import min_version

from dse_repro.pipeline.config import SCALES
from dse_repro.workflow import all_targets

min_version("8.0")

SCALE = config.get("scale", "laptop")
if SCALE not in SCALES:
    raise ValueError(f"--config scale must be one of {SCALES}, got {SCALE!r}")
# --config takes only the scale: anything else (a typo such as scael=smoke, or a study setting,
# which --config cannot pass to the jobs) would be ignored in silence.
if set(config) - {"scale"}:
    raise ValueError(
        f"--config takes only scale=<{'|'.join(SCALES)}>, got "
        f"{', '.join(sorted(set(config) - {'scale'}))}: study settings live in conf/ "
        "(edit conf/study/<study>.yaml or conf/scale/<scale>.yaml)"
    )


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/jobs.smk"
include: "rules/summaries.smk"
include: "rules/figures.smk"
include: "rules/report.smk"


rule all:
    default_target: True
    input:
        all_targets(SCALE),
