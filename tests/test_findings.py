"""The findings (dse_repro.claims.findings): folded from a claims table, one row per claim with the
widths it holds under; the report page and CLI; the README's summary is the findings of the
laptop claims table committed beside it (docs/laptop_claims.csv), so it cannot drift."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dse_repro.claims.findings import (
    PAPER_SETTING,
    findings,
    findings_markdown,
    findings_page,
    main,
)

ROOT = Path(__file__).resolve().parents[1]


def _claims() -> pd.DataFrame:
    row = dict(figure="fig6", threshold="> 0", detail="", held_fraction=1.0, interval="",
               unit_values="", scale="laptop")
    return pd.DataFrame([
        dict(row, id="fig6.dse_rises[digits]", statement="DSE rises", value=4.2, ci_low=3.0,
             ci_high=5.1, n_units=6, status="held"),
        dict(row, id="fig6.dse_rises[digits]@knn", statement="DSE rises (knn)", value=-0.1,
             ci_low=-0.3, ci_high=0.1, n_units=6, status="inconclusive"),
        dict(row, id="fig6.dse_rises[digits]@median", statement="DSE rises (median)",
             value=-0.5, ci_low=-0.8, ci_high=-0.2, n_units=6, status="not held"),
        dict(row, id="fig6.dse_rises[digits]@knn_t10", statement="DSE rises (knn t10)",
             value=0.3, ci_low=0.1, ci_high=0.5, n_units=6, status="held"),
        dict(row, id="fig2.dse_three_blobs", figure="fig2", statement="log2 3", value=1e-12,
             ci_low=1e-12, ci_high=1e-12, n_units=1, status="held"),
    ])


def test_one_finding_per_claim_with_its_widths():
    f = findings(_claims()).set_index("claim")
    assert list(f.index) == ["fig6.dse_rises[digits]", "fig2.dse_three_blobs"]
    r = f.loc["fig6.dse_rises[digits]"]
    assert r["status"] == "held" and r["statement"] == "DSE rises" and r["n_units"] == 6
    assert r["holds_under"] == f"{PAPER_SETTING}, knn (t = 10)"
    assert r["fails_under"] == "median" and r["inconclusive_under"] == "knn"
    assert f.loc["fig2.dse_three_blobs", "paper"].endswith("1.585 bits")  # the paper's number
    assert r["paper"] == "not stated"
    md = findings_markdown(_claims())
    assert "| `fig6.dse_rises[digits]` DSE rises | **held** | 4.2 [3, 5.1] (6 units) |" in md
    page = findings_page(_claims())
    assert "What this reproduction finds" in page and '<td class="held">held</td>' in page


def test_cli_writes_both_and_refuses_a_bad_table(tmp_path, capsys):
    src = tmp_path / "claims.csv"
    _claims().to_csv(src, index=False)
    main(["--input", str(src), "--md", str(tmp_path / "f.md"), "--html", str(tmp_path / "f.html")])
    assert (tmp_path / "f.md").read_text() == findings_markdown(_claims())
    bad = tmp_path / "bad.csv"
    _claims().drop(columns="ci_low").to_csv(bad, index=False)
    with pytest.raises(SystemExit, match="missing columns.*ci_low"):
        main(["--input", str(bad), "--md", str(tmp_path / "g.md")])
    assert not (tmp_path / "g.md").exists()


def test_readme_summary_is_the_laptop_findings():
    """The README's findings table is findings_markdown of the committed laptop claims table
    (regenerate both with the command the README gives after a laptop run)."""
    table = pd.read_csv(ROOT / "docs" / "laptop_claims.csv")
    assert set(table["scale"]) == {"laptop"}
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- findings:start -->\n(.*?)<!-- findings:end -->", readme, re.S)
    assert block, "README has no findings block"
    assert block.group(1).strip() == findings_markdown(table).strip()
    assert np.isfinite(table["ci_low"]).sum() > 20  # verdicts carry their intervals
