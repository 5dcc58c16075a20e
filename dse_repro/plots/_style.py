"""Shared figure style and atomic, reproducible saving."""
from __future__ import annotations

import textwrap
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from dse_repro.pipeline.io import atomic_write  # noqa: E402

COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def estimator_color(name: str, fallback: int = 0) -> str:
    """The estimator's colour in every figure (Figs. 4, 5, S1): by its place in the estimator
    registry (``studies.mi_compare.estimators``); one the registry does not hold takes the next
    free one (``fallback``: its index among those)."""
    from .names import estimator_names

    order = estimator_names()
    i = order.index(name) if name in order else len(order) + fallback
    return COLORS[i % len(COLORS)]
plt.rcParams.update({
    "figure.dpi": 110, "savefig.dpi": 150, "font.size": 9, "axes.titlesize": 10,
    "axes.grid": True, "grid.alpha": 0.3, "legend.fontsize": 7, "legend.frameon": False,
})


#: Curves closer than this at every point (in their own units, e.g. bits) hide each other.
OVERLAP = 1e-3


def coincide(a: pd.Series, b: pd.Series, tol: float = OVERLAP) -> bool:
    """Whether two curves (values indexed by their x) share their x and lie within ``tol``
    of each other everywhere: drawn one over the other, one hides the other."""
    return a.index.equals(b.index) and bool((a - b).abs().max() <= tol)


def kernel_text(df: pd.DataFrame, t: bool = True) -> str:
    """The kernel settings of the rows measured at a fixed width (a ``sigma`` value; width
    variants leave it empty), as a figure states them: ``$\\sigma$ = 10, t = 1`` (``t``: with
    their diffusion times); "" when the results carry none."""
    if "sigma" not in df:
        return ""
    fixed = df[df["sigma"].notna()]
    parts = [r"$\sigma$ = " + ", ".join(f"{v:g}" for v in sorted(fixed["sigma"].unique()))
             ] if not fixed.empty else []
    if t and times_text(fixed):
        parts.append(times_text(fixed))
    return ", ".join(parts)


def times_text(df: pd.DataFrame) -> str:
    """The diffusion times of the rows, as a figure states them: ``t = 1, 5``; "" when the
    results carry none."""
    if "t" not in df or not df["t"].notna().any():
        return ""
    return "t = " + ", ".join(f"{int(v)}" for v in sorted(df["t"].dropna().unique()))


def repeats_text(df: pd.DataFrame) -> str:
    """``mean ± sd over 3 repeats`` (the bands' meaning) -- "" without a ``repeat`` column."""
    if "repeat" not in df:
        return ""
    n = df["repeat"].nunique()
    return f"mean $\\pm$ sd over {n} repeat{'s' if n != 1 else ''}"


def mean_sd(df: pd.DataFrame, x: str, by: list[str] | None = None) -> pd.DataFrame:
    """Mean and sd of ``value`` over repeats, per ``x`` (and ``by``); sd is 0 for one repeat."""
    keys = (by or []) + [x]
    g = df.groupby(keys, sort=True)["value"].agg(["mean", "std", "count"]).reset_index()
    g["std"] = g["std"].fillna(0.0)
    return g


def band(ax: Any, x: np.ndarray, mean: np.ndarray, sd: np.ndarray, **kwargs: Any) -> None:
    """A line with a shaded mean +- sd band (on a log y axis the band is clipped at mean / 10
    rather than running to zero)."""
    (line,) = ax.plot(x, mean, **kwargs)
    lower = mean - sd
    if ax.get_yscale() == "log":
        lower = np.maximum(lower, mean / 10)
    ax.fill_between(x, lower, mean + sd, color=line.get_color(), alpha=0.2, linewidth=0)


def log_x(ax: Any) -> None:
    """Log x axis with labels on the decades only."""
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())


def epoch_x(ax: Any) -> None:
    """An epoch x axis: integer ticks only (no epoch 2.5 on a short run)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")


def save(fig: Any, pdf: str | None, png: str | None) -> None:
    """Write the figure atomically; PDFs carry no creation date so reruns are byte-identical."""
    for path, fmt, kwargs in ((pdf, "pdf", {"metadata": {"CreationDate": None}}),
                              (png, "png", {})):
        if path:
            atomic_write(path, lambda tmp, fmt=fmt, kwargs=kwargs: fig.savefig(
                tmp, format=fmt, bbox_inches="tight", **kwargs))
    plt.close(fig)


def figure_legend(fig, axes, ncol: int = 6, note: str = "") -> None:
    """One legend for the whole figure, below the panels (de-duplicated by label), and under it
    ``note`` (wrapped): what a reader must know about the curves that no curve can show (e.g.
    which coincide), kept off the data."""
    seen = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    fig.legend(list(seen.values()), list(seen.keys()), loc="lower center", ncol=ncol,
               bbox_to_anchor=(0.5, -0.02), fontsize=8)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    if note:
        width = int(16 * fig.get_figwidth())  # characters of 7-pt text across the figure
        fig.text(0.5, -0.03, textwrap.fill(note, width), ha="center", va="top", fontsize=7,
                 color="0.25")
