# Figs. 6-8: one training job per (data set, model, method, seed). The job keeps a resumable
# checkpoint.pt beside its results until they are written (deliberately not a declared output:
# Snakemake deletes the outputs of a failed job, and the checkpoint must survive a crash).
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


rule training_job:
    input:
        conf_inputs("training"),
    output:
        **job_outputs("training", "job"),
    log:
        job_log("training", "job"),
    benchmark:
        job_benchmark("training", "job")
    wildcard_constraints:
        **job_constraints("training", "job"),
    threads: job_threads("training", "job")
    resources:
        **study_resources("training", "job"),
    shell:
        job_command("training", "job")
