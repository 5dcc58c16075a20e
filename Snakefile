# dse-repro workflow: every figure of Liao, Liu et al. (CISS 2024) from tidy results.
#
#   snakemake --cores 2                          # all figures at the default scale (laptop)
#   snakemake --cores 2 --config scale=smoke     # the same DAG, tiny (CI)
#   snakemake --cores 2 figures/laptop/fig3b.pdf # one figure
#   snakemake --report report.html               # figures + captions + claims table
#
# Jobs are Hydra entry points (python -m dse_repro.studies.<name>); their grids live in conf/
# and are read here through Hydra's compose API (rules/common.smk), never copied.
from snakemake.utils import min_version

min_version("8.0")


include: "rules/common.smk"
include: "rules/toys.smk"
include: "rules/mi_compare.smk"
include: "rules/mi_groundtruth.smk"
include: "rules/training.smk"
include: "rules/init_sweep.smk"
include: "rules/model_zoo.smk"
include: "rules/figures.smk"
include: "rules/report.smk"


rule all:
    input:
        all_targets(SCALE),
    default_target: True
