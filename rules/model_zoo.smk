# Fig. 10: model zoo. One job per model: a pretrained timm model (paper) or a self-trained zoo
# member (laptop, smoke); then the correlation table of every measure with accuracy.

model_zoo_res = study_resources("model_zoo")


rule zoo_timm_job:
    input:
        conf_inputs("model_zoo"),
    output:
        "results/{scale}/model_zoo/timm/{model}/results.csv",
    log:
        "logs/{scale}/model_zoo/timm/{model}.log",
    wildcard_constraints:
        model=r"[A-Za-z0-9_.\-]+",
    threads: lambda w: model_zoo_res(w)["threads"]
    resources:
        mem_mb=lambda w: model_zoo_res(w)["mem_mb"],
        runtime=lambda w: model_zoo_res(w)["runtime"],
        gpu=lambda w: model_zoo_res(w)["gpu"],
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.model_zoo scale={wildcards.scale} "
        "job.model={wildcards.model} out={output} "
        "hydra.run.dir=results/{wildcards.scale}/model_zoo/timm/{wildcards.model} > {log} 2>&1"


rule zoo_trained_job:
    input:
        conf_inputs("model_zoo"),
        "conf/study/training.yaml",
    output:
        "results/{scale}/model_zoo/{arch}/e{epochs}/s{seed}/results.csv",
    log:
        "logs/{scale}/model_zoo/{arch}/e{epochs}/s{seed}.log",
    benchmark:
        "logs/{scale}/model_zoo/{arch}/e{epochs}/s{seed}.benchmark.tsv"
    wildcard_constraints:
        arch=r"(?!timm$)[A-Za-z0-9_]+",
        epochs=r"\d+",
        seed=r"\d+",
    threads: lambda w: model_zoo_res(w)["threads"]
    resources:
        mem_mb=lambda w: model_zoo_res(w)["mem_mb"],
        runtime=lambda w: model_zoo_res(w)["runtime"],
        gpu=lambda w: model_zoo_res(w)["gpu"],
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.model_zoo scale={wildcards.scale} "
        "job.model={wildcards.arch} job.epochs={wildcards.epochs} job.seed={wildcards.seed} "
        "out={output} "
        "hydra.run.dir=results/{wildcards.scale}/model_zoo/{wildcards.arch}/e{wildcards.epochs}/s{wildcards.seed} "
        "> {log} 2>&1"


rule zoo_correlations:
    input:
        "results/{scale}/model_zoo.csv",
    output:
        report("results/{scale}/model_zoo_correlations.csv", caption="../report/zoo.rst",
               category="Model zoo"),
    log:
        "logs/{scale}/model_zoo_correlations.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m dse_repro.summaries zoo --input {input} --out {output} > {log} 2>&1"
