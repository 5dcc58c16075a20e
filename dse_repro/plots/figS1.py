"""Fig. S1 (beyond the paper): estimates vs known Shannon MI, one panel per family and
dimension, one colour per estimator, mean +- sd over repeats; dotted: estimate = truth. A mean
above the entropy of the labels the estimator saw (``h_y``) -- impossible for a Shannon MI -- is
marked with a red cross."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dse_repro.summaries import groundtruth_summary

from ._style import band, estimator_color, figure_legend, plt, repeats_text


def plot(df: pd.DataFrame):
    panels = list(df.groupby(["family", "dim"]).groups)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.8 * len(panels), 4.2), squeeze=False)
    estimators = list(dict.fromkeys(df["estimator"]))
    # mean, sd and the above-H(labels) flag per cell: the ground-truth summary's
    cells = groundtruth_summary(df).set_index(["family", "dim", "estimator"]).sort_index()
    flagged = bool(cells["above_h_y"].any())
    for ax, (family, dim) in zip(axes[0], panels):
        sub = df[(df["family"] == family) & (df["dim"] == dim)]
        for i, est in enumerate(estimators):
            m = cells.loc[[(family, dim, est)]].sort_values("true_mi")
            band(ax, m["true_mi"].to_numpy(), m["mean"].to_numpy(), m["sd"].to_numpy(),
                 color=estimator_color(est, i), marker="o", ms=3, label=m["label"].iloc[0])
            above = m[m["above_h_y"]]
            ax.scatter(above["true_mi"], above["mean"], marker="x", s=30, color="red", zorder=4)
        top = float(sub["true_mi"].max())
        ax.plot([0, top], [0, top], color="k", ls=":", lw=1, label="estimate = truth")
        ax.set_xlabel("true Shannon MI (bits)")
        ax.set_ylabel("estimate (bits)")
        what = "correlated Gaussians" if family == "gaussian" else "3-blob mixture vs label"
        ax.set_title(f"{what}, D = {dim}")
        if family == "gaussian" and top > 4 * max(np.nanmax(sub["value"]), 1e-9):
            ax.set_ylim(top=max(2.0, float(np.nanmax(sub["value"])) * 1.3))
    if flagged:
        axes[0][0].scatter([], [], marker="x", color="red", label="above H(labels): impossible")
    n = ", ".join(str(int(v)) for v in sorted(df["n_points"].unique())) if "n_points" in df else ""
    settings = ", ".join(x for x in (f"n = {n}" if n else "", repeats_text(df)) if x)
    fig.suptitle("Fig. S1 - estimators vs known mutual information (beyond the paper)"
                 + (f"\n{settings}" if settings else ""))
    figure_legend(fig, axes[0], ncol=6)
    return fig
