"""The study registry: every registered study has its conf file, job rules (made by the rule loop
of rules/jobs.smk), a plot and a caption per figure; nothing exists that is not registered; each
spec is consistent with its config at every scale. Parametrized over the registry, so a new
study is tested without a new test."""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import pytest

from dse_repro.pipeline.config import SCALES, conf_dir
from dse_repro.studies.registry import (
    compose_config,
    figure_key,
    figures,
    job_dirs,
    job_resources,
    specs,
    study,
    tables,
)
from dse_repro.studies.spec import JobKind, StudySpec
from dse_repro.workflow import JOB_SHELL, job_arguments, job_params, job_rules

ROOT = conf_dir().parent
STUDIES = list(specs())
FIGURES = list(figures())
#: The rule files: none belongs to one study.
RULE_FILES = {"common", "jobs", "summaries", "figures", "report"}


def _rules_in(path) -> list[str]:
    return re.findall(r"^rule (\w+):", path.read_text(), flags=re.M)


def test_registry_finds_the_studies():
    assert STUDIES == ["fig2", "fig3a", "fig3b", "mi_compare", "training", "sigma_init",
                       "model_zoo", "mi_groundtruth", "kernel_width"]


@pytest.mark.parametrize("name", STUDIES)
def test_study_has_conf_rules_plots_and_captions(name):
    s = study(name)
    assert (ROOT / "conf" / "study" / f"{name}.yaml").is_file()
    assert [k for _, n, k in job_rules() if n == name] == list(s.kinds)
    summaries = _rules_in(ROOT / "rules" / "summaries.smk")
    assert set(s.summaries) <= set(summaries)
    module = importlib.import_module(f"dse_repro.studies.{name}")
    assert callable(module.main) and callable(module.run)
    for fig in (*s.figures, *s.timing_figures):
        plot = importlib.import_module(f"dse_repro.plots.{fig}")
        assert callable(plot.plot), fig
        caption = ROOT / "report" / "captions" / f"{fig}.rst"
        assert caption.is_file() and caption.read_text().strip(), fig


def test_nothing_unregistered_exists():
    assert {p.stem for p in (ROOT / "conf" / "study").glob("*.yaml")} == set(STUDIES)
    assert {p.stem for p in (ROOT / "rules").glob("*.smk")} == RULE_FILES
    plots = {p.stem for p in (ROOT / "dse_repro" / "plots").glob("fig*.py")}
    assert plots == set(FIGURES)
    assert {p.stem for p in (ROOT / "report" / "captions").glob("*.rst")} == set(FIGURES)
    # No study's job rule is written by hand: the loop of rules/jobs.smk makes them all.
    written = {r for f in RULE_FILES for r in _rules_in(ROOT / "rules" / f"{f}.smk")}
    assert written <= {"collect", "stale_collect", "plot", "claims"} | {
        t for s in specs().values() for t in s.summaries}
    assert not written & {r for r, _, _ in job_rules()}
    # Every claim is about a registered figure (its results table comes from the registry).
    from dse_repro.claims import CLAIMS

    assert {c.figure for c in CLAIMS} <= set(FIGURES)
    assert {c.table for c in CLAIMS} <= set(tables())


def test_figures_in_natural_order():
    assert FIGURES == ["fig2", "fig3a", "fig3b", "fig4", "fig5", "fig6", "fig7", "fig8",
                       "fig9", "fig10", "figS1", "figS2"]
    assert sorted(["figS1", "fig10", "fig2"], key=figure_key) == ["fig2", "fig10", "figS1"]


CASES = [(n, sc) for n in STUDIES for sc in SCALES]


@pytest.mark.parametrize("name,scale", CASES, ids=[f"{n}-{sc}" for n, sc in CASES])
def test_slices_match_the_spec_and_the_config(name, scale):
    s = study(name)
    cfg = compose_config(scale)
    # The job's slice keys are mounted next to the study's settings, all null (= whole grid).
    assert dict(cfg.studies[name].job) == dict.fromkeys(s.job_keys)
    slices = s.slices(cfg)
    dirs = job_dirs(cfg, name)
    assert slices and len(set(dirs)) == len(dirs)
    for kind, values in slices:
        k = s.kinds[kind]
        assert set(values) == set(k.fields)
        for field, value in values.items():
            assert re.fullmatch(k.constraints[field], value), (kind, field, value)
    kind, values = slices[0]
    res = job_resources(cfg, name, kind, values)
    assert res["threads"] >= 1 and res["mem_mb"] > 0 and res["runtime"] > 0


