"""Helpers shared by the tests that run the real workflow (pipeline, SLURM)."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def result_hashes(root: Path) -> dict[str, str]:
    """sha256 of every smoke results table and kept embeddings file under ``root`` (wall-time
    tables and the claims table, which holds timings, excluded: they differ between runs by
    nature)."""
    results = root / "results" / "smoke"
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted([*results.rglob("*.csv"), *results.rglob("*.npz")])
            if "timings" not in p.name and p.name != "claims.csv"}


def copy_repository(dst: Path) -> Path:
    """A copy of the tracked (and untracked, not ignored) files of the repository, as a clean
    clone would have them, without generated results and figures."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for f in files:
        src = ROOT / f
        if src.is_file() and not f.startswith(("results/", "figures/")):
            (dst / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / f)
    return dst
