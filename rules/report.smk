# Claims table: every claim of the paper checked against the results of this scale (CSV,
# Markdown, and an HTML page that the report shows), and the findings folded from it.
from dse_repro.workflow import claims_conf_inputs, collected


rule claims:
    input:
        results=lambda w: expand(
            "results/{scale}/{table}.csv", scale=w.scale, table=collected()
        ),
        conf=claims_conf_inputs(),  # the claims' thresholds that live in conf
    output:
        csv="results/{scale}/claims.csv",
        md="results/{scale}/claims.md",
        html=report(
            "results/{scale}/claims.html",
            caption="../report/claims.rst",
            category="Claims",
        ),
        findings_md="results/{scale}/findings.md",
        findings=report(
            "results/{scale}/findings.html",
            caption="../report/findings.rst",
            category="Findings",
        ),
    log:
        "logs/{scale}/claims.log",
    localrule: True
    shell:
        "(python -m dse_repro.claims --scale {wildcards.scale} --results {input.results} "
        "--csv {output.csv} --md {output.md} && python -m dse_repro.summaries.pages claims "
        "--input {output.csv} --out {output.html} && python -m dse_repro.claims.findings "
        "--input {output.csv} --md {output.findings_md} --html {output.findings}) > {log} 2>&1"
