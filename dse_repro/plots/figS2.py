"""Fig. S2 - kernel-width robustness (beyond the paper): the measures of Figs. 6-10 under the
paper's fixed sigma = 10 and the scale-free widths ``median`` and ``knn``.

One row per data set (lettered (a)-(d) in the first row, (e)-(h) in the next ...): (a) DSE(Z)
at initialization vs the conv-weight sigma (sigma-init table); (b), (c) DSE(Z) and DSMI(Z; Y)
per epoch (training table; mean over models and seeds, one line style per method); (d) DSE(Z)
vs sigma / median distance for embeddings at
initialization and after training (this study's table; stars: sigma = 10, dots: the median
width, ticks at the right edge: the knn width). In (a) and (d) the line style names the model
(a legend in the panel). Bottom row (the last letter): Spearman correlation with
accuracy across the converged model zoo (bars) and all models (dots) of every measure under
each width (model-zoo table)."""
from __future__ import annotations

import pandas as pd

from ._style import COLORS, band, epoch_x, log_x, mean_sd, plt
from .names import display, measure_label

#: width -> (suffix of the measure name in the results, colour, label)
WIDTHS = {"fixed": ("", COLORS[0], r"$\sigma$ = 10 (paper)"),
          "median": ("_median", COLORS[1], r"$\sigma$ = median distance"),
          "knn": ("_knn", COLORS[2], r"adaptive ($k$-NN) width"),
          "knn_t10": ("_knn_t10", COLORS[4], r"adaptive ($k$-NN) width, $t$ = 10")}
METHOD_STYLES = {"supervised": "-", "simclr": "--", "random_labels": ":"}
MODEL_STYLES = ["-", "--", "-.", ":"]
KERNEL = ("DSE_Z", "DSMI_ZX", "DSMI_ZY")
SCALE_FREE = ("rankme", "alpha_req", "knn_acc", "Z_mean_norm", "Z_median_distance")


def _empty(ax, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what} results", ha="center", va="center", transform=ax.transAxes)


def _n(df: pd.DataFrame, keys, noun: str) -> str:
    """"3 seeds" / "1 run": how many distinct ``keys`` (seeds, model x seed runs) ``df`` holds."""
    n = 0 if df.empty else int(df[keys].drop_duplicates().shape[0])
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _model_legend(ax, models: list[str]) -> None:
    """A legend naming the model of each line style (instead of labels at the line ends,
    which overlap when lines end close together), in a band added above the lines."""
    from matplotlib.lines import Line2D

    if len(models) > 1:
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.3 * (hi - lo))
        handles = [Line2D([], [], color="0.3", ls=MODEL_STYLES[i % 4]) for i in range(len(models))]
        ax.legend(handles, [display(m) for m in models], loc="upper center", ncol=2, fontsize=6,
                  framealpha=0.9, handlelength=3)


