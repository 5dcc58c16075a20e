"""The one atomic writer: no half-written file, no temp left behind, stale temps of a killed
earlier write cleared, and an output that cannot be written caught before any compute."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from dse_repro.pipeline.io import atomic_write, check_writable, remove_stale_temps, write_text


def test_failed_write_keeps_old_content_and_leaves_no_temp(tmp_path):
    out = tmp_path / "a.txt"
    write_text(out, "old")

    def boom(tmp):
        tmp.write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(out, boom)
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_stale_temps_of_a_killed_write_are_removed(tmp_path):
    out = tmp_path / "r.csv"
    stale = [tmp_path / ".r.csv.abc123.tmp", tmp_path / ".r.csv.tmp-4242", tmp_path / "r.csv.tmp"]
    for p in stale:
        p.write_text("partial")
    other = tmp_path / ".other.csv.x.tmp"
    other.write_text("not ours")
    write_text(out, "x\n")
    assert all(not p.exists() for p in stale) and other.exists()
    assert remove_stale_temps(tmp_path / "missing" / "r.csv") == []


def test_unwritable_output_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"out=/proc/x.csv cannot be written"):
        check_writable("/proc/x.csv")
    (tmp_path / "d").mkdir()
    with pytest.raises(ValueError, match="is a directory"):
        check_writable(tmp_path / "d", "timings_out")


def test_job_with_unwritable_out_fails_before_computing(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dse_repro.studies.training", "scale=smoke",
                           "out=/proc/x.csv"], capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "out=/proc/x.csv cannot be written" in out
    assert "epoch 1" not in out  # nothing was trained


def test_write_tidy_floats_are_reproducible(tmp_path):
    from dse_repro.pipeline.io import write_tidy

    df = pd.DataFrame({"v": [0.1 + 0.2]})
    write_tidy(df, tmp_path / "a.csv")
    write_tidy(df, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
