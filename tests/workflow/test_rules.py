"""The rule files: thin, built from dse_repro.workflow, no resources written in them, each
self-contained, and ``snakemake --lint`` leaves only the deliberate conda/container lint that
the README names."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((ROOT / "rules").glob("*.smk"))
HELPERS = re.compile(r"\b(conf_inputs|job_\w+|study_resources|study_job_outputs|collected|"
                     r"figures|figure_\w+|all_targets|study_names|claims_conf_inputs)\(")
CONDA_LINT = "Specify a conda environment or container for each rule."


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_rule_file_is_self_contained_and_thin(path):
    text = path.read_text()
    imported = set()
    for block in re.findall(r"^from dse_repro\.\w+ import (\([^)]*\)|[^\n]*)", text, re.M):
        imported |= {n.strip() for n in block.strip("()").replace("\n", " ").split(",")
                     if n.strip()}
    used = set(HELPERS.findall(text))
    assert used <= imported, f"{path.name} uses {used - imported} without importing them"
    assert not re.search(r"^def ", text, re.M), "functions belong in dse_repro.workflow"
    assert not re.search(r"\b(mem_mb|runtime|gpu)\s*=\s*\d", text), "resources come from conf"


def test_lint_leaves_only_the_conda_lint():
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    lints = re.findall(r"^\s+\* (.+?):?$", out, re.M)
    assert lints and set(lints) == {CONDA_LINT}, out[-3000:]
    assert "Mixed rules and functions" not in out
    readme = (ROOT / "README.md").read_text()
    assert CONDA_LINT in readme


def test_rules_import_only_the_workflow_api():
    """Every name the Snakefile and the rule files import from dse_repro.workflow is in its
    ``__all__`` (the API the rules stand on), and exists."""
    import ast
    from pathlib import Path

    import dse_repro.workflow as workflow

    root = Path(__file__).resolve().parents[2]
    used = set()
    for path in [root / "Snakefile", *sorted((root / "rules").glob("*.smk"))]:
        for line_no, line in enumerate(path.read_text().splitlines()):
            if line.startswith("from dse_repro.workflow import"):
                text = "\n".join(path.read_text().splitlines()[line_no:line_no + 15])
                stmt = text[: text.index(")") + 1] if "(" in text.split("\n")[0] else \
                    text.split("\n")[0]
                used |= {a.name for a in ast.parse(stmt).body[0].names}
    assert used and used <= set(workflow.__all__), sorted(used - set(workflow.__all__))
    assert all(hasattr(workflow, name) for name in workflow.__all__)
