"""Adding an estimator is one conf entry (README, "Adding an estimator"): an entry under
``studies.mi_compare.estimators`` runs in Figs. 4-5, joins the claims' baselines with
``baseline: true`` and the ground truth with ``groundtruth: true`` -- no code edited."""
from __future__ import annotations

import pandas as pd

from dse_repro.claims import CLAIMS
from dse_repro.claims.core import check, settings_from_conf
from dse_repro.studies.registry import compose_config, study

ENTRY = ("+studies.mi_compare.estimators.my_est={label: 'My estimator', fn: {_target_: "
         "dse_repro.studies.mi_estimators.csmi_estimator, _partial_: true, bins: 3, "
         "subset_correction: true}, baseline: true, groundtruth: true}")


def _estimators(slices) -> set[str]:
    return {values["estimator"] for _, values in slices}


def test_one_entry_reaches_figs_4_5_the_ground_truth_and_the_claims():
    plain, added = compose_config("smoke"), compose_config("smoke", [ENTRY])
    mi = study("mi_compare")
    assert "my_est" not in _estimators(mi.slices(plain))
    jobs = [v for _, v in mi.slices(added) if v["estimator"] == "my_est"]
    assert len(jobs) == len([v for _, v in mi.slices(plain) if v["estimator"] == "dsmi"])
    gt = study("mi_groundtruth")
    assert "my_est" in _estimators(gt.slices(added)) - _estimators(gt.slices(plain))
    assert "my_est" in settings_from_conf("smoke", [ENTRY])["baselines"]
    assert "my_est" not in settings_from_conf("smoke")["baselines"]
    assert "npeet_micd" not in settings_from_conf("smoke")["baselines"]  # not a baseline


def test_the_ground_truth_runs_the_new_entry():
    from dse_repro.studies.mi_groundtruth import run

    cfg = compose_config("smoke", [ENTRY, "studies.mi_groundtruth.job.family=mixture",
                                   "studies.mi_groundtruth.job.estimator=my_est", "out=x.csv"])
    df = run(cfg)
    assert set(df["estimator"]) == {"my_est"} and set(df["label"]) == {"My estimator"}
    assert df["value"].notna().all()


def _dimension_sweep(kept: dict[str, float]) -> pd.DataFrame:
    """MI at d = 20 (1 bit) and d = 500 (``kept`` bits) per estimator, three repeats."""
    return pd.DataFrame([dict(sweep="dimension", noise=0.01, dim=d, estimator=e, label=e,
                              repeat=r, n_points=100, value=1.0 if d == 20 else v)
                         for e, v in kept.items() for d in (20, 500) for r in range(3)])


def test_a_new_baseline_is_judged_by_the_claim():
    claim = next(c for c in CLAIMS if c.id == "fig4.dsmi_keeps_information")
    df = _dimension_sweep({"dsmi": 0.8, "csmi_5": 0.1, "my_est": 0.95})
    before = check(claim, df, settings_from_conf("smoke"))
    after = check(claim, df, settings_from_conf("smoke", [ENTRY]))
    assert before["status"] == "held" and "my_est" not in before["detail"]
    assert after["status"] == "not held" and "my_est: 0.950" in after["detail"]
