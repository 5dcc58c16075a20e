# Ground truth (beyond the paper): one job per (family, estimator); a summary table
# (bias, spread, monotonicity) and a supplementary figure figS1.


rule mi_groundtruth_job:
    input:
        conf_inputs("mi_groundtruth"),
        "conf/study/mi_compare.yaml",
    output:
        "results/{scale}/mi_groundtruth/{family}/{estimator}/results.csv",
    log:
        "logs/{scale}/mi_groundtruth/{family}/{estimator}.log",
    benchmark:
        "logs/{scale}/mi_groundtruth/{family}/{estimator}.benchmark.tsv"
    wildcard_constraints:
        family="gaussian|mixture",
        estimator=r"[A-Za-z0-9_]+",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "OMP_NUM_THREADS={threads} python -m dse_repro.studies.mi_groundtruth "
        "scale={wildcards.scale} job.family={wildcards.family} "
        "job.estimator={wildcards.estimator} out={output} "
        "hydra.run.dir=results/{wildcards.scale}/mi_groundtruth/{wildcards.family}/{wildcards.estimator} "
        "> {log} 2>&1"


rule mi_groundtruth_summary:
    input:
        "results/{scale}/mi_groundtruth.csv",
    output:
        report("results/{scale}/mi_groundtruth_summary.csv", caption="../report/groundtruth.rst",
               category="Ground truth"),
    log:
        "logs/{scale}/mi_groundtruth_summary.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m dse_repro.summaries groundtruth --input {input} --out {output} > {log} 2>&1"
