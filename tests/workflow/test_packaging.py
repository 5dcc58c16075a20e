"""pyproject.toml and environment.yml list the same packages; the library stays standalone."""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# conda-forge names that differ from PyPI names.
CONDA_TO_PYPI = {"pytorch": "torch"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    specs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_name(s): s.replace(" ", "")[len(_name(s)):] for s in specs}


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for spec in items:
            if spec.startswith("-e") or _name(spec) in ("python", "pip"):
                continue
            name = CONDA_TO_PYPI.get(_name(spec), _name(spec))
            out[name] = spec.replace(" ", "")[len(_name(spec)):]
    return out


def test_same_packages_and_versions():
    assert _environment() == _pyproject()


def test_torch_range_admits_local_wheels():
    # The machines we build on carry torch 2.14.1 / torchvision 0.29.1; a pin excluding them
    # pulls a CPU wheel with which torchvision cannot import.
    from packaging.specifiers import SpecifierSet

    deps = _pyproject()
    assert "2.14.1" in SpecifierSet(deps["torch"])
    assert "0.29.1" in SpecifierSet(deps["torchvision"])


def test_measures_imports_nothing_from_the_pipeline():
    for path in (ROOT / "dse_repro" / "measures").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                assert not node.module.startswith("dse_repro") or node.module.startswith(
                    "dse_repro.measures"), f"{path.name} imports {node.module}"
            if isinstance(node, ast.ImportFrom) and node.level > 1:
                raise AssertionError(f"{path.name} imports from outside measures")
