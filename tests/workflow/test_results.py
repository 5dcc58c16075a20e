"""Validated tidy results: every corruption of a results file is an error naming the file, the
line and the column; collect, the plots and the claims refuse such a file."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dse_repro.pipeline.io import write_tidy
from dse_repro.pipeline.results import ResultsError
from dse_repro.studies.registry import read_results, validate
from dse_repro.workflow.collect import collect


def _fig3b(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame([dict(study="fig3b", scale="smoke", branches=5, noise=0.5,
                              corruption=c / 2, repeat=1, n_points=200, t=1, sigma=1.5,
                              unit="bits",
                              measure="DSMI", value=0.598033123833 - c / 10) for c in range(n)])


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "fig3b" / "k5" / "results.csv"
    write_tidy(_fig3b(), path)
    return path


def test_valid_file_reads_back(good):
    pd.testing.assert_frame_equal(read_results(good, "fig3b"), _fig3b())


CORRUPTIONS = {
    "cut_mid_line": (lambda t: t[: t.rindex("0.39")] + "0.3", "last line is incomplete"),
    "cut_fields": (lambda t: t[: t.rindex(",bits,")] + "\n", r"line 4 has 9 fields"),
    "value_cut_to_garbage": (lambda t: t.replace("0.498033123833", "0.49e"),
                             r"line 3, column 'value': '0.49e' is not a number"),
    "extra_column": (lambda t: t.replace("value\n", "value,extra\n").replace("\n", ",1\n")
                     .replace("extra,1\n", "extra\n", 1),
                     r"unexpected \['extra'\]"),
    "missing_value": (lambda t: t.replace("0.498033123833", ""),
                      r"line 3, column 'value': .* is empty"),
    "text_in_int_column": (lambda t: t.replace(",5,0.5,", ",five,0.5,", 1),
                           r"line 2, column 'branches': 'five' is not a number"),
    "fraction_in_int_column": (lambda t: t.replace(",5,0.5,", ",5.5,0.5,", 1),
                               r"column 'branches': 5.5 is not an integer"),
    "unknown_unit": (lambda t: t.replace(",bits,", ",bytes,", 1),
                     r"line 2, column 'unit': 'bytes' is not a unit"),
    "other_study": (lambda t: t.replace("fig3b,smoke", "fig2,smoke", 1),
                    r"line 2, column 'study': 'fig2' is not 'fig3b'"),
    "empty": (lambda t: "", "empty file|last line is incomplete"),
    "header_only": (lambda t: t.split("\n")[0] + "\n", "no rows"),
}


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_corruption_is_named(good, name):
    corrupt, message = CORRUPTIONS[name]
    good.write_text(corrupt(good.read_text()))
    with pytest.raises(ResultsError, match=message) as err:
        read_results(good, "fig3b")
    assert str(good) in str(err.value)


def test_range_checks():
    df = pd.DataFrame([dict(study="training", scale="smoke", dataset="d", model="m",
                            arch="convnet", method="supervised", seed=0, epoch=1,
                            measure="val_acc", value=1.5, unit="fraction")])
    with pytest.raises(ResultsError, match="fraction outside"):
        validate(df, "training", "frame")
    df = df.assign(measure="DSE_Z", value=-0.5, unit="bits")
    with pytest.raises(ResultsError, match="negative entropy"):
        validate(df, "training", "frame")
    validate(df.assign(value=float("nan")), "training", "frame")  # value may be empty here
    with pytest.raises(ResultsError, match="negative entropy"):  # a variant of the registry's
        validate(df.assign(measure="DSE_Z_knn_t10"), "training", "frame")
    validate(df.assign(measure="DSMI_ZY"), "training", "frame")  # not an entropy
    with pytest.raises(ResultsError, match="unknown results table"):
        validate(df, "fig99", "frame")


def test_collect_refuses_a_malformed_job_file_and_keeps_the_old_output(tmp_path, good):
    other = tmp_path / "fig3b" / "k2" / "results.csv"
    write_tidy(_fig3b().assign(branches=2), other)
    out = tmp_path / "fig3b.csv"
    collect([str(good), str(other)], str(out), "fig3b")
    before = out.read_bytes()
    other.write_text(other.read_text()[:-20])
    with pytest.raises(ResultsError, match=str(other)):
        collect([str(good), str(other)], str(out), "fig3b")
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "fig3b", "fig3b.csv"]


@pytest.mark.parametrize("module,args", [
    ("dse_repro.plots", ["fig3b", "--input", "{path}", "--png", "{png}"]),
    ("dse_repro.claims", ["--scale", "smoke", "--results", "{path}", "--csv", "{csv}",
                          "--md", "{md}"]),
])
def test_plots_and_claims_refuse_a_malformed_table(tmp_path, module, args):
    path = tmp_path / "fig3b.csv"
    write_tidy(_fig3b(), path)
    path.write_text(path.read_text().replace("0.498033123833", "0.49e"))
    fill = dict(path=path, png=tmp_path / "f.png", csv=tmp_path / "c.csv", md=tmp_path / "c.md")
    proc = subprocess.run([sys.executable, "-m", module, *(a.format(**fill) for a in args)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "line 3, column 'value'" in proc.stderr
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "c.csv").exists()


def _job_file(tmp_path, rows=None):
    """A valid fig3b job file at results/smoke/fig3b/k2/results.csv (two rows)."""
    path = tmp_path / "results" / "smoke" / "fig3b" / "k2" / "results.csv"
    path.parent.mkdir(parents=True)
    base = dict(study="fig3b", scale="smoke", branches=2, noise=0.01, corruption=0.0, repeat=0,
                n_points=80, t=1, sigma=10.0, unit="bits", measure="DSMI", value=0.9)
    df = pd.DataFrame(rows or [base, dict(base, corruption=1.0, value=0.01)])
    df.to_csv(path, index=False)
    return path, df


@pytest.mark.parametrize("damage,match", [
    (lambda df: pd.concat([df, df.iloc[[0]]]), "line 4 repeats line 2"),
    (lambda df: df.assign(branches=[2, 5]), "line 3, column 'branches': .*branches = 2"),
    (lambda df: df.assign(scale="laptop"), "column 'scale'.*scale = smoke"),
    (lambda df: df.assign(value=[0.9, np.inf]), "not a finite number"),
])
def test_whole_line_damage_is_refused_by_collect(tmp_path, damage, match):
    """A pasted line, a row of another slice or scale, or inf: the collect stops, naming the
    file and line (such files used to pass and flip claims)."""
    from dse_repro.workflow.collect import collect

    path, df = _job_file(tmp_path)
    collect([str(path)], str(tmp_path / "ok.csv"), "fig3b")
    damage(df).to_csv(path, index=False)
    with pytest.raises(ResultsError, match=match):
        collect([str(path)], str(tmp_path / "out.csv"), "fig3b")
    assert not (tmp_path / "out.csv").exists()


def test_rows_differing_only_in_empty_cells_are_not_duplicates():
    """Nullable columns (NaN) take part in a row's identity without tripping the check."""
    from dse_repro.studies.registry import validate

    base = dict(study="fig3a", scale="smoke", panel="spd", size=32, alpha=0.0,
                intrinsic_dim=np.nan, noise=np.nan, repeat=0, n_points=32, t=1, sigma=np.nan,
                measure="DSE", value=1.0, unit="bits")
    df = pd.DataFrame([base, dict(base, alpha=0.5), dict(base, panel="uniform", size=np.nan,
                                                           alpha=np.nan, intrinsic_dim=2,
                                                           noise=0.01)])
    assert validate(df, "fig3a", "x") is df
    with pytest.raises(ResultsError, match="line 5 repeats line 4"):
        validate(pd.concat([df, df.iloc[[2]]], ignore_index=True), "fig3a", "x")


