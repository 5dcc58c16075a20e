"""The code reads one way: ruff (pyproject.toml's [tool.ruff]: pycodestyle, pyflakes, import
order, bugbear, pyupgrade; lines up to 100 characters) and snakefmt (the Snakefile and the
rule files) find nothing to change."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("cmd", [["ruff", "check", "."],
                                 ["snakefmt", "--check", "Snakefile", "rules"]],
                         ids=["ruff", "snakefmt"])
def test_lint_is_clean(cmd):
    if shutil.which(cmd[0]) is None:
        pytest.fail(f"{cmd[0]} is not installed: pip install -e '.[test]'")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
