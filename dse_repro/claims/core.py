"""The claim type, evaluation and rendering shared by every figure family's claims.

Each claim names its figure, a statement, the number behind it and a threshold; its status is
``held``, ``not held`` or ``not run`` (the results it needs are missing). The results table a
claim reads is its figure's, from the study registry.
"""
from __future__ import annotations

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


def evaluate_claims(claims: Sequence[Claim], results: Results, scale: str,
                    settings: dict) -> pd.DataFrame:
    """One row per claim (per group for claims with ``per``): ``id, figure, statement,
    value, threshold, status, detail, scale``."""
    rows = []
    for c in claims:
        df = results.get(c.table)
        groups = [("", df)]
        if c.per and df is not None and not df.empty and c.per in df.columns:
            groups = [(f"[{key}]", g) for key, g in df.groupby(c.per, sort=True)]
        for suffix, g in groups:
            value, status, detail = check(c, g, settings)
            rows.append(dict(id=c.id + suffix, figure=c.figure, statement=c.statement,
                             value=value, threshold=c.threshold, status=status, detail=detail,
                             scale=scale))
    return pd.DataFrame(rows)


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
