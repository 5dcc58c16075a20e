"""The report's tables as HTML pages (results -> page): the claims table, the model zoo's
correlations and the ground-truth summary, each a self-contained page that the Snakemake report
shows inside itself (it embeds ``text/html`` results; a CSV would only be a download).

Claims are coloured by status and carry a "paper" column: the values the paper states or
shows for that claim (``dse_repro/data/paper_values.csv``, a copy of the numbers read off the
paper's figures with two columns added: ``claim``, the claim each value stands beside, and
``zoo_measure``, the Fig. 10 measure a correlation belongs to). Ground-truth cells whose mean
MI exceeds the entropy of the labels the estimator saw (impossible for a Shannon MI) are marked.

``python -m dse_repro.summaries.pages claims --input results/<scale>/claims.csv
--out results/<scale>/claims.html`` (likewise ``zoo`` with ``model_zoo_correlations.csv`` and
``groundtruth`` with ``mi_groundtruth_summary.csv``).
"""
from __future__ import annotations

import argparse
import html
from importlib.resources import files
from pathlib import Path

import pandas as pd

__all__ = ["claims_page", "groundtruth_page", "paper_values", "paper_zoo_correlations",
           "zoo_page"]

STATUS_CLASS = {"held": "held", "not held": "not-held", "inconclusive": "inconclusive",
                "premise absent": "premise", "not run": "not-run"}

_CSS = """
body { font-family: system-ui, sans-serif; font-size: 14px; margin: 1em; color: #222; }
h1 { font-size: 18px; } p.note { color: #555; max-width: 60em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.held { background: #d8f0d8; font-weight: bold; }
td.not-held { background: #f8d8d8; font-weight: bold; }
td.not-run { background: #e8e8e8; color: #666; }
td.inconclusive { background: #fbf3c4; font-weight: bold; }
td.premise { background: #e3e0f3; font-weight: bold; }
td.paper { background: #eef3fb; }
td.flag { background: #fde9c8; font-weight: bold; }
tr.informative td { font-style: italic; }
td.text { min-width: 16em; } td.detail { min-width: 18em; font-size: 12px; color: #444; }
td.paper { min-width: 14em; font-size: 12px; } code { white-space: nowrap; }
/* a wide table (the claims) fits the page: fixed column shares, long words wrap */
table.fit { width: 100%; table-layout: fixed; }
table.fit td, table.fit th { overflow-wrap: anywhere; min-width: 0; }
table.fit td.num, table.fit code { white-space: normal; }
details summary { cursor: pointer; color: #336; }
"""


def paper_values() -> pd.DataFrame:
    """The paper's stated or read-off values (``dse_repro/data/paper_values.csv``): columns
    ``figure, quantity, setting, paper_value, unit, how_read, claim, zoo_measure``."""
    path = files("dse_repro.data").joinpath("paper_values.csv")
    return pd.read_csv(str(path), dtype=str, keep_default_na=False)


def paper_zoo_correlations(paper: pd.DataFrame | None = None) -> dict[str, dict[str, str]]:
    """The paper's Fig. 10 correlations as stated: ``{measure: {"pearson": "0.216",
    "spearman": "0.144"}}`` for DSE_Z, DSMI_ZX, DSMI_ZY (from :func:`paper_values`)."""
    paper = paper_values() if paper is None else paper
    out: dict[str, dict[str, str]] = {}
    for r in paper[paper["zoo_measure"] != ""].itertuples():
        out.setdefault(r.zoo_measure, {})[r.quantity.split()[0].lower()] = r.paper_value
    return out


def _read(path: str | Path, required: list[str]) -> pd.DataFrame:
    """Read a CSV the page is built from; a missing, cut or foreign file is a ``ValueError``
    naming it."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        df = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing} (has {list(df.columns)})")
    if df.empty:
        raise ValueError(f"{path}: no rows")
    return df


def _num(x, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return ""
    if isinstance(x, (int, float)):
        return f"{x:.{digits}g}"
    return html.escape(str(x))


def _page(title: str, note: str, head: list[str], rows: list[str],
          widths: list[int] | None = None) -> str:
    """An HTML page with one table; ``widths`` (percent per column) lays the table out at the
    page's width, wrapping what does not fit, instead of letting it run off the side."""
    ths = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    cols = ("<colgroup>" + "".join(f"<col style=\"width: {w}%\">" for w in widths)
            + "</colgroup>") if widths else ""
    cls = " class=\"fit\"" if widths else ""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            f"<h1>{html.escape(title)}</h1>\n<p class=\"note\">{note}</p>\n"
            f"<table id=\"table\"{cls}>{cols}\n<thead><tr>{ths}</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody></table>\n</body></html>\n")


