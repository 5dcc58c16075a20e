"""Ground truth (beyond the paper): the Fig. 4 estimators on distributions with known MI.

Tidy rows: ``family (gaussian|mixture), dim, param (rho | separation), true_mi, estimator,
label, repeat, n_points, h_y, measure (MI), value, unit (bits)``; ``h_y`` is the entropy (bits) of
the discrete labels the estimator saw -- no Shannon MI with them can exceed it -- and empty where
the estimator took the gaussian family's continuous Y instead (``continuous_y`` in the study's
conf). Job slice: ``studies.mi_groundtruth.job.{family,estimator}=…``. Estimator settings are the
``mi_compare`` registry entries.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from hydra.utils import instantiate
from omegaconf import DictConfig

from dse_repro.measures import spectral_clusters
from dse_repro.simulate.known_mi import (
    correlated_gaussians,
    gaussian_mixture,
    gaussian_mixture_mi,
    simplex_centers,
)
from dse_repro.studies._runner import hydra_entry, job_values, progress, rng_for
from dse_repro.studies.mi_compare import estimator_setting, estimators_with
from dse_repro.studies.spec import JobKind, Resources, StudySpec


def label_entropy(labels: np.ndarray) -> float:
    """Shannon entropy (bits) of the empirical label distribution, shape ``(n,)``."""
    from scipy.stats import entropy  # 1 s to import: only the jobs that need it pay

    _, counts = np.unique(labels, return_counts=True)
    return float(entropy(counts, base=2))


def _cases(cfg: DictConfig, family: str):
    """Yield ``(dim, param, repeat, X, labels, y_continuous, true_mi)``."""
    s = cfg.studies.mi_groundtruth
    f = s.families[family]
    for dim in f.dims:
        params = f.rhos if family == "gaussian" else f.separations
        for param in params:
            if family == "mixture":
                centers = simplex_centers(f.n_centers, int(dim), float(param))
                truth = gaussian_mixture_mi(centers, f.mc_samples,
                                            rng_for(cfg.seed, "gt.mc", dim, param))
            for rep in range(s.repeats):
                rng = rng_for(cfg.seed, "gt", family, dim, param, rep)
                if family == "gaussian":
                    X, Y, truth = correlated_gaussians(s.n_points, int(dim), float(param), rng)
                    labels = spectral_clusters(Y, s.n_clusters, seed=cfg.seed)
                    yield int(dim), float(param), rep, X, labels, Y, truth
                else:
                    X, labels = gaussian_mixture(s.n_points, centers, rng)
                    yield int(dim), float(param), rep, X, labels, None, truth


@dataclass
class GaussianFamily:
    dims: list[int]
    rhos: list[float]


@dataclass
class MixtureFamily:
    dims: list[int]
    separations: list[float]
    n_centers: int
    mc_samples: int


@dataclass
class Families:
    gaussian: GaussianFamily
    mixture: MixtureFamily


@dataclass
class Settings:
    """``studies.mi_groundtruth`` (conf/study/mi_groundtruth.yaml): what the jobs read."""

    name: str
    n_points: int
    repeats: int
    n_clusters: int
    families: Families
    resources: Resources


def groundtruth_estimators(cfg: DictConfig) -> list[str]:
    """The estimators of ``studies.mi_compare.estimators`` with ``groundtruth: true``, in
    their order there."""
    return estimators_with(cfg.studies.mi_compare.estimators, "groundtruth")


SPEC = StudySpec(
    name="mi_groundtruth",
    settings=Settings,
    job_keys=("family", "estimator"),
    kinds={"job": JobKind("{family}/{estimator}",
                          {"family": "gaussian|mixture", "estimator": r"[A-Za-z0-9_]+"})},
    slices=lambda cfg: [("job", {"family": str(f), "estimator": e})
                        for f in cfg.studies.mi_groundtruth.families
                        for e in groundtruth_estimators(cfg)],
    figures=("figS1",),
    columns=dict(family="str", dim="int", param="float", true_mi="float", estimator="str",
                 label="str", repeat="int", n_points="int", h_y="float?", measure="str",
                 value="float",
                 unit="str"),
    summaries=("mi_groundtruth_summary",),
    uses=("mi_compare",),
)


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.mi_groundtruth
    registry = cfg.studies.mi_compare.estimators
    chosen = groundtruth_estimators(cfg)
    rows = []
    for family in job_values(s, "family", s.families.keys()):
        if family not in s.families:
            raise ValueError(f"studies.mi_groundtruth.job.family must be one of "
                             f"{list(s.families)}, got {family!r}")
        for est in job_values(s, "estimator", chosen):
            if est not in chosen:
                raise ValueError(f"estimator {est!r} is not one of studies.mi_compare.estimators "
                                 f"with groundtruth: true: {chosen}")
            fn = instantiate(registry[est].fn)
            takes_y = bool(estimator_setting(registry[est], "continuous_y"))
            for dim, param, rep, X, labels, Y, truth in progress(
                    list(_cases(cfg, family)), cfg, desc=f"groundtruth {family} {est}"):
                y = Y if takes_y else None
                h_y = np.nan if y is not None else label_entropy(labels)
                rows.append(dict(family=family, dim=dim, param=param, true_mi=truth,
                                 estimator=est, label=registry[est].label, repeat=rep,
                                 n_points=s.n_points, h_y=h_y, measure="MI",
                                 value=float(fn(X, labels, y=y)), unit="bits"))
    return pd.DataFrame(rows)


main = hydra_entry("mi_groundtruth", run)

if __name__ == "__main__":
    main()
