"""The report's HTML tables (dse_repro.summaries.pages): status colours, the paper column, the
ground-truth flag, escaping, and bad inputs as one-line errors with nothing written."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dse_repro.claims import CLAIMS
from dse_repro.studies.mi_groundtruth import label_entropy
from dse_repro.summaries import groundtruth_summary
from dse_repro.summaries.pages import claims_page, groundtruth_page, main, paper_values, zoo_page

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "paper_values.csv"


def _claims() -> pd.DataFrame:
    return pd.DataFrame([
        dict(id="fig2.dse_three_blobs", figure="fig2", statement="DSE tends to log2 3",
             value=1e-12, threshold="|DSE - log2 3| <= 0.05", status="held", detail=np.nan,
             ci_low=1e-12, ci_high=1e-12, n_units=1, scale="smoke",
             ours="DSE at t = 999: 1.585 bits (d = 2)"),
        dict(id="fig9.init_dse_rises_with_sigma[digits]@median", figure="fig9",
             statement="DSE at init <rises> & more", value=-0.65, threshold="rho >= 0.8",
             status="not held", detail="resnet: -0.65", ci_low=-0.9, ci_high=-0.4, n_units=3,
             scale="smoke"),
        dict(id="fig7.dsmi_zy_rises[digits]", figure="fig7", statement="DSMI rises",
             value=0.2, threshold="> 0", status="inconclusive", detail="", ci_low=-0.1,
             ci_high=0.5, n_units=6, scale="smoke"),
        dict(id="fig10.dsmi_zy_vs_competitors", figure="fig10", statement="beats k-NN",
             value=np.nan, threshold="x", status="not run", detail="no zoo", scale="smoke"),
    ])


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [r for r in body.split("\n") if r.startswith("<tr")]


def test_claims_page_colours_statuses_and_shows_the_papers_values():
    page = claims_page(_claims())
    rows = _rows(page)
    assert len(rows) == 4
    rows = [rows[0], rows[1], rows[3], rows[2]]  # the inconclusive row last
    assert '<td class="held">held</td>' in rows[0]
    assert '<td class="not-held">not held</td>' in rows[1]
    assert '<td class="not-run">not run</td>' in rows[2]
    assert '<td class="inconclusive">inconclusive</td>' in rows[3]
    assert '<td class="num">[-0.9, -0.4] (3)</td>' in rows[1]  # the interval and its units
    assert '<td class="num"></td>' in rows[2]  # no interval where the claim did not run
    assert "1.585 bits" in rows[0]  # the paper's value beside the claim
    # The data-set and kernel-width suffixes still find the claim's paper values.
    assert "13.2 bits" in rows[1] and "0.0 bits" in rows[1]
    assert "&lt;rises&gt; &amp; more" in rows[1] and "<rises>" not in page
    assert 'class="paper"><span class="muted">not stated</span></td>' in rows[2]  # no number
    assert "<b>ours</b>: DSE at t = 999: 1.585 bits" in rows[0]  # ours beside the paper's
    assert "<b>ours</b>" not in rows[1]  # an empty one: none shown
    assert "1 held, 1 not held, 1 inconclusive, 0 premise absent, 1 not run" in page


def test_paper_values_link_to_real_claims_and_measures():
    paper = paper_values()
    ids = {c.id for c in CLAIMS}
    linked = set(paper["claim"]) - {""}
    assert linked <= ids and len(linked) >= 10
    assert set(paper["zoo_measure"]) - {""} == {"DSE_Z", "DSMI_ZX", "DSMI_ZY"}


@pytest.mark.skipif(not SHARED.is_file(), reason=f"{SHARED} is not beside this checkout")
def test_paper_values_are_the_shared_table():
    ours = paper_values().drop(columns=["claim", "zoo_measure"])
    shared = pd.read_csv(SHARED, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(ours, shared)


def test_zoo_page_puts_the_papers_correlations_beside_ours():
    corr = pd.DataFrame([
        dict(group="converged", measure="DSMI_ZY", n_models=24, pearson=0.9, pearson_p=1e-5,
             spearman=0.94, spearman_p=1e-6, rank=1.0, n_skipped=0),
        dict(group="converged", measure="rankme", n_models=24, pearson=0.4, pearson_p=0.05,
             spearman=0.46, spearman_p=0.02, rank=2.0, n_skipped=0),
    ])
    rows = _rows(zoo_page(corr))
    assert "0.216" in rows[0] and "0.144" in rows[0]
    assert "0.216" not in rows[1]


def test_groundtruth_flags_means_above_the_label_entropy():
    rows = []
    for est, value, h_y in (("npeet_micd", 2.0, np.log2(3)), ("dsmi", 1.0, np.log2(3)),
                            ("mine", 5.0, np.nan)):
        for rep in range(2):
            rows.append(dict(family="mixture", dim=10, estimator=est, label=est, param=1.0,
                             true_mi=1.2, repeat=rep, h_y=h_y, value=value + 0.01 * rep))
    summary = groundtruth_summary(pd.DataFrame(rows))
    flags = summary.set_index("estimator")["above_h_y"].to_dict()
    assert flags == {"npeet_micd": True, "dsmi": False, "mine": False}  # NaN h_y: no bound
    page = groundtruth_page(summary)
    assert page.count("&#9888; above H(Y)") == 1  # the one flagged cell
    assert "(1 cells)" in page


def test_label_entropy_in_bits():
    assert label_entropy(np.array([0, 1, 2] * 10)) == pytest.approx(np.log2(3))
    assert label_entropy(np.array([5, 5, 5])) == 0.0
    assert label_entropy(np.array([0, 0, 0, 1])) == pytest.approx(0.8112781244591328)


def test_cli_writes_a_page(tmp_path):
    src = tmp_path / "claims.csv"
    _claims().to_csv(src, index=False)
    out = tmp_path / "claims.html"
    main(["claims", "--input", str(src), "--out", str(out)])
    assert out.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("content, message", [
    ("", "not a readable CSV"),
    ("id,statement\nfig2.x,text\n", "missing columns"),
    ("id,statement,value,threshold,status,detail\n", "no rows"),
    (b"\xff\xfe\x00bad", "not a readable CSV"),
])
def test_cli_bad_input_is_one_line_naming_the_file(tmp_path, content, message):
    src = tmp_path / "claims.csv"
    (src.write_bytes if isinstance(content, bytes) else src.write_text)(content)
    out = tmp_path / "claims.html"
    with pytest.raises(SystemExit) as exc:
        main(["claims", "--input", str(src), "--out", str(out)])
    assert str(src) in str(exc.value) and message in str(exc.value)
    assert "\n" not in str(exc.value)
    assert not out.exists()


def test_cli_missing_input(tmp_path):
    with pytest.raises(SystemExit, match="no such file"):
        main(["zoo", "--input", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "z.html")])


def test_claims_page_fits_its_width_and_folds_long_details():
    """The claims table is laid out at the page's width (fixed column shares, wrapping); a long
    detail shows its start with the rest behind a click; ids may wrap at . _ @ (the browser
    test opens it at 1280 px)."""
    claims = _claims()
    claims.loc[1, "detail"] = "resnet: -0.65, " * 20
    page = claims_page(claims)
    assert '<table id="table" class="fit"><colgroup>' in page
    assert page.count("<details><summary>") == 1
    summary = page.split("<details><summary>")[1].split("</summary>")[0]
    assert summary.endswith(" ...") and len(summary) < 100
    assert "fig2.<wbr>dse_<wbr>three_<wbr>blobs" in page
