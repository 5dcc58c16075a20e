"""What this reproduction finds, stated by the data: the claims table folded into one row per
claim (and data set).

Each finding carries the statement, the verdict at the paper's own kernel width with its value,
95 % interval and the number of independent units behind it, the kernel-width variants under
which it holds, fails or is inconclusive (``knn``, ``knn_t10``, ...: ``<id>@<variant>`` rows
of the claims table), and the paper's own number where it states one. Nothing here is written
by hand: the report's "What this reproduction finds" page and the README's summary are both
:func:`findings_markdown` / :func:`findings_page` of a claims table (the README's of the
laptop run committed as ``docs/laptop_claims.csv``; ``tests/test_findings.py`` checks that
they agree).

CLI: ``python -m dse_repro.claims.findings --input results/laptop/claims.csv --md F.md
--html F.html``
"""
from __future__ import annotations

import argparse
import html

import pandas as pd

from dse_repro.claims.core import split_variant
from dse_repro.summaries.pages import (
    NOT_STATED,
    STATUS_CLASS,
    _page,
    _paper_text,
    _read,
    _td,
    _text,
    paper_values,
)

__all__ = ["findings", "findings_markdown", "findings_page", "PAPER_SETTING"]

#: How the claims table's rows without a width suffix are named: the paper's own setting.
PAPER_SETTING = "paper's sigma"
#: The columns a claims table needs for the findings.
REQUIRED = ["id", "statement", "value", "status", "ci_low", "ci_high", "n_units"]


def _variant_name(variant: str) -> str:
    """``knn_t10`` -> ``knn (t = 10)``."""
    width, t = split_variant(variant)
    return f"{width} (t = {t})" if t else width


def findings(claims: pd.DataFrame, paper: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per claim (per data set), in the claims table's order: ``claim, statement,
    status, value, ci_low, ci_high, n_units, holds_under, fails_under, inconclusive_under,
    paper, ours`` -- the verdict and numbers at the paper's setting, and the settings (the paper's
    sigma and each width variant) under which the claim holds, fails or is inconclusive."""
    paper = paper_values() if paper is None else paper
    ids = claims["id"].astype(str)
    base = ids.str.split("@").str[0]
    variant = ids.str.split("@").str[1].fillna("")
    rows = []
    for claim in dict.fromkeys(base):  # first-seen order
        group = claims[base == claim].assign(variant_=variant[base == claim])
        own = group[group["variant_"] == ""]
        if own.empty:
            continue
        r = own.iloc[0]
        by_status: dict[str, list[str]] = {"held": [], "not held": [], "inconclusive": []}
        for g in group.itertuples():
            name = PAPER_SETTING if g.variant_ == "" else _variant_name(g.variant_)
            by_status.setdefault(str(g.status), []).append(name)
        key = claim.split("[")[0]
        rows.append(dict(claim=claim, statement=r["statement"], status=r["status"],
                         value=r["value"], ci_low=r["ci_low"], ci_high=r["ci_high"],
                         n_units=r["n_units"], holds_under=", ".join(by_status["held"]),
                         fails_under=", ".join(by_status["not held"]),
                         inconclusive_under=", ".join(by_status["inconclusive"]),
                         paper="; ".join(f"{p.quantity} ({p.setting}): {p.paper_value} "
                                         f"{p.unit}".strip()
                                         for p in paper[paper["claim"] == key].itertuples())
                         or NOT_STATED, ours=_text(r.get("ours", ""))))
    return pd.DataFrame(rows)


def _number(r) -> str:
    if pd.isna(r.value):
        return ""
    text = f"{r.value:.3g}"
    if not (pd.isna(r.ci_low) or pd.isna(r.ci_high)) and r.n_units and int(r.n_units) > 1:
        text += f" [{r.ci_low:.3g}, {r.ci_high:.3g}]"
    if not pd.isna(r.n_units) and int(r.n_units) > 0:
        text += f" ({int(r.n_units)} unit{'s' if int(r.n_units) != 1 else ''})"
    return text


def findings_markdown(claims: pd.DataFrame, paper: pd.DataFrame | None = None) -> str:
    """:func:`findings` as a Markdown table (the README's summary)."""
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = ["| claim | at the paper's sigma | value [95 % interval] (units) | holds under | "
             "fails under | inconclusive under | paper |",
             "|---|---|---|---|---|---|---|"]
    for r in findings(claims, paper).itertuples():
        lines.append(f"| `{r.claim}` {esc(r.statement)} | **{r.status}** | {_number(r)} | "
                     f"{esc(r.holds_under)} | {esc(r.fails_under)} | "
                     f"{esc(r.inconclusive_under)} | {esc(r.paper)}"
                     + (f"; ours: {esc(r.ours)}" if r.ours else "") + " |")
    return "\n".join(lines) + "\n"


def findings_page(claims: pd.DataFrame, paper: pd.DataFrame | None = None) -> str:
    """:func:`findings` as the report's HTML page "What this reproduction finds"."""
    paper = paper_values() if paper is None else paper
    table = findings(claims, paper)
    rows = []
    for r in table.itertuples():
        cells = [_td(f"<code>{html.escape(r.claim)}</code><br>{html.escape(str(r.statement))}",
                     "text"),
                 _td(html.escape(str(r.status)), STATUS_CLASS.get(str(r.status), "")),
                 _td(html.escape(_number(r)), "num"),
                 _td(html.escape(r.holds_under)), _td(html.escape(r.fails_under)),
                 _td(html.escape(r.inconclusive_under)),
                 _td(_paper_text(paper[paper["claim"] == r.claim.split("[")[0]], r.ours),
                     "paper")]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    counts = table["status"].value_counts()
    scale = ", ".join(sorted(map(str, claims["scale"].unique()))) if "scale" in claims else "?"
    note = (f"Scale <code>{html.escape(scale)}</code>, generated from the claims table: "
            f"{len(table)} findings, at the paper's kernel width {counts.get('held', 0)} held, "
            f"{counts.get('not held', 0)} not held, {counts.get('inconclusive', 0)} "
            f"inconclusive. <i>value</i>: the claim's number at the paper's setting, its 95 % "
            "bootstrap interval over the independent units (seeds, models, repeats) and their "
            "number. <i>holds / fails / inconclusive under</i>: the kernel widths at which the "
            "same claim was judged again (<code>knn</code>: the library's default, per-point "
            "k-NN widths; <code>knn (t = 10)</code>: the same at t = 10, where it reads cluster "
            "structure; <code>median</code>, <code>knn_median</code>: global widths).")
    return _page("What this reproduction finds", note,
                 ["claim", "at the paper's sigma", "value [95 % interval] (units)",
                  "holds under", "fails under", "inconclusive under", "paper"], rows)


def main(argv: list[str] | None = None) -> None:
    from dse_repro.pipeline.io import write_text

    ap = argparse.ArgumentParser(prog="python -m dse_repro.claims.findings", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True, help="a claims table (claims.csv)")
    ap.add_argument("--md", help="write the findings as Markdown here")
    ap.add_argument("--html", help="write the report page here")
    args = ap.parse_args(argv)
    try:
        claims = _read(args.input, REQUIRED)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    if args.md:
        write_text(args.md, findings_markdown(claims))
    if args.html:
        write_text(args.html, findings_page(claims))
    if not (args.md or args.html):
        print(findings_markdown(claims), end="")


if __name__ == "__main__":
    main()