@pytest.mark.parametrize("name", STUDIES)
def test_job_arguments_set_every_slice_key(name):
    s = study(name)
    for kind, k in s.kinds.items():
        args = job_arguments(name, kind)
        for field in k.fields:
            assert f"studies.{name}.job.{field}={{wildcards.{field}}}" in args
        for key, value in k.fixed.items():
            assert f"studies.{name}.job.{key}={value}" in args
        assert ("timings_out={output.timings}" in args) == k.timings
        assert "hydra.run.dir=results/{wildcards.scale}/" + name in args


def test_job_params_fill_in_the_job():
    """The rule loop's shell line is one template; each rule's params name its study and fill
    in its job (evaluated when the rule is defined, so the loop's last study cannot leak in)."""
    class W(dict):
        __getattr__ = dict.__getitem__

    p = job_params("fig3b", "job")
    assert p["study"] == "fig3b" and "{params.study}" in JOB_SHELL
    args = p["arguments"](W(scale="smoke", branches="2"),
                          W(results="r/results.csv", timings="r/timings.csv"))
    assert args == ("scale=smoke studies.fig3b.job.branches=2 out=r/results.csv "
                    "hydra.run.dir=results/smoke/fig3b/k2")
    train = job_params("training", "job")["arguments"]
    outputs = W(results="r.csv", timings="t.csv", embeddings="e.npz")
    args = train(W(scale="smoke", dataset="digits", model="m", method="supervised", seed="0"),
                 outputs)
    assert "timings_out=t.csv embeddings_out=e.npz" in args
    assert args.endswith(" keep_embeddings=false")  # no kernel-width job reads model m
    # the run a kernel-width job reads keeps its embeddings; that job is given their path
    kept = W(scale="smoke", dataset="digits", model="resnet10t", method="supervised", seed="0")
    assert train(kept, outputs).endswith(" keep_embeddings=true")
    sweep = job_params("kernel_width", "job")["arguments"](
        W(scale="smoke", dataset="digits", model="resnet10t", seed="0"), W(results="k.csv"))
    assert sweep.endswith(" embeddings_in=results/smoke/training/digits/resnet10t/supervised/"
                          "s0/embeddings.npz")
    # the declared columns are a param: results of an older layout are made again
    assert p["columns"].startswith("branches:int noise:float") and "sigma:float?" in p["columns"]


@dataclass
class _Settings:
    name: str


def test_spec_rejects_inconsistent_declarations():
    kw = dict(name="x", settings=_Settings, slices=lambda cfg: [], figures=("figX1",),
              columns={"value": "float"})
    with pytest.raises(ValueError, match="not in job_keys"):
        StudySpec(job_keys=("a",), kinds={"job": JobKind("{b}", {"b": ".*"})}, **kw)
    with pytest.raises(ValueError, match="constraints"):
        StudySpec(job_keys=("a",), kinds={"job": JobKind("{a}", {})}, **kw)
    with pytest.raises(TypeError, match="settings must be a dataclass"):
        StudySpec(**{**kw, "settings": dict}, job_keys=(), kinds={})


def test_tables_and_columns():
    t = tables()
    assert set(t) == set(STUDIES) | {"mi_compare_timings", "training_timings"}
    assert list(t["mi_compare_timings"][1])[-1] == "seconds"
    with pytest.raises(ValueError, match="kind"):
        StudySpec(name="x", settings=_Settings, job_keys=(), kinds={}, slices=lambda cfg: [],
                  figures=("figX1",), columns={"value": "double"})


def test_the_registry_and_a_toy_study_do_not_import_torch_scipy_stats_or_timm():
    """Every job imports the registry (and through it every study module): torch, timm and
    scipy.stats (3-10 s of imports each on the 2-core CI machine) must wait for the jobs that
    use them, or every one of the smoke DAG's 59 toy jobs (of 99) pays for them."""
    import subprocess
    import sys

    code = ("import sys, dse_repro.studies.fig2, dse_repro.workflow as w, "
            "dse_repro.studies.registry as r; r.specs(); w.job_rules(); "
            "print(sorted(m for m in ('torch', 'timm', 'torchvision', 'scipy.stats') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]", f"imported by the registry / a toy study: {out}"
