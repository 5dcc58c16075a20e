"""Summary tables derived from tidy results (results -> summary CSV).

``python -m dse_repro.summaries groundtruth --input results/<scale>/mi_groundtruth.csv
--out results/<scale>/mi_groundtruth_summary.csv``
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from scipy.stats import spearmanr


def groundtruth_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per (family, dim, estimator): bias (mean estimate - true MI, bits) and spread (sd over
    repeats) at each true MI, plus the Spearman correlation of the mean estimate with the true
    MI across the family's parameters (is the estimator monotone in the truth?)."""
    g = df.groupby(["family", "dim", "estimator", "label", "param", "true_mi"])["value"]
    cells = g.agg(mean="mean", sd="std", repeats="count").reset_index()
    cells["sd"] = cells["sd"].fillna(0.0)
    cells["bias"] = cells["mean"] - cells["true_mi"]
    rho = {}
    for key, c in cells.groupby(["family", "dim", "estimator"]):
        ok = c["mean"].nunique() > 1 and c["true_mi"].nunique() > 1
        rho[key] = float(spearmanr(c["true_mi"], c["mean"]).statistic) if ok else np.nan
    cells["spearman_vs_truth"] = [rho[(f, d, e)] for f, d, e in
                                  zip(cells["family"], cells["dim"], cells["estimator"])]
    return cells


def main(argv: list[str] | None = None) -> None:
    from dse_repro.studies._runner import write_tidy

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("kind", choices=["groundtruth"])
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    write_tidy(groundtruth_summary(pd.read_csv(args.input)), args.out)


if __name__ == "__main__":
    main()
