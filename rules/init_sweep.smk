# Fig. 9: sigma-initialization. One job per (model, sigma, seed) for DSE(Z) at init, and one
# training job per (data set, sigma, seed) for the comparison (the training study's trainer).

# Resources: the training study's (training_res, defined in rules/training.smk).


rule sigma_init_job:
    input:
        conf_inputs("sigma_init"),
        "conf/study/training.yaml",
    output:
        "results/{scale}/sigma_init/init/{model}/sigma{sigma}/s{seed}/results.csv",
    log:
        "logs/{scale}/sigma_init/init/{model}/sigma{sigma}/s{seed}.log",
    benchmark:
        "logs/{scale}/sigma_init/init/{model}/sigma{sigma}/s{seed}.benchmark.tsv"
    wildcard_constraints:
        model=r"[A-Za-z0-9_.]+",
        sigma=r"[0-9.e+-]+",
        seed=r"\d+",
    threads: 1
    resources:
        mem_mb=lambda w: 16000 if w.scale == "paper" else 2000,
        runtime=lambda w: 30 if w.scale == "paper" else 10,
        gpu=lambda w: training_res(w)["gpu"],
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.sigma_init scale={wildcards.scale} "
        "job.part=init job.model={wildcards.model} job.init_sigma={wildcards.sigma} "
        "job.seed={wildcards.seed} out={output} "
        "hydra.run.dir=results/{wildcards.scale}/sigma_init/init/{wildcards.model}/sigma{wildcards.sigma}/s{wildcards.seed} "
        "> {log} 2>&1"


rule sigma_train_job:
    input:
        conf_inputs("sigma_init"),
        "conf/study/training.yaml",
    output:
        results="results/{scale}/sigma_init/train/{dataset}/sigma{sigma}/s{seed}/results.csv",
        timings="results/{scale}/sigma_init/train/{dataset}/sigma{sigma}/s{seed}/timings.csv",
    log:
        "logs/{scale}/sigma_init/train/{dataset}/sigma{sigma}/s{seed}.log",
    benchmark:
        "logs/{scale}/sigma_init/train/{dataset}/sigma{sigma}/s{seed}.benchmark.tsv"
    wildcard_constraints:
        dataset=r"[a-z0-9_]+",
        sigma=r"[0-9.e+-]+",
        seed=r"\d+",
    threads: lambda w: training_res(w)["threads"]
    resources:
        mem_mb=lambda w: training_res(w)["mem_mb"],
        runtime=lambda w: training_res(w)["runtime"],
        gpu=lambda w: training_res(w)["gpu"],
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.sigma_init scale={wildcards.scale} "
        "job.part=train job.dataset={wildcards.dataset} job.init_sigma={wildcards.sigma} "
        "job.seed={wildcards.seed} out={output.results} timings_out={output.timings} "
        "hydra.run.dir=results/{wildcards.scale}/sigma_init/train/{wildcards.dataset}/sigma{wildcards.sigma}/s{wildcards.seed} "
        "> {log} 2>&1"
