# Claims table: every claim of the paper checked against the results of this scale.


rule claims:
    input:
        lambda w: expand("results/{scale}/{study}.csv", scale=w.scale, study=COLLECTED),
    output:
        csv=report("results/{scale}/claims.csv", caption="../report/claims.rst",
                   category="Claims"),
        md="results/{scale}/claims.md",
    log:
        "logs/{scale}/claims.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m dse_repro.claims --scale {wildcards.scale} --results {input} "
        "--csv {output.csv} --md {output.md} > {log} 2>&1"
