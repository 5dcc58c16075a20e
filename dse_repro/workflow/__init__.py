"""What the Snakefile expands and how its job rules look, all derived from the study registry
(:mod:`dse_repro.studies.registry`) and the composed Hydra config -- no grid, path format or
resource number is written in ``rules/``.

``rules/jobs.smk`` makes one rule per kind of job of every registered study
(:func:`job_rules`)::

    rule:
        name: rule
        input: conf_inputs(study), unpack(job_upstream(study, kind))
        output: **job_outputs(study, kind)
        log: job_log(study, kind)
        benchmark: job_benchmark(study, kind)
        wildcard_constraints: **job_constraints(study, kind)
        threads: job_threads(study, kind)
        resources: **study_resources(study, kind)
        params: **job_params(study, kind)
        shell: JOB_SHELL

Kept in the package (not in ``rules/*.smk``) so it is importable and unit-tested.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from dse_repro.pipeline.config import SCALES
from dse_repro.studies.registry import (
    compose_config,
    embeddings_read,
    figure_study,
    figures,
    job_resources,
    keeps_embeddings,
    specs,
    study,
    table_job_outputs,
    tables,
    upstream_files,
)
from dse_repro.studies.spec import EMBEDDINGS_FILE

__all__ = ["all_targets", "claims_conf_inputs", "collect_inputs", "collected", "conf_inputs",
           "Caption", "figure_caption", "figure_inputs", "figure_labels", "figure_settings_text",
           "figure_study", "figure_table", "figures", "job_arguments", "job_benchmark",
           "job_constraints", "job_log", "job_outputs", "job_params", "job_rules", "JOB_SHELL",
           "job_threads", "job_upstream", "plot_inputs", "stale_flag", "study_job_outputs",
           "study_names", "study_resources"]


def study_names() -> list[str]:
    """Every registered study."""
    return list(specs())


def collected() -> list[str]:
    """Every collected table ``results/<scale>/<table>.csv`` (studies, then timings)."""
    return list(tables())


def figure_table(fig: str) -> str:
    """The collected table figure ``fig`` is drawn from."""
    return figures()[fig]


def figure_inputs(scale: str, fig: str) -> list[str]:
    """The collected tables figure ``fig`` is drawn from: its own, then those its study
    ``reads``."""
    own = figure_table(fig)
    return [f"results/{scale}/{t}.csv" for t in (own, *study(figure_study(fig)).reads)]


def plot_inputs(scale: str, fig: str) -> dict[str, list[str]]:
    """The plot rule's inputs: ``tables`` (:func:`figure_inputs`) and ``conf``, the measures
    registry (the display names the figures print)."""
    return {"tables": figure_inputs(scale, fig), "conf": ["conf/measures/default.yaml"]}


def figure_settings_text(fig: str) -> str:
    """Figure ``fig``'s settings in ``conf/figures.yaml`` and the display names every figure
    prints, as a JSON line: a param of its plot rule, so that editing one figure's line redraws
    that figure alone (and editing a display name, every figure)."""
    from omegaconf import OmegaConf

    path = Path("conf/figures.yaml")
    conf = OmegaConf.to_container(OmegaConf.load(path)) if path.is_file() else {}
    conf = conf or {}
    return json.dumps({"settings": conf.get(fig) or {},
                       "display_names": conf.get("display_names") or {}}, sort_keys=True)


def study_job_outputs(scale: str, table: str) -> list[str]:
    """The per-job CSVs collected into ``results/<scale>/<table>.csv``."""
    return table_job_outputs(compose_config(scale), scale, table)


def stale_flag(scale: str, table: str, n: int) -> str:
    """The ``n``-th flag file (1, 2, ...) of ``table``'s collection: made by the
    ``stale_collect`` rule each time a job output of the collected table is found missing (see
    :func:`collect_inputs`)."""
    return f"results/{scale}/.stale/{table}.{n}"


def _last_stale_flag(scale: str, table: str) -> int:
    """The number of the newest flag of ``table`` on disk (0: none)."""
    numbers = [int(p.suffix[1:]) for p in Path(f"results/{scale}/.stale").glob(f"{table}.*")
               if p.suffix[1:].isdigit()]
    return max(numbers, default=0)


def collect_inputs(scale: str, table: str) -> dict[str, list[str]]:
    """The ``collect`` rule's inputs: ``jobs`` (the per-job CSVs) and ``stale``, a flag file.

    Snakemake does not rebuild a missing intermediate file whose consumers look up to date
    ("Nothing to be done"). So when ``results/<scale>/<table>.csv`` exists while one of its job
    outputs does not (deleted, lost), ``stale`` names a new flag (one number up): the input
    set changes, so the collection runs again, and with it the missing jobs and what reads the
    table. The flag stays on disk (an empty file) and in the inputs, so the run after that
    finds the input set as recorded and has nothing to do."""
    jobs = study_job_outputs(scale, table)
    last = _last_stale_flag(scale, table)
    collected_table = Path(f"results/{scale}/{table}.csv")
    if collected_table.exists() and any(not Path(f).exists() for f in jobs):
        return {"jobs": jobs, "stale": [stale_flag(scale, table, last + 1)]}
    return {"jobs": jobs, "stale": [stale_flag(scale, table, last)] if last else []}


def all_targets(scale: str) -> list[str]:
    """Every figure (PDF and PNG), the claims table (CSV, Markdown, HTML), the findings folded
    from it (Markdown, HTML) and every study's summary tables (CSV and the HTML page the report
    shows)."""
    figs = [f"figures/{scale}/{f}.{ext}" for f in figures() for ext in ("pdf", "png")]
    summaries = [f"results/{scale}/{t}.{ext}" for s in specs().values() for t in s.summaries
                 for ext in ("csv", "html")]
    claims = [f"results/{scale}/claims.{ext}" for ext in ("csv", "md", "html")] + [
        f"results/{scale}/findings.{ext}" for ext in ("md", "html")]
    return figs + claims + summaries


def figure_labels(fig: str, fmt: str) -> dict[str, str]:
    """The report labels of figure ``fig`` in format ``fmt``: first its place in natural figure
    order, zero-padded ("01", "02", ...) -- the report sorts entries by label text, which would
    put fig10 before fig2 -- then its name and format. The report makes the format a toggle
    whose first value (in text order) is shown first: the PNG, which the browser draws, is
    "screen (PNG)" and comes before "vector (PDF)"."""
    shown = {"png": "screen (PNG)", "pdf": "vector (PDF)"}
    return {"#": f"{list(figures()).index(fig) + 1:02d}", "figure": fig,
            "format": shown.get(fmt, fmt)}


def conf_inputs(name: str) -> list[str]:
    """The config files a study's jobs depend on (editing one reruns them): the root config,
    paths, the measures registry (for studies that read it), the study's own conf and those of
    the studies it ``uses``, and the scale overlay (``{scale}`` is the rule's wildcard)."""
    s = study(name)
    measures = ["conf/measures/default.yaml"] if s.reads_measures else []
    return ["conf/config.yaml", "conf/paths/default.yaml", *measures,
            *(f"conf/study/{n}.yaml" for n in (name, *s.uses)), "conf/scale/{scale}.yaml"]


def claims_conf_inputs() -> list[str]:
    """The config files holding the claims' thresholds (``dse_repro.claims.core.SETTINGS``)."""
    from dse_repro.claims.core import SETTINGS

    studies = sorted({key.split(".")[1] for key in SETTINGS.values()
                      if key.startswith("studies.")})
    return ["conf/config.yaml", *(f"conf/study/{s}.yaml" for s in studies),
            "conf/scale/{scale}.yaml"]


def _job_dir(name: str, kind: str) -> str:
    return f"{{scale}}/{name}/{study(name).kinds[kind].pattern}"


def job_outputs(name: str, kind: str) -> dict[str, str]:
    """``results`` (and ``timings`` for kinds that time themselves, ``embeddings`` for kinds
    whose embeddings a later study may read) of one kind of job."""
    base = f"results/{_job_dir(name, kind)}"
    k = study(name).kinds[kind]
    out = {"results": f"{base}/results.csv"}
    if k.timings:
        out["timings"] = f"{base}/timings.csv"
    if k.embeddings:
        out["embeddings"] = f"{base}/{EMBEDDINGS_FILE}"
    return out


def _job(name: str, kind: str, wildcards: Any) -> tuple[DictConfig, dict[str, str]]:
    """The composed config at a job's scale and the job's keys, from its wildcards."""
    k = study(name).kinds[kind]
    return (compose_config(wildcards.scale),
            {**{f: str(wildcards[f]) for f in k.fields}, **k.fixed})


def _upstream(cfg: DictConfig, job: dict[str, str], name: str, scale: str) -> dict[str, str]:
    """The files of other studies' jobs that one job of ``name`` reads, under ``results/``."""
    return {key: f"results/{scale}/{path}"
            for key, path in upstream_files(cfg, name, job).items()}


@cache
def _embeddings_read(scale: str) -> frozenset[str]:
    """:func:`~dse_repro.studies.registry.embeddings_read` at ``scale``, once per process."""
    return embeddings_read(compose_config(scale))


def job_upstream(name: str, kind: str) -> Callable[[Any], dict[str, str]]:
    """The named inputs of one job that other studies' jobs write (``unpack`` it in the
    rule): ``{root config key: path}``, e.g. a kernel-width job's ``embeddings_in``."""
    return lambda wildcards: _upstream(*_job(name, kind, wildcards), name, wildcards.scale)


def job_log(name: str, kind: str) -> str:
    return f"logs/{_job_dir(name, kind)}.log"


def job_benchmark(name: str, kind: str) -> str:
    return f"logs/{_job_dir(name, kind)}.benchmark.tsv"


def job_constraints(name: str, kind: str) -> dict[str, str]:
    return dict(study(name).kinds[kind].constraints)


def job_rules() -> list[tuple[str, str, str]]:
    """``(rule, study, kind)`` of every job rule (``rules/jobs.smk``; the rule's name is
    :meth:`~dse_repro.studies.spec.StudySpec.rule`)."""
    return [(s.rule(kind), name, kind) for name, s in specs().items() for kind in s.kinds]


#: The shell line of every job rule: the study's Hydra entry point (``params.study``) with the
#: job's arguments (:func:`job_arguments`) and its log. ``OMP_NUM_THREADS`` follows the rule's
#: threads. The parts that differ between rules come from ``params``, which Snakemake evaluates
#: when it defines the rule: a ``shell:`` expression is evaluated again when the job runs, so in
#: the rule loop it would see the loop's last study.
JOB_SHELL = ("OMP_NUM_THREADS={threads} python -m dse_repro.studies.{params.study} "
             "{params.arguments} > {log} 2>&1")


def job_arguments(name: str, kind: str) -> str:
    """The Hydra overrides of one kind of job, as a template of its wildcards and outputs: the
    scale, the job's slice keys, its outputs and its run directory (``.hydra/`` beside the
    results)."""
    k = study(name).kinds[kind]
    sets = [f"studies.{name}.job.{key}={{wildcards.{key}}}" for key in k.fields]
    sets += [f"studies.{name}.job.{key}={value}" for key, value in k.fixed.items()]
    outs = ("out={output.results}" + (" timings_out={output.timings}" if k.timings else "")
            + (" embeddings_out={output.embeddings}" if k.embeddings else ""))
    run_dir = "results/" + _job_dir(name, kind).format(
        scale="{wildcards.scale}", **{f: f"{{wildcards.{f}}}" for f in k.fields})
    return f"scale={{wildcards.scale}} {' '.join(sets)} {outs} hydra.run.dir={run_dir}"


def job_params(name: str, kind: str) -> dict[str, Any]:
    """The ``params`` of one kind of job's rule: ``study`` (the entry point's module),
    ``arguments`` (:func:`job_arguments` filled in from the job's wildcards and outputs, then
    the files it reads from other studies' jobs, and for a kind that can keep its embeddings
    whether this job must: ``keep_embeddings=true|false``) and ``columns``, the study's
    declared results columns. Snakemake does not see a change of the package's code, but it
    reruns a job whose params changed -- so results written before the study's columns
    changed are made again rather than refused by every step that reads them, and a training
    run whose embeddings a kernel-width job newly reads runs again to keep them."""
    template = job_arguments(name, kind)
    k = study(name).kinds[kind]

    def arguments(wildcards: Any, output: Any) -> str:
        cfg, job = _job(name, kind, wildcards)
        text = template.format(wildcards=wildcards, output=output)
        text += "".join(f" {key}={path}"
                        for key, path in _upstream(cfg, job, name, wildcards.scale).items())
        if k.embeddings:
            keep = keeps_embeddings(cfg, name, kind, job, _embeddings_read(wildcards.scale))
            text += f" keep_embeddings={str(keep).lower()}"
        return text

    columns = " ".join(f"{c}:{k}" for c, k in study(name).columns.items())
    return {"study": name, "arguments": arguments, "columns": columns}


def _resources(name: str, kind: str) -> Callable[[Any], dict]:
    def of(wildcards: Any) -> dict:
        job = {f: wildcards[f] for f in study(name).kinds[kind].fields}
        return job_resources(compose_config(wildcards.scale), name, kind, job)

    return of


def job_threads(name: str, kind: str) -> Callable[[Any], int]:
    """Threads of one job, from conf at the job's scale."""
    of = _resources(name, kind)
    return lambda w: int(of(w)["threads"])


def study_resources(name: str, kind: str) -> dict[str, Callable[[Any], Any]]:
    """Every resource but threads (``mem_mb``, ``runtime``, ``gpu`` ...) of one kind of job,
    each read from conf at the job's scale. The names are those conf gives at any scale."""
    of = _resources(name, kind)
    s = study(name)
    keys: set[str] = set()
    for scale in SCALES:
        cfg = compose_config(scale)
        # a study's own resources function sizes a given job: ask it for one of this kind
        job = next((v for k, v in s.slices(cfg) if k == kind), {}) if s.resources else {}
        keys |= set(job_resources(cfg, name, kind, job))
    keys.discard("threads")
    return {key: (lambda w, key=key: of(w)[key]) for key in sorted(keys)}


class Caption:
    """A figure's report caption, ``report/captions/<fig>.rst``, as a param of its plot rule.

    Snakemake's report lists a job's params under the figure as plain text, so the param
    prints as its file's path (``str``) while the caption template reads :attr:`text`. Being
    no builtin type, it is also no trigger: editing a caption changes the report, not the
    figure (the report reads the file when it is made)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __str__(self) -> str:
        return f"report/captions/{self.path.name}"

    @property
    def text(self) -> str:
        """The caption (reStructuredText)."""
        return self.path.read_text(encoding="utf-8")


def figure_caption(fig: str) -> Caption:
    """The report caption of figure ``fig`` (reStructuredText, ``report/captions/<fig>.rst``).

    Raises:
        FileNotFoundError: the figure has no caption file.
    """
    from dse_repro.pipeline.config import conf_dir

    path = conf_dir().parent / "report" / "captions" / f"{fig}.rst"
    if not path.is_file():
        raise FileNotFoundError(f"figure {fig} has no caption: write {path}")
    return Caption(path)
