"""Fig. 9 - sigma-initialization: DSE(Z) at init vs the conv-weight sigma (left), and
validation accuracy and DSE(Z) per epoch when training from two sigmas (right); one row per
data set, mean +- sd over seeds."""
from __future__ import annotations

import pandas as pd

from ._style import COLORS, band, coincide, epoch_x, figure_legend, log_x, mean_sd, plt
from .names import display


def seeds(m: pd.DataFrame) -> str:
    """"1 seed" / "3 seeds": the most repeats behind a point of ``m`` (a :func:`mean_sd` frame)."""
    count = int(m["count"].max()) if len(m) else 0
    return f"{count} seed" + ("" if count == 1 else "s")


def plot(df: pd.DataFrame):
    # the init rows hold every measure of init_measures (the scale of Z, other widths): DSE(Z)
    init = df[(df["part"] == "init") & (df["measure"] == "DSE_Z")]
    trained = df[df["part"] == "train"]
    datasets = sorted(set(init["dataset"]) | set(trained["dataset"]))
    fig, axes = plt.subplots(len(datasets), 3, squeeze=False, figsize=(12, 3.3 * len(datasets)))
    any_hidden = False
    for r, ds in enumerate(datasets):
        ax = axes[r, 0]
        sub = init[init["dataset"] == ds]
        for i, (model, g) in enumerate(sub.groupby("model")):
            m = mean_sd(g, "init_sigma")
            band(ax, m["init_sigma"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
                 color=COLORS[(i + 4) % len(COLORS)], marker="o", ms=3,
                 label=f"init: {display(model)}")
        log_x(ax)
        ax.set_xlabel(r"conv weight $\sigma$ at initialization")
        ax.set_ylabel(r"$S_D(Z)$ at init (bits)")
        ax.set_title(f"{display(ds)} - DSE at initialization")
        sub = trained[trained["dataset"] == ds]
        sigmas = sorted(sub["init_sigma"].unique())
        for c, (measure, ylabel) in enumerate((("val_acc", "validation accuracy"),
                                               ("DSE_Z", r"$S_D(Z)$ (bits)")), start=1):
            ax = axes[r, c]
            drawn: list[pd.Series] = []
            for i, sigma in enumerate(sigmas):
                g = sub[(sub["init_sigma"] == sigma) & (sub["measure"] == measure)]
                m = mean_sd(g, "epoch")
                curve = m.set_index("epoch")["mean"]
                # a curve on top of one already drawn is dashed, so that both show
                hides = any(coincide(curve, d) for d in drawn)
                any_hidden |= hides
                drawn.append(curve)
                band(ax, m["epoch"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
                     color=COLORS[i], ls="--" if hides else "-",
                     label=rf"train: $\sigma$ = {sigma:g} "
                     f"({', '.join(map(display, sorted(sub['model'].unique())))}, {seeds(m)})")
            epoch_x(ax)
            ax.set_ylabel(ylabel)
            ax.set_title(f"{display(ds)} - {ylabel.split(' (')[0]} during training")
    fig.suptitle(r"Fig. 9 - conv weights $\sim N(0, \sigma)$: DSE at init and training speed"
                 + ("\n(dashed: a curve that coincides with one drawn before it)" if any_hidden
                    else ""))
    figure_legend(fig, axes.ravel(), ncol=4)
    return fig
