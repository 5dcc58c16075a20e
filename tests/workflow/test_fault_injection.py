"""Fault injection at smoke scale, as an adversarial tester would: kill -9 a training job after
its first checkpoint and resume (identical results), kill a write midway (old output intact, no
temp left after the next write), change a setting after a finished run (new results), corrupt
a results CSV (a clear error), an ``out=`` that cannot be written (fails before computing),
damage a real job file a whole line at a time (refused by collect), delete a job's output
after the DAG finished (rebuilt, to the same bytes)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]
JOB = ["studies.training.job.dataset=digits", "studies.training.job.model=resnet10t",
       "studies.training.job.method=supervised", "studies.training.job.seed=0",
       "studies.training.train.epochs=4"]


def _training(out: Path, *extra: str, wait: bool = True) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "dse_repro.studies.training", "scale=smoke", *JOB, *extra,
           f"out={out}", f"timings_out={out.parent / 'timings.csv'}",
           f"hydra.run.dir={out.parent}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if wait:
        log = proc.communicate(timeout=600)[0]
        assert proc.returncode == 0, log[-3000:]
        proc.log = log
    return proc


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full") / "results.csv"
    _training(out)
    return out


def test_kill_9_after_first_checkpoint_then_resume_is_identical(tmp_path, uninterrupted):
    out = tmp_path / "results.csv"
    ckpt = tmp_path / "checkpoint.pt"
    proc = _training(out, wait=False)
    deadline = time.time() + 300
    while not ckpt.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the job ended before it could be killed"
    assert ckpt.exists() and not out.exists()
    resumed = _training(out)
    assert "resuming from" in resumed.log
    assert out.read_bytes() == uninterrupted.read_bytes()
    assert not ckpt.exists()  # removed once the results were written (keep_checkpoint=false)


def test_changed_setting_after_a_finished_run_gives_new_results(tmp_path, uninterrupted):
    out = tmp_path / "results.csv"
    _training(out, "keep_checkpoint=true")
    assert out.read_bytes() == uninterrupted.read_bytes()
    again = _training(out, "keep_checkpoint=true")  # nothing changed: restored, not retrained
    assert "resuming from" in again.log and "epoch 1:" not in again.log
    assert out.read_bytes() == uninterrupted.read_bytes()
    changed = _training(out, "studies.training.train.lr=0.5")
    assert "starting this run from scratch" in changed.log and "settings.lr" in changed.log
    fresh = tmp_path / "fresh" / "results.csv"
    _training(fresh, "studies.training.train.lr=0.5")
    assert out.read_bytes() == fresh.read_bytes() != uninterrupted.read_bytes()


def test_kill_9_during_a_write_keeps_the_old_file_and_the_next_write_cleans_up(tmp_path):
    out = tmp_path / "fig2.csv"
    out.write_text("old\n")
    code = ("import os, signal; from dse_repro.pipeline.io import atomic_write\n"
            "def w(tmp):\n"
            "    tmp.write_text('half')\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            f"atomic_write({str(out)!r}, w)\n")
    proc = subprocess.run([sys.executable, "-c", code], timeout=120)
    assert proc.returncode == -signal.SIGKILL
    left = [p.name for p in tmp_path.iterdir() if p.name != "fig2.csv"]
    assert out.read_text() == "old\n" and len(left) == 1 and left[0].endswith(".tmp")
    from dse_repro.pipeline.io import write_text

    write_text(out, "new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig2.csv"]


def test_corrupt_results_stop_collect_with_a_clear_error(tmp_path, uninterrupted):
    bad = tmp_path / "results.csv"
    bad.write_text(uninterrupted.read_text()[:-7])  # the last line cut short
    proc = subprocess.run([sys.executable, "-m", "dse_repro.workflow.collect", "--table",
                           "training", "--out", str(tmp_path / "training.csv"), str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and f"{bad}: the last line is incomplete" in proc.stderr
    assert not (tmp_path / "training.csv").exists()
    assert os.listdir(tmp_path) == ["results.csv"]


def test_unwritable_out_fails_before_training(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dse_repro.studies.training", "scale=smoke",
                           *JOB, "out=/proc/x.csv", f"hydra.run.dir={tmp_path}"],
                          capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "out=/proc/x.csv cannot be written" in log
    assert "epoch 1:" not in log


def test_job_log_is_for_humans(tmp_path):
    """A training job's console: a batch bar per epoch, one readable line per epoch, and each
    warning text once (the paper's sigma = 10 is far above an untrained ResNet's scale: said
    once, not by every measure at every epoch); no warning from the project's own loop."""
    log = _training(tmp_path / "results.csv", "progress=true").log
    assert "epoch 1/4:" in log and "batch" in log  # tqdm over the batches
    # one summary line per epoch ("epoch 2: loss ..."; the batch bar's own lines read
    # "epoch 2/4: ... loss=...", as many as a slow machine refreshes it)
    assert [ln.split(":")[0] for ln in log.splitlines()
            if re.match(r"epoch \d+: loss ", ln)] == [f"epoch {e}" for e in (1, 2, 3, 4)]
    assert log.count("DegenerateSigmaWarning") == 1
    assert "requires_grad" not in log and "EpochMetrics(" not in log
    assert "sigma='median' ->" not in log  # the chosen widths are DEBUG, not per-epoch noise
    assert "hydra/_internal" not in log and "target_policy" not in log  # no library's line


