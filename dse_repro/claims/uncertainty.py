"""How sure a verdict is: a bootstrap over the independent units a claim rests on.

A claim names the columns that identify one independent unit of its results (``units``: a
training run's ``(model, seed)``, a toy study's ``repeat``, a zoo member's ``(model, seed)``).
Its check is re-run on resamples of those units drawn with replacement (a cluster bootstrap:
every row of a drawn unit comes along; a unit drawn twice is relabelled so that it counts as
two):

* up to :data:`EXACT_MAX_UNITS` units, **every** resample is enumerated (the multisets of
  units, weighted by their multinomial probability): the exact bootstrap distribution, no
  random draws. With 2 or 3 units one unit on the wrong side of the threshold is enough to
  make a verdict inconclusive (the resample made of that unit alone has probability 1/4 or
  1/27, above 2.5 %): like a sign test, "held" needs every unit to agree;
* above it, :data:`DRAWS` seeded random resamples (seed from the claim's id).

From the resampled values: the 95 % percentile interval, and the fraction of the bootstrap
distribution on which the claim holds. The status (:func:`status`) is ``held`` when the
claim holds on the estimate and on at least 97.5 % of the distribution (the interval lies on
the claim's side of its threshold), ``not held`` when it fails on the estimate and holds on at
most 2.5 %, ``inconclusive`` otherwise. A claim with no unit columns in its results (or with
one unit) rests on one unit: its interval is the point and its status the point's.
"""
from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dse_repro.claims.errors import NotMeasured, PremiseAbsent

#: Up to this many units every resample is enumerated (35 multisets at 4 units).
EXACT_MAX_UNITS = 4
#: Random resamples above that.
DRAWS = 200
#: Two-sided level of the interval; the status thresholds are (1 - LEVEL) / 2 and 1 - that.
LEVEL = 0.95
#: At most this many units' own values are listed in a claim row.
SHOWN_UNITS = 12

Check = Callable[[pd.DataFrame], tuple[float, bool]]


@dataclass(frozen=True)
class Spread:
    """The uncertainty of one verdict (see the module docstring)."""

    n_units: int
    unit_values: str
    ci_low: float
    ci_high: float
    held_fraction: float
    method: str


def _unit_keys(df: pd.DataFrame, units: Sequence[str]) -> pd.Series:
    return pd.Series(list(zip(*(df[u] for u in units))), index=df.index)


def _relabel(part: pd.DataFrame, column: str, copy: int) -> pd.DataFrame:
    """The ``copy``-th extra copy of a unit, made distinct in ``column``."""
    if copy == 0:
        return part
    part = part.copy()
    if pd.api.types.is_numeric_dtype(part[column]):
        part[column] = part[column] + 1_000_000 * copy
    else:
        part[column] = part[column].astype(str) + f"#{copy}"
    return part


def _resample(groups: list[pd.DataFrame], counts: Sequence[int], column: str) -> pd.DataFrame:
    parts = [_relabel(g, column, j) for g, c in zip(groups, counts) for j in range(c)]
    return pd.concat(parts, ignore_index=True)


def _resamples(n: int, seed: int) -> tuple[list[tuple[int, ...]], np.ndarray, str]:
    """(counts per unit of each resample, their probabilities, how they were drawn)."""
    if n <= EXACT_MAX_UNITS:
        draws = []
        for combo in itertools.combinations_with_replacement(range(n), n):
            draws.append(tuple(combo.count(i) for i in range(n)))
        weights = np.array([math.factorial(n) / math.prod(math.factorial(c) for c in d)
                            for d in draws]) / n**n
        return draws, weights, f"exact bootstrap over {n} units ({len(draws)} resamples)"
    rng = np.random.default_rng(seed)
    draws = [tuple(np.bincount(rng.integers(0, n, n), minlength=n)) for _ in range(DRAWS)]
    return draws, np.full(DRAWS, 1.0 / DRAWS), f"bootstrap over {n} units ({DRAWS} resamples)"


def _quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][min(np.searchsorted(cum, q - 1e-12), len(values) - 1)])


def _fmt(key: tuple) -> str:
    return "/".join(str(k) for k in key)


def spread(check: Check, df: pd.DataFrame, units: Sequence[str], value: float, held: bool,
           name: str) -> Spread:
    """The :class:`Spread` of a verdict ``(value, held)`` that ``check`` gave on ``df``,
    resampling the units identified by the columns ``units`` (see the module docstring);
    ``name`` seeds the random resamples."""
    units = [u for u in units if u in df.columns]
    if not units:
        return Spread(1, "", value, value, float(held), "one unit (no resampling)")
    keys = _unit_keys(df, units)
    order = sorted(set(keys), key=lambda k: tuple(str(x) for x in k))
    if len(order) < 2:
        return Spread(len(order), "", value, value, float(held), "one unit (no resampling)")
    groups = [df[keys == k] for k in order]
    own = []
    for k, g in zip(order[:SHOWN_UNITS], groups):
        try:
            v, _ = check(g)[:2]
            own.append(f"{_fmt(k)}: {v:.4g}")
        except (NotMeasured, PremiseAbsent):  # one unit alone may not define the value
            own.append(f"{_fmt(k)}: n/a")
    if len(order) > SHOWN_UNITS:
        own.append(f"... ({len(order) - SHOWN_UNITS} more)")
    draws, weights, method = _resamples(len(order), zlib.crc32(name.encode()))
    values, holds, kept = [], [], []
    for counts, w in zip(draws, weights):
        try:
            v, h = check(_resample(groups, counts, units[-1]))[:2]
        except (NotMeasured, PremiseAbsent):
            continue  # a resample that lacks what the check reads says nothing
        if np.isfinite(v):
            values.append(float(v))
            holds.append(bool(h))
            kept.append(w)
    if not values:
        return Spread(len(order), "; ".join(own), float("nan"), float("nan"), float("nan"),
                      method)
    v, h, w = np.array(values), np.array(holds), np.array(kept)
    alpha = (1.0 - LEVEL) / 2
    return Spread(len(order), "; ".join(own), _quantile(v, w, alpha), _quantile(v, w, 1 - alpha),
                  float((w * h).sum() / w.sum()), method)


def status(held: bool, s: Spread) -> str:
    """``held`` / ``not held`` / ``inconclusive`` from the estimate and its bootstrap."""
    alpha = (1.0 - LEVEL) / 2
    if not np.isfinite(s.held_fraction):
        return "inconclusive"
    if held and s.held_fraction >= 1.0 - alpha - 1e-12:
        return "held"
    if not held and s.held_fraction <= alpha + 1e-12:
        return "not held"
    return "inconclusive"
