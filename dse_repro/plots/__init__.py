"""One module per figure: ``plot(df) -> matplotlib Figure`` from the study's tidy results.

The figures are those of the study registry (:func:`dse_repro.studies.registry.figures`);
module ``dse_repro/plots/<fig>.py`` draws figure ``<fig>``.

CLI: ``python -m dse_repro.plots <fig> --input results/<scale>/<table>.csv --pdf F.pdf --png F.png``
"""
