# Per-table collection of job results and one plot rule for every figure (local: seconds each).
from dse_repro.workflow import (
    collect_inputs,
    figure_caption,
    figure_labels,
    figure_settings_text,
    figure_study,
    plot_inputs,
)


rule collect:
    """Concatenate a table's per-job CSVs into results/<scale>/<table>.csv."""
    input:
        unpack(lambda w: collect_inputs(w.scale, w.table)),
    output:
        "results/{scale}/{table}.csv",
    log:
        "logs/{scale}/collect/{table}.log",
    localrule: True
    shell:
        "python -m dse_repro.workflow.collect --table {wildcards.table} --out {output} {input.jobs} "
        "> {log} 2>&1"


rule stale_collect:
    """A collected table whose job outputs are not all there any more: rebuild them and
    collect again (dse_repro.workflow.collect_inputs)."""
    output:
        "results/{scale}/.stale/{table}.{n}",
    log:
        "logs/{scale}/collect/{table}.stale{n}.log",
    wildcard_constraints:
        n=r"\d+",
    localrule: True
    shell:
        "(echo 'job outputs of results/{wildcards.scale}/{wildcards.table}.csv are missing: "
        "rebuilding them' && touch {output}) > {log} 2>&1"


rule plot:
    """Draw figure <fig> from its table (and those its study reads) with its settings in
    conf/figures.yaml; its caption is report/captions/<fig>.rst."""
    input:
        unpack(lambda w: plot_inputs(w.scale, w.fig)),
    output:
        pdf=report(
            "figures/{scale}/{fig}.pdf",
            caption="../report/figure.rst",
            category="Figures",
            labels=lambda w: figure_labels(w.fig, "pdf"),
        ),
        png=report(
            "figures/{scale}/{fig}.png",
            caption="../report/figure.rst",
            category="Figures",
            labels=lambda w: figure_labels(w.fig, "png"),
        ),
    log:
        "logs/{scale}/plot/{fig}.log",
    localrule: True
    params:
        study=lambda w: figure_study(w.fig),
        caption=lambda w: figure_caption(w.fig),
        settings=lambda w: figure_settings_text(w.fig),
    shell:
        "python -m dse_repro.plots {wildcards.fig} --input {input.tables} "
        "--pdf {output.pdf} --png {output.png} > {log} 2>&1"
