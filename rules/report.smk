# Claims table: every claim of the paper checked against the results of this scale.


rule claims:
    input:
        results=lambda w: expand("results/{scale}/{study}.csv", scale=w.scale, study=COLLECTED),
        conf=conf_inputs("sigma_init"),  # thresholds that live in conf (claims.SETTINGS)
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
        "python -m dse_repro.claims --scale {wildcards.scale} --results {input.results} "
        "--csv {output.csv} --md {output.md} > {log} 2>&1"
