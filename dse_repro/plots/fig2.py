"""Fig. 2: DSE and DSMI vs diffusion time t (log axis), 3 blobs vs 1 blob, one column per d;
mean and sd over the repeats (independent draws)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import COLORS, band, kernel_text, mean_sd, plt, repeats_text


def plot(df: pd.DataFrame):
    dims = sorted(df["dim"].unique())
    fig, axes = plt.subplots(2, len(dims), figsize=(3.6 * len(dims), 5.2), squeeze=False,
                             sharex=True)
    for col, d in enumerate(dims):
        for row, measure in enumerate(["DSE", "DSMI"]):
            ax = axes[row, col]
            sub = df[(df["dim"] == d) & (df["measure"] == measure)]
            for i, (dataset, g) in enumerate(sub.groupby("dataset", sort=False)):
                label = (f"{dataset} ({g['labels'].iloc[0]} labels)" if measure == "DSMI"
                         else dataset)
                m = mean_sd(g, "t")
                band(ax, m["t"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
                     color=COLORS[i], label=label, marker=".", ms=3)
            ax.axhline(np.log2(3), color="k", ls=":", lw=1, label=r"$\log_2 3$")
            ax.axhline(0, color="gray", lw=0.5)
            ax.set_xscale("log")
            ax.set_title(f"{measure}, d = {d}")
            ax.set_ylabel(f"{'$S_D(X)$' if measure == 'DSE' else '$I_D(X; Y)$'} (bits)")
            if row == 1:
                ax.set_xlabel("diffusion time t")
            ax.legend()
    n = int(df["n_points"].iloc[0]) if "n_points" in df else None
    settings = ", ".join(x for x in (f"N = {n}" if n else "", kernel_text(df, t=False),
                                     repeats_text(df)) if x)
    fig.suptitle("Fig. 2 - DSE and DSMI vs diffusion time" + (f" ({settings})" if settings
                                                              else ""))
    fig.tight_layout()
    return fig
