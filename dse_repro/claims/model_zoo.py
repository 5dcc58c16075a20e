"""Claims of Fig. 10: the model zoo."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dse_repro.claims.core import Claim, NotMeasured

# --- Fig. 10 (model zoo) ------------------------------------------------------------------
COMPETITORS = ("rankme", "alpha_req", "knn_acc")


def _zoo_table(df) -> pd.DataFrame:
    from dse_repro.summaries import zoo_correlations

    # only the measures the zoo claims read (the check runs again on every bootstrap resample)
    # the paper's zoo: converged models (the laptop zoo's early-stopped group is apart)
    table = zoo_correlations(df[df["measure"].isin(["DSMI_ZY", *COMPETITORS])],
                             groups=("converged",)).set_index("measure")
    if "DSMI_ZY" not in table.index or not np.isfinite(table.loc["DSMI_ZY", "spearman"]):
        raise NotMeasured("fewer than 3 measured converged models")
    return table


def _zoo_dsmi_zy_correlates(df):
    t = _zoo_table(df).loc["DSMI_ZY"]
    detail = (f"{int(t.n_models)} converged models ({int(t.n_skipped)} skipped): Spearman "
              f"{t.spearman:.3f} (p={t.spearman_p:.2g}), Pearson {t.pearson:.3f} "
              f"(p={t.pearson_p:.2g})")
    return float(t.spearman), bool(t.spearman > 0 and t.spearman_p < 1e-3), detail


def _ours_zoo(df):
    t = _zoo_table(df).loc["DSMI_ZY"]
    return (f"Pearson {t.pearson:.3f} (p = {t.pearson_p:.2g}), Spearman {t.spearman:.3f} "
            f"(p = {t.spearman_p:.2g}); {int(t.n_models)} converged models")


def _zoo_dsmi_vs_competitors(df):
    t = _zoo_table(df)
    comp = t.loc[[c for c in COMPETITORS if c in t.index], "spearman"].dropna()
    if comp.empty:
        raise NotMeasured("no competitor (RankMe, alpha-ReQ, k-NN accuracy) in the results")
    best = comp.abs().idxmax()
    gap = abs(float(t.loc["DSMI_ZY", "spearman"])) - abs(float(comp[best]))
    detail = ", ".join(f"{m}: {t.loc[m, 'spearman']:.3f}" for m in ["DSMI_ZY", *comp.index]
                       ) + f"; best competitor: {best}"
    return gap, bool(gap >= 0), detail


CLAIMS: list[Claim] = [
    Claim("fig10.dsmi_zy_correlates", "fig10",
          "DSMI(Z; Y) correlates positively with accuracy across the zoo of converged models",
          "Spearman(DSMI(Z; Y), accuracy) > 0 with p < 0.001", _zoo_dsmi_zy_correlates,
          kernel=True, units=('model', 'seed'), ours=_ours_zoo),
    Claim("fig10.dsmi_zy_vs_competitors", "fig10",
          "Beyond the paper: does DSMI(Z; Y) predict accuracy at least as well as RankMe, "
          "alpha-ReQ and k-NN accuracy on Z?",
          "value = |Spearman| of DSMI(Z; Y) - the best competitor's; held if >= 0",
          _zoo_dsmi_vs_competitors, kernel=True, units=('model', 'seed')),
]
