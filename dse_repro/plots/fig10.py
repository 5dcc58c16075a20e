"""Fig. 10 - model zoo: measures of the embedding vs accuracy, one point per model.

Top row (the paper's): DSE(Z), DSMI(Z; X), DSMI(Z; Y) vs accuracy; bottom row (beyond the
paper): the cheap competitors RankMe, alpha-ReQ and k-NN accuracy on Z. ConvNets red, ViTs
blue, marker area proportional to the parameter count; converged models (the paper's zoo)
filled circles, early-stopped models (the laptop zoo's training-length group) crosses. Each
title: Pearson and Spearman (p-values) over the converged models, and Spearman over all."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dse_repro.summaries import zoo_correlations

from ._style import figure_legend, plt

PANELS = [("DSE_Z", r"$S_D(Z)$ (bits)"), ("DSMI_ZX", r"$I_D(Z; X)$ (bits)"),
          ("DSMI_ZY", r"$I_D(Z; Y)$ (bits)"), ("rankme", "RankMe (effective rank)"),
          ("alpha_req", r"$\alpha$-ReQ (spectral decay)"), ("knn_acc", "k-NN accuracy on Z")]
ARCH_COLORS = {"convnet": "tab:red", "vit": "tab:blue"}
GROUP_MARKERS = {"converged": "o", "training_length": "x"}


def _stats(t: pd.Series | None, spearman_only: bool = False) -> str:
    """One group's correlations (a row of :func:`~dse_repro.summaries.zoo_correlations`)."""
    if t is None or not np.isfinite(t["spearman"]):
        return "too few models for a correlation"
    spearman = f"Spearman {t['spearman']:.2f} (p={t['spearman_p']:.1e})"
    if spearman_only:
        return spearman
    return f"Pearson {t['pearson']:.2f} (p={t['pearson_p']:.1e}), " + spearman


def _title(label: str, table: pd.DataFrame, measure: str) -> str:
    """The panel's title: the converged models' correlations and, when the zoo also holds
    early-stopped models, all models' Spearman (from the zoo's correlation table)."""
    row = {g: table.loc[(g, measure)] if (g, measure) in table.index else None
           for g in ("converged", "all")}
    count = {g: 0 if r is None else int(r["n_models"]) for g, r in row.items()}
    title = f"{label}\nconverged ({count['converged']}): " + _stats(row["converged"])
    if count["converged"] < count["all"]:
        title += f"\nall ({count['all']}): " + _stats(row["all"], spearman_only=True)
    return title


def plot(df: pd.DataFrame):
    ok = df[df["status"] == "ok"]
    table = zoo_correlations(df).set_index(["group", "measure"])
    skipped = df.loc[df["status"] != "ok", "model"].nunique()
    source = ", ".join(sorted(df["source"].unique()))
    acc_label = ("ImageNet top-1 accuracy" if set(df["source"]) == {"timm_pretrained"}
                 else "held-out accuracy")
    fig, axes = plt.subplots(2, 3, figsize=(13, 8), squeeze=False)
    sizes = ok.groupby("model")["param_count"].first()
    scale = 300 / max(float(sizes.max()), 1e-9) if len(sizes) else 1.0
    for ax, (measure, label) in zip(axes.ravel(), PANELS):
        sub = ok[ok["measure"] == measure]
        for (group, arch), g in sub.groupby(["group", "arch"]):
            name = {"convnet": "ConvNets", "vit": "ViTs"}.get(arch, arch)
            ax.scatter(g["accuracy"], g["value"], s=np.maximum(8, g["param_count"] * scale),
                       color=ARCH_COLORS.get(arch, "grey"), alpha=0.6,
                       marker=GROUP_MARKERS.get(group, "s"),
                       label=name if group == "converged" else f"{name}, {group}")
        ax.set_xlabel(acc_label)
        ax.set_ylabel(label)
        ax.set_title(_title(label, table, measure), fontsize=8)
    fig.suptitle(f"Fig. 10 - model zoo ({source}: {ok['model'].nunique()} models measured, "
                 f"{skipped} skipped); marker area ~ parameters; bottom row: competitors "
                 "(beyond the paper)")
    figure_legend(fig, axes.ravel(), ncol=2)
    return fig
