# Ground truth (beyond the paper): one job per (family, estimator); then the summary table.
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


rule mi_groundtruth_job:
    input:
        conf_inputs("mi_groundtruth"),
    output:
        **job_outputs("mi_groundtruth", "job"),
    log:
        job_log("mi_groundtruth", "job"),
    benchmark:
        job_benchmark("mi_groundtruth", "job")
    wildcard_constraints:
        **job_constraints("mi_groundtruth", "job"),
    threads: job_threads("mi_groundtruth", "job")
    resources:
        **study_resources("mi_groundtruth", "job"),
    shell:
        job_command("mi_groundtruth", "job")


rule mi_groundtruth_summary:
    input:
        "results/{scale}/mi_groundtruth.csv",
    output:
        csv="results/{scale}/mi_groundtruth_summary.csv",
        html=report(
            "results/{scale}/mi_groundtruth_summary.html",
            caption="../report/groundtruth.rst",
            category="Ground truth",
        ),
    log:
        "logs/{scale}/mi_groundtruth_summary.log",
    localrule: True
    shell:
        "(python -m dse_repro.summaries groundtruth --input {input} --out {output.csv} && "
        "python -m dse_repro.report_tables groundtruth --input {output.csv} --out {output.html}) "
        "> {log} 2>&1"
