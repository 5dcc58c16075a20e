"""``python -m dse_repro.claims --scale S --results <table>.csv ... --csv C --md M``."""
from __future__ import annotations

import argparse
from pathlib import Path

from dse_repro.claims import evaluate, to_markdown
from dse_repro.claims.errors import ClaimCheckError
from dse_repro.pipeline.io import write_text, write_tidy
from dse_repro.studies.registry import read_results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m dse_repro.claims", description=__doc__)
    ap.add_argument("--scale", required=True)
    ap.add_argument("--results", nargs="*", default=[],
                    help="collected tables named <table>.csv")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--md", required=True)
    args = ap.parse_args(argv)
    results = {Path(p).stem: read_results(p) for p in args.results}
    try:
        table = evaluate(results, args.scale)
    except ClaimCheckError as err:  # malformed results: no table rather than a wrong one
        raise SystemExit(f"error: {err}") from None
    write_tidy(table, args.csv)
    write_text(args.md, f"# Claims at scale `{args.scale}`\n\n" + to_markdown(table))
    print(to_markdown(table))


if __name__ == "__main__":
    main()
