"""Tidy results checked against the columns their study declares (``SPEC.columns``): a job
validates before it writes, and ``collect``, the plots, the summaries and the claims validate
what they read. A malformed file is a :class:`ResultsError` naming the file, the line and the
column -- never a figure or a claim drawn from it.

Checked: the header (exactly ``study, scale`` and the declared columns, in order); every line
complete (as many fields as the header, the file ending with a newline -- a file cut short
fails); each value of its column's kind (``str``/``int``/``float``, empty only where the kind
ends in ``?``); ``study`` the table's study; ``unit`` one of :data:`UNITS`; fractions in [0, 1];
entropies (:attr:`TableSchema.entropies`) and wall times not negative.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dse_repro.errors import DseReproError

__all__ = ["UNITS", "ResultsError", "TableSchema", "read_results", "validate"]

UNITS = ("bits", "nats", "fraction", "unitless")
#: Columns that hold what was measured; the other columns identify a row, and no two rows of
#: a results file may share them.
MEASURED = ("value", "seconds", "train_seconds", "metric_seconds", "accuracy", "status",
            "h_y")
#: Rounding slack for "not negative" (an exact zero may come out as -1e-16).
TOLERANCE = 1e-9


class ResultsError(DseReproError, ValueError):
    """A results file or frame does not match its study's declared columns."""


@dataclass(frozen=True)
class TableSchema:
    """What a results table must hold: its name, the study that writes it and its declared
    columns with their kinds (``SPEC.columns``; given by :mod:`dse_repro.studies.registry`,
    whose ``read_results`` / ``validate`` take a table name)."""

    name: str
    study: str
    columns: Mapping[str, str]
    #: Measures that are entropies (never negative), each also under its width variants
    #: ``<name>_<variant>``: from the study's declaration and the measures registry.
    entropies: tuple[str, ...] = ()

    def is_entropy(self, measures: pd.Series) -> pd.Series:
        """Which of ``measures`` (names) are entropies of this table."""
        names = measures.astype(str)
        hit = names.isin(self.entropies)
        for e in self.entropies:
            hit |= names.str.startswith(e + "_")
        return hit

    def all_columns(self) -> dict[str, str]:
        """``study, scale`` and the declared columns, in file order."""
        return {"study": "str", "scale": "str", **self.columns}


def _line(df: pd.DataFrame, i) -> int:
    return int(df.index.get_loc(i)) + 2  # 1-based, after the header


def validate(df: pd.DataFrame, schema: TableSchema, source: str) -> pd.DataFrame:
    """Check ``df`` against ``schema``; ``source`` names it in the error (a file path, or the
    job writing it). Returns ``df``."""
    table, study, cols = schema.name, schema.study, schema.all_columns()
    if list(df.columns) != list(cols):
        missing = [c for c in cols if c not in df.columns]
        extra = [c for c in df.columns if c not in cols]
        raise ResultsError(f"{source}: columns do not match table {table!r} (missing {missing}, "
                           f"unexpected {extra}; expected, in order: {list(cols)})")
    if df.empty:
        raise ResultsError(f"{source}: no rows")

    def fail(col: str, mask: pd.Series, what: str) -> None:
        i = mask[mask].index[0]
        v = df.at[i, col]
        shown = repr(v) if isinstance(v, str) else str(getattr(v, "item", lambda: v)())
        raise ResultsError(f"{source}: line {_line(df, i)}, column {col!r}: {shown} {what}")

    for col, kind in cols.items():
        nullable, base = kind.endswith("?"), kind.rstrip("?")
        values = df[col]
        empty = values.isna() | (values.astype(str).str.strip() == "")
        if not nullable and empty.any():
            fail(col, empty, f"is empty (a {base} is required)")
        if base == "str":
            continue
        num = pd.to_numeric(values.where(~empty), errors="coerce")
        bad = num.isna() & ~empty
        if bad.any():
            fail(col, bad, f"is not a number ({base})")
        infinite = ~empty & np.isinf(num)
        if infinite.any():
            fail(col, infinite, f"is not a finite number ({base})")
        if base == "int":
            frac = ~empty & (num != np.round(num))
            if frac.any():
                fail(col, frac, "is not an integer")
    keys = [c for c in df.columns if c not in MEASURED]
    ident = pd.util.hash_pandas_object(df[keys], index=False)  # one hash per row, NaN-safe
    dup = ident.duplicated(keep="first")
    if dup.any():  # a duplicated or pasted line: the same row twice
        i = dup[dup].index[0]
        first = ident[ident == ident[i]].index[0]
        raise ResultsError(f"{source}: line {_line(df, i)} repeats line {_line(df, first)} "
                           f"(same {', '.join(keys)})")
    if (df["study"].astype(str) != study).any():
        fail("study", df["study"].astype(str) != study, f"is not {study!r}")
    if "unit" in df.columns:
        fail_unit = ~df["unit"].isin(UNITS)
        if fail_unit.any():
            fail("unit", fail_unit, f"is not a unit ({', '.join(UNITS)})")
    if {"unit", "value", "measure"} <= set(df.columns):
        value = pd.to_numeric(df["value"], errors="coerce")
        bad = (df["unit"] == "fraction") & ((value < -TOLERANCE) | (value > 1 + TOLERANCE))
        if bad.any():
            fail("value", bad, "is a fraction outside [0, 1]")
        bad = schema.is_entropy(df["measure"]) & (value < -TOLERANCE)
        if bad.any():
            fail("value", bad, "is a negative entropy")
    for col in cols:
        if col.endswith("seconds"):
            bad = pd.to_numeric(df[col], errors="coerce") < 0
            if bad.any():
                fail(col, bad, "is a negative wall time")
    return df


def read_results(path: str | os.PathLike, schema: TableSchema) -> pd.DataFrame:
    """Read a tidy results CSV and validate it against ``schema`` (:func:`validate`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: cannot be read ({err})") from None
    if not text.endswith("\n"):
        raise ResultsError(f"{path}: the last line is incomplete (the file was cut short)")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ResultsError(f"{path}: empty file")
    width = len(rows[0])
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise ResultsError(f"{path}: line {n} has {len(row)} fields, the header {width} "
                               "(a line cut short or run together)")
    df = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    return validate(df, schema, str(path))
