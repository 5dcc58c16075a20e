"""Shared plumbing of the study entry points: Hydra main, job slices, tidy atomic output."""
from __future__ import annotations

import gc
import logging
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from dse_repro.errors import DseReproError
from dse_repro.pipeline.config import conf_dir
from dse_repro.pipeline.io import check_writable, remove_stale_temps, write_tidy
from dse_repro.pipeline.seeding import rng_for  # noqa: F401  (re-exported)
from dse_repro.studies.registry import check_config, tables, validate

log = logging.getLogger(__name__)


def job_values(s: DictConfig, key: str, default: Iterable) -> list:
    """The slice of a grid this job computes: ``[s.job[key]]`` if set, else the whole grid.
    ``s`` is the study's config (``cfg.studies.<name>``)."""
    job = s.get("job") or {}
    if key in job and job[key] is not None:
        return [job[key]]
    return list(default)


def study_datasets(cfg: DictConfig, study: str) -> list[str]:
    """A study's data sets (``studies.<study>.datasets``), except ``optional_datasets`` that
    are not on this machine (decided at DAG time, e.g. Fashion-MNIST at laptop scale).
    Required data sets are checked when their job runs, with a clear error, so
    ``snakemake -n`` works anywhere."""
    from dse_repro.data import available

    s = cfg.studies[study]
    optional = set(s.get("optional_datasets", []))
    return [str(d) for d in s.datasets
            if d not in optional or available(str(d), cfg.paths.data_root)]


def checkpoint_path(cfg: DictConfig, n_runs: int) -> Path | None:
    """Where a training job checkpoints: ``checkpoint`` when set, else ``checkpoint.pt`` beside
    ``out`` when the job trains one run (``n_runs``), else nowhere."""
    if cfg.get("checkpoint"):
        return Path(cfg.checkpoint)
    return Path(cfg.out).parent / "checkpoint.pt" if n_runs == 1 else None


def progress(iterable: Iterable, cfg: DictConfig, **kwargs: Any) -> Iterable:
    """tqdm over ``iterable`` unless ``cfg.progress`` is false."""
    from tqdm.auto import tqdm

    return tqdm(iterable, disable=not cfg.progress, mininterval=2.0, **kwargs)


#: Warnings raised from files under this folder keep their location in the job log.
_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


class _OnceEach(logging.Filter):
    """Pass each warning text (category and message, whatever the line that raised it) once;
    a :class:`DegenerateSigmaWarning` once per width (its text names the data's scale, which
    changes every epoch)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.getMessage()).split("\n")[0]
        m = re.search(r":\d+: (\w+: .*)$", text)
        key = m.group(1) if m else text
        if m and _PACKAGE_DIR not in text[: m.start()]:
            # raised through a library (hydra's instantiate, functools ...): its file and line
            # say nothing about where the warning comes from; keep the warning alone
            record.msg, record.args = "%s", (key,)
        width = re.match(r"(DegenerateSigmaWarning: sigma=\S+)", key)
        key = width.group(1) if width else key
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def _once_each(logger: logging.Logger) -> None:
    if not any(isinstance(f, _OnceEach) for f in logger.filters):
        logger.addFilter(_OnceEach())


def hydra_entry(study: str, run: Callable[[DictConfig], pd.DataFrame]) -> Callable[[], None]:
    """Wrap ``run(cfg) -> tidy DataFrame`` as a Hydra main that writes ``cfg.out``."""
    import hydra

    @hydra.main(config_path=str(conf_dir()), config_name="config", version_base="1.3")
    def hydra_main(cfg: DictConfig) -> None:
        try:
            run_job(cfg)
        except DseReproError as err:  # a bad setting or file: one line naming it, exit 1
            log.error("error: %s", err)
            raise SystemExit(1) from None

    def run_job(cfg: DictConfig) -> None:
        t0 = time.perf_counter()
        check_config(cfg)  # a wrong type or an unknown key fails here, naming the key
        # Warnings go to the job's log, each text once: e.g. that the paper's fixed
        # sigma = 10 (computed on purpose beside the scale-free widths) is far from the
        # data's scale is said once per job, not by every measure at every epoch.
        logging.captureWarnings(True)
        _once_each(logging.getLogger("py.warnings"))
        # Fail now, not after the compute, if an output cannot be written; and clear what a
        # killed earlier run of this job left half-written.
        for key in ("out", "timings_out", "embeddings_out", "checkpoint"):
            if cfg.get(key):
                check_writable(cfg[key], key)
        for path in (cfg.out, cfg.get("timings_out"), cfg.get("embeddings_out"),
                     checkpoint_path(cfg, 1)):
            for stale in remove_stale_temps(path) if path else ():
                log.info("removed %s, left by an interrupted earlier run", stale)
        job = {k: v for k, v in cfg.studies[study].job.items() if v is not None}
        log.info("study %s, scale %s, job %s -> %s", study, cfg.scale,
                 ", ".join(f"{k}={v}" for k, v in job.items()) or "the whole grid", cfg.out)
        df = run(cfg)
        df.insert(0, "study", study)
        df.insert(1, "scale", cfg.scale)
        # Wall times go to timings_out (null: timings.csv beside `out`), kept out of the
        # byte-reproducible results: one layout standalone and under Snakemake.
        timing = [c for c in df.columns if str(c).endswith("seconds")]
        validate(df.drop(columns=timing), study, f"study {study} (out={cfg.out})")
        if timing:
            timings_out = cfg.get("timings_out") or str(Path(cfg.out).parent / "timings.csv")
            if f"{study}_timings" in tables():
                validate(df, f"{study}_timings", f"study {study} (timings_out)")
            write_tidy(df, timings_out, seal=True)
            log.info("wrote the wall times to %s", timings_out)
            df = df.drop(columns=timing)
        write_tidy(df, cfg.out, seal=True)
        log.info("wrote %d rows to %s in %.1f s", len(df), cfg.out, time.perf_counter() - t0)
        ckpt = checkpoint_path(cfg, 1)
        if ckpt is not None and ckpt.exists() and not cfg.get("keep_checkpoint"):
            ckpt.unlink()  # the results are written: a rerun needs no resume point
            log.info("removed %s (keep_checkpoint=true keeps it)", ckpt)
        # The interpreter's shutdown collections walk every object torch/timm created: 2-3 s per
        # job here (measured: `import timm` exits in 8.5 s, 6.5 s frozen). Our results are
        # written, so move everything to the permanent generation and let the process end.
        gc.freeze()

    def main() -> None:
        from dse_repro.studies.registry import register_configs

        register_configs()  # mounts every registered study's conf (conf/config.yaml defaults)
        hydra_main()

    return main
