# Fig. 9: DSE at init per (model, sigma, seed), and training per (data set, sigma, seed).
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


rule sigma_init_init:
    input:
        conf_inputs("sigma_init"),
    output:
        **job_outputs("sigma_init", "init"),
    log:
        job_log("sigma_init", "init"),
    benchmark:
        job_benchmark("sigma_init", "init")
    wildcard_constraints:
        **job_constraints("sigma_init", "init"),
    threads: job_threads("sigma_init", "init")
    resources:
        **study_resources("sigma_init", "init"),
    shell:
        job_command("sigma_init", "init")


rule sigma_init_train:
    input:
        conf_inputs("sigma_init"),
    output:
        **job_outputs("sigma_init", "train"),
    log:
        job_log("sigma_init", "train"),
    benchmark:
        job_benchmark("sigma_init", "train")
    wildcard_constraints:
        **job_constraints("sigma_init", "train"),
    threads: job_threads("sigma_init", "train")
    resources:
        **study_resources("sigma_init", "train"),
    shell:
        job_command("sigma_init", "train")
