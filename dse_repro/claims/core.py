"""The claim type, evaluation and rendering shared by every figure family's claims.

Each claim names its figure, a statement, the number behind it and a threshold. Its status is
``held`` / ``not held`` / ``inconclusive`` from the estimate and a bootstrap over the
independent units it rests on (:mod:`.uncertainty`), ``premise absent`` when the results do
not realise what the claim presupposes (:class:`PremiseAbsent`), or ``not run`` when the
results lack what it reads (a data set, method, estimator or sweep this scale did not run: the
check says so with :class:`NotMeasured`). Any other error of a check (a missing column, an
empty selection it did not expect) means malformed results or a bug: it stops the claims step
with a :class:`ClaimCheckError` naming the claim, instead of filing a verdict. The results
table a claim reads is its figure's, from the study registry.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from dse_repro.claims.errors import ClaimCheckError, NotMeasured, PremiseAbsent
from dse_repro.claims.uncertainty import spread
from dse_repro.claims.uncertainty import status as verdict
from dse_repro.studies.mi_compare import estimators_with
from dse_repro.studies.registry import kernel_measures

Results = dict[str, pd.DataFrame]
#: Settings of the claims that live in conf/ (read by :func:`settings_from_conf`): name ->
#: config key, and how the setting is read off that node where it is not the node itself.
SETTINGS = {"target_acc": "studies.sigma_init.compare.target_acc",
            "baselines": "studies.mi_compare.estimators"}
DERIVED = {"baselines": lambda estimators: estimators_with(estimators, "baseline")}
LOG2_3 = float(np.log2(3))
#: Rank correlations are compared with their thresholds up to rounding: Spearman's rho of 5
#: points with one swap is exactly 0.9, which floating point may give as 0.8999999999999999.
RHO_TOL = 1e-9
#: Noise levels up to this count as "low noise" in the corruption claims.
LOW_NOISE = 0.1
#: The columns of the claims table, in order.
COLUMNS = ["id", "figure", "statement", "value", "ci_low", "ci_high", "threshold", "status",
           "held_fraction", "n_units", "interval", "unit_values", "ours", "detail", "scale"]
#: The figures whose kernel claims the ``kernel_width.held_only_at_fixed_sigma`` row counts.
EMBEDDING_FIGURES = ("fig6", "fig7", "fig8", "fig9", "fig10")


def need(rows: pd.DataFrame, what: str) -> pd.DataFrame:
    """``rows``, or :class:`NotMeasured` ("no <what> in the results") when it is empty."""
    if rows.empty:
        raise NotMeasured(f"no {what} in the results")
    return rows


def pick(table, key, what: str):
    """``table[key]`` (a dict, Series or frame column), or :class:`NotMeasured` naming
    ``what`` when the results hold no such entry."""
    try:
        return table[key]
    except KeyError:
        raise NotMeasured(f"no {what} in the results") from None


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
    #: reads kernel measures (:func:`dse_repro.studies.registry.kernel_measures`): also
    #: evaluated under every width variant that the results hold (:func:`width_variants`)
    kernel: bool = False
    #: the columns that identify one independent unit of the results (a run's model and
    #: seed, a toy study's repeat), resampled for the verdict's interval; () = one unit
    units: tuple[str, ...] = ()
    #: ``ours(df) -> str``: what we measured of the quantities the paper gives a number for
    #: (``dse_repro/data/paper_values.csv``, column ``claim``), in the paper's units and with
    #: our setting -- to read beside the paper's number, apart from the claim's test statistic
    ours: Callable[[pd.DataFrame], str] | None = None

    @property
    def table(self) -> str:
        """The collected results table the claim reads (its figure's, from the registry)."""
        from dse_repro.studies.registry import figures

        return figures()[self.figure]


def spearman(x: pd.Series, y: pd.Series) -> float:
    """Spearman's rho of ``y`` against ``x``: 0 for a constant ``y`` (it neither rises nor
    falls); :class:`NotMeasured` for fewer than 3 distinct ``x`` (nothing to rank)."""
    if pd.Series(x).nunique() < 3:
        raise NotMeasured(f"fewer than 3 distinct values of {getattr(x, 'name', 'x')} to rank")
    if np.ptp(np.asarray(y, dtype=float)) == 0:
        return 0.0
    return float(spearmanr(x, y).statistic)


def rhos(means: pd.DataFrame, by, x: str, what: str) -> dict:
    """Spearman's rho of ``means["value"]`` against ``means[x]`` per group of ``by``
    (:class:`NotMeasured` naming ``what`` when there is no group)."""
    return {key: spearman(g[x], g["value"]) for key, g in need(means, what).groupby(by)}


def settings_from_conf(scale: str, overrides: Sequence[str] = ()) -> dict:
    """The claims' settings that live in conf/ (:data:`SETTINGS`), at ``scale``: plain values
    (``baselines``: the estimators with ``baseline: true`` in ``studies.mi_compare``)."""
    from omegaconf import OmegaConf

    from dse_repro.studies.registry import compose_config

    cfg = compose_config(scale, overrides)
    out = {}
    for name, key in SETTINGS.items():
        value = OmegaConf.select(cfg, key)
        value = OmegaConf.to_container(value) if OmegaConf.is_config(value) else value
        out[name] = DERIVED[name](value) if name in DERIVED else value
    return out


def check(c: Claim, df: pd.DataFrame | None, settings: dict, name: str = "") -> dict:
    """``value, status, detail`` and the verdict's spread (``n_units, unit_values, ci_low,
    ci_high, held_fraction, interval``) of one claim on its results."""
    empty = dict(value=float("nan"), detail="", n_units=0, unit_values="",
                 ci_low=float("nan"), ci_high=float("nan"), held_fraction=float("nan"),
                 interval="", ours="")
    if df is None or df.empty:
        return dict(empty, status="not run", detail=f"no {c.table} results")
    missing = [k for k in c.settings if k not in settings]
    if missing:
        raise ValueError(f"claim {name or c.id} takes the setting(s) {missing} from conf "
                         f"(SETTINGS), which settings= lacks; it has {sorted(settings)}")
    kwargs = {k: settings[k] for k in c.settings}
    fn = lambda d: c.check(d, **kwargs)  # noqa: E731
    try:
        value, held, *rest = fn(df)
    except PremiseAbsent as err:  # what we measured still stands beside the paper's
        return dict(empty, status="premise absent", detail=str(err), ours=_ours(c, df, name))
    except NotMeasured as err:  # this scale did not run what the claim reads
        return dict(empty, status="not run", detail=str(err), ours=_ours(c, df, name))
    except Exception as err:
        raise ClaimCheckError(
            f"claim {name or c.id}: its check failed on the {c.table} results "
            f"({type(err).__name__}: {err}); the results are malformed or the check has a "
            "bug") from err
    held = bool(held and np.isfinite(value))
    try:
        s = spread(fn, df, c.units, float(value), held, name or c.id)
    except Exception as err:
        raise ClaimCheckError(
            f"claim {name or c.id}: its check failed on a bootstrap resample of the {c.table} "
            f"results ({type(err).__name__}: {err}); a resample that lacks what the check "
            "reads must say so with NotMeasured") from err
    return dict(value=value, status=verdict(held, s), detail=rest[0] if rest else "",
                n_units=s.n_units, unit_values=s.unit_values, ci_low=s.ci_low,
                ci_high=s.ci_high, held_fraction=s.held_fraction, interval=s.method,
                ours=_ours(c, df, name))


def fmt(value: float, spec: str = ".3f") -> str:
    """``value`` formatted by ``spec``, a rounded negative zero ("-0.000") shown as 0."""
    text = f"{value:{spec}}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def by_group(means: pd.Series, unit: str, inner: str, spec: str = ".2f") -> str:
    """``group: v unit (inner), v unit (inner); group: ...`` of ``means`` indexed by
    (group, x), in their order; ``inner`` formats x, e.g. ``"d = {:g}"``."""
    return "; ".join(f"{group}: " + ", ".join(f"{fmt(v, spec)} {unit} ({inner.format(x)})"
                                              for (_, x), v in g.items())
                     for group, g in means.groupby(level=0, sort=False))


def _ours(c: Claim, df: pd.DataFrame, name: str) -> str:
    """``c.ours(df)`` ("" for a claim without one, or results that lack what it reads)."""
    if c.ours is None:
        return ""
    try:
        return c.ours(df)
    except NotMeasured:
        return ""
    except Exception as err:
        raise ClaimCheckError(f"claim {name or c.id}: reading our values beside the paper's "
                              f"failed on the {c.table} results ({type(err).__name__}: "
                              f"{err})") from err


def width_variants(df: pd.DataFrame | None) -> list[str]:
    """The width variants the results hold: the suffixes ``v`` of measures
    ``<kernel measure>_<v>`` (each measure read against the longest kernel measure it extends,
    so ``DSE_Z_knn`` is ``DSE_Z`` under ``knn``, not ``DSE`` under ``Z_knn``); plain widths
    first, then those at another t, each alphabetically."""
    if df is None or "measure" not in df.columns:
        return []
    found = set()
    kernel = kernel_measures()
    bases = sorted(kernel, key=len, reverse=True)
    for m in df["measure"].dropna().unique():
        m = str(m)
        if m in kernel:
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
    kernel = kernel_measures()
    variants = {f"{m}_{width}": m for m in kernel}
    if not df["measure"].isin(list(variants)).any():
        return None
    out = df[~df["measure"].isin(kernel)].copy()
    out["measure"] = out["measure"].replace(variants)
    return out


def split_variant(variant: str) -> tuple[str, str]:
    """``knn_t10`` -> ``("knn", "10")``; ``median`` -> ``("median", "")``: the width and the t
    of a width variant (empty: the study's own t)."""
    m = re.fullmatch(r"(.+)_t(\d+)", variant)
    return (m.group(1), m.group(2)) if m else (variant, "")


def variant_label(variant: str) -> str:
    """``knn_t10`` -> ``kernel width knn, t = 10``; ``median`` -> ``kernel width median``."""
    width, t = split_variant(variant)
    return f"kernel width {width}" + (f", t = {t}" if t else "")


def _rows(c: Claim, df: pd.DataFrame | None, settings: dict, suffix: str = "") -> list[dict]:
    groups = [("", df)]
    if c.per and df is not None and not df.empty and c.per in df.columns:
        groups = [(f"[{key}]", g) for key, g in df.groupby(c.per, sort=True)]
    rows = []
    for group, g in groups:
        cid = c.id + group + suffix
        rows.append(dict(id=cid, figure=c.figure,
                         statement=c.statement + (f" ({variant_label(suffix[1:])})"
                                                  if suffix else ""),
                         threshold=c.threshold, **check(c, g, settings, cid)))
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
            detail=", ".join(fixed_only) or "none", n_units=judged, unit_values="",
            ci_low=float(len(fixed_only)), ci_high=float(len(fixed_only)),
            held_fraction=float(not fixed_only), interval="a count of the rows above",
            ours=""))
    table = pd.DataFrame(rows, columns=COLUMNS[:-1])
    table["scale"] = scale
    return table


def interval_text(r) -> str:
    """``[low, high]`` of a claims row, or "" when it has none."""
    if pd.isna(r.ci_low) or pd.isna(r.ci_high):
        return ""
    return f"[{r.ci_low:.4g}, {r.ci_high:.4g}]"


def to_markdown(table: pd.DataFrame) -> str:
    """The claims table as a Markdown table (``|`` in cells escaped)."""
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = ["| id | figure | statement | value | 95 % interval | units | threshold | status "
             "| detail |", "|---|---|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        value = "" if pd.isna(r.value) else f"{r.value:.4g}"
        lines.append(f"| {r.id} | {r.figure} | {esc(r.statement)} | {value} | "
                     f"{interval_text(r)} | {r.n_units} | {esc(r.threshold)} | **{r.status}** "
                     f"| {esc(r.detail)} |")
    return "\n".join(lines) + "\n"
