"""``dse-repro measure``: every file format, the numbers the library gives, and one-line errors
for bad files (nothing written then)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch

from dse_repro.measures import dse_curve, dsmi, knn_accuracy, rankme
from dse_repro.tools.cli import main


@pytest.fixture(scope="module")
def data():
    from sklearn.datasets import load_digits

    d = load_digits()
    rng = np.random.default_rng(0)
    Z = d.data[:300] @ rng.normal(size=(64, 16)) / 8  # a fixed random "embedding"
    return Z, d.target[:300], d.images[:300]


def _write(tmp_path, name, arr):
    path = tmp_path / name
    if name.endswith(".npy"):
        np.save(path, arr)
    elif name.endswith(".npz"):
        np.savez(path, emb=arr)
    elif name.endswith(".pt"):
        torch.save({"emb": torch.as_tensor(arr)}, path)
    else:
        frame = pd.DataFrame(np.asarray(arr).reshape(len(arr), -1))
        frame.columns = [f"c{i}" for i in range(frame.shape[1])]
        frame.to_csv(path, index=False)  # with a header line (a numeric first line is data)
    return str(path)


@pytest.mark.parametrize("fmt", ["npy", "npz", "pt", "csv"])
def test_every_format_gives_the_library_numbers(tmp_path, data, fmt, capsys):
    Z, y, _ = data
    zpath = _write(tmp_path, f"z.{fmt}", Z)
    ypath = _write(tmp_path, f"y.{fmt}", y)
    out = tmp_path / "m.csv"
    assert main(["measure", zpath, "--labels", ypath, "--t", "1", "3",
                 "--sigma", "10", "median", "--out", str(out)]) == 0
    rows = pd.read_csv(out)
    assert "DSE_Z" in capsys.readouterr().out
    dse_rows = rows[(rows.measure == "DSE_Z") & (rows.sigma == "median")]
    np.testing.assert_allclose(dse_rows.value, dse_curve(Z, "median", [1, 3]), atol=1e-9)
    mi = rows[(rows.measure == "DSMI_ZY") & (rows.sigma == "10.0") & (rows.t == 1)].value
    assert float(mi.iloc[0]) == pytest.approx(dsmi(Z, y, 10.0, 1, y_discrete=True), abs=1e-9)
    assert float(rows[rows.measure == "rankme"].value.iloc[0]) == pytest.approx(rankme(Z))
    assert float(rows[rows.measure == "knn_acc"].value.iloc[0]) == pytest.approx(
        knn_accuracy(Z, y))
    assert set(rows.measure) == {"DSE_Z", "DSMI_ZY", "rankme", "alpha_req", "knn_acc"}


def test_inputs_json_and_knn_width(tmp_path, data):
    Z, y, images = data
    out = tmp_path / "m.json"
    assert main(["measure", _write(tmp_path, "z.npy", Z), "--inputs",
                 _write(tmp_path, "x.npz", images), "--measures", "DSMI_ZX", "DSE_Z",
                 "--sigma", "knn", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert {r["measure"] for r in rows} == {"DSMI_ZX", "DSE_Z"}
    assert all(r["sigma"] == "knn" and r["unit"] == "bits" for r in rows)


@pytest.mark.parametrize("case,match", [
    (lambda p: ["measure", str(p / "nope.npy")], "no such file"),
    (lambda p: ["measure", _bad(p, "z.npy", b"not an array")], "cannot read"),
    (lambda p: ["measure", _bad(p, "z.txt", b"1,2")], "unknown format"),
    (lambda p: ["measure", _two(p)], "holds 2 arrays"),
    (lambda p: ["measure", _two(p) + ":c"], "no array 'c'"),
    (lambda p: ["measure", _npy(p, "z.npy", np.zeros((2, 3, 4)))], "expected \\(n, D\\)"),
    (lambda p: ["measure", _npy(p, "z.npy", np.array([[1.0, np.nan]] * 5))], "NaN"),
    (lambda p: ["measure", _npy(p, "z.npy", np.random.rand(20, 3)), "--labels",
                _npy(p, "y.npy", np.arange(19))], "expected \\(20,\\)"),
    (lambda p: ["measure", _npy(p, "z.npy", np.random.rand(20, 3)), "--labels",
                _npy(p, "y.npy", np.linspace(0, 1, 20))], "non-integer"),
    (lambda p: ["measure", _npy(p, "z.npy", np.random.rand(20, 3)), "--measures",
                "DSMI_ZY"], "need --labels"),
    (lambda p: ["measure", _bad(p, "z.csv", b"a,b\n1,2\n3,x\n")], "line 3, column 2"),
    (lambda p: ["measure", _npy(p, "z.npy", np.random.rand(20, 3)), "--t", "0"], "--t"),
    (lambda p: ["measure", _npy(p, "z.npy", np.random.rand(20, 3)), "--out",
                str(p / "m.xlsx")], ".csv or .json"),
])
def test_bad_files_are_one_line_errors_and_write_nothing(tmp_path, capsys, case, match):
    import re

    out = tmp_path / "never.csv"
    argv = case(tmp_path)
    if "--out" not in argv:
        argv += ["--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("dse-repro: error:")
    assert re.search(match, err), err
    assert not out.exists() and not (tmp_path / "m.xlsx").exists()


def test_bad_sigma_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit):
        main(["measure", "z.npy", "--sigma", "-1"])
    assert "positive number" in capsys.readouterr().err


def test_console_script_is_installed(tmp_path, data):
    exe = shutil.which("dse-repro")
    cmd = [exe] if exe else [sys.executable, "-m", "dse_repro.tools.cli"]
    if exe is None and __import__("os").environ.get("CI"):
        pytest.fail("the dse-repro console script is not installed (pip install -e .)")
    path = _write(tmp_path, "z.npy", data[0])
    proc = subprocess.run([*cmd, "measure", path], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "DSE_Z" in proc.stdout, proc.stderr


def _bad(p, name, content: bytes) -> str:
    (p / name).write_bytes(content)
    return str(p / name)


def _npy(p, name, arr) -> str:
    np.save(p / name, arr)
    return str(p / name)


def _two(p) -> str:
    np.savez(p / "two.npz", a=np.zeros((3, 2)), b=np.ones((3, 2)))
    return str(p / "two.npz")


def test_pandas_numeric_headers_are_headers_and_the_shape_is_said(tmp_path, data, capsys):
    """``pd.DataFrame(Z).to_csv(index=False)`` writes the header 0,1,...; for labels the
    header 0 is told from a first label 0 by the number of rows."""
    Z, y, _ = data
    pd.DataFrame(Z).to_csv(tmp_path / "Z.csv", index=False)
    pd.DataFrame(y).to_csv(tmp_path / "y.csv", index=False)  # header "0", then the labels
    np.save(tmp_path / "Z.npy", Z)
    np.save(tmp_path / "y.npy", y)
    outs = {}
    for z, lab in (("Z.csv", "y.csv"), ("Z.npy", "y.npy")):
        out = tmp_path / f"{z}.json"
        assert main(["measure", str(tmp_path / z), "--labels", str(tmp_path / lab),
                     "--out", str(out)]) == 0
        outs[z] = json.loads(out.read_text())
    assert outs["Z.csv"] == outs["Z.npy"]  # not a point more, not a label more
    err = capsys.readouterr().err
    assert f"embeddings: read 300 x 16 float64 from {tmp_path / 'Z.csv'}" in err
    assert "pandas' column header" in err and "labels: read 300 int64" in err
    pd.DataFrame(y[:-2]).to_csv(tmp_path / "short.csv", index=False)  # neither n nor n + 1
    assert main(["measure", str(tmp_path / "Z.npy"), "--labels",
                 str(tmp_path / "short.csv")]) == 2
    assert "ambiguous" in capsys.readouterr().err


def test_class_names_are_labels(tmp_path, data, capsys):
    """Labels given as class names (a CSV column with or without a header, a .npy of strings)
    are numbered in sorted order and said so; the numbers equal those of integer labels."""
    Z, y, _ = data
    names = np.array([f"digit_{d}" for d in range(10)])[y]
    np.save(tmp_path / "Z.npy", Z)
    np.save(tmp_path / "y.npy", y)
    np.save(tmp_path / "names.npy", names)
    pd.DataFrame({"label": names}).to_csv(tmp_path / "names.csv", index=False)
    pd.DataFrame({"label": names}).to_csv(tmp_path / "bare.csv", index=False, header=False)
    outs = {}
    for lab in ("y.npy", "names.npy", "names.csv", "bare.csv"):
        out = tmp_path / f"{lab}.json"
        assert main(["measure", str(tmp_path / "Z.npy"), "--labels", str(tmp_path / lab),
                     "--out", str(out)]) == 0
        outs[lab] = json.loads(out.read_text())
    assert outs["names.npy"] == outs["names.csv"] == outs["bare.csv"] == outs["y.npy"]
    err = capsys.readouterr().err
    assert "labels: 10 class names (0 = digit_0, 1 = digit_1" in err
    assert "(header line skipped; class names)" in err
    pd.DataFrame({"label": names[:-5]}).to_csv(tmp_path / "few.csv", index=False)
    assert main(["measure", str(tmp_path / "Z.npy"), "--labels", str(tmp_path / "few.csv")]) == 2
    assert "expected (300,)" in capsys.readouterr().err


def test_pt_keys_are_named_and_checked(tmp_path, data, capsys):
    Z, y, _ = data
    torch.save({"features": {"a": torch.zeros(3)}, "logits": torch.as_tensor(Z)},
               tmp_path / "nested.pt")
    torch.save(torch.as_tensor(y), tmp_path / "y.pt")
    assert main(["measure", str(tmp_path / "nested.pt")]) == 2
    assert "holds a dict of 2 entries (features, logits)" in capsys.readouterr().err
    assert main(["measure", f"{tmp_path / 'nested.pt'}:logits"]) == 0
    assert "key 'logits'" in capsys.readouterr().err  # the tensor used is named
    assert main(["measure", f"{tmp_path / 'nested.pt'}:logits", "--labels",
                 f"{tmp_path / 'y.pt'}:nope"]) == 2
    assert "no key 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("out", ["/proc/x.csv", "DIR"])
def test_unwritable_out_fails_before_computing(tmp_path, data, capsys, monkeypatch, out):
    import dse_repro.tools.embedding_measures as em

    Z, _, _ = data
    np.save(tmp_path / "Z.npy", Z)
    if out == "DIR":
        (tmp_path / "d.csv").mkdir()
        out = str(tmp_path / "d.csv")
    monkeypatch.setattr(em, "measure_rows", lambda *a, **k: pytest.fail("computed first"))
    assert main(["measure", str(tmp_path / "Z.npy"), "--out", out]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "Traceback" not in err


def test_an_undefined_measure_is_skipped_with_a_note(tmp_path, capsys):
    """alpha-ReQ needs 3 non-zero eigenvalues: on rank-2 data it is left out, named, and the
    other measures are still computed."""
    Z = np.random.default_rng(0).normal(size=(100, 2)) @ np.eye(2, 5)
    np.save(tmp_path / "Z.npy", Z)
    assert main(["measure", str(tmp_path / "Z.npy"), "--out", str(tmp_path / "m.csv")]) == 0
    captured = capsys.readouterr()
    assert "alpha_req: not computed" in captured.err
    assert set(pd.read_csv(tmp_path / "m.csv")["measure"]) == {"DSE_Z", "rankme"}
