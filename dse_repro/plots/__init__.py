"""One module per figure: ``plot(df) -> matplotlib Figure`` from the study's tidy results.

CLI: ``python -m dse_repro.plots <fig> --input results/<scale>/<study>.csv --pdf F.pdf --png F.png``
"""
FIGURES = ("fig2", "fig3a", "fig3b", "fig4", "fig5", "figS1", "fig6", "fig7", "fig8", "fig9", "fig10")
