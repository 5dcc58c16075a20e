"""The claim type, evaluation and rendering shared by every figure family's claims.

Each claim names its figure, a statement, the number behind it and a threshold; its status is
``held``, ``not held`` or ``not run`` (the results it needs are missing). The results table a
claim reads is its figure's, from the study registry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

Results = dict[str, pd.DataFrame]
#: Thresholds that live in conf/ (read by :func:`settings_from_conf`): name -> config key.
SETTINGS = {"target_acc": "studies.sigma_init.compare.target_acc"}
LOG2_3 = float(np.log2(3))
#: Noise levels up to this count as "low noise" in the corruption claims.
LOW_NOISE = 0.1
#: The measures whose value depends on a kernel width (the paper's fixed sigma): of the
#: embedding (Figs. 6-10) and of the toy data (Figs. 2, 3A, 3B). The results may hold each
#: also under scale-free width variants, as ``<measure>_<variant>`` (``DSE_Z_knn``,
#: ``DSE_knn_t10``: conf/measures/default.yaml, ``width_check`` in conf/config.yaml); a claim
#: with ``kernel=True`` is evaluated again under each variant present, as ``<id>@<variant>``.
KERNEL_MEASURES = ("DSE_Z", "DSMI_ZY", "DSMI_ZX", "DSE", "DSMI")
#: The figures whose kernel claims the ``kernel_width.held_only_at_fixed_sigma`` row counts.
EMBEDDING_FIGURES = ("fig6", "fig7", "fig8", "fig9", "fig10")


@dataclass(frozen=True)
class Claim:
    """One checkable statement of the paper, about one figure."""

    id: str
    figure: str
    statement: str
    threshold: str
    # -> (measured value, held?) or (value, held?, detail: the other numbers behind it)
    check: Callable[..., tuple]
    #: one row per value of this column of the results (e.g. "dataset"), id suffixed [value]
    per: str | None = None
    #: names of settings from conf the check takes as keyword arguments (see SETTINGS)
    settings: tuple[str, ...] = ()
    #: reads kernel measures (KERNEL_MEASURES): also evaluated under every width variant
    #: that the results hold (:func:`width_variants`)
    kernel: bool = False

    @property
    def table(self) -> str:
        """The collected results table the claim reads (its figure's, from the registry)."""
        from dse_repro.studies.registry import figures

        return figures()[self.figure]


def spearman(x: pd.Series, y: pd.Series) -> float:
    """Spearman's rho of ``y`` against ``x``; NaN for fewer than 3 points or a constant ``y``."""
    if len(x) < 3 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


def settings_from_conf(scale: str) -> dict:
    """The claims' thresholds that live in conf/ (:data:`SETTINGS`), at ``scale``."""
    from omegaconf import OmegaConf

    from dse_repro.config import compose_config

    cfg = compose_config(scale)
    return {name: OmegaConf.select(cfg, key) for name, key in SETTINGS.items()}


def check(c: Claim, df: pd.DataFrame | None, settings: dict) -> tuple[float, str, str]:
    """(value, status, detail) of one claim on its results."""
    if df is None or df.empty:
        return float("nan"), "not run", ""
    try:
        value, held, *rest = c.check(df, **{k: settings[k] for k in c.settings})
    except (KeyError, IndexError, ValueError) as err:  # results lack what it needs
        return float("nan"), f"not run ({type(err).__name__}: {err})", ""
    status = "held" if held and np.isfinite(value) else "not held"
    return value, status, rest[0] if rest else ""


def width_variants(df: pd.DataFrame | None) -> list[str]:
    """The width variants the results hold: the suffixes ``v`` of measures
    ``<kernel measure>_<v>`` (each measure read against the longest kernel measure it extends,
    so ``DSE_Z_knn`` is ``DSE_Z`` under ``knn``, not ``DSE`` under ``Z_knn``); plain widths
    first, then those at another t, each alphabetically."""
    if df is None or "measure" not in df.columns:
        return []
    found = set()
    bases = sorted(KERNEL_MEASURES, key=len, reverse=True)
    for m in df["measure"].dropna().unique():
        m = str(m)
        if m in KERNEL_MEASURES:
            continue
        base = next((b for b in bases if m.startswith(b + "_")), None)
        if base is not None:
            found.add(m[len(base) + 1:])
    return sorted(found, key=lambda v: ("_t" in v, v))


def at_width(df: pd.DataFrame, width: str) -> pd.DataFrame | None:
    """``df`` with each kernel measure replaced by its ``<measure>_<width>`` variant (None when
    the results hold no such variant)."""
    if df is None or "measure" not in df.columns:
        return None
    variants = {f"{m}_{width}": m for m in KERNEL_MEASURES}
    if not df["measure"].isin(list(variants)).any():
        return None
    out = df[~df["measure"].isin(KERNEL_MEASURES)].copy()
    out["measure"] = out["measure"].replace(variants)
    return out


def variant_label(variant: str) -> str:
    """``knn_t10`` -> ``kernel width knn, t = 10``; ``median`` -> ``kernel width median``."""
    width, _, t = variant.rpartition("_t") if re.search(r"_t\d+$", variant) else (variant, "", "")
    return f"kernel width {width}" + (f", t = {t}" if t else "")


def _rows(c: Claim, df: pd.DataFrame | None, settings: dict, suffix: str = "") -> list[dict]:
    groups = [("", df)]
    if c.per and df is not None and not df.empty and c.per in df.columns:
        groups = [(f"[{key}]", g) for key, g in df.groupby(c.per, sort=True)]
    rows = []
    for group, g in groups:
        value, status, detail = check(c, g, settings)
        rows.append(dict(id=c.id + group + suffix, figure=c.figure,
                         statement=c.statement + (f" ({variant_label(suffix[1:])})"
                                                  if suffix else ""),
                         value=value, threshold=c.threshold, status=status, detail=detail))
    return rows


def evaluate_claims(claims: Sequence[Claim], results: Results, scale: str,
                    settings: dict) -> pd.DataFrame:
    """One row per claim (per group for claims with ``per``): ``id, figure, statement,
    value, threshold, status, detail, scale``. Claims about kernel measures are evaluated
    again under every scale-free width the results hold (``<id>@<width>``), followed by one
    summary row counting those that hold only at the fixed width."""
    rows, fixed_only, judged = [], [], 0
    for c in claims:
        df = results.get(c.table)
        base = _rows(c, df, settings)
        rows += base
        if not c.kernel:
            continue
        variants = {w: at_width(df, w) for w in width_variants(df)}
        by_width = {w: _rows(c, v, settings, f"@{w}")
                    for w, v in variants.items() if v is not None}
        for w_rows in by_width.values():
            rows += w_rows
        if by_width and c.figure in EMBEDDING_FIGURES:
            for i, r in enumerate(base):
                judged += 1
                if r["status"] == "held" and all(w_rows[i]["status"] != "held"
                                                 for w_rows in by_width.values()):
                    fixed_only.append(r["id"])
    if judged:
        rows.append(dict(
            id="kernel_width.held_only_at_fixed_sigma", figure="fig6-fig10",
            statement="Beyond the paper: the claims about DSE/DSMI of Figs. 6-10 that hold at "
                      "the paper's fixed kernel width also hold under a scale-free width "
                      "(any variant the results hold)",
            value=float(len(fixed_only)),
            threshold=f"value = claims held at sigma = 10 and under no scale-free width "
                      f"(of {judged} judged); held if 0",
            status="held" if not fixed_only else "not held",
            detail=", ".join(fixed_only) or "none"))
    table = pd.DataFrame(rows)
    table["scale"] = scale
    return table


def to_markdown(table: pd.DataFrame) -> str:
    """The claims table as a Markdown table (``|`` in cells escaped)."""
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = ["| id | figure | statement | value | threshold | status | detail |",
             "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        value = "" if pd.isna(r.value) else f"{r.value:.4g}"
        lines.append(f"| {r.id} | {r.figure} | {esc(r.statement)} | {value} | "
                     f"{esc(r.threshold)} | **{r.status}** | {esc(r.detail)} |")
    return "\n".join(lines) + "\n"
