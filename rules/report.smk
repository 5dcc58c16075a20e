# Claims table: every claim of the paper checked against the results of this scale.
from dse_repro.workflow import claims_conf_inputs, collected


rule claims:
    input:
        results=lambda w: expand("results/{scale}/{table}.csv", scale=w.scale, table=collected()),
        conf=claims_conf_inputs(),  # the claims' thresholds that live in conf
    output:
        csv=report("results/{scale}/claims.csv", caption="../report/claims.rst",
                   category="Claims"),
        md="results/{scale}/claims.md",
    log:
        "logs/{scale}/claims.log",
    localrule: True
    shell:
        "python -m dse_repro.claims --scale {wildcards.scale} --results {input.results} "
        "--csv {output.csv} --md {output.md} > {log} 2>&1"
