"""Fixtures shared by the workflow tests: the smoke DAG run once per session, in a copy of the
repository (the pipeline checks and the fault injection both read and damage it; each test
that damages it leaves it as it found it)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from _repo import copy_repository


def snakemake_smoke(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``snakemake --cores 2 --config scale=smoke <args>`` in ``cwd``; asserts it succeeded."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--config", "scale=smoke", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, (f"{' '.join(cmd)} failed:\n{proc.stdout[-4000:]}\n"
                                  f"{proc.stderr[-4000:]}")
    return proc


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    """The smoke DAG run in a copy of the repository."""
    dst = copy_repository(tmp_path_factory.mktemp("repo"))
    snakemake_smoke(dst)
    return dst
