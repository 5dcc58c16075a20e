# Fig. 3A: DSE vs CSE; one job per panel (dse_repro/studies/fig3a.py).
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


rule fig3a_job:
    input:
        conf_inputs("fig3a"),
    output:
        **job_outputs("fig3a", "job"),
    log:
        job_log("fig3a", "job"),
    benchmark:
        job_benchmark("fig3a", "job")
    wildcard_constraints:
        **job_constraints("fig3a", "job"),
    threads: job_threads("fig3a", "job")
    resources:
        **study_resources("fig3a", "job"),
    shell:
        job_command("fig3a", "job")