def _td(text: str, cls: str = "") -> str:
    return f"<td class=\"{cls}\">{text}</td>" if cls else f"<td>{text}</td>"


#: What the paper column says for a claim the paper gives no number for.
NOT_STATED = "not stated"


def _paper_text(rows: pd.DataFrame, ours: str = "") -> str:
    """One line per paper value: quantity (setting): value unit; then ``ours`` -- what we
    measured of the same quantities, in the paper's units -- or "not stated" when the paper
    gives no number."""
    if rows.empty:
        return f"<span class=\"muted\">{NOT_STATED}</span>"
    lines = [html.escape(f"{r.quantity} ({r.setting}): {r.paper_value}"
                         + (f" {r.unit}" if r.unit else "")) for r in rows.itertuples()]
    if ours:
        lines.append(f"<b>ours</b>: {html.escape(ours)}")
    return "<br>".join(lines)


def claims_page(claims: pd.DataFrame, paper: pd.DataFrame | None = None) -> str:
    """The claims table (``dse_repro.claims`` output) as an HTML page: status coloured, the
    measured value, its threshold, the paper's value(s) where it states one, and the detail."""
    paper = paper_values() if paper is None else paper
    scale = ", ".join(sorted(map(str, claims["scale"].unique()))) if "scale" in claims else "?"
    counts = claims["status"].value_counts()
    rows = []
    for r in claims.itertuples():
        base = str(r.id).split("[")[0].split("@")[0]
        informative = "informative" in str(r.statement) or str(r.statement).startswith("Beyond")
        cells = [_td(html.escape(str(r.status)), STATUS_CLASS.get(str(r.status), "")),
                 _td(f"<code>{_breakable(str(r.id))}</code>"),
                 _td(html.escape(str(r.statement)), "text"),
                 _td(_num(r.value), "num"),
                 _td(_interval(r), "num"),
                 _td(html.escape(str(r.threshold)), "text"),
                 _td(_paper_text(paper[paper["claim"] == base], _text(getattr(r, "ours", ""))),
                     "paper"),
                 _td(_detail("" if pd.isna(r.detail) else str(r.detail)), "detail")]
        cls = " class=\"informative\"" if informative else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    note = (f"Scale <code>{html.escape(scale)}</code>: {counts.get('held', 0)} held, "
            f"{counts.get('not held', 0)} not held, {counts.get('inconclusive', 0)} "
            f"inconclusive, {counts.get('premise absent', 0)} premise absent, "
            f"{counts.get('not run', 0)} not run. <i>interval</i>: 95 % bootstrap interval of "
            "the value over the independent units (seeds, models, repeats) the claim rests on, "
            "and their number; <i>held</i> when the claim holds on the estimate and on at least "
            "97.5 % of the bootstrap resamples, <i>not held</i> when on at most 2.5 %, "
            "<i>inconclusive</i> otherwise; <i>premise absent</i>: the results do not realise "
            "what the claim presupposes. <i>paper</i>: the value the paper states or shows for "
            "that claim (read off its figures; settings in brackets), where it gives one, and "
            "<b>ours</b>: the same quantities as we measured them, in the paper's units (the "
            "<i>value</i> column is the claim's test statistic, which may be another quantity, "
            f"e.g. |DSE - log2 3|); <i>{NOT_STATED}</i>: the paper gives no number. Rows "
            "suffixed "
            "<code>@knn</code>, <code>@knn_t10</code>, ... judge the claim again under a "
            "scale-free kernel width (at t = 10); italic rows go beyond the paper's text.")
    return _page("Claims table", note, ["status", "id", "claim", "value", "interval (units)",
                                        "threshold", "paper", "detail"], rows,
                 widths=[7, 12, 20, 7, 10, 14, 14, 16])


def _text(value) -> str:
    """A text cell of a CSV: "" for an empty (NaN) one."""
    return "" if pd.isna(value) else str(value)


def _breakable(name: str) -> str:
    """A code name that may wrap after its dots and underscores and before an ``@``."""
    return (html.escape(name).replace(".", ".<wbr>").replace("_", "_<wbr>")
            .replace("@", "<wbr>@"))


def _detail(text: str, shown: int = 90) -> str:
    """A claim's detail: in full when short, else its start with the rest behind a click."""
    if len(text) <= shown:
        return html.escape(text)
    cut = text.rfind(" ", 0, shown)
    cut = cut if cut > shown // 2 else shown
    return (f"<details><summary>{html.escape(text[:cut])} ...</summary>"
            f"{html.escape(text[cut:])}</details>")


