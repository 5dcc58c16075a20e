"""Summary tables derived from tidy results (results -> summary CSV).

``python -m dse_repro.summaries groundtruth --input results/<scale>/mi_groundtruth.csv
--out results/<scale>/mi_groundtruth_summary.csv``;
``python -m dse_repro.summaries zoo --input results/<scale>/model_zoo.csv
--out results/<scale>/model_zoo_correlations.csv``
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr


def groundtruth_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per (family, dim, estimator): bias (mean estimate - true MI, bits) and spread (sd over
    repeats) at each true MI, plus the Spearman correlation of the mean estimate with the true
    MI across the family's parameters (is the estimator monotone in the truth?). ``h_y``: mean
    entropy (bits) of the labels the estimator saw (NaN where it took a continuous Y);
    ``above_h_y``: the mean estimate exceeds it -- impossible for a Shannon MI."""
    g = df.groupby(["family", "dim", "estimator", "label", "param", "true_mi"])
    cells = g.agg(mean=("value", "mean"), sd=("value", "std"), repeats=("value", "count"),
                  h_y=("h_y", "mean")).reset_index()
    cells["sd"] = cells["sd"].fillna(0.0)
    cells["bias"] = cells["mean"] - cells["true_mi"]
    cells["h_y"] = cells.pop("h_y")  # after the bias, beside its flag
    cells["above_h_y"] = cells["h_y"].notna() & (cells["mean"] > cells["h_y"])
    rho = {}
    for key, c in cells.groupby(["family", "dim", "estimator"]):
        ok = c["mean"].nunique() > 1 and c["true_mi"].nunique() > 1
        rho[key] = float(spearmanr(c["true_mi"], c["mean"]).statistic) if ok else np.nan
    cells["spearman_vs_truth"] = [rho[(f, d, e)] for f, d, e in
                                  zip(cells["family"], cells["dim"], cells["estimator"])]
    return cells


#: The model groups of the zoo's correlation table: every measured model, the converged
#: models (the paper's zoo: trained to convergence or to one fixed budget), and the converged
#: models of each architecture family.
ZOO_GROUPS = ("all", "converged", "converged/convnet", "converged/vit")


def _zoo_group(ok: pd.DataFrame, group: str) -> pd.DataFrame:
    if group == "all":
        return ok
    sub = ok[ok["group"] == "converged"]
    return sub if group == "converged" else sub[sub["arch"] == group.split("/")[1]]


def zoo_correlations(df: pd.DataFrame, groups: Sequence[str] = ZOO_GROUPS) -> pd.DataFrame:
    """Per measure and model group (``groups``, of :data:`ZOO_GROUPS`): Pearson and Spearman
    correlation of the measure with accuracy across the zoo's measured models, with two-sided
    p-values, ranked by |Spearman| within each group (rank 1 = best predictor). Skipped models
    (``status != ok``) are counted, not used."""
    ok = df[df["status"] == "ok"]
    rows = []
    for group in groups:
        sub = _zoo_group(ok, group)
        for measure, g in sub.groupby("measure", sort=True):
            n = len(g)
            if n < 3 or g["value"].nunique() < 2 or g["accuracy"].nunique() < 2:
                r = p_r = rho = p_rho = np.nan
            else:
                r, p_r = pearsonr(g["value"], g["accuracy"])
                rho, p_rho = spearmanr(g["value"], g["accuracy"])
            rows.append(dict(group=group, measure=measure, n_models=n, pearson=float(r),
                             pearson_p=float(p_r), spearman=float(rho), spearman_p=float(p_rho)))
    out = pd.DataFrame(rows, columns=["group", "measure", "n_models", "pearson", "pearson_p",
                                      "spearman", "spearman_p"])
    out["rank"] = out.groupby("group")["spearman"].transform(
        lambda s: s.abs().rank(ascending=False, method="min"))
    out["n_skipped"] = int(df.loc[df["status"] != "ok", "model"].nunique())
    return out


def main(argv: list[str] | None = None) -> None:
    from dse_repro.pipeline.io import write_tidy
    from dse_repro.studies.registry import read_results

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("kind", choices=["groundtruth", "zoo"])
    ap.add_argument("--input", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    summary, table = {"groundtruth": (groundtruth_summary, "mi_groundtruth"),
                      "zoo": (zoo_correlations, "model_zoo")}[args.kind]
    write_tidy(summary(read_results(args.input, table)), args.out)

