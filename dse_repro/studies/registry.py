"""The study registry: every module of :mod:`dse_repro.studies` that defines ``SPEC`` (a
:class:`~dse_repro.studies.spec.StudySpec`), and what is derived from them -- the figure list,
the collected tables, the job paths, per-job resources and the Hydra config entries.

Nothing here is written by hand per study: adding a study means adding its module (with its
``SPEC``), its conf file, a plot per figure and a caption per figure.

It is also what hands the registered studies to the pipeline (which knows none):
:func:`compose_config` / :func:`check_config` (their settings and job keys) and
:func:`read_results` / :func:`validate` (their tables' columns).
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Mapping, Sequence
from functools import cache
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from dse_repro.pipeline import config as _config
from dse_repro.pipeline import results as _results
from dse_repro.pipeline.results import ResultsError, TableSchema
from dse_repro.studies.spec import EMBEDDINGS_FILE, StudySpec
from dse_repro.train import measures as _train_measures

#: Modules of dse_repro.studies that are not studies (helpers of one).
NOT_STUDIES = frozenset({"spec", "registry"})


def figure_key(fig: str) -> tuple:
    """Natural order of figure names: fig2 < fig3a < fig3b < ... < fig10 < figS1."""
    m = re.fullmatch(r"fig(S?)(\d+)(\w*)", fig)
    if not m:
        raise ValueError(f"figure names look like fig<N>[suffix] or figS<N>, got {fig!r}")
    return (m.group(1) == "S", int(m.group(2)), m.group(3))


@cache
def _specs() -> tuple[StudySpec, ...]:
    import dse_repro.studies as pkg

    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_") or info.name in NOT_STUDIES:
            continue
        module = importlib.import_module(f"dse_repro.studies.{info.name}")
        spec = getattr(module, "SPEC", None)
        if spec is None:
            continue
        if not isinstance(spec, StudySpec) or spec.name != info.name:
            raise TypeError(f"dse_repro.studies.{info.name}.SPEC must be a StudySpec named "
                            f"{info.name!r}")
        found.append(spec)
    return tuple(sorted(found, key=lambda s: figure_key(min(s.figures, key=figure_key))))


def specs() -> dict[str, StudySpec]:
    """Every registered study, in the order of its first figure."""
    return {s.name: s for s in _specs()}


def study(name: str) -> StudySpec:
    """One study's spec; a KeyError naming the registered studies otherwise."""
    try:
        return specs()[name]
    except KeyError:
        raise KeyError(f"unknown study {name!r}; registered: {list(specs())}") from None


def tables() -> dict[str, tuple[str, Mapping[str, str]]]:
    """Collected table -> (study, its columns with their kinds): ``<study>`` and, for timed
    studies, ``<study>_timings``."""
    out: dict[str, tuple[str, Mapping[str, str]]] = {}
    for s in specs().values():
        out[s.name] = (s.name, s.columns)
        if s.timed:
            out[f"{s.name}_timings"] = (s.name, s.timing_columns)
    return out


def figures() -> dict[str, str]:
    """Figure -> the collected table it is drawn from, in natural figure order."""
    out = {}
    for s in specs().values():
        out.update({f: s.name for f in s.figures})
        out.update({f: f"{s.name}_timings" for f in s.timing_figures})
    return dict(sorted(out.items(), key=lambda kv: figure_key(kv[0])))


def figure_study(fig: str) -> str:
    """The study a figure belongs to."""
    return tables()[figures()[fig]][0]


def job_dirs(cfg: DictConfig, name: str) -> list[str]:
    """Every job directory of study ``name`` under ``results/<scale>/<name>/``."""
    s = study(name)
    return [s.job_dir(kind, values) for kind, values in s.slices(cfg)]


def table_job_outputs(cfg: DictConfig, scale: str, table: str) -> list[str]:
    """The per-job CSVs a collected table concatenates: ``results/<scale>/<study>/<job>/
    results.csv`` (``timings.csv`` for ``<study>_timings``)."""
    name, _ = tables()[table]
    file = "timings.csv" if table.endswith("_timings") else "results.csv"
    return [f"results/{scale}/{name}/{d}/{file}" for d in job_dirs(cfg, name)]


#: :func:`table_job_outputs`' layout, read back by :func:`parse_job_output`.
_JOB_OUTPUT = re.compile(r"(?:^|/)results/(?P<scale>[^/]+)/(?P<study>[^/]+)/(?P<job>.+)/"
                         r"(?:results|timings)\.csv$")


def parse_job_output(path: str) -> dict[str, str] | None:
    """What a per-job CSV's path (as :func:`table_job_outputs` writes it) says its rows hold:
    ``{"scale": ..., <job key>: <value as written>, ...}`` (only the scale for an unknown
    study, or a job directory no kind's pattern matches); None for a path of another shape."""
    m = _JOB_OUTPUT.search(str(path).replace("\\", "/"))
    if not m:
        return None
    known = m["study"] in specs()
    return {"scale": m["scale"],
            **((study(m["study"]).parse_job_dir(m["job"]) if known else None) or {})}


