"""Shared drawing of Figs. 6-8: a measure of Z against validation accuracy during training,
one panel per (architecture family, data set), one colour per method, one line per model
(mean over seeds at each epoch, error bars +- sd over seeds in both coordinates; the number of
seeds in the title)."""
from __future__ import annotations

import pandas as pd

from dse_repro.pipeline.config import ConfigError

from ._style import COLORS, figure_legend, plt
from .names import display, measure_label

METHOD_COLORS = {"supervised": COLORS[0], "simclr": COLORS[1], "random_labels": COLORS[3]}
MARKERS = ["o", "s", "^", "D", "v", "P"]


def plot_measure(df: pd.DataFrame, measure: str, number: str):
    """Figure ``number`` ("Fig. 7"): ``measure`` against validation accuracy during training,
    labelled with its display name (:func:`dse_repro.plots.names.measure_label`)."""
    ylabel = measure_label(measure)
    if measure not in set(df["measure"]):
        raise ConfigError(f"{number} draws measure {measure!r} (conf/figures.yaml), which the "
                         "training results do not hold; they hold "
                         f"{sorted(set(df['measure']))} (studies.training.train.measures)")
    wide = df.pivot_table(index=["dataset", "arch", "model", "method", "seed", "epoch"],
                          columns="measure", values="value").reset_index()
    wide = wide.dropna(subset=["val_acc", measure])  # SimCLR epochs without a probe
    datasets = sorted(wide["dataset"].unique())
    archs = [a for a in ("convnet", "vit") if a in set(wide["arch"])]
    fig, axes = plt.subplots(len(archs), len(datasets), squeeze=False,
                             figsize=(4.2 * len(datasets), 3.6 * len(archs)))
    models = sorted(wide["model"].unique())
    for r, arch in enumerate(archs):
        for c, ds in enumerate(datasets):
            ax = axes[r, c]
            sub = wide[(wide["arch"] == arch) & (wide["dataset"] == ds)]
            for (model, method), g in sub.groupby(["model", "method"]):
                by_epoch = g.groupby("epoch")[["val_acc", measure]]
                m, sd = by_epoch.mean().reset_index(), by_epoch.std().fillna(0.0).reset_index()
                color = METHOD_COLORS.get(method, "k")
                ax.errorbar(m["val_acc"], m[measure], xerr=sd["val_acc"], yerr=sd[measure],
                            fmt="none", ecolor=color, alpha=0.35, lw=0.8)
                ax.plot(m["val_acc"], m[measure], color=color,
                        marker=MARKERS[models.index(model) % len(MARKERS)], ms=3, lw=1,
                        label=f"{display(method)}, {display(model)}")
                ax.scatter(m["val_acc"].iloc[-1:], m[measure].iloc[-1:], s=40,
                           color=METHOD_COLORS.get(method, "k"), zorder=3)
            ax.set_title(f"{'ConvNets' if arch == 'convnet' else 'ViTs'} - {display(ds)}")
            ax.set_xlabel("validation accuracy (SimCLR: linear probe)")
            ax.set_ylabel(ylabel)
    n_seeds = wide.groupby(["dataset", "model", "method"])["seed"].nunique()
    seeds = (f"{n_seeds.min()}" if n_seeds.min() == n_seeds.max()
             else f"{n_seeds.min()}-{n_seeds.max()}")
    name = measure_label(measure, unit=False, width=False)
    title = f"{number} - {name} vs accuracy during training"
    fig.suptitle(title + f" (mean +- sd over {seeds} seed{'s' if n_seeds.max() > 1 else ''}; "
                 "large dot: last epoch)")
    figure_legend(fig, axes.ravel(), ncol=3)
    return fig
