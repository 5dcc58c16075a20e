# Fig. 3B: DSMI vs label corruption on trees; one job per branch count (dse_repro/studies/fig3b.py).
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


rule fig3b_job:
    input:
        conf_inputs("fig3b"),
    output:
        **job_outputs("fig3b", "job"),
    log:
        job_log("fig3b", "job"),
    benchmark:
        job_benchmark("fig3b", "job")
    wildcard_constraints:
        **job_constraints("fig3b", "job"),
    threads: job_threads("fig3b", "job")
    resources:
        **study_resources("fig3b", "job"),
    shell:
        job_command("fig3b", "job")
