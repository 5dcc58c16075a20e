"""Fig. 4: MI vs label corruption at d = 20 and d = 100, and MI vs d (log axis); one colour per
estimator, one line style per noise level, mean +- sd over repeats (all in bits)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import estimator_color, band, figure_legend, log_x, mean_sd, plt

LINESTYLES = ["-", "--", ":", "-."]


def _draw(ax, df: pd.DataFrame, x: str, estimators: list[str], noises: list[float]) -> None:
    for i, est in enumerate(estimators):
        for j, noise in enumerate(noises):
            g = df[(df["estimator"] == est) & (df["noise"] == noise)]
            if g.empty:
                continue
            m = mean_sd(g, x)
            label = f"{g['label'].iloc[0]}" if j == 0 else None
            band(ax, m[x].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
                 color=estimator_color(est, i), ls=LINESTYLES[j % 4], label=label, marker=".",
                 ms=3)


def plot(df: pd.DataFrame):
    estimators = list(dict.fromkeys(df["estimator"]))
    noises = sorted(df["noise"].unique())
    corr = df[df["sweep"] == "corruption"]
    dims = sorted(corr["dim"].unique())
    fig, axes = plt.subplots(1, len(dims) + 1, figsize=(4.2 * (len(dims) + 1), 4.4))
    for ax, d in zip(axes, dims):
        _draw(ax, corr[corr["dim"] == d], "corruption", estimators, noises)
        ax.set_xlabel("label corruption ratio")
        ax.set_title(f"MI vs label corruption, d = {d}")
    ax = axes[-1]
    _draw(ax, df[df["sweep"] == "dimension"], "dim", estimators, noises)
    log_x(ax)
    ax.set_xlabel("dimension d")
    ax.set_title("MI vs dimension (clean labels)")
    for ax in axes:
        ax.axhline(np.log2(3), color="k", ls=":", lw=0.8)
        ax.axhline(0, color="gray", lw=0.5)
        ax.set_ylabel("mutual information (bits)")
    for j, noise in enumerate(noises):  # line-style key
        axes[0].plot([], [], color="gray", ls=LINESTYLES[j % 4], label=f"noise {noise:g}")
    axes[0].plot([], [], color="k", ls=":", lw=0.8, label="$\\log_2 3$ = H(Y)")
    n = int(df["n_points"].iloc[0])
    fig.suptitle(f"Fig. 4 - MI of 3-centre Gaussian blobs and their labels (n = {n}); "
                 "mean $\\pm$ sd over repeats")
    figure_legend(fig, axes, ncol=6)
    return fig
