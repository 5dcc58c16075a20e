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


def test_every_test_file_the_docs_name_exists():
    """Paths of test files named in the README, the configs, the CI script and the code exist
    (they went stale when tests moved)."""
    import re

    sources = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "environment.yml",
               ROOT / ".ci" / "run", ROOT / "Snakefile", *ROOT.glob("rules/*.smk"),
               *ROOT.glob("benchmarks/*.md"), *(ROOT / "dse_repro").rglob("*.py"),
               *(ROOT / "tests").rglob("*.py")]
    named = {m for path in sources
             for m in re.findall(r"tests/[A-Za-z0-9_/]+\.py", path.read_text())}
    assert named and not [p for p in named if not (ROOT / p).is_file()]