def upstream_files(cfg: DictConfig, name: str, job: Mapping[str, str]) -> dict[str, str]:
    """``{root config key: path under results/<scale>/}`` of the other studies' files that
    one job of study ``name`` (its keys as written in its path) reads; {} for most studies."""
    s = study(name)
    return dict(s.upstream(cfg, job)) if s.upstream is not None else {}


def embeddings_read(cfg: DictConfig) -> frozenset[str]:
    """Every embeddings file (under ``results/<scale>/``) that some study's job reads
    (:attr:`StudySpec.upstream`)."""
    return frozenset(path for other, s in specs().items() if s.upstream is not None
                     for _, values in s.slices(cfg)
                     for path in upstream_files(cfg, other, values).values()
                     if path.endswith("/" + EMBEDDINGS_FILE))


def keeps_embeddings(cfg: DictConfig, name: str, kind: str, job: Mapping[str, str],
                     read: frozenset[str] | None = None) -> bool:
    """Whether one job of study ``name`` must keep its embeddings (``embeddings.npz``): a job
    of some study reads them. ``read``: :func:`embeddings_read` of ``cfg`` when already known
    (the workflow computes it once per scale)."""
    if not study(name).kinds[kind].embeddings:
        return False
    read = embeddings_read(cfg) if read is None else read
    return study(name).embeddings_path(kind, job) in read


def job_resources(cfg: DictConfig, name: str, kind: str, job: Mapping[str, Any]) -> dict:
    """Threads, memory (MB), runtime (min) and the like for one job of study ``name``: the
    spec's own function, or ``studies.<name>.resources`` (its ``<kind>`` entry when present)
    over the root ``resources`` defaults."""
    s = study(name)
    if s.resources is not None:
        return dict(s.resources(cfg, kind, job))
    own = cfg.studies[name].get("resources") or {}
    if kind in own:
        own = own[kind]
    return {**OmegaConf.to_container(cfg.resources, resolve=True),
            **OmegaConf.to_container(own, resolve=True)}


def study_mounts() -> _config.Studies:
    """What the config needs of the registered studies: name, settings dataclass, job keys."""
    return tuple((n, s.settings, tuple(s.job_keys)) for n, s in specs().items())


def register_configs() -> None:
    """Mount every registered study's conf at ``studies.<name>`` (with its ``job`` slice keys)
    in Hydra's ConfigStore, for a study job's ``@hydra.main``."""
    _config.register_studies(study_mounts())


def compose_config(scale: str = "laptop", overrides: Sequence[str] = ()) -> DictConfig:
    """The resolved root config at ``scale`` with extra Hydra ``overrides``, every registered
    study mounted, type-checked (:func:`dse_repro.pipeline.config.compose_config`)."""
    return _config.compose_config(scale, overrides, study_mounts())


def check_config(cfg: DictConfig) -> None:
    """Check a composed config against the registered studies' declarations and the config as
    written (:func:`dse_repro.pipeline.config.check_config`)."""
    _config.check_config(cfg, study_mounts())


@cache
def measures_registry() -> dict[str, Any]:
    """The embedding-measures registry as written, ``conf/measures/default.yaml`` (name ->
    entry), read once per process."""
    path = _config.conf_dir() / "measures" / "default.yaml"
    return OmegaConf.to_container(OmegaConf.load(path))


def entropies(spec: StudySpec) -> tuple[str, ...]:
    """The measures of study ``spec`` that are entropies: its own ``entropies`` and, when its
    jobs read the measures registry, the entries marked ``entropy: true``."""
    shared = _train_measures.entropies(measures_registry()) if spec.reads_measures else ()
    return (*spec.entropies, *shared)


def kernel_measures() -> tuple[str, ...]:
    """Every measure the studies write that has a kernel width: the studies' own
    ``kernel_measures`` and the registry's measures whose ``fn`` takes ``sigma``. The results
    may hold each also as ``<measure>_<variant>`` under another width."""
    shared = _train_measures.kernel_measures(measures_registry())
    return tuple(dict.fromkeys(m for s in specs().values()
                               for m in (*s.kernel_measures,
                                         *(shared if s.reads_measures else ()))))


def table_schema(table: str) -> TableSchema:
    """The declared columns of collected table ``table`` (:func:`tables`) and which of its
    measures are entropies."""
    known = tables()
    if table not in known:
        raise ResultsError(f"unknown results table {table!r}; known: {sorted(known)}")
    study_name, columns = known[table]
    return TableSchema(table, study_name, columns, entropies(study(study_name)))


def read_results(path: str | PathLike, table: str | None = None) -> pd.DataFrame:
    """Read a tidy results CSV of ``table`` (default: the file's stem,
    ``results/<scale>/<table>.csv``) and validate it against its declared columns."""
    return _results.read_results(path, table_schema(table or Path(path).stem))


def validate(df: pd.DataFrame, table: str, source: str) -> pd.DataFrame:
    """Check ``df`` against table ``table``'s declared columns; ``source`` names it in the
    error. Returns ``df``."""
    return _results.validate(df, table_schema(table), source)