def test_which_measures_are_entropies_is_declared(monkeypatch):
    """The entropy check reads the studies' declarations and the measures registry's
    ``entropy: true``, not a list of names in the code: a new registry entry marked as an
    entropy is held to it at once; a toy study's own measure in any width variant too."""
    from dse_repro.studies import registry

    df = pd.DataFrame([dict(study="training", scale="smoke", dataset="d", model="m",
                            arch="convnet", method="supervised", seed=0, epoch=1,
                            measure="H_new", value=-0.5, unit="bits")])
    validate(df, "training", "frame")  # not declared: a signed quantity may be negative
    entries = {**registry.measures_registry(), "H_new": {"unit": "bits", "entropy": True}}
    monkeypatch.setattr(registry, "measures_registry", lambda: entries)
    with pytest.raises(ResultsError, match="line 2, column 'value': -0.5 is a negative entropy"):
        validate(df, "training", "frame")
    assert registry.table_schema("fig2").entropies == ("DSE",)
    toy = pd.DataFrame([dict(study="fig2", scale="smoke", dim=2, dataset="blobs", labels="l",
                             repeat=0, t=1, n_points=10, sigma=np.nan, measure=m, value=-1.0,
                             unit="bits")
                        for m in ("DSE_knn_t10",)])
    with pytest.raises(ResultsError, match="negative entropy"):
        validate(toy, "fig2", "frame")
    validate(toy.assign(measure="DSMI_knn_t10"), "fig2", "frame")
