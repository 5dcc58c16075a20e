"""Concatenate the per-job tidy CSVs of one study into ``results/<scale>/<study>.csv``.

Usage: ``python -m dse_repro.collect --out results/smoke/fig2.csv results/smoke/fig2/*/results.csv``
"""
from __future__ import annotations

import argparse

import pandas as pd

from dse_repro.io import write_tidy


def collect(inputs: list[str], out: str) -> pd.DataFrame:
    """Read ``inputs`` (tidy CSVs with the same columns) and write their concatenation."""
    if not inputs:
        raise ValueError("collect needs at least one input CSV")
    frames = [pd.read_csv(p) for p in inputs]
    df = pd.concat(frames, ignore_index=True)
    write_tidy(df, out)
    return df


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args(argv)
    collect(args.inputs, args.out)


if __name__ == "__main__":
    main()
