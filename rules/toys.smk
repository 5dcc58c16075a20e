# Toy studies: Fig. 2 (one job per dimension), Fig. 3A (one per panel), Fig. 3B (one per k).
# Each job is one Hydra run whose .hydra/ provenance sits next to its results.csv.


rule fig2_job:
    input:
        conf_inputs("fig2"),
    output:
        "results/{scale}/fig2/dim{dim}/results.csv",
    log:
        "logs/{scale}/fig2/dim{dim}.log",
    benchmark:
        "logs/{scale}/fig2/dim{dim}.benchmark.tsv"
    wildcard_constraints:
        dim=r"\d+",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.fig2 scale={wildcards.scale} "
        "job.dim={wildcards.dim} out={output} "
        "hydra.run.dir=results/{wildcards.scale}/fig2/dim{wildcards.dim} > {log} 2>&1"


rule fig3a_job:
    input:
        conf_inputs("fig3a"),
    output:
        "results/{scale}/fig3a/{panel}/results.csv",
    log:
        "logs/{scale}/fig3a/{panel}.log",
    benchmark:
        "logs/{scale}/fig3a/{panel}.benchmark.tsv"
    wildcard_constraints:
        panel="spd|uniform|gaussian",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.fig3a scale={wildcards.scale} "
        "job.panel={wildcards.panel} out={output} "
        "hydra.run.dir=results/{wildcards.scale}/fig3a/{wildcards.panel} > {log} 2>&1"


rule fig3b_job:
    input:
        conf_inputs("fig3b"),
    output:
        "results/{scale}/fig3b/k{branches}/results.csv",
    log:
        "logs/{scale}/fig3b/k{branches}.log",
    benchmark:
        "logs/{scale}/fig3b/k{branches}.benchmark.tsv"
    wildcard_constraints:
        branches=r"\d+",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.fig3b scale={wildcards.scale} "
        "job.branches={wildcards.branches} out={output} "
        "hydra.run.dir=results/{wildcards.scale}/fig3b/k{wildcards.branches} > {log} 2>&1"