def _init_panel(ax, init: pd.DataFrame) -> None:
    models = sorted(init["model"].unique())
    for suffix, color, label in WIDTHS.values():
        for i, model in enumerate(models):
            g = init[(init["measure"] == "DSE_Z" + suffix) & (init["model"] == model)]
            m = mean_sd(g, "init_sigma")  # over seeds
            if len(m):
                band(ax, m["init_sigma"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
                     color=color, ls=MODEL_STYLES[i % 4], marker="o", ms=3,
                     label=f"{label}" if i == 0 else None)
    _model_legend(ax, models)
    log_x(ax)
    ax.set_xlabel(r"conv weight $\sigma$ at initialization")
    ax.set_ylabel(r"$S_D(Z)$ at init (bits)")


def _epoch_panel(ax, train: pd.DataFrame, measure: str) -> None:
    for suffix, color, label in WIDTHS.values():
        for method, g in train[train["measure"] == measure + suffix].groupby("method"):
            m = mean_sd(g, "epoch")  # over models and seeds
            band(ax, m["epoch"].to_numpy(), m["mean"].to_numpy(), m["std"].to_numpy(),
                 color=color, ls=METHOD_STYLES.get(method, "-"), marker="o", ms=2, label=label)
    for method, ls in METHOD_STYLES.items():  # legend entries for the line styles
        if method in set(train["method"]):
            ax.plot([], [], color="k", ls=ls, label=display(method))
    epoch_x(ax)


def _sweep_panel(ax, sweep: pd.DataFrame) -> None:
    models = sorted(sweep["model"].unique())
    for i, model in enumerate(models):
        for state, color, lw in (("init", "0.6", 3.0), ("trained", "k", 1.0)):
            g = sweep[(sweep["model"] == model) & (sweep["state"] == state)]
            if g.empty:
                continue
            curve = g[g["width"] == "ratio"].groupby("ratio")["value"].mean()
            ax.plot(curve.index, curve.to_numpy(), color=color, ls=MODEL_STYLES[i % 4], lw=lw,
                    label=f"sweep: {state}" if i == 0 else None)
            for width, marker in (("fixed", "*"), ("median", "o")):
                p = g[g["width"] == width]
                ax.scatter(p["ratio"], p["value"], marker=marker, s=50, zorder=3,
                           color=WIDTHS[width][1])
            knn = g.loc[g["width"] == "knn", "value"]
            ax.axhline(float(knn.mean()), xmin=0.96, xmax=1.0, color=WIDTHS["knn"][1], lw=2,
                       label="sweep: DSE under the k-NN width (bars at the right edge)"
                       if i == 0 and state == "init" else None)
    _model_legend(ax, models)
    log_x(ax)
    ax.set_xlabel(r"$\sigma$ / median distance of Z")
    ax.set_ylabel(r"$S_D(Z)$ (bits)")


def _zoo_panel(ax, zoo: pd.DataFrame) -> None:
    from dse_repro.summaries import zoo_correlations

    table = zoo_correlations(zoo).set_index(["group", "measure"])["spearman"]
    names, positions, x = [], [], 0.0
    for base in (*KERNEL, *SCALE_FREE):
        widths = WIDTHS.items() if base in KERNEL else [("fixed", ("", "0.5", None))]
        for _width, (suffix, color, label) in widths:
            measure = base + suffix
            if ("converged", measure) not in table.index:
                continue
            ax.bar(x, table[("converged", measure)], color=color, width=0.8,
                   label=label if base in KERNEL else None)
            if ("all", measure) in table.index:
                ax.scatter([x], [table[("all", measure)]], color="k", s=12, zorder=3,
                           label="all models (incl. early-stopped)")
            names.append(measure)
            positions.append(x)
            x += 1
        x += 0.5
    # upright labels: slanted ones, this long, run into each other's boxes
    ax.set_xticks(positions, [measure_label(n, unit=False) for n in names], rotation=90,
                  ha="center", fontsize=7)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("Spearman with accuracy\n(bars: converged models)")


def plot(df: pd.DataFrame, training: pd.DataFrame | None = None,
         sigma_init: pd.DataFrame | None = None, model_zoo: pd.DataFrame | None = None):
    frames = [f for f in (df, training, sigma_init) if f is not None]
    datasets = sorted(set().union(*(set(f["dataset"]) for f in frames)))
    fig = plt.figure(figsize=(16, 3.4 * (len(datasets) + 1)))
    grid = fig.add_gridspec(len(datasets) + 1, 4)
    for r, ds in enumerate(datasets):
        letters = "abcdefghijklmnopqrstuvwxyz"[4 * r:4 * r + 4]  # row by row, left to right
        ax = fig.add_subplot(grid[r, 0])
        init = (sigma_init[(sigma_init["part"] == "init") & (sigma_init["dataset"] == ds)]
                if sigma_init is not None else pd.DataFrame())
        _init_panel(ax, init) if not init.empty else _empty(ax, "sigma-init")
        ax.set_title(f"({letters[0]}) {display(ds)}: DSE at init vs conv init std\n"
                     f"(mean +- sd, {_n(init, 'seed', 'seed')})", fontsize=9)
        train = training[training["dataset"] == ds] if training is not None else pd.DataFrame()
        for c, (measure, ylabel) in enumerate((("DSE_Z", r"$S_D(Z)$ (bits)"),
                                               ("DSMI_ZY", r"$I_D(Z; Y)$ (bits)")), start=1):
            ax = fig.add_subplot(grid[r, c])
            _epoch_panel(ax, train, measure) if not train.empty else _empty(ax, "training")
            ax.set_ylabel(ylabel)
            ax.set_title(f"({letters[c]}) {display(ds)}: {ylabel.split(' (')[0]} per epoch\n"
                         f"(mean +- sd over {_n(train, ['model', 'seed'], 'run')})", fontsize=9)
        ax = fig.add_subplot(grid[r, 3])
        sweep = df[df["dataset"] == ds]
        _sweep_panel(ax, sweep) if not sweep.empty else _empty(ax, "sweep")
        ax.set_title(f"({letters[3]}) {display(ds)}: DSE vs kernel width,\ninit and trained",
                     fontsize=9)
    next_letter = "abcdefghijklmnopqrstuvwxyz"[4 * len(datasets)]
    ax = fig.add_subplot(grid[len(datasets), :])
    if model_zoo is not None and (model_zoo["status"] == "ok").any():
        _zoo_panel(ax, model_zoo[model_zoo["status"] == "ok"])
    else:
        _empty(ax, "model-zoo")
    ax.set_title(f"({next_letter}) model zoo: Spearman correlation of each measure with "
                 "accuracy, per kernel width", fontsize=9)
    seen: dict = {}
    for a in fig.axes:
        for h, lab in zip(*a.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    fig.legend(list(seen.values()), list(seen), loc="lower center", ncol=6,
               bbox_to_anchor=(0.5, -0.01), fontsize=8)
    fig.suptitle("Fig. S2 - kernel-width robustness: the paper's sigma = 10 against scale-free "
                 "widths (beyond the paper)")
    fig.tight_layout(rect=(0, 0.04, 1, 0.98))
    return fig
