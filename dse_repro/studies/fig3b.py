"""Fig. 3B study: DSMI tracks label corruption on random trees; CSMI does not.

Tidy rows: ``branches, noise, corruption, repeat, n_points, measure (DSMI|CSMI, and
DSMI_<width>[_t<t>] under each scale-free width of ``width_check``), value, unit (bits)``. Job
slice: ``studies.fig3b.job.branches=<k>``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from omegaconf import DictConfig

from dse_repro.measures import csmi, dsmi, dsmi_curve
from dse_repro.pipeline.config import grid
from dse_repro.simulate import add_uniform_noise, corrupt_labels, random_tree
from dse_repro.studies._runner import hydra_entry, job_values, progress, rng_for
from dse_repro.studies._widths import width_variants
from dse_repro.studies.spec import Grid, JobKind, Resources, StudySpec


@dataclass
class Settings:
    """``studies.fig3b`` (conf/study/fig3b.yaml): what the job reads."""

    name: str
    branches: list[int]
    branch_length: int
    dim: int
    corruption_grid: Grid | list[float]
    noise_levels: list[float]
    repeats: int
    sigma: float
    t: int
    csmi_bins: int
    resources: Resources


SPEC = StudySpec(
    name="fig3b",
    settings=Settings,
    job_keys=("branches",),
    kinds={"job": JobKind("k{branches}", {"branches": r"\d+"})},
    slices=lambda cfg: [("job", {"branches": str(int(k))}) for k in cfg.studies.fig3b.branches],
    figures=("fig3b",),
    # t, sigma: of the kernel measures (sigma empty for a width variant; both for CSMI)
    columns=dict(branches="int", noise="float", corruption="float", repeat="int",
                 n_points="int", t="int?", sigma="float?", unit="str", measure="str",
                 value="float"),
    kernel_measures=("DSMI",),
)


def run(cfg: DictConfig) -> pd.DataFrame:
    s = cfg.studies.fig3b
    ratios = grid(s.corruption_grid)
    rows = []
    for k in job_values(s, "branches", s.branches):
        for rep in progress(range(s.repeats), cfg, desc=f"fig3b k={k} repeats"):
            rng = rng_for(cfg.seed, "fig3b", k, rep)
            clean, labels = random_tree(int(k), s.branch_length, s.dim, rng)
            for noise in s.noise_levels:
                X = add_uniform_noise(clean, noise, rng)  # from the clean tree every time
                for ratio in ratios:
                    y = corrupt_labels(labels, ratio, rng)
                    common = dict(branches=int(k), noise=noise, corruption=ratio, repeat=rep,
                                  n_points=X.shape[0], unit="bits")
                    value = dsmi(X, y, s.sigma, s.t, y_discrete=True, seed=cfg.seed)
                    rows.append(dict(common, measure="DSMI", value=value, t=int(s.t),
                                     sigma=s.sigma))
                    rows += [dict(common, measure=m, value=v, t=t)
                             for m, t, v in width_variants(
                                 cfg, "DSMI", s.t, lambda w, ts, X=X, y=y: dsmi_curve(
                                     X, y, w, ts, y_discrete=True, seed=cfg.seed))]
                    rows.append(dict(common, measure="CSMI",
                                     value=csmi(X, y, s.csmi_bins, y_discrete=True)))
    return pd.DataFrame(rows, columns=list(SPEC.columns))


main = hydra_entry("fig3b", run)

if __name__ == "__main__":
    main()
