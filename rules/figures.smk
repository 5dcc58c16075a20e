# Per-study collection of job results and one plot rule for every figure.


rule collect:
    """Concatenate a study's per-job CSVs into results/<scale>/<study>.csv."""
    input:
        lambda w: study_job_outputs(compose_config(w.scale), w.scale, w.study),
    output:
        "results/{scale}/{study}.csv",
    log:
        "logs/{scale}/collect/{study}.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m dse_repro.collect --out {output} {input} > {log} 2>&1"


rule plot:
    """Draw figure <fig> from its study's tidy results."""
    input:
        lambda w: f"results/{w.scale}/{FIGURE_STUDY[w.fig]}.csv",
    output:
        pdf=report("figures/{scale}/{fig}.pdf", caption="../report/figure.rst", category="Figures",
                   labels={"figure": "{fig}", "format": "pdf"}),
        png=report("figures/{scale}/{fig}.png", caption="../report/figure.rst", category="Figures",
                   labels={"figure": "{fig}", "format": "png"}),
    log:
        "logs/{scale}/plot/{fig}.log",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    shell:
        "python -m dse_repro.plots {wildcards.fig} --input {input} "
        "--pdf {output.pdf} --png {output.png} > {log} 2>&1"
