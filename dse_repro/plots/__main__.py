"""``python -m dse_repro.plots <fig> --input results.csv [...] --pdf out.pdf --png out.png``.

Inputs named after a table the figure's study ``reads`` (``training.csv`` ...) are passed to
its ``plot`` by that name; the others are the figure's own table (concatenated). The figure's
settings in ``conf/figures.yaml`` are passed as keyword arguments."""
from __future__ import annotations

import argparse
import importlib
from pathlib import Path

import pandas as pd

from dse_repro.errors import DseReproError
from dse_repro.studies.registry import figure_study, figures, read_results, study

from ._style import save
from .names import figure_settings


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m dse_repro.plots", description=__doc__)
    ap.add_argument("figure", choices=list(figures()))
    ap.add_argument("--input", nargs="+", required=True, help="tidy results CSV(s)")
    ap.add_argument("--pdf")
    ap.add_argument("--png")
    args = ap.parse_args(argv)
    if not (args.pdf or args.png):
        ap.error("give --pdf and/or --png")
    try:
        _draw(ap, args)
    except DseReproError as err:  # a bad setting or results file: one line, no traceback
        raise SystemExit(f"error: {err}") from None


def _draw(ap: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    plot = importlib.import_module(f"dse_repro.plots.{args.figure}").plot
    settings = figure_settings(args.figure, plot)  # checked before anything is read
    table = figures()[args.figure]
    reads = study(figure_study(args.figure)).reads
    own = [p for p in args.input if Path(p).stem not in reads]
    if not own:
        ap.error(f"give at least one {table} results file")
    df = pd.concat([read_results(p, table) for p in own], ignore_index=True)
    # the other tables the figure's study reads, by table name (the file's stem)
    others = {Path(p).stem: read_results(p) for p in args.input if Path(p).stem in reads}
    fig = plot(df, **others, **settings)
    save(fig, args.pdf, args.png)


if __name__ == "__main__":
    main()
