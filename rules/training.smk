# Figs. 6-8: one training job per (data set, model, method, seed). The job keeps a resumable
# checkpoint.pt beside its results (deliberately not a declared output: Snakemake deletes the
# outputs of a failed job, and the checkpoint must survive a crash to be resumed from).

training_res = study_resources("training")


rule training_job:
    input:
        conf_inputs("training"),
    output:
        results="results/{scale}/training/{dataset}/{model}/{method}/s{seed}/results.csv",
        timings="results/{scale}/training/{dataset}/{model}/{method}/s{seed}/timings.csv",
    log:
        "logs/{scale}/training/{dataset}/{model}/{method}/s{seed}.log",
    benchmark:
        "logs/{scale}/training/{dataset}/{model}/{method}/s{seed}.benchmark.tsv"
    wildcard_constraints:
        dataset=r"[a-z0-9_]+",
        model=r"[A-Za-z0-9_.]+",
        method="supervised|simclr|random_labels",
        seed=r"\d+",
    threads: lambda w: training_res(w)["threads"]
    resources:
        mem_mb=lambda w: training_res(w)["mem_mb"],
        runtime=lambda w: training_res(w)["runtime"],
        gpu=lambda w: training_res(w)["gpu"],
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.training scale={wildcards.scale} "
        "job.dataset={wildcards.dataset} job.model={wildcards.model} "
        "job.method={wildcards.method} job.seed={wildcards.seed} "
        "out={output.results} timings_out={output.timings} "
        "hydra.run.dir=results/{wildcards.scale}/training/{wildcards.dataset}/{wildcards.model}/{wildcards.method}/s{wildcards.seed} "
        "> {log} 2>&1"
