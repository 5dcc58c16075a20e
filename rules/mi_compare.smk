# Figs. 4-5: one job per (sweep, d, estimator) so a cluster runs them in parallel; the grid
# (sweeps, dims, estimators) comes from conf/study/mi_compare.yaml via Hydra compose.


def _mi_resources(w, key):
    return mi_job_resources(compose_config(w.scale), w.sweep, int(w.dim), w.estimator)[key]


rule mi_compare_job:
    input:
        conf_inputs("mi_compare"),
    output:
        results="results/{scale}/mi_compare/{sweep}/d{dim}/{estimator}/results.csv",
        timings="results/{scale}/mi_compare/{sweep}/d{dim}/{estimator}/timings.csv",
    log:
        "logs/{scale}/mi_compare/{sweep}/d{dim}/{estimator}.log",
    benchmark:
        "logs/{scale}/mi_compare/{sweep}/d{dim}/{estimator}.benchmark.tsv"
    wildcard_constraints:
        sweep="corruption|dimension|runtime",
        dim=r"\d+",
        estimator=r"[A-Za-z0-9_]+",
    threads: lambda w: _mi_resources(w, "threads")
    resources:
        mem_mb=lambda w: _mi_resources(w, "mem_mb"),
        runtime=lambda w: _mi_resources(w, "runtime"),
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.mi_compare "
        "scale={wildcards.scale} job.sweep={wildcards.sweep} job.dim={wildcards.dim} "
        "job.estimator={wildcards.estimator} out={output.results} timings_out={output.timings} "
        "hydra.run.dir=results/{wildcards.scale}/mi_compare/{wildcards.sweep}/d{wildcards.dim}/{wildcards.estimator} "
        "> {log} 2>&1"
