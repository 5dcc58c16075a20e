"""Figs. 6-8 study: train one (dataset, model, method, seed) and measure every epoch.

Tidy rows: ``dataset, model, arch (convnet|vit), method, seed, epoch, measure (val_acc |
train_loss | the embedding measures of ``train.measures``, e.g. DSE_Z, DSMI_ZY, DSMI_ZX),
value, unit, train_seconds, metric_seconds`` (the two wall times of the epoch go to
``timings_out`` when set, keeping ``out`` byte-reproducible).
Job slice: ``studies.training.job.{dataset,model,method,seed}=…``. The run checkpoints every
epoch to ``checkpoint`` (default: next to ``out``) and resumes from it when restarted; the
checkpoint is removed once ``out`` is written unless ``keep_checkpoint=true``. With
``embeddings_out`` the job also writes its validation embeddings at initialization and after the
last epoch there when ``keep_embeddings=true`` (the Snakefile sets both: true for the runs a
kernel-width job reads), else a record saying they were not kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from omegaconf import DictConfig

from dse_repro.studies._runner import checkpoint_path, hydra_entry, job_values, study_datasets
from dse_repro.studies.spec import JobKind, ModelRuns, Resources, Slices, StudySpec


def slices(cfg: DictConfig) -> Slices:
    s = cfg.studies.training
    return [("job", dict(dataset=d, model=str(m), method=str(me), seed=str(int(sd))))
            for d in study_datasets(cfg, "training") for m in s.models for me in s.methods
            for sd in s.seeds]


#: value: empty for SimCLR epochs without a linear probe (val_acc)
COLUMNS = dict(dataset="str", model="str", arch="str", method="str", seed="int", epoch="int",
               measure="str", value="float?", unit="str")
@dataclass
class TrainSettings:
    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    warmup_epochs: int
    temperature: float
    probe_every: int
    augment: bool
    measures: list[str]


@dataclass
class XClusters:
    n_clusters: int
    size: int


@dataclass
class Settings(ModelRuns):
    """``studies.training`` (conf/study/training.yaml): what the jobs read. After the
    :class:`~dse_repro.studies.spec.ModelRuns` fields:"""

    model_kwargs: dict[str, dict[str, Any]]
    init_sigma: float | None
    methods: list[Literal["supervised", "simclr", "random_labels"]]
    img_size: int
    n_train: int | None
    n_val: int | None
    train: TrainSettings
    lr_by_dataset: dict[str, float]
    x_clusters: XClusters
    device: str
    resources: Resources


SPEC = StudySpec(
    name="training",
    settings=Settings,
    job_keys=("dataset", "model", "method", "seed"),
    kinds={"job": JobKind("{dataset}/{model}/{method}/s{seed}",
                          dict(dataset=r"[a-z0-9_]+", model=r"[A-Za-z0-9_.]+",
                               method="supervised|simclr|random_labels", seed=r"\d+"),
                          timings=True, embeddings=True)},
    slices=slices,
    figures=("fig6", "fig7", "fig8"),
    columns=COLUMNS,
    timed=True,
    reads_measures=True,
    timing_columns={**COLUMNS, "train_seconds": "float", "metric_seconds": "float"},
)


def run(cfg: DictConfig) -> pd.DataFrame:
    from dse_repro.train.setup import run_one

    s = cfg.studies.training
    rows = []
    combos = [(d, m, me, sd) for d in job_values(s, "dataset", s.datasets)
              for m in job_values(s, "model", s.models)
              for me in job_values(s, "method", s.methods)
              for sd in job_values(s, "seed", s.seeds)]
    embeddings_out = cfg.get("embeddings_out")
    if embeddings_out and len(combos) != 1:
        raise ValueError(f"embeddings_out={embeddings_out} holds one run's embeddings, but this "
                         f"job trains {len(combos)}: set studies.training.job.{{dataset,model,"
                         "method,seed}")
    for d, m, me, sd in combos:
        rows += run_one(cfg, d, m, me, int(sd), checkpoint_path(cfg, len(combos)),
                        embeddings_out=Path(embeddings_out) if embeddings_out else None,
                        keep_embeddings=bool(cfg.get("keep_embeddings")))
    return pd.DataFrame(rows)


main = hydra_entry("training", run)

if __name__ == "__main__":
    main()
