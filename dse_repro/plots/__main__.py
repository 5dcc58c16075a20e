"""``python -m dse_repro.plots <fig> --input results.csv [...] --pdf out.pdf --png out.png``."""
from __future__ import annotations

import argparse
import importlib

import pandas as pd

from dse_repro.results import read_results
from dse_repro.studies.registry import figures

from ._style import save


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m dse_repro.plots", description=__doc__)
    ap.add_argument("figure", choices=list(figures()))
    ap.add_argument("--input", nargs="+", required=True, help="tidy results CSV(s)")
    ap.add_argument("--pdf")
    ap.add_argument("--png")
    args = ap.parse_args(argv)
    if not (args.pdf or args.png):
        ap.error("give --pdf and/or --png")
    table = figures()[args.figure]
    df = pd.concat([read_results(p, table) for p in args.input], ignore_index=True)
    fig = importlib.import_module(f"dse_repro.plots.{args.figure}").plot(df)
    save(fig, args.pdf, args.png)


if __name__ == "__main__":
    main()
