"""The real Snakemake DAG at scale=smoke, in a temporary copy of the repository.

Checks: every figure exists and is a valid PDF/PNG; the tidy results have the documented
columns; the claims rows of the toy figures say held; a second run is a no-op; a rerun from
scratch gives byte-identical results; ``snakemake --report`` writes a report with the figures,
and in a real headless browser every figure image loads and the claims, zoo and ground-truth
tables show as tables.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _browser import CHROMIUM_ARGS, chromium_path
from _figure_layout import layout_problems
from _repo import result_hashes
from conftest import snakemake_smoke

from dse_repro.claims import CLAIMS
from dse_repro.studies.registry import figures, tables

FIGS = list(figures())
WIDTHS = ("", "_median", "_knn", "_knn_t10")
#: The states a judged claim can be in (not "not run").
JUDGED = ("held", "not held", "inconclusive", "premise absent")
KERNEL = {f"{m}{w}" for m in ("DSE_Z", "DSMI_ZX", "DSMI_ZY") for w in WIDTHS}
#: Every collected table's columns: study, scale and those its spec declares.
COLUMNS = {t: {"study", "scale", *cols} for t, (_, cols) in tables().items()}
TOY_CLAIMS = ["fig2.dse_three_blobs", "fig2.dse_one_blob", "fig2.dsmi_clustered",
              "fig2.dsmi_random", "fig3a.spd_rises", "fig3a.spd_identity",
              "fig3a.dse_rises_with_d", "fig3a.cse_saturates", "fig3b.dsmi_falls",
              "fig3b.csmi_flat",
              "fig4.dsmi_falls_with_corruption", "fig4.dsmi_keeps_information",
              "fig4.csmi100_zero", "fig5.dsmi_runtime_grows_slower"]

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]


def test_figures_are_valid_files(workdir):
    import matplotlib.image

    for fig in FIGS:
        pdf = workdir / "figures" / "smoke" / f"{fig}.pdf"
        png = workdir / "figures" / "smoke" / f"{fig}.png"
        assert pdf.read_bytes()[:5] == b"%PDF-" and b"%%EOF" in pdf.read_bytes()[-1024:]
        img = matplotlib.image.imread(png)
        assert img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 200
        assert img.std() > 0.01  # not blank


def test_results_have_documented_columns(workdir):
    for table, cols in COLUMNS.items():
        df = pd.read_csv(workdir / "results" / "smoke" / f"{table}.csv")
        assert list(df.columns)[:2] == ["study", "scale"] and set(df.columns) == cols, table
        assert len(df) > 0 and df["value"].notna().all()
        assert (df["scale"] == "smoke").all()
        assert (df["unit"] == "bits").all() or table.startswith(
            ("training", "sigma_init", "model_zoo"))
    timings = pd.read_csv(workdir / "results" / "smoke" / "mi_compare_timings.csv")
    assert (timings["seconds"] > 0).all()
    mi = pd.read_csv(workdir / "results" / "smoke" / "mi_compare.csv")
    assert set(mi["estimator"]) == {"dsmi", "csmi_5", "csmi_10", "csmi_100", "npeet_mi",
                                    "npeet_micd", "mine"}
    # Hydra provenance sits next to each job's results.
    assert (workdir / "results/smoke/fig2/dim2/.hydra/config.yaml").is_file()


def test_toy_claims_held(workdir):
    claims = pd.read_csv(workdir / "results" / "smoke" / "claims.csv").set_index("id")
    for cid in TOY_CLAIMS:
        assert claims.loc[cid, "status"] == "held", (cid, claims.loc[cid].to_dict())
    # two smoke repeats of 40-point trees: DSMI at full corruption is 0.03 and 0.09 bits
    assert claims.loc["fig3b.dsmi_zero_at_full", "status"] in ("held", "inconclusive")
    # every judged row carries its interval over the units it rests on
    judged = claims[claims["status"].isin(["held", "not held", "inconclusive"])]
    assert (judged["n_units"] >= 1).all() and (judged["ci_low"] <= judged["ci_high"]).all()
    assert (claims.loc["fig3a.spd_rises", ["n_units", "interval"]]
            == [2, "exact bootstrap over 2 units (3 resamples)"]).all()
    # beside the paper's numbers, ours in the paper's units (apart from the test statistic)
    assert claims.loc["fig2.dse_three_blobs", "ours"].startswith("DSE at t = 500: 1.585 bits")
    assert claims.loc["fig2.dse_three_blobs", "value"] < 0.05  # |DSE - log2 3|
    # Fig. 2's claims rest on its repeats (3 independent draws of the blobs), as Fig. 3's do
    assert (claims.loc[TOY_CLAIMS[:4], "n_units"] == 3).all()
    assert "percent (std 0.01)" in claims.loc["fig9.small_sigma_ends_higher[digits]", "ours"]
    # Training claims are filled (2 smoke epochs need not show the paper's effects).
    # Per data set (smoke: digits only).
    for cid in ("fig6.dse_rises[digits]", "fig7.dsmi_zy_rises[digits]",
                "fig7.random_labels_lower[digits]", "fig8.dsmi_zx_rises_digits",
                "fig9.init_dse_rises_with_sigma[digits]", "fig9.small_sigma_ends_higher[digits]",
                "fig9.small_sigma_faster[digits]"):
        assert claims.loc[cid, "status"] in JUDGED, cid
    sig = pd.read_csv(workdir / "results" / "smoke" / "sigma_init.csv")
    assert set(sig["part"]) == {"init", "train"}
    assert sorted(sig[sig["part"] == "init"]["init_sigma"].unique()) == [0.01, 0.05, 0.1]
    assert sorted(sig[sig["part"] == "train"]["init_sigma"].unique()) == [0.01, 0.1]
    # Fig. 10: the self-trained zoo, every model measured, a correlation row per measure.
    for cid in ("fig10.dsmi_zy_correlates", "fig10.dsmi_zy_vs_competitors"):
        assert claims.loc[cid, "status"] in JUDGED, cid
    zoo = pd.read_csv(workdir / "results" / "smoke" / "model_zoo.csv")
    assert zoo["model"].nunique() == 4 and (zoo["status"] == "ok").all()
    assert set(zoo["arch"]) == {"convnet", "vit"}
    assert zoo.groupby("group")["model"].nunique().to_dict() == {"converged": 3,
                                                                 "training_length": 1}
    corr = pd.read_csv(workdir / "results" / "smoke" / "model_zoo_correlations.csv")
    assert set(corr["group"]) == {"all", "converged", "converged/convnet", "converged/vit"}
    assert set(corr[corr["group"] == "all"]["measure"]) == {
        "rankme", "alpha_req", "knn_acc", "Z_mean_norm", "Z_median_distance", *KERNEL}
    # The scale of Z beside every per-epoch measure (what a fixed kernel width reads), and
    # every kernel measure under the three widths, in training, sigma-init and the zoo.
    train = pd.read_csv(workdir / "results" / "smoke" / "training.csv")
    assert {"Z_mean_norm", "Z_median_distance", *KERNEL} <= set(train["measure"])
    assert {f"DSE_Z{w}" for w in WIDTHS} <= set(sig["measure"])
    # Every claim about DSE/DSMI (toys and Figs. 6-10) again under each scale-free width (and
    # knn at t = 10), + a count; the toy studies also under knn_median.
    kernel_claims = [c.id for c in CLAIMS if c.kernel]
    assert len(kernel_claims) == 16
    for cid in kernel_claims:
        rows = claims[claims.index.str.startswith(cid + "[") | (claims.index == cid)
                      | claims.index.str.startswith(cid + "@")]
        toy = cid.startswith(("fig2.", "fig3a.", "fig3b."))
        widths = ("median", "knn") + (("knn_median",) if toy else ()) + (
            () if cid.startswith("fig2.") else ("knn_t10",))  # Fig. 2 sweeps t itself
        for w in widths:
            at = rows[rows.index.str.endswith(f"@{w}")]
            assert len(at) >= 1 and at["status"].isin(JUDGED).all(), (cid, w)
    assert claims.loc["kernel_width.held_only_at_fixed_sigma", "status"] in ("held", "not held")
    # The sigma sweep (figS2 d): init and trained embeddings, sigma / median distance 1e-2..1e2.
    sweep = pd.read_csv(workdir / "results" / "smoke" / "kernel_width.csv")
    assert set(sweep["state"]) == {"init", "trained"}
    assert set(sweep["width"]) == {"ratio", "fixed", "median", "knn"}
    ratios = sweep[sweep["width"] == "ratio"]["ratio"]
    assert ratios.min() == pytest.approx(1e-2) and ratios.max() == pytest.approx(1e2)
    # ... read off the training run's kept embeddings, not trained again (issue 28)
    log = (workdir / "logs" / "smoke" / "kernel_width" / "digits" / "resnet10t" / "s0.log"
           ).read_text()
    assert "read the embeddings of training run digits/resnet10t/supervised/0" in log
    assert "epoch 1:" not in log
    train_dir = workdir / "results" / "smoke" / "training" / "digits" / "resnet10t"
    with np.load(train_dir / "supervised" / "s0" / "embeddings.npz") as kept:
        assert bool(kept["kept"]) and kept["init"].shape == kept["trained"].shape
    with np.load(train_dir / "simclr" / "s0" / "embeddings.npz") as record:
        assert not bool(record["kept"]) and "init" not in record.files
    # Beyond the paper: a measured comparison with NPEET micd, whatever its outcome.
    assert claims.loc["fig4.dsmi_vs_micd", "status"] in JUDGED
    md = (workdir / "results" / "smoke" / "claims.md").read_text()
    assert all(cid in md for cid in TOY_CLAIMS)


def test_groundtruth_knows_the_label_entropy(workdir):
    """Each ground-truth row carries the entropy of the labels its estimator saw (empty where
    it took the continuous Y), and the summary flags means above it."""
    gt = pd.read_csv(workdir / "results" / "smoke" / "mi_groundtruth.csv")
    cont = gt["estimator"].isin(["npeet_mi", "mine"]) & (gt["family"] == "gaussian")
    assert gt.loc[cont, "h_y"].isna().all() and gt.loc[~cont, "h_y"].notna().all()
    mix = gt[gt["family"] == "mixture"]["h_y"]
    assert ((mix > 1.4) & (mix <= np.log2(3) + 1e-12)).all()  # 3 components, near-balanced
    summary = pd.read_csv(workdir / "results" / "smoke" / "mi_groundtruth_summary.csv")
    expect = summary["h_y"].notna() & (summary["mean"] > summary["h_y"])
    assert (summary["above_h_y"] == expect).all()
    for page in ("claims", "model_zoo_correlations", "mi_groundtruth_summary"):
        assert (workdir / "results" / "smoke" / f"{page}.html").read_text().startswith(
            "<!DOCTYPE html>")


def test_no_checkpoints_left_and_results_small(workdir):
    root = workdir / "results" / "smoke"
    assert not list(root.rglob("checkpoint.pt"))  # removed once each job's results were written
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert size <= 20e6, f"results/smoke holds {size / 1e6:.1f} MB"


def test_second_run_is_noop(workdir):
    proc = snakemake_smoke(workdir, "-n")
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_one_conf_line_redraws_fig7_alone(workdir):
    """Fig. 7 under another kernel width is one line of conf/figures.yaml: the dry run redraws
    Fig. 7 and nothing else (no training job, no other figure)."""
    conf = workdir / "conf" / "figures.yaml"
    text = conf.read_text()
    assert "fig7: {measure: DSMI_ZY}\n" in text
    try:
        conf.write_text(text.replace("fig7: {measure: DSMI_ZY}\n",
                                     "fig7: {measure: DSMI_ZY_knn_t10}\n"))
        proc = snakemake_smoke(workdir, "-n")
    finally:
        conf.write_text(text)
    jobs = re.findall(r"^(\w+)\s+(\d+)$", proc.stdout.split("Job stats:")[1], flags=re.M)
    # the plot job, and the `all` target that lists its outputs
    assert dict(jobs) == {"plot": "1", "all": "1", "total": "2"}, proc.stdout[-2000:]
    assert "figures/smoke/fig7.pdf" in proc.stdout


#: A code name: words joined by an underscore (DSE_Z_median, random_labels), outside mathtext.
CODE_NAME = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")


@pytest.mark.parametrize("fig", list(figures()))
def test_figures_print_display_names_and_keep_texts_apart(workdir, fig):
    """Every text a reader sees in a smoke figure (titles, labels, ticks, legends, notes) uses
    display names: no underscore-joined code name outside $...$ mathtext; no two texts overlap
    and no note or legend covers a data line, marker or error bar (read off the artists'
    bounding boxes: tests/workflow/_figure_layout.py)."""
    import importlib

    import matplotlib.text

    from dse_repro.plots.names import figure_settings
    from dse_repro.studies.registry import figure_study, read_results, study

    plot = importlib.import_module(f"dse_repro.plots.{fig}").plot
    root = workdir / "results" / "smoke"
    own = read_results(root / f"{figures()[fig]}.csv")
    others = {t: read_results(root / f"{t}.csv") for t in study(figure_study(fig)).reads}
    drawn = plot(own, **others, **figure_settings(fig, plot))
    drawn.canvas.draw()
    texts = [t.get_text() for t in drawn.findobj(matplotlib.text.Text) if t.get_visible()]
    bad = [t for t in texts if CODE_NAME.search(re.sub(r"\$[^$]*\$", "", t))]
    assert not bad, bad
    assert not layout_problems(drawn), layout_problems(drawn)[:10]


def test_report(workdir):
    html = _report(workdir).read_text(errors="replace")
    # Every figure with its own caption (rendered per figure), and the claims table.
    for caption in ("Fig. 2 -- intuition", "Fig. 3A -- DSE tracks", "Fig. 3B -- DSMI tracks",
                    "Fig. 4 -- mutual information", "Fig. 5 -- runtime", "Fig. 9 -- sigma",
                    "Fig. 10 -- the model zoo", "Claims table"):
        assert caption in html, caption
    from dse_repro.workflow import figure_caption

    for fig in FIGS:  # every figure's own caption file made it into the report
        first = figure_caption(fig).text.split("\n")[0].strip("*").split("--")[0].strip()
        assert first in html, fig
    assert "{% if" not in html


def _report(workdir: Path) -> Path:
    path = workdir / "report.html"
    if not path.is_file():
        snakemake_smoke(workdir, "--report", "report.html")
    return path


def test_report_in_a_browser(workdir):
    """Open the report in headless Chromium at 1280 px, as a reader would: every figure's PNG
    loads (a decoded image, a different one per figure, in natural order) and each table page
    shows its table: the findings with one row per claim, the claims with one row per claim,
    coloured statuses and every column inside the frame."""
    exe = chromium_path()
    from playwright.sync_api import sync_playwright

    report = _report(workdir)
    claims = pd.read_csv(workdir / "results" / "smoke" / "claims.csv")
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.get_by_role("link", name="Figures", exact=True).click()
        # the format toggle starts at the PNG the browser draws (no click needed)
        assert page.get_by_text("screen (PNG)", exact=True).is_visible()
        rows = page.locator("table").first.locator("tbody tr")
        names, sources = [], set()
        for i in range(rows.count()):
            names.append(rows.nth(i).locator("td").nth(1).inner_text().strip())
            rows.nth(i).locator("a[iconname=eye]").click()
            img = page.locator("img[src^='data:image/png']")
            img.wait_for(state="visible", timeout=10_000)
            width = img.evaluate("i => i.complete ? i.naturalWidth : 0")
            assert width > 200, (names[-1], width)  # decoded, not a broken image
            sources.add(img.get_attribute("src")[-200:])
        assert names == FIGS  # every figure, in natural order (fig2 ... fig10, figS1, figS2)
        assert len(sources) == len(FIGS)
        # a figure's info pane: its caption once, rendered; the job's params name the file
        rows.nth(0).locator("a[iconname=information-circle]").click()
        info = page.locator("body").inner_text()
        assert "Fig. 2 -- intuition" in info and ":math:" not in info
        assert "caption=report/captions/fig2.rst" in info
        from dse_repro.claims.findings import findings

        page.set_viewport_size({"width": 1280, "height": 900})  # the table pages at 1280 px

        for category, title, n_rows in [("Findings", "What this reproduction finds",
                                         len(findings(claims))),
                                        ("Claims", "Claims table", len(claims)),
                                        ("Model zoo", "Model zoo", None),
                                        ("Ground truth", "Ground truth", None)]:
            page.get_by_role("link", name="Results", exact=True).first.click()
            page.get_by_role("link", name=category, exact=True).click()
            page.locator("a[iconname=eye]").first.click()
            frame = page.frame_locator("iframe")
            table = frame.locator("table#table")
            table.wait_for(state="visible", timeout=10_000)
            assert title in frame.locator("h1").inner_text()
            body = table.locator("tbody tr")
            assert body.count() == n_rows if n_rows else body.count() > 0, category
            if category == "Claims":
                held = frame.locator("td.held").first
                assert held.is_visible()
                assert held.evaluate("e => getComputedStyle(e).backgroundColor") != \
                    frame.locator("td.not-held").first.evaluate(
                        "e => getComputedStyle(e).backgroundColor")
                assert frame.locator("th", has_text="paper").is_visible()
                # at 1280 px every column is inside the report's frame, none cut off
                inside = frame.locator("body").evaluate(
                    "b => [document.documentElement.scrollWidth <= "
                    "document.documentElement.clientWidth, [...document.querySelectorAll('th')]"
                    ".every(t => t.getBoundingClientRect().right <= "
                    "document.documentElement.clientWidth)]")
                assert inside == [True, True], inside
                assert frame.locator("th", has_text="interval (units)").is_visible()
                row = frame.locator("tr", has_text="fig2.dse_three_blobs").first
                assert "1.585" in row.inner_text()
        browser.close()
    assert not errors, errors


#: Rerun from scratch: whole studies (the toys and the trainings of Figs. 6-8 and S2) ...
RERUN_STUDIES = ("fig2", "fig3a", "fig3b", "training", "kernel_width")
#: ... and one job of every other study (lost, so rebuilt): every study is recomputed, in about
#: a third of the DAG's time (mi_compare's 42 jobs alone take 270 job-seconds at smoke).
RERUN_ONE_JOB = ("mi_compare", "mi_groundtruth", "sigma_init", "model_zoo")


def test_rerun_from_scratch_is_byte_identical(workdir):
    before = result_hashes(workdir)
    assert len(before) >= 3 + 7 + 1
    claims_before = _claims_without_timings(workdir)
    root = workdir / "results" / "smoke"
    for name in RERUN_STUDIES:
        shutil.rmtree(root / name)
        (root / f"{name}.csv").unlink()
    for name in RERUN_ONE_JOB:
        sorted((root / name).rglob("results.csv"))[0].unlink()
    shutil.rmtree(workdir / "figures" / "smoke")
    proc = snakemake_smoke(workdir)
    out = proc.stdout + proc.stderr
    for name in (*RERUN_STUDIES, *RERUN_ONE_JOB):  # a local run prints "localrule <rule>:"
        assert re.search(rf"^(local)?rule {name}(_\w+)?:\s*$", out, re.M), name
    assert result_hashes(workdir) == before
    assert _claims_without_timings(workdir).equals(claims_before)


def _claims_without_timings(root: Path) -> pd.DataFrame:
    claims = pd.read_csv(root / "results" / "smoke" / "claims.csv")
    return claims[~claims["id"].str.startswith("fig5.")].reset_index(drop=True)
