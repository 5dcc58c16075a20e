"""The embedding-measures registry (conf/measures/): every entry builds and measures, by name,
the way the trainer, the sigma-init study and the model zoo call it. Parametrized over the
registry, so a new entry is tested without a new test."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from dse_repro.pipeline.config import SCALES
from dse_repro.studies.registry import compose_config
from dse_repro.train.measures import AGAINST, build_measures

NAMES = list(compose_config("laptop").measures)


def _embeddings():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 30)
    z = rng.normal(size=(120, 16)) + 3 * np.eye(16)[labels]
    clusters = rng.integers(0, 5, 120)
    return z, labels, clusters


@pytest.mark.parametrize("name", NAMES)
def test_entry_builds_and_measures(name):
    registry = compose_config("smoke").measures
    m = build_measures(registry, [name])[name]
    assert m.against in AGAINST and m.unit in ("bits", "fraction", "unitless")
    z, labels, clusters = _embeddings()
    value = m(z, labels, clusters)
    assert isinstance(value, float) and np.isfinite(value)
    assert m(z, labels, clusters) == value  # seeded: same number
    # The trainer passes torch embeddings: same value as from numpy.
    assert m(torch.as_tensor(z), labels, clusters) == pytest.approx(value, abs=1e-9)
    if m.against is not None:
        with pytest.raises(ValueError, match=m.against):
            m(z)


@pytest.mark.parametrize("scale", SCALES)
def test_studies_name_only_registered_measures(scale):
    cfg = compose_config(scale)
    registry = cfg.measures
    for names in (cfg.studies.training.train.measures, cfg.studies.sigma_init.init_measures,
                  cfg.studies.sigma_init.compare.train.measures,
                  cfg.studies.model_zoo.measures):
        assert set(names) <= set(registry)


def test_same_measure_at_another_width_is_one_entry():
    """Adding a measure is one conf entry: here DSE(Z) at sigma = 1 next to the paper's 10."""
    cfg = compose_config("smoke", ["+measures.DSE_Z_s1={fn: {_target_: dse_repro.measures.dse,"
                                   " _partial_: true, sigma: 1.0, t: 1}, against: null,"
                                   " unit: bits}"])
    ms = build_measures(cfg.measures, ["DSE_Z", "DSE_Z_s1"])
    z, _, _ = _embeddings()
    assert ms["DSE_Z_s1"](z) != ms["DSE_Z"](z)


def test_bad_against_is_a_clear_error():
    cfg = compose_config("smoke", ["measures.DSE_Z.against=images"])
    with pytest.raises(ValueError, match="measures.DSE_Z.against"):
        build_measures(cfg.measures, ["DSE_Z"])


def test_entropies_and_kernel_measures_are_read_off_the_registry():
    from omegaconf import OmegaConf

    from dse_repro.pipeline.config import conf_dir
    from dse_repro.train.measures import entropies, kernel_measures

    reg = OmegaConf.to_container(OmegaConf.load(conf_dir() / "measures" / "default.yaml"))
    assert entropies(reg) == ("DSE_Z", "DSE_Z_median", "DSE_Z_knn", "DSE_Z_knn_t10")
    assert kernel_measures(reg) == ("DSE_Z", "DSMI_ZY", "DSMI_ZX")  # bases, not variants
    new = {**reg, "H_Z": {"fn": {"_target_": "x", "sigma": 1.0}, "entropy": True},
           "H_Z_wide": {"fn": {"_target_": "x", "sigma": 9.0}, "entropy": True}}
    assert kernel_measures(new)[-1] == "H_Z" and entropies(new)[-2:] == ("H_Z", "H_Z_wide")
    with pytest.raises(TypeError, match="measures.DSE_Z.entropy must be true or false"):
        entropies({**reg, "DSE_Z": {**reg["DSE_Z"], "entropy": "yes"}})
