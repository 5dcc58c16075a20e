# Fig. 2: DSE/DSMI vs diffusion time; one job per dimension (dse_repro/studies/fig2.py).
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


rule fig2_job:
    input:
        conf_inputs("fig2"),
    output:
        **job_outputs("fig2", "job"),
    log:
        job_log("fig2", "job"),
    benchmark:
        job_benchmark("fig2", "job")
    wildcard_constraints:
        **job_constraints("fig2", "job"),
    threads: job_threads("fig2", "job")
    resources:
        **study_resources("fig2", "job"),
    shell:
        job_command("fig2", "job")
