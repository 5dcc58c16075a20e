# Figs. 6-8: one training job per (data set, model, method, seed). The job keeps a resumable
# checkpoint.pt beside its results (deliberately not a declared output: Snakemake deletes the
# outputs of a failed job, and the checkpoint must survive a crash to be resumed from).


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
    threads: 2
    resources:
        mem_mb=lambda w: 32000 if w.scale == "paper" else 4000,
        runtime=lambda w: 24 * 60 if w.scale == "paper" else 60,
        gpu=lambda w: 1 if w.scale == "paper" else 0,
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.training scale={wildcards.scale} "
        "job.dataset={wildcards.dataset} job.model={wildcards.model} "
        "job.method={wildcards.method} job.seed={wildcards.seed} "
        "out={output.results} timings_out={output.timings} "
        "hydra.run.dir=results/{wildcards.scale}/training/{wildcards.dataset}/{wildcards.model}/{wildcards.method}/s{wildcards.seed} "
        "> {log} 2>&1"
