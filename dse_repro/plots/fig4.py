"""Fig. 4: MI vs label corruption at d = 20 and d = 100, and MI vs d (log axis, every d
labelled); one colour per estimator, one line style per noise level, mean +- sd over repeats
(all in bits). Estimators whose curves coincide in a panel (their lines hide each other) are
named in a note under the legend, off the data; a mean above H(Y) = log2 3 -- impossible for a
mutual information with these labels -- is marked with a red cross."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._style import (
    OVERLAP,
    band,
    coincide,
    estimator_color,
    figure_legend,
    log_x,
    mean_sd,
    plt,
    repeats_text,
)

LINESTYLES = ["-", "--", ":", "-."]


H_Y = float(np.log2(3))  # bits: the labels' entropy, an upper bound of I(X; Y)


def _overlaps(df: pd.DataFrame, x: str, estimators: list[str]) -> list[list[str]]:
    """Groups of estimators whose mean curves coincide (within OVERLAP) at every point."""
    curves = {e: df[df["estimator"] == e].groupby(["noise", x])["value"].mean()
              for e in estimators}
    groups: list[list[str]] = []
    for e in estimators:
        for g in groups:
            if coincide(curves[g[0]], curves[e]):
                g.append(e)
                break
        else:
            groups.append([e])
    return [g for g in groups if len(g) > 1]


def _draw(ax, df: pd.DataFrame, x: str, estimators: list[str], noises: list[float]) -> str:
    """Draw one panel; returns the groups of estimators whose curves coincide there (as
    "A = B; C = D"), "" if none."""
    labels = dict(zip(df["estimator"], df["label"]))
    notes = [" = ".join(labels[e] for e in g) for g in _overlaps(df, x, estimators)]
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
            above = m[m["mean"] > H_Y + OVERLAP]
            ax.scatter(above[x], above["mean"], marker="x", s=30, color="red", zorder=4,
                       label="above H(Y): impossible" if len(above) else None)
    return "; ".join(notes)


def plot(df: pd.DataFrame):
    estimators = list(dict.fromkeys(df["estimator"]))
    noises = sorted(df["noise"].unique())
    corr = df[df["sweep"] == "corruption"]
    dims = sorted(corr["dim"].unique())
    fig, axes = plt.subplots(1, len(dims) + 1, figsize=(4.2 * (len(dims) + 1), 4.4))
    coinciding = {}
    for ax, d in zip(axes, dims):
        coinciding[f"corruption, d = {d}"] = _draw(ax, corr[corr["dim"] == d], "corruption",
                                                   estimators, noises)
        ax.set_xlabel("label corruption ratio")
        ax.set_title(f"MI vs label corruption, d = {d}")
    ax = axes[-1]
    dim_sweep = df[df["sweep"] == "dimension"]
    coinciding["dimension"] = _draw(ax, dim_sweep, "dim", estimators, noises)
    log_x(ax)
    ds = sorted(dim_sweep["dim"].unique())
    ax.set_xticks(ds, [str(int(d)) for d in ds], rotation=45, fontsize=7)
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
    spread = repeats_text(df) or "mean $\\pm$ sd over repeats"
    fig.suptitle(f"Fig. 4 - MI of 3-centre Gaussian blobs and their labels (n = {n}); {spread}")
    note = " | ".join(f"{panel}: {text}" for panel, text in coinciding.items() if text)
    figure_legend(fig, axes, ncol=6, note=f"Curves that coincide (one hides the others) -- "
                  f"{note}" if note else "")
    return fig
