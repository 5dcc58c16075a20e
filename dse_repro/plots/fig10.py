"""Fig. 10 - model zoo: measures of the embedding vs accuracy, one point per model.

Top row (the paper's): DSE(Z), DSMI(Z; X), DSMI(Z; Y) vs accuracy; bottom row (beyond the
paper): the cheap competitors RankMe, alpha-ReQ and k-NN accuracy on Z. ConvNets red, ViTs
blue, marker area proportional to the parameter count; converged models (the paper's zoo)
filled circles, early-stopped models (the laptop zoo's training-length group) crosses. In each
panel, in the corner the points leave free: Pearson r and Spearman rho (starred when p < 0.05)
over the converged models and over all, and the paper's values for its three measures."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dse_repro.summaries import zoo_correlations
from dse_repro.summaries.pages import paper_zoo_correlations

from ._style import figure_legend, plt
from .names import display

PANELS = [("DSE_Z", r"$S_D(Z)$ (bits)"), ("DSMI_ZX", r"$I_D(Z; X)$ (bits)"),
          ("DSMI_ZY", r"$I_D(Z; Y)$ (bits)"), ("rankme", "RankMe (effective rank)"),
          ("alpha_req", r"$\alpha$-ReQ (spectral decay)"), ("knn_acc", "k-NN accuracy on Z")]
ARCH_COLORS = {"convnet": "tab:red", "vit": "tab:blue"}
GROUP_MARKERS = {"converged": "o", "training_length": "x"}


def _r(t: pd.Series | None, stat: str) -> str:
    """A correlation from a row of :func:`~dse_repro.summaries.zoo_correlations`, starred
    when p < 0.05."""
    if t is None or not np.isfinite(t[stat]):
        return "-"
    return f"{t[stat]:.2f}" + ("*" if t[f"{stat}_p"] < 0.05 else " ")


def _stats_text(table: pd.DataFrame, measure: str, paper: dict[str, str]) -> str:
    """The panel's correlations as a small monospace table: Pearson r and Spearman rho over
    the converged models and, when the zoo also holds early-stopped models, over all models
    (from the zoo's correlation table); then the paper's Fig. 10 values where it gives them."""
    row = {g: table.loc[(g, measure)] if (g, measure) in table.index else None
           for g in ("converged", "all")}
    count = {g: 0 if r is None else int(r["n_models"]) for g, r in row.items()}
    rho = "\u03c1"
    lines = [f"{'':15}{'r':>6} {rho:>6}"]
    groups = ["converged"] + (["all"] if count["converged"] < count["all"] else [])
    for g in groups:
        lines.append(f"{g + f' ({count[g]})':15}{_r(row[g], 'pearson'):>6} "
                     f"{_r(row[g], 'spearman'):>6}")
    if "pearson" in paper:
        lines.append(f"{'paper (timm)':15}{paper['pearson']:>6} {paper['spearman']:>6}")
    return "\n".join(lines)


def _emptiest_corner(ax, x: np.ndarray, y: np.ndarray) -> tuple[float, float, str, str]:
    """The axes corner (x, y, ha, va in axes coordinates) with the fewest points under a
    text box of about half the width and a third of the height."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    u = (np.asarray(x, float) - x0) / max(x1 - x0, 1e-12)
    v = (np.asarray(y, float) - y0) / max(y1 - y0, 1e-12)
    corners = [(0.02, 0.98, "left", "top"), (0.98, 0.02, "right", "bottom"),
               (0.98, 0.98, "right", "top"), (0.02, 0.02, "left", "bottom")]

    def covered(c):
        cu = u < 0.6 if c[2] == "left" else u > 0.4
        cv = v > 0.65 if c[3] == "top" else v < 0.35
        return int(np.sum(cu & cv))
    return min(corners, key=covered)


def plot(df: pd.DataFrame):
    ok = df[df["status"] == "ok"]
    table = zoo_correlations(df).set_index(["group", "measure"])
    skipped = df.loc[df["status"] != "ok", "model"].nunique()
    source = ", ".join(display(s) for s in sorted(df["source"].unique()))
    acc_label = ("ImageNet top-1 accuracy" if set(df["source"]) == {"timm_pretrained"}
                 else "held-out accuracy")
    fig, axes = plt.subplots(2, 3, figsize=(14, 9), squeeze=False)
    paper = paper_zoo_correlations()
    sizes = ok.groupby("model")["param_count"].first()
    scale = 300 / max(float(sizes.max()), 1e-9) if len(sizes) else 1.0
    for ax, (measure, label) in zip(axes.ravel(), PANELS):
        sub = ok[ok["measure"] == measure]
        for (group, arch), g in sub.groupby(["group", "arch"]):
            name = {"convnet": "ConvNets", "vit": "ViTs"}.get(arch, arch)
            ax.scatter(g["accuracy"], g["value"], s=np.maximum(8, g["param_count"] * scale),
                       color=ARCH_COLORS.get(arch, "grey"), alpha=0.6,
                       marker=GROUP_MARKERS.get(group, "s"),
                       label=name if group == "converged" else f"{name}, {display(group)}")
        ax.set_xlabel(acc_label)
        ax.set_ylabel(label)
        ax.set_title(label, fontsize=11)
        ax.margins(y=0.25)  # room for the correlations' box
        cx, cy, ha, va = _emptiest_corner(ax, sub["accuracy"], sub["value"])
        ax.text(cx, cy, _stats_text(table, measure, paper.get(measure, {})),
                transform=ax.transAxes, ha=ha, va=va, fontsize=8, zorder=5, family="monospace",
                multialignment="left",
                bbox=dict(boxstyle="round,pad=0.3", facecolor="white", alpha=0.85,
                          edgecolor="0.7"))
    fig.suptitle(f"Fig. 10 - model zoo ({source}: {ok['model'].nunique()} models measured, "
                 f"{skipped} skipped); marker area ~ parameters; bottom row: competitors "
                 "(beyond the paper)\nboxes: Pearson r and Spearman \u03c1 with accuracy "
                 "(* p < 0.05), converged models, all models, and the paper's timm zoo")
    figure_legend(fig, axes.ravel(), ncol=2)
    return fig
