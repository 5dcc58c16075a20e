"""Fig. 10 - model zoo: measures of the embedding vs accuracy, one point per model.

Top row (the paper's): DSE(Z), DSMI(Z; X), DSMI(Z; Y) vs accuracy; bottom row (beyond the
paper): the cheap competitors RankMe, alpha-ReQ and k-NN accuracy on Z. ConvNets red, ViTs
blue, marker area proportional to the parameter count; converged models (the paper's zoo)
filled circles, early-stopped models (the laptop zoo's training-length group) crosses. Each
title: Pearson and Spearman (p-values) over the converged models, and Spearman over all."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

from ._style import figure_legend, plt

PANELS = [("DSE_Z", r"$S_D(Z)$ (bits)"), ("DSMI_ZX", r"$I_D(Z; X)$ (bits)"),
          ("DSMI_ZY", r"$I_D(Z; Y)$ (bits)"), ("rankme", "RankMe (effective rank)"),
          ("alpha_req", r"$\alpha$-ReQ (spectral decay)"), ("knn_acc", "k-NN accuracy on Z")]
ARCH_COLORS = {"convnet": "tab:red", "vit": "tab:blue"}


GROUP_MARKERS = {"converged": "o", "training_length": "x"}


def _stats(x: pd.Series, y: pd.Series, spearman_only: bool = False) -> str:
    if len(x) < 3 or x.nunique() < 2 or y.nunique() < 2:
        return "too few models for a correlation"
    rho, prho = spearmanr(x, y)
    if spearman_only:
        return f"Spearman {rho:.2f} (p={prho:.1e})"
    r, pr = pearsonr(x, y)
    return f"Pearson {r:.2f} (p={pr:.1e}), Spearman {rho:.2f} (p={prho:.1e})"


def _title(label: str, sub: pd.DataFrame) -> str:
    conv = sub[sub["group"] == "converged"]
    title = f"{label}\nconverged ({conv['model'].nunique()}): " + _stats(conv["value"],
                                                                         conv["accuracy"])
    if len(conv) < len(sub):
        title += (f"\nall ({sub['model'].nunique()}): "
                  + _stats(sub["value"], sub["accuracy"], spearman_only=True))
    return title


def plot(df: pd.DataFrame):
    ok = df[df["status"] == "ok"]
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
        ax.set_title(_title(label, sub), fontsize=8)
    fig.suptitle(f"Fig. 10 - model zoo ({source}: {ok['model'].nunique()} models measured, "
                 f"{skipped} skipped); marker area ~ parameters; bottom row: competitors "
                 "(beyond the paper)")
    figure_legend(fig, axes.ravel(), ncol=2)
    return fig
