"""Claims of Figs. 6-8: DSE(Z), DSMI(Z; Y), DSMI(Z; X) during training."""
from __future__ import annotations

import pandas as pd

from dse_repro.claims.core import Claim, NotMeasured, need, pick


# --- Figs. 6-8 (training) ----------------------------------------------------------------
def _train_first_last(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Mean over models and seeds of ``measure`` at the first and last epoch, per
    (dataset, method)."""
    sub = need(df[df["measure"] == measure], measure)
    first = sub[sub["epoch"] == sub["epoch"].min()].groupby(["dataset", "method"])["value"].mean()
    last = sub[sub["epoch"] == sub["epoch"].max()].groupby(["dataset", "method"])["value"].mean()
    return pd.DataFrame({"first": first, "last": last}).reset_index()


def _train_rises(df, measure, methods, datasets=None):
    fl = _train_first_last(df, measure)
    fl = fl[fl["method"].isin(methods)]
    if datasets is not None:
        fl = fl[fl["dataset"].isin(datasets)]
    if fl.empty:
        raise NotMeasured(f"no {'/'.join(methods)} runs"
                          + (f" on {'/'.join(datasets)}" if datasets else ""))
    gains = fl["last"] - fl["first"]
    detail = ", ".join(f"{r.dataset}/{r.method}: {r.first:.3f} -> {r.last:.3f}"
                       for r in fl.itertuples())
    return float(gains.min()), bool((gains > 0).all()), detail


def _train_random_lower(df):
    fl = _train_first_last(df, "DSMI_ZY").set_index(["dataset", "method"])["last"]
    gaps = {d: pick(fl, (d, "supervised"), f"supervised run on {d}")
            - pick(fl, (d, "random_labels"), f"random-label run on {d}")
            for d in fl.index.get_level_values(0).unique()}
    detail = ", ".join(f"{d}: supervised - random = {g:.3f}" for d, g in gaps.items())
    return float(min(gaps.values())), min(gaps.values()) > 0.1, detail


CLAIMS: list[Claim] = [
    Claim("fig6.dse_rises", "fig6", "DSE(Z) ends higher than it starts, in all three methods "
          "(every data set that ran)", "min over data set and method of DSE(last) - DSE(first) > 0",
          lambda df: _train_rises(df, "DSE_Z", ["supervised", "simclr", "random_labels"]),
          per="dataset", kernel=True, units=('model', 'seed')),
    Claim("fig7.dsmi_zy_rises", "fig7", "DSMI(Z; Y) rises for supervised and SimCLR training",
          "min over data set of DSMI(last) - DSMI(first) > 0",
          lambda df: _train_rises(df, "DSMI_ZY", ["supervised", "simclr"]), per="dataset",
          kernel=True, units=('model', 'seed')),
    Claim("fig7.random_labels_lower", "fig7",
          "DSMI(Z; Y) ends clearly lower with random labels than with supervised training",
          "min over data set of DSMI_sup(last) - DSMI_random(last) > 0.1 bits",
          _train_random_lower, per="dataset", kernel=True, units=('model', 'seed')),
    Claim("fig8.dsmi_zx_rises_digits", "fig8", "DSMI(Z; X) rises on digits",
          "min over method of DSMI(Z; X)(last) - (first) > 0 on digits",
          lambda df: _train_rises(df, "DSMI_ZX", ["supervised", "simclr", "random_labels"],
                                  ["digits"]), kernel=True, units=('model', 'seed')),
]
