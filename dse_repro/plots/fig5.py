"""Fig. 5: wall time of each estimator vs dimension (log-log), measured in the study jobs
(estimator call only, data generation excluded); mean +- sd over calls."""
from __future__ import annotations

import pandas as pd

from ._style import band, estimator_color, figure_legend, log_x, mean_sd, plt


def plot(df: pd.DataFrame):
    timed = df[df["sweep"].isin(["dimension", "runtime"])].copy()
    timed["value"] = timed["seconds"]
    fig, ax = plt.subplots(figsize=(6.5, 4.6))
    ax.set_yscale("log")
    for i, est in enumerate(dict.fromkeys(timed["estimator"])):
        g = timed[timed["estimator"] == est]
        m = mean_sd(g, "dim")
        band(ax, m["dim"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
             color=estimator_color(est, i), marker="o", ms=3, label=g["label"].iloc[0])
    log_x(ax)
    ax.set_xlabel("dimension d")
    ax.set_ylabel("wall time per estimate (s)")
    n = int(timed["n_points"].iloc[0])
    scale = timed["scale"].iloc[0] if "scale" in timed else ""
    ax.set_title(f"Fig. 5 - runtime vs dimension (n = {n}, scale {scale})")
    figure_legend(fig, [ax], ncol=3)
    return fig
