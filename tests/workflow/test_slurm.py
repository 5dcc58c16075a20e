"""profiles/slurm on a real SLURM: a representative part of the smoke DAG (toy jobs, a
training job, and the local collect and plot rules) run through the profile gives the same result
files as a local run.

Needs a running SLURM whose config is /etc/slurm/slurm.conf (``scripts/local_slurm.sh up``,
done by ``.ci/run``). In CI (``CI`` set) a missing SLURM fails the test with the reason; on a
workstation without SLURM the test is skipped with the reason.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _repo import ROOT, copy_repository, result_hashes

pytestmark = [pytest.mark.slurm, pytest.mark.slow]
TARGETS = ["figures/smoke/fig2.pdf",
           "results/smoke/training/digits/resnet10t/supervised/s0/results.csv"]
# Accounting is off on the local cluster: poll with squeue, no account, quick first check.
LOCAL_CLUSTER = ["--slurm-status-command", "squeue", "--slurm-no-account",
                 "--slurm-init-seconds-before-status-checks", "2"]


def _slurm_problem() -> str | None:
    if not shutil.which("sinfo"):
        return "sinfo not found: SLURM is not installed (scripts/local_slurm.sh up installs it)"
    proc = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        up_log = ROOT / "logs" / "local_slurm_up.log"
        extra = up_log.read_text()[-2000:] if up_log.is_file() else ""
        return f"SLURM is not running (sinfo: {proc.stderr.strip()[:500]}). {extra}"
    if not any(s in proc.stdout for s in ("idle", "mixed", "allocated")):
        return f"the SLURM node is not usable: {proc.stdout.strip()}"
    return None


@pytest.fixture(scope="module")
def slurm():
    problem = _slurm_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"SLURM test cannot run: {problem}")
        pytest.skip(problem)


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "snakemake", "--config", "scale=smoke", *args, "--", *TARGETS]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, (f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n"
                                  f"{proc.stderr[-5000:]}")
    return proc


def test_profile_runs_on_real_slurm_with_local_results(slurm, tmp_path):
    on_slurm = copy_repository(tmp_path / "slurm")
    local = copy_repository(tmp_path / "local")
    proc = _run(on_slurm, "--profile", "profiles/slurm", *LOCAL_CLUSTER)
    log = proc.stdout + proc.stderr
    # Every compute job went through sbatch (2 toy jobs, 1 training job); collect and plot are
    # local rules, run by Snakemake itself (seconds each, no queue wait).
    assert log.count("has been submitted with SLURM jobid") == 3
    assert "5 of 5 steps (100%) done" in log
    _run(local, "--cores", "2")
    assert (on_slurm / "figures/smoke/fig2.pdf").read_bytes() == \
        (local / "figures/smoke/fig2.pdf").read_bytes()
    slurm_hashes, local_hashes = result_hashes(on_slurm), result_hashes(local)
    # 2 toy jobs, their collected table, 1 training job's results and its embeddings file
    assert len(slurm_hashes) == 5
    assert slurm_hashes == local_hashes
