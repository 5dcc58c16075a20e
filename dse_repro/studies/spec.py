"""What a study declares once: :class:`StudySpec` (and the :class:`JobKind` of its jobs).

Each study module ``dse_repro/studies/<name>.py`` defines ``SPEC = StudySpec(...)``; the
registry (:mod:`dse_repro.studies.registry`) finds them, and the workflow (job paths, rules'
commands and resources, collected tables, figures, ``all`` targets), the Hydra config (the
study's conf file and its ``job`` slice keys), the report captions and the claims' figure list
are derived from it.

Keep study modules light at import time (no torch/timm at module level): the Snakefile and
every job import all of them through the registry.
"""
from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, is_dataclass
from typing import Any

from omegaconf import DictConfig

#: Kinds of tidy-result columns (``?``: may be empty).
COLUMN_KINDS = ("str", "int", "float", "str?", "int?", "float?")
#: The file beside ``results.csv`` holding a job's embeddings (:attr:`JobKind.embeddings`).
EMBEDDINGS_FILE = "embeddings.npz"
#: ``(kind, {job key: value as written in the job's path})`` for every job of a study.
Slices = list[tuple[str, dict[str, str]]]


@dataclass
class Grid:
    """A grid written as a mapping (:func:`dse_repro.pipeline.config.grid`): ``num`` points from
    ``start`` to ``stop``, log-spaced with ``log``, rounded to distinct integers with
    ``integer``."""

    start: float
    stop: float
    num: int
    log: bool = False
    integer: bool = False


@dataclass
class Resources:
    """One job's resources: threads, memory (MB) and wall time (minutes); ``gpu``: GPUs."""

    threads: int
    mem_mb: int
    runtime: int
    gpu: int = 0


@dataclass
class ModelRuns:
    """The settings every study of trained models declares first: which data sets (those in
    ``optional_datasets`` are dropped from the DAG when absent), models and seeds."""

    name: str
    datasets: list[str]
    optional_datasets: list[str]
    models: list[str]
    seeds: list[int]


@dataclass(frozen=True)
class JobKind:
    """One kind of job of a study.

    Attributes:
        pattern: the job's directory under ``results/<scale>/<study>/``, with the job keys as
            fields, e.g. ``"k{branches}"`` or ``"init/{model}/sigma{init_sigma}/s{seed}"``.
            The fields are the Snakemake wildcards and the ``studies.<study>.job.<key>``
            overrides of the job.
        constraints: a regular expression per field (Snakemake wildcard constraints).
        fixed: job keys this kind sets to a constant (e.g. ``{"part": "init"}``).
        timings: the job also writes ``timings.csv`` (wall times kept apart from results).
        embeddings: the job also writes ``embeddings.npz``: the validation embeddings of its
            model at initialization and after training when a later study's job reads them
            (:attr:`StudySpec.upstream`), else a record saying they were not kept.
    """

    pattern: str
    constraints: Mapping[str, str]
    fixed: Mapping[str, str] = field(default_factory=dict)
    timings: bool = False
    embeddings: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        """The job keys named in :attr:`pattern`, in order."""
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.pattern) if f)


