"""``benchmarks/gpu_check.py``, the one prepared script for a session lent a GPU (issue 28,
item 5), runs end to end on the CPU at toy sizes: such a session spends its minutes measuring,
not mending the script."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from dse_repro.studies.registry import compose_config

ROOT = Path(__file__).resolve().parents[1]


def test_gpu_check_runs_on_the_cpu_at_toy_sizes():
    cmd = [sys.executable, str(ROOT / "benchmarks" / "gpu_check.py"), "--device", "cpu",
           "--sizes", "200", "--cpu-max", "200", "--train-images", "32", "--val-images", "120",
           "--model", "resnet10t", "--img-size", "32"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=ROOT,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert re.search(r"^doctor exit code: [01]$", out, re.M), out  # 1: no paper data here
    assert "scale=paper:" in out
    parity = re.search(r"^n=200 cpu dse: [\d.]+ bits in [\d.]+ s; dsmi: [\d.]+ bits in [\d.]+ s; "
                       r"max \|cpu - cpu\|: (\S+) bits \(within 1e-6\)$", out, re.M)
    assert parity and float(parity.group(1)) <= 1e-6, out
    assert re.search(r"^training resnet10t 32 px on cpu: 32 images in [\d.]+ s", out, re.M), out
    measures = re.search(r"^measures \((\d+)\) on 120 validation embeddings: [\d.]+ s per epoch",
                         out, re.M)
    paper = compose_config("paper").studies.training.train.measures
    assert measures and int(measures.group(1)) == len(paper), out
