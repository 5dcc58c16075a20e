"""Fig. 3A: DSE of SPD/identity mixtures vs alpha; DSE vs CSE against intrinsic dimension."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import COLORS, band, figure_legend, kernel_text, mean_sd, plt, repeats_text, times_text

LINESTYLES = ["-", "--", "-.", ":"]


def plot(df: pd.DataFrame):
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.3))
    spd = df[df["panel"] == "spd"]
    ax = axes[0]
    for i, (size, g) in enumerate(spd.groupby("size")):
        m = mean_sd(g, "alpha")
        band(ax, m["alpha"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
             color=COLORS[i % len(COLORS)], label=f"size n = {int(size)}")
        ax.axhline(np.log2(size), color=COLORS[i % len(COLORS)], ls=":", lw=0.8)
    ax.set_xlabel(r"$\alpha$ in $(1-\alpha)\,S + \alpha I$")
    ax.set_ylabel("DSE (bits)")
    spd_t = times_text(spd)
    ax.set_title(f"DSE of SPD/identity mixture{', ' + spd_t if spd_t else ''}\n"
                 "(dotted: $\\log_2 n$)")

    for ax, panel in zip(axes[1:], ["uniform", "gaussian"]):
        sub = df[df["panel"] == panel]
        if sub.empty:
            ax.set_visible(False)
            continue
        for j, (noise, g) in enumerate(sub.groupby("noise")):
            for measure, ls in (("DSE", "-"), ("CSE", "--")):
                m = mean_sd(g[g["measure"] == measure], "intrinsic_dim")
                band(ax, m["intrinsic_dim"].to_numpy(), m["mean"].to_numpy(),
                     m["std"].to_numpy(), color=COLORS[j], ls=ls,
                     label=f"{measure}, noise {noise:g}")
        n = int(sub["n_points"].iloc[0])
        ax.axhline(np.log2(n), color="k", ls=":", lw=1, label=f"$\\log_2 {n}$ = {np.log2(n):.3f}")
        ax.set_xscale("log")
        ax.set_xlabel("intrinsic dimension d")
        ax.set_ylabel("entropy (bits)")
        dist = "U[-1, 1]$^d$" if panel == "uniform" else "N(0, $I_d$)"
        kernel = kernel_text(sub[sub["measure"] == "DSE"])
        dse_text = f"DSE ({kernel}, solid)" if kernel else "DSE (solid)"
        ax.set_title(f"{dist} embedded, n = {n}\n{dse_text} vs CSE (dashed)")
    spread = repeats_text(df)
    fig.suptitle("Fig. 3A - DSE tracks structure; CSE saturates at $\\log_2 n$"
                 + (f" ({spread})" if spread else ""))
    # One legend below the panels: inside the SPD panel it covered the larger sizes' curves,
    # which run along its lower right corner at laptop scale.
    figure_legend(fig, axes, ncol=5)
    return fig