@dataclass(frozen=True)
class StudySpec:
    """A study's declaration.

    Attributes:
        name: the module name, the conf file ``conf/study/<name>.yaml`` (mounted at
            ``studies.<name>``), its job rules (``<name>``, or ``<name>_<kind>`` for several
            kinds) and the results folder.
        settings: the dataclass that declares ``studies.<name>``: every key of the conf file
            with its type (nested dataclasses for fixed sub-mappings, ``dict[str, X]`` for
            registries, ``Literal`` for a closed set of words, ``X | None`` where null is
            allowed). The composed config is checked against it (an unknown key or a wrong
            type in the conf file, a scale file or an override is refused; a missing key too).
        job_keys: the slice keys a job sets (``studies.<name>.job.<key>``; null = whole grid).
        kinds: kind name -> :class:`JobKind`; each kind has its rule (``<name>`` for a
            study with one kind, else ``<name>_<kind>``).
        slices: ``slices(cfg) -> [(kind, {key: value})]``: every job of the study at the
            composed config ``cfg``.
        figures: figures drawn from the collected results ``results/<scale>/<name>.csv``.
        columns: the columns of the study's tidy results (after ``study, scale``), in order,
            each with its kind: ``str``, ``int`` or ``float``, with ``?`` where a value may be
            empty (:mod:`dse_repro.pipeline.results` validates every file against them).
        timed: the jobs' ``timings.csv`` are collected into ``<name>_timings.csv``.
        timing_figures: figures drawn from that timings table.
        timing_columns: its columns (kinds as ``columns``).
        summaries: derived tables ``results/<scale>/<summary>.csv`` (built by the rule of that
            name in ``rules/summaries.smk``, listed in the ``all`` target).
        uses: other studies whose conf files the jobs read (their edits rerun the jobs).
        reads: other collected tables (e.g. ``"training"``) the study's figures draw beside
            its own: inputs of its plots, passed to ``plot(df, **{table: frame})``.
        reads_measures: the jobs read the embedding-measures registry (``conf/measures/``);
            its entries say which of the measures are entropies and which have a kernel width.
        entropies: measures the study writes under names of its own (not from that registry)
            that are entropies: never negative, in any variant ``<name>_<width>``.
        kernel_measures: measures of its own that have a kernel width; the results may hold
            them also as ``<name>_<variant>`` (``studies/_widths.py``), which the claims
            re-judge them under.
        resources: ``resources(cfg, kind, job) -> {threads, mem_mb, runtime, ...}`` for one
            job; None = read ``studies.<name>.resources`` (per kind when it has the kind's
            name as a key) over the root ``resources`` defaults.
        upstream: ``upstream(cfg, job) -> {root config key: path}``: files of other studies'
            jobs that one job reads, each under ``results/<scale>/`` (e.g. the kernel-width
            job's ``embeddings_in``: ``training/<run>/embeddings.npz``). They are the job's
            inputs, passed to it as ``<key>=<path>``; the job that writes one keeps it.
    """

    name: str
    settings: type
    job_keys: tuple[str, ...]
    kinds: Mapping[str, JobKind]
    slices: Callable[[DictConfig], Slices]
    figures: tuple[str, ...]
    columns: Mapping[str, str]
    timed: bool = False
    timing_figures: tuple[str, ...] = ()
    timing_columns: Mapping[str, str] = field(default_factory=dict)
    summaries: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    reads_measures: bool = False
    entropies: tuple[str, ...] = ()
    kernel_measures: tuple[str, ...] = ()
    resources: Callable[[DictConfig, str, Mapping[str, Any]], dict] | None = None
    upstream: Callable[[DictConfig, Mapping[str, str]], Mapping[str, str]] | None = None

    def __post_init__(self) -> None:
        if not is_dataclass(self.settings):
            raise TypeError(f"study {self.name!r}: settings must be a dataclass declaring "
                            f"conf/study/{self.name}.yaml, got {self.settings!r}")
        for col, kind in {**self.columns, **self.timing_columns}.items():
            if kind not in COLUMN_KINDS:
                raise ValueError(f"study {self.name!r}: column {col!r} has kind {kind!r}; "
                                 f"kinds are {COLUMN_KINDS}")
        for kind, k in self.kinds.items():
            unknown = set(k.fields) | set(k.fixed)
            unknown -= set(self.job_keys)
            if unknown:
                raise ValueError(f"study {self.name!r}, kind {kind!r}: pattern/fixed keys "
                                 f"{sorted(unknown)} are not in job_keys {self.job_keys}")
            if set(k.fields) != set(k.constraints):
                raise ValueError(f"study {self.name!r}, kind {kind!r}: constraints must name "
                                 f"exactly the pattern's fields {k.fields}")

    def rule(self, kind: str) -> str:
        """The Snakemake rule of one kind of job: the study's name (``training``) or, for a
        study with several kinds of job, the study's and the kind's (``model_zoo_timm``)."""
        return self.name if len(self.kinds) == 1 else f"{self.name}_{kind}"

    def job_dir(self, kind: str, values: Mapping[str, str]) -> str:
        """The job's directory under ``results/<scale>/<name>/``."""
        return self.kinds[kind].pattern.format(**values)

    def embeddings_path(self, kind: str, values: Mapping[str, str]) -> str:
        """The job's :data:`EMBEDDINGS_FILE` under ``results/<scale>/``."""
        return f"{self.name}/{self.job_dir(kind, values)}/{EMBEDDINGS_FILE}"

    def parse_job_dir(self, job_dir: str) -> dict[str, str] | None:
        """The job keys (as written in the path, with the kind's ``fixed`` keys) of a job
        directory under ``results/<scale>/<name>/``; None when no kind's pattern matches."""
        import re

        for k in self.kinds.values():
            regex = ""
            for literal, fld, _, _ in string.Formatter().parse(k.pattern):
                regex += re.escape(literal)
                if fld:
                    regex += f"(?P<{fld}>{k.constraints.get(fld, '[^/]+')})"
            m = re.fullmatch(regex, job_dir)
            if m:
                return {**m.groupdict(), **k.fixed}
        return None
