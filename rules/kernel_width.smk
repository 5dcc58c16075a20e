# figS2: DSE(Z) over a sweep of kernel widths at init and after training, per (data set, model,
# seed); the figure also reads the training, sigma-init and model-zoo tables.
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


rule kernel_width_job:
    input:
        conf_inputs("kernel_width"),
    output:
        **job_outputs("kernel_width", "job"),
    log:
        job_log("kernel_width", "job"),
    benchmark:
        job_benchmark("kernel_width", "job")
    wildcard_constraints:
        **job_constraints("kernel_width", "job"),
    threads: job_threads("kernel_width", "job")
    resources:
        **study_resources("kernel_width", "job"),
    shell:
        job_command("kernel_width", "job")
