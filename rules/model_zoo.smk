# Fig. 10: one job per model -- a pretrained timm model (paper) or a self-trained zoo member
# (laptop, smoke); then the correlation table of every measure with accuracy.
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


rule model_zoo_timm:
    input:
        conf_inputs("model_zoo"),
    output:
        **job_outputs("model_zoo", "timm"),
    log:
        job_log("model_zoo", "timm"),
    benchmark:
        job_benchmark("model_zoo", "timm")
    wildcard_constraints:
        **job_constraints("model_zoo", "timm"),
    threads: job_threads("model_zoo", "timm")
    resources:
        **study_resources("model_zoo", "timm"),
    shell:
        job_command("model_zoo", "timm")


rule model_zoo_trained:
    input:
        conf_inputs("model_zoo"),
    output:
        **job_outputs("model_zoo", "trained"),
    log:
        job_log("model_zoo", "trained"),
    benchmark:
        job_benchmark("model_zoo", "trained")
    wildcard_constraints:
        **job_constraints("model_zoo", "trained"),
    threads: job_threads("model_zoo", "trained")
    resources:
        **study_resources("model_zoo", "trained"),
    shell:
        job_command("model_zoo", "trained")


rule model_zoo_correlations:
    input:
        "results/{scale}/model_zoo.csv",
    output:
        csv="results/{scale}/model_zoo_correlations.csv",
        html=report(
            "results/{scale}/model_zoo_correlations.html",
            caption="../report/zoo.rst",
            category="Model zoo",
        ),
    log:
        "logs/{scale}/model_zoo_correlations.log",
    localrule: True
    shell:
        "(python -m dse_repro.summaries zoo --input {input} --out {output.csv} && "
        "python -m dse_repro.report_tables zoo --input {output.csv} --out {output.html}) "
        "> {log} 2>&1"
