# Derived tables of one study's collected results, with the report page that shows them.
# (The studies declare them in SPEC.summaries; dse_repro/summaries/__init__.py computes them.)


rule mi_groundtruth_summary:
    input:
        "results/{scale}/mi_groundtruth.csv",
    output:
        csv="results/{scale}/mi_groundtruth_summary.csv",
        html=report(
            "results/{scale}/mi_groundtruth_summary.html",
            caption="../report/groundtruth.rst",
            category="Ground truth",
        ),
    log:
        "logs/{scale}/mi_groundtruth_summary.log",
    localrule: True
    shell:
        "(python -m dse_repro.summaries groundtruth --input {input} --out {output.csv} && "
        "python -m dse_repro.summaries.pages groundtruth --input {output.csv} --out {output.html}) "
        "> {log} 2>&1"


rule model_zoo_correlations:
    input:
        "results/{scale}/model_zoo.csv",
    output:
        csv="results/{scale}/model_zoo_correlations.csv",
        html=report(
            "results/{scale}/model_zoo_correlations.html",
            caption="../report/zoo.rst",
            category="Model zoo",
        ),
    log:
        "logs/{scale}/model_zoo_correlations.log",
    localrule: True
    shell:
        "(python -m dse_repro.summaries zoo --input {input} --out {output.csv} && "
        "python -m dse_repro.summaries.pages zoo --input {output.csv} --out {output.html}) "
        "> {log} 2>&1"
