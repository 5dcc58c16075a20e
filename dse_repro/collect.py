"""Concatenate the per-job tidy CSVs of one table into ``results/<scale>/<table>.csv``, each
validated against the table's declared columns first (a malformed job file stops the collect
with an error naming the file, the line and the column).

Usage: ``python -m dse_repro.collect --table fig2 --out results/smoke/fig2.csv
results/smoke/fig2/*/results.csv``
"""
from __future__ import annotations

import argparse

import pandas as pd

from dse_repro.io import write_tidy
from dse_repro.results import read_results


def collect(inputs: list[str], out: str, table: str) -> pd.DataFrame:
    """Read and validate ``inputs`` (per-job CSVs of table ``table``) and write their
    concatenation to ``out``."""
    if not inputs:
        raise ValueError("collect needs at least one input CSV")
    frames = [read_results(p, table) for p in inputs]
    df = pd.concat(frames, ignore_index=True)
    write_tidy(df, out)
    return df


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--table", required=True, help="the collected table (e.g. fig2, "
                    "mi_compare_timings)")
    ap.add_argument("--out", required=True)
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args(argv)
    collect(args.inputs, args.out, args.table)


if __name__ == "__main__":
    main()