def _interval(r) -> str:
    """``[low, high] (n)`` of a claims row; "" for rows without one (older tables too)."""
    low, high, n = (getattr(r, k, float("nan")) for k in ("ci_low", "ci_high", "n_units"))
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"[{_num(low)}, {_num(high)}] ({int(n)})"


def zoo_page(corr: pd.DataFrame, paper: pd.DataFrame | None = None) -> str:
    """The model zoo's correlation table as an HTML page, best predictor first within each
    group, with the paper's Pearson / Spearman for DSE(Z), DSMI(Z;X), DSMI(Z;Y) (sigma = 10)."""
    stated = paper_zoo_correlations(paper)
    rows = []
    for r in corr.sort_values(["group", "rank", "measure"], kind="stable").itertuples():
        cells = [_td(html.escape(str(r.group))), _td(f"<code>{html.escape(str(r.measure))}</code>"),
                 _td(_num(r.n_models), "num"), _td(_num(r.rank), "num"),
                 _td(_num(r.pearson, 3), "num"), _td(_num(r.pearson_p, 2), "num"),
                 _td(_num(r.spearman, 3), "num"), _td(_num(r.spearman_p, 2), "num")]
        for stat in ("pearson", "spearman"):
            v = stated.get(str(r.measure), {}).get(stat, "")
            cells.append(_td(html.escape(v), "paper num" if v else ""))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = ("Correlation of each measure of the embedding with accuracy across the zoo's "
            "models, per group; rank 1 = largest |Spearman| in its group. <i>paper</i>: the "
            "correlations in the titles of the paper's Fig. 10 (timm's ImageNet zoo, "
            "sigma = 10), beside the same measure at sigma = 10 here.")
    return _page("Model zoo: correlations with accuracy", note,
                 ["group", "measure", "models", "rank", "Pearson", "p", "Spearman", "p",
                  "paper Pearson", "paper Spearman"], rows)


def groundtruth_page(summary: pd.DataFrame) -> str:
    """The ground-truth summary as an HTML page; a mean above ``h_y`` (the entropy of the
    labels the estimator saw, bits) is marked: no Shannon MI can exceed it."""
    rows = []
    n_flag = 0
    for r in summary.itertuples():
        above = bool(getattr(r, "above_h_y", False))
        n_flag += above
        cells = [_td(html.escape(str(r.family))), _td(_num(r.dim), "num"),
                 _td(html.escape(str(r.label))), _td(_num(r.param, 3), "num"),
                 _td(_num(r.true_mi, 3), "num"),
                 _td(_num(r.mean, 3) + (" &#9888; above H(Y)" if above else ""),
                     "flag num" if above else "num"),
                 _td(_num(r.sd, 2), "num"), _td(_num(r.bias, 3), "num"),
                 _td(_num(getattr(r, "h_y", float("nan")), 3), "num"),
                 _td(_num(r.spearman_vs_truth, 3), "num")]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = ("Every Fig. 4 estimator on distributions with a known Shannon MI (bits). "
            "<i>H(Y)</i>: entropy of the discrete labels the estimator saw (empty where it "
            "took the continuous Y); a mean above it is impossible for a Shannon MI and is "
            f"marked ({n_flag} cells). Spearman: of the mean estimate with the true MI across "
            "the family's parameters.")
    return _page("Ground truth: estimators against known MI", note,
                 ["family", "D", "estimator", "parameter", "true MI", "mean", "sd", "bias",
                  "H(Y)", "Spearman vs truth"], rows)


#: kind -> (page builder, the columns its input must have)
PAGES = {
    "claims": (claims_page, ["id", "statement", "value", "threshold", "status", "detail"]),
    "zoo": (zoo_page, ["group", "measure", "n_models", "pearson", "pearson_p", "spearman",
                       "spearman_p", "rank"]),
    "groundtruth": (groundtruth_page, ["family", "dim", "label", "param", "true_mi", "mean",
                                       "sd", "bias", "spearman_vs_truth"]),
}


def main(argv: list[str] | None = None) -> None:
    from dse_repro.pipeline.io import write_text

    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=sorted(PAGES))
    ap.add_argument("--input", required=True, help="the CSV the page shows")
    ap.add_argument("--out", required=True, help="the HTML page to write")
    args = ap.parse_args(argv)
    build, required = PAGES[args.kind]
    try:
        page = build(_read(args.input, required))
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    write_text(args.out, page)


if __name__ == "__main__":
    main()
