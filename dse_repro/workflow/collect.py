"""Concatenate the per-job tidy CSVs of one table into ``results/<scale>/<table>.csv``, each
validated against the table's declared columns first (a malformed job file stops the collect
with an error naming the file, the line and the column), against the seal its job wrote beside
it (``results.csv.sha256``: a file cut at a line boundary, or edited, no longer matches) and
against the job it comes from:
its rows must carry the scale and the slice its path names (``results/<scale>/<study>/<job>``:
a ``fig3b/k2`` file holds only ``branches = 2`` rows at that scale).

Usage: ``python -m dse_repro.workflow.collect --table fig2 --out results/smoke/fig2.csv
results/smoke/fig2/*/results.csv``
"""
from __future__ import annotations

import argparse

import pandas as pd

from dse_repro.pipeline.io import check_seal, write_tidy
from dse_repro.pipeline.results import ResultsError
from dse_repro.studies.registry import read_results


def _same(value, expected: str) -> bool:
    """A column value equals the slice value as written in a path (``0.01`` == ``1.0e-2``), or
    refines it (the zoo's member ``resnet_w16/e2/s0`` in the job of model ``resnet_w16``)."""
    if str(value) == expected or str(value).startswith(expected + "/"):
        return True
    try:
        return float(value) == float(expected)
    except (TypeError, ValueError):
        return False


def check_job_file(df: pd.DataFrame, path: str) -> None:
    """A ResultsError naming ``path`` unless every row of ``df`` has the scale and the job
    slice that the path ``results/<scale>/<study>/<job>/...`` names (paths of another shape
    are not checked)."""
    from dse_repro.studies.registry import parse_job_output

    expected = parse_job_output(path) or {}
    for col, value in expected.items():
        if col not in df.columns:
            continue
        bad = ~df[col].map(lambda v, e=value: _same(v, e))
        if bad.any():
            i = bad[bad].index[0]
            raise ResultsError(f"{path}: line {int(df.index.get_loc(i)) + 2}, column {col!r}: "
                               f"{df.at[i, col]!r}, but this job's path says {col} = {value}")


def collect(inputs: list[str], out: str, table: str) -> pd.DataFrame:
    """Read and validate ``inputs`` (per-job CSVs of table ``table``) and write their
    concatenation to ``out``."""
    if not inputs:
        raise ValueError("collect needs at least one input CSV")
    frames = []
    for p in inputs:
        try:
            check_seal(p)
        except ValueError as err:
            raise ResultsError(str(err)) from None
        df = read_results(p, table)
        check_job_file(df, p)
        frames.append(df)
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
