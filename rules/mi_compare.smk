# Figs. 4-5: one job per (sweep, d, estimator), sized from the job (mi_compare.job_resources).
from dse_repro.workflow import (
    conf_inputs,
    job_benchmark,
    job_command,
    job_constraints,
    job_log,
    job_outputs,
    job_threads,
    study_resources,
)


rule mi_compare_job:
    input:
        conf_inputs("mi_compare"),
    output:
        **job_outputs("mi_compare", "job"),
    log:
        job_log("mi_compare", "job"),
    benchmark:
        job_benchmark("mi_compare", "job")
    wildcard_constraints:
        **job_constraints("mi_compare", "job"),
    threads: job_threads("mi_compare", "job")
    resources:
        **study_resources("mi_compare", "job"),
    shell:
        job_command("mi_compare", "job")
