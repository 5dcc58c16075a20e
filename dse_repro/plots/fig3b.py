"""Fig. 3B: DSMI vs CSMI against label corruption on random trees, one panel per k."""
from __future__ import annotations

import pandas as pd

from ._style import COLORS, band, figure_legend, kernel_text, mean_sd, plt, repeats_text


def plot(df: pd.DataFrame):
    ks = sorted(df["branches"].unique())
    fig, axes = plt.subplots(1, len(ks), figsize=(4 * len(ks), 4.2), squeeze=False)
    for ax, k in zip(axes[0], ks):
        sub = df[df["branches"] == k]
        for j, (noise, g) in enumerate(sub.groupby("noise")):
            for measure, ls in (("DSMI", "-"), ("CSMI", "--")):
                m = mean_sd(g[g["measure"] == measure], "corruption")
                band(ax, m["corruption"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
                     color=COLORS[j], ls=ls, label=f"{measure}, noise {noise:g}")
        ax.axhline(0, color="gray", lw=0.5)
        ax.set_xlabel("label corruption ratio")
        ax.set_ylabel("mutual information (bits)")
        ax.set_title(f"tree with {k} branches (n = {int(sub['n_points'].iloc[0])})")
    settings = ", ".join(x for x in (kernel_text(df[df["measure"] == "DSMI"]),
                                     repeats_text(df)) if x)
    fig.suptitle("Fig. 3B - DSMI (solid) falls with label corruption; "
                 "CSMI (dashed, binned) is dominated by binning"
                 + (f"\nDSMI at {settings}" if settings else ""))
    figure_legend(fig, axes[0])
    return fig