def test_a_warning_raised_through_a_library_is_logged_without_its_line():
    """A warning whose location is a library frame (hydra's instantiate calling our measure)
    is logged as "Category: message", each once; one from dse_repro keeps its file:line."""
    import io
    import logging
    import warnings

    from dse_repro.studies._runner import _PACKAGE_DIR, _once_each

    buf, logger = io.StringIO(), logging.getLogger("test.py.warnings")
    logger.addHandler(logging.StreamHandler(buf))
    _once_each(logger)
    for _ in range(2):
        for path, text in (("/site-packages/hydra/_internal/instantiate/_instantiate2.py", "a"),
                           (f"{_PACKAGE_DIR}/measures/bandwidth.py", "b")):
            logger.warning("%s", warnings.formatwarning(text, UserWarning, path, 12))
    assert [ln for ln in buf.getvalue().splitlines() if ln[:1].strip()] == [
        "UserWarning: a", f"{_PACKAGE_DIR}/measures/bandwidth.py:12: UserWarning: b"]


@pytest.mark.parametrize("damage", ["cut", "pasted", "edited", "other_slice"])
def test_whole_line_damage_to_a_real_job_file_stops_collect(tmp_path, damage):
    """A real fig3b job file damaged a whole line at a time -- cut at a line boundary
    (``head -20``), a line pasted twice, a value edited, a row's slice changed -- used to pass
    collect and flip claims; now the seal its job wrote (or the slice check) refuses it."""
    from dse_repro.pipeline.results import ResultsError
    from dse_repro.workflow.collect import collect

    out = tmp_path / "results" / "smoke" / "fig3b" / "k2" / "results.csv"
    cmd = [sys.executable, "-m", "dse_repro.studies.fig3b", "scale=smoke",
           "studies.fig3b.job.branches=2", f"out={out}", f"hydra.run.dir={out.parent}"]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    assert (out.parent / "results.csv.sha256").is_file()
    collect([str(out)], str(tmp_path / "ok.csv"), "fig3b")  # as written: accepted
    lines = out.read_text().splitlines(keepends=True)
    if damage == "cut":
        lines = lines[:20]
    elif damage == "pasted":
        lines = lines + [lines[5]]
    elif damage == "edited":
        lines[3] = lines[3].replace(lines[3].split(",")[-1], "0.5\n")
    else:
        lines[3] = lines[3].replace("fig3b,smoke,2,", "fig3b,smoke,5,")
    out.write_text("".join(lines))
    with pytest.raises(ResultsError, match="not the file its job wrote"):
        collect([str(out)], str(tmp_path / "bad.csv"), "fig3b")
    if damage == "other_slice":  # without the seal the slice check still refuses it
        (out.parent / "results.csv.sha256").unlink()
        with pytest.raises(ResultsError, match="branches = 2"):
            collect([str(out)], str(tmp_path / "bad.csv"), "fig3b")
    assert not (tmp_path / "bad.csv").exists()


def test_a_lost_job_output_is_rebuilt(workdir):
    """Snakemake does not rebuild a deleted intermediate file whose consumers look up to date;
    the collect rule notices that its table was collected from a file that is gone, and the
    job, the table and what reads it run again, to the same bytes."""
    lost = workdir / "results" / "smoke" / "fig3b" / "k2" / "results.csv"
    before = lost.read_bytes()
    table = (workdir / "results" / "smoke" / "fig3b.csv").read_bytes()
    lost.unlink()
    cmd = [sys.executable, "-m", "snakemake", "results/smoke/claims.csv", "--cores", "2",
           "--config", "scale=smoke"]  # the target before --config, which takes what follows
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "rule fig3b:" in proc.stdout + proc.stderr
    assert lost.read_bytes() == before
    assert (workdir / "results" / "smoke" / "fig3b.csv").read_bytes() == table
    again = subprocess.run([*cmd, "-n"], cwd=workdir, capture_output=True, text=True,
                           timeout=600)  # and the run after that has nothing to do
    assert "Nothing to be done" in again.stdout + again.stderr, again.stdout[-3000:]
