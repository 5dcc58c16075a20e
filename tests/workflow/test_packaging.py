"""pyproject.toml and environment.yml list the same packages; the library stays standalone."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib
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


@pytest.mark.slow
def test_installed_wheel_runs_measure_and_says_doctor_needs_the_checkout(tmp_path):
    """From a wheel installed outside the checkout (its dependencies from this environment):
    ``dse-repro measure`` works; ``doctor``, which reads conf/, says in one line that it needs
    the checkout and exits 2."""
    wheel_dir, site = tmp_path / "wheel", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(wheel_dir), str(ROOT)], check=True,
                   capture_output=True, timeout=600)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(site), *map(str, wheel_dir.glob("*.whl"))], check=True,
                   capture_output=True, timeout=600)
    np.save(tmp_path / "Z.npy", np.random.default_rng(0).normal(size=(100, 4)))
    env = {**os.environ, "PYTHONPATH": str(site)}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dse_repro.tools.cli", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import dse_repro; print(dse_repro.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    assert where.startswith(str(site)), where
    measured = cli("measure", "Z.npy")
    assert measured.returncode == 0 and "DSE_Z" in measured.stdout, measured.stderr
    doctor = cli("doctor")
    assert doctor.returncode == 2 and "Traceback" not in doctor.stderr
    assert doctor.stderr.count("\n") == 1 and "from its checkout" in doctor.stderr


def test_every_error_class_has_the_common_base():
    """Each ``*Error`` class dse_repro defines (outside the standalone library, which raises
    built-ins) derives from ``DseReproError``, so one ``except`` catches them all."""
    import importlib

    from dse_repro.errors import DseReproError

    found = []
    for path in (ROOT / "dse_repro").rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        if rel.parts[1] == "measures":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                module = importlib.import_module(".".join(rel.parts))
                found.append(getattr(module, node.name))
    assert len(found) >= 6, found
    assert all(issubclass(cls, DseReproError) for cls in found), found


def _import_graph(package: Path, prefix: str) -> dict[str, set[str]]:
    """Module -> the modules of ``prefix`` it imports, at the top or inside a function."""
    mods = {}
    for path in package.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("").parts
        mods[".".join(rel[:-1] if rel[-1] == "__init__" else rel)] = path
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text())):
            found = []
            if isinstance(node, ast.ImportFrom):
                base = node.module if node.level == 0 else ".".join(
                    here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
                found = [f"{base}.{a.name}" for a in node.names] if base else []
            elif isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            for target in found:
                while target not in mods and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in mods and target != name and target.startswith(prefix):
                    edges[name].add(target)
    return edges


def test_the_library_has_no_import_cycle():
    """Within ``dse_repro.measures`` no module imports, even inside a function, a module that
    imports it back (the kernel plumbing sits in ``_kernel``, below ``diffusion``, ``dsmi`` and
    ``large_n``; ``conditional_subsets`` in ``labels``, below DSMI and Shannon MI)."""
    edges = _import_graph(ROOT / "dse_repro" / "measures", "dse_repro.measures.")

    def reaches(a: str, b: str, seen: set[str]) -> bool:
        return a == b or any(reaches(n, b, seen | {a}) for n in edges[a] - seen)

    cycles = [(a, b) for a in edges for b in edges[a] if reaches(b, a, set())]
    assert not cycles, cycles
    assert "dse_repro.measures._kernel" in edges["dse_repro.measures.dsmi"]


#: The floors of the package, lowest first: a module imports only from its own floor or the
#: floors below it, never upwards, not even inside a function.
FLOORS = (
    ("errors", "measures"),                  # the standalone library and the one error base
    ("pipeline",),                           # config, io, results schema, seeding: no study
    ("data", "models", "simulate", "train"),
    ("studies",),                            # the studies and their registry
    ("summaries",),                          # derived tables of the results
    ("plots", "claims"),                     # what reads the registry and the results
    ("workflow", "tools"),                   # the Snakefile's expansion; the user's tools
)


def _floor(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # dse_repro/__init__.py
    for i, names in enumerate(FLOORS):
        if parts[1] in names:
            return i
    raise AssertionError(f"{module} is on no floor: put it in one of the packages of FLOORS")


def test_the_package_is_built_in_floors():
    """Every module sits in a package of one floor (no loose modules at the top but the error
    base), and no import goes upwards: the pipeline is given what it needs of the studies (by
    the registry), it does not import them."""
    edges = _import_graph(ROOT / "dse_repro", "dse_repro")
    loose = sorted(m for m in edges if m.count(".") == 1 and m.split(".")[1] not in
                   {p for floor in FLOORS for p in floor})
    assert not loose, loose
    upward = sorted((a, b) for a in edges for b in edges[a] if _floor(b) > _floor(a))
    assert not upward, upward
