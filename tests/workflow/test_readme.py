"""Every code block of the README runs as written, and the values it shows are what it gives.

* ``python`` blocks run in a temporary folder; a line ``expr  # -> value`` is checked against
  ``value`` (to half a unit of its last digit; ``~value``: within 0.05), and lines under a
  ``# prints:`` comment are the output the block prints (to 2e-3);
* ``bash`` blocks: every ``snakemake`` line runs as a dry run (``-n`` right after
  ``snakemake``: ``--config`` takes the words after it) in the smoke run's copy of the
  repository -- a ``--report`` line runs for real, on the smoke run (the laptop report needs
  the laptop run); ``dse-repro`` lines run on generated files; the install and test lines are
  the ones ``.ci/run`` runs; placeholders ``<...>`` get a value;
* ``yaml`` blocks (an estimator entry, a measure entry) are added to the config, which must
  compose and pass its checks.
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
pytestmark = [pytest.mark.slow]


def _blocks(lang: str) -> list[str]:
    return [body for kind, body in BLOCKS if kind == lang]


def test_every_block_has_a_kind_this_module_runs():
    assert {kind for kind, _ in BLOCKS} <= {"python", "bash", "yaml"}
    assert len(_blocks("python")) >= 2 and len(_blocks("bash")) >= 3


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _close(got, shown: str) -> bool:
    loose = shown.startswith("~")
    want = _numbers(shown)
    values = np.atleast_1d(np.asarray(got, dtype=float)).ravel()
    if len(values) != len(want):
        return False
    digits = [len(w.split(".")[1]) if "." in w else 0
              for w in re.findall(r"-?\d+(?:\.\d+)?", shown.lstrip("~"))]
    return all(abs(v - w) <= (0.05 if loose else 0.5 * 10.0 ** -d + 1e-9)
               for v, w, d in zip(values, want, digits))


def _checked_source(block: str) -> tuple[str, list[str]]:
    """The block with each ``expr  # -> value`` line turned into a check, and the lines after
    ``# prints:`` (its expected output)."""
    lines, expected, printing = [], [], False
    for line in block.splitlines():
        if line.strip() == "# prints:":
            printing = True
            continue
        if printing and line.startswith("# "):
            expected.append(line[2:])
            continue
        m = re.match(r"^(\S.*?)\s+# -> (~?[-\d.e\[\], ]+?)(?:\s\s.*)?$", line)
        if m and not line.startswith((" ", "\t")):
            ast.parse(m.group(1))  # an expression
            lines.append(f"_check({m.group(1)}, {m.group(2).strip()!r}, {m.group(1)!r})")
        else:
            lines.append(line)
    return "\n".join(lines), expected


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_blocks_give_what_they_show(index, tmp_path, monkeypatch):
    source, expected = _checked_source(_blocks("python")[index])
    monkeypatch.chdir(tmp_path)
    wrong = []

    def _check(value, shown, expr):
        if not _close(value, shown):
            wrong.append(f"{expr} gives {value}, the README shows {shown}")

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, f"README python block {index}", "exec"), {"_check": _check})
    assert not wrong, wrong
    printed = out.getvalue().splitlines()
    if expected:
        assert len(printed) == len(expected), printed
        for got, want in zip(printed, expected):
            g, w = _numbers(got), _numbers(want)
            assert len(g) == len(w) and np.allclose(g, w, atol=2e-3), (got, want)


def _bash_lines() -> list[str]:
    """The README's shell commands: continuation lines joined, comments dropped, in order,
    each once."""
    out = []
    for block in _blocks("bash"):
        for cmd in block.replace("\\\n", " ").splitlines():
            cmd = cmd.split("  #")[0].strip()
            for part in cmd.split(" && "):
                if part and part not in out:
                    out.append(part.strip())
    return out


def test_install_and_test_lines_are_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    lines = _bash_lines()
    assert "pip install -e '.[test]'" in lines and "python -m pytest" in lines
    assert "pip install -q -e '.[test]'" in ci and "\npython -m pytest\n" in ci


def _snakemake_args(line: str) -> list[str]:
    args = shlex.split(re.sub(r"<[^>]+>", "x", line))[1:]
    if "--report" in args:
        if "--config" not in args:  # the laptop report: the same command on the smoke run
            args += ["--config", "scale=smoke"]
        return args
    return ["-n", *args]


@pytest.mark.pipeline
@pytest.mark.parametrize("line", [x for x in _bash_lines() if x.startswith("snakemake")])
def test_snakemake_lines_run(line, workdir, tmp_path):
    args = _snakemake_args(line)
    if "--report" in args:
        args[args.index("--report") + 1] = str(tmp_path / "report.html")
    proc = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workdir,
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(workdir)})
    assert proc.returncode == 0, (line, proc.stdout[-2000:], proc.stderr[-3000:])
    if "--report" in args:
        assert (tmp_path / "report.html").stat().st_size > 10_000


def test_dse_repro_lines_run(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "Z.npy", rng.normal(size=(200, 16)))
    np.save(tmp_path / "y.npy", rng.integers(0, 4, 200))
    np.savez(tmp_path / "X.npz", images=rng.normal(size=(200, 8, 8)))
    lines = [x for x in _bash_lines() if x.startswith("dse-repro")]
    assert lines
    for line in lines:
        proc = subprocess.run([sys.executable, "-m", "dse_repro.tools.cli", *shlex.split(line)[1:]],
                              cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (line, proc.stderr[-2000:])
        assert "DSE_Z" in proc.stdout
    assert (tmp_path / "measures.csv").is_file()


def test_yaml_blocks_compose_into_the_config():
    from omegaconf import OmegaConf

    from dse_repro.plots.names import figure_settings
    from dse_repro.studies.registry import compose_config

    blocks = _blocks("yaml")
    assert len(blocks) == 3
    estimator, measure, figure_lines = (yaml.safe_load(b) for b in blocks)
    (name, entry), = estimator.items()
    cfg = compose_config("smoke", [f"+studies.mi_compare.estimators.{name}="
                                   f"{_override(entry)}"])
    assert OmegaConf.select(cfg, f"studies.mi_compare.estimators.{name}.label") == entry["label"]
    (name, entry), = measure.items()
    cfg = compose_config("smoke", [f"+measures.{name}={_override(entry)}"])
    assert OmegaConf.select(cfg, f"measures.{name}.unit") == entry["unit"]
    for fig, settings in figure_lines.items():  # conf/figures.yaml lines: valid settings
        plot = importlib.import_module(f"dse_repro.plots.{fig}").plot
        assert figure_settings(fig, plot, figure_lines) == settings


def _override(value) -> str:
    """A YAML value as a Hydra override value (one line; strings quoted, since a label such as
    ``$S_D(Z)$`` is not a bare word of Hydra's override grammar)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_override(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_override(v) for v in value) + "]"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return str(value)
