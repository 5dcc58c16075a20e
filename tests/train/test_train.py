"""Training loop: all three methods run and measure; kill + resume gives identical metrics;
a corrupt checkpoint is a clear error."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dse_repro.data import load_dataset
from dse_repro.data.transforms import input_clusters, resize_normalize
from dse_repro.models import create_model
from dse_repro.studies.registry import compose_config
from dse_repro.train import (
    CheckpointError,
    TrainingError,
    TrainSettings,
    accuracy,
    build_measures,
    train,
)
from dse_repro.train.loop import nt_xent

NAMES = ["DSE_Z", "DSMI_ZY", "DSMI_ZX"]
MEASURES = build_measures(compose_config("smoke").measures, NAMES)


@pytest.fixture(scope="module")
def tiny():
    data = resize_normalize(load_dataset("digits").subset(300, 150, seed=0), 16)
    return data, input_clusters(data.x_val, n_clusters=10)


def _model():
    torch.manual_seed(0)
    return create_model("resnet10t", num_classes=10, in_chans=1)


@pytest.mark.parametrize("method", ["supervised", "simclr", "random_labels"])
def test_methods_run_and_measure(tiny, method):
    data, clusters = tiny
    out = train(_model(), data, TrainSettings(method=method, epochs=2, batch_size=64, lr=1e-3,
                                              measures=NAMES), clusters, measures=MEASURES)
    assert [m.epoch for m in out] == [1, 2]
    for m in out:
        assert list(m.measures) == NAMES
        assert np.isfinite([m.train_loss, *m.measures.values()]).all()
        assert 0 <= m.val_acc <= 1 and m.metric_seconds > 0


def test_measures_switch_computes_only_what_is_asked(tiny):
    """A left-out measure is not computed, the rest (and the training itself) is unchanged."""
    data, clusters = tiny
    kw = dict(epochs=2, batch_size=64, lr=1e-3)
    full = train(_model(), data, TrainSettings(measures=NAMES, **kw), clusters, measures=MEASURES)
    only_dse = train(_model(), data, TrainSettings(measures=["DSE_Z"], **kw), clusters,
                     measures=MEASURES)
    none = train(_model(), data, TrainSettings(measures=(), **kw), None)
    for a, b, c in zip(full, only_dse, none):
        assert a.train_loss == b.train_loss == c.train_loss and a.val_acc == b.val_acc == c.val_acc
        assert b.measures == {"DSE_Z": a.measures["DSE_Z"]} and c.measures == {}


def test_measures_switch_rejects_bad_names(tiny):
    registry = compose_config("smoke").measures
    with pytest.raises(ValueError, match="nope.*not in the measures registry"):
        build_measures(registry, ["DSE_Z", "nope"])
    with pytest.raises(TypeError, match="measures"):
        build_measures(registry, "DSE_Z")
    with pytest.raises(TypeError, match="measures"):
        TrainSettings(measures="DSE_Z")
    data, clusters = tiny
    with pytest.raises(ValueError, match="DSMI_ZX"):  # named in the settings, not given
        train(_model(), data, TrainSettings(epochs=1, measures=["DSMI_ZX"]), clusters,
              measures={"DSE_Z": MEASURES["DSE_Z"]})


def test_accuracy_counts_correct_predictions():
    class Fixed(torch.nn.Module):  # predicts class 1 for every input
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x):
            return torch.tensor([0.0, 1.0, 0.0]).expand(len(x), 3) + 0 * self.w

    y = torch.tensor([1, 1, 0, 2, 1])
    assert accuracy(Fixed(), torch.zeros(5, 1, 2, 2), y, batch_size=2) == pytest.approx(0.6)


def test_supervised_learns(tiny):
    data, clusters = tiny
    out = train(_model(), data, TrainSettings(epochs=4, batch_size=32, lr=3e-3), clusters)
    assert out[-1].val_acc > 0.3 and out[-1].train_loss < out[0].train_loss  # chance: 0.1


def test_kill_and_resume_gives_identical_metrics(tiny, tmp_path):
    data, clusters = tiny
    settings = TrainSettings(method="simclr", epochs=3, batch_size=64, lr=1e-3, measures=NAMES)
    full = train(_model(), data, settings, clusters, checkpoint=tmp_path / "a.pt",
                 measures=MEASURES)

    class Killed(Exception):
        pass

    def kill_after_first(m):
        if m.epoch == 2:  # dies during epoch 2, before its checkpoint is written
            raise Killed

    with pytest.raises(Killed):
        train(_model(), data, settings, clusters, checkpoint=tmp_path / "b.pt",
              on_epoch=kill_after_first, measures=MEASURES)
    assert torch.load(tmp_path / "b.pt", weights_only=False)["epoch"] == 1
    resumed = train(_model(), data, settings, clusters, checkpoint=tmp_path / "b.pt",
                    measures=MEASURES)
    for a, b in zip(full, resumed):
        for key in ("train_loss", "val_acc", *NAMES):
            va = a.measures[key] if key in NAMES else getattr(a, key)
            vb = b.measures[key] if key in NAMES else getattr(b, key)
            assert (math.isnan(va) and math.isnan(vb)) or va == vb, (a.epoch, key, va, vb)


def test_corrupt_checkpoint_is_a_clear_error(tiny, tmp_path):
    data, clusters = tiny
    bad = tmp_path / "c.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="c.pt is corrupt.*delete it"):
        train(_model(), data, TrainSettings(epochs=1), clusters, checkpoint=bad)


def test_settings_reject_string_floats():
    with pytest.raises(TypeError, match="1.0e-4"):
        TrainSettings(lr="1e-4")
    with pytest.raises(ValueError, match="method"):
        TrainSettings(method="byol")


def test_nt_xent_prefers_matching_views():
    z = torch.randn(8, 16)
    assert nt_xent(z, z, 0.5) < nt_xent(z, torch.randn(8, 16), 0.5)


def test_training_study_entry_writes_tidy_epochs(tmp_path):
    from dse_repro.studies.training import run

    cfg = compose_config("smoke", ["studies.training.job.method=random_labels",
                                   f"out={tmp_path}/r.csv"])
    df = run(cfg)
    kernel = {f"{m}{w}" for m in ("DSE_Z", "DSMI_ZY", "DSMI_ZX") for w in ("", "_median", "_knn",
                                                                      "_knn_t10")}
    assert set(df["measure"]) == {"val_acc", "train_loss", "Z_mean_norm", "Z_median_distance",
                                  *kernel}
    scale = df[df["measure"] == "Z_median_distance"]["value"]
    assert (scale > 0).all() and (df[df["measure"] == "Z_mean_norm"]["value"] > 0).all()
    assert (df["train_seconds"] > 0).all() and (df["metric_seconds"] > 0).all()
    assert sorted(df["epoch"].unique()) == [1, 2]
    assert (df["arch"] == "convnet").all() and (df["method"] == "random_labels").all()
    assert (tmp_path / "checkpoint.pt").is_file()  # resumable, next to the output


def test_paper_training_grid_is_162_jobs():
    s = compose_config("paper").studies.training
    assert len(s.datasets) * len(s.models) * len(s.methods) * len(s.seeds) == 162
    assert s.train.lr == 1e-4 and s.lr_by_dataset.mnist == 1e-5 and s.train.epochs == 200


def test_finished_checkpoint_is_reused_only_for_the_same_run(tiny, tmp_path, caplog):
    """Same settings: the finished run is restored without training; another setting (or
    another initial model) starts over and gives its own numbers, and the log says why."""
    data, clusters = tiny
    ckpt = tmp_path / "ckpt.pt"
    base = dict(epochs=2, batch_size=64, lr=1e-3, measures=["DSE_Z"])
    first = train(_model(), data, TrainSettings(**base), clusters, checkpoint=ckpt,
                  measures=MEASURES, describe={"dataset": "digits"})
    calls = []
    again = train(_model(), data, TrainSettings(**base), clusters, checkpoint=ckpt,
                  measures=MEASURES, describe={"dataset": "digits"}, on_epoch=calls.append)
    assert calls == [] and [m.measures for m in again] == [m.measures for m in first]
    with caplog.at_level("WARNING", logger="dse_repro"):
        changed = train(_model(), data, TrainSettings(**{**base, "lr": 0.5}), clusters,
                        checkpoint=ckpt, measures=MEASURES, describe={"dataset": "digits"})
    assert "settings.lr" in caplog.text and "starting this run from scratch" in caplog.text
    fresh = train(_model(), data, TrainSettings(**{**base, "lr": 0.5}), clusters,
                  measures=MEASURES)
    assert [m.train_loss for m in changed] == [m.train_loss for m in fresh]
    assert changed[-1].train_loss != first[-1].train_loss
    caplog.clear()
    with caplog.at_level("WARNING", logger="dse_repro"):
        torch.manual_seed(1)  # another initial model, same settings
        other = create_model("resnet10t", num_classes=10, in_chans=1)
        train(other, data, TrainSettings(**{**base, "lr": 0.5}), clusters, checkpoint=ckpt,
              measures=MEASURES, describe={"dataset": "digits"})
    assert "model_init" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="dse_repro"):  # the caller's description counts
        train(_model(), data, TrainSettings(**{**base, "lr": 0.5}), clusters, checkpoint=ckpt,
              measures=MEASURES, describe={"dataset": "fashion_mnist"})
    assert "describe.dataset" in caplog.text


def test_old_format_checkpoint_is_a_clear_error(tiny, tmp_path):
    data, clusters = tiny
    old = tmp_path / "old.pt"
    torch.save({"model": {}, "optimizer": {}, "scheduler": {}, "epoch": 1, "rng": {},
                "metrics": [{"epoch": 1, "train_loss": 1.0, "val_acc": 0.1, "dse_z": 0.0,
                             "dsmi_zy": 0.0, "dsmi_zx": 0.0, "train_seconds": 1.0,
                             "metric_seconds": 1.0}]}, old)
    with pytest.raises(CheckpointError, match="old.pt is corrupt or incompatible"):
        train(_model(), data, TrainSettings(epochs=1), clusters, checkpoint=old)


def test_epoch_line_is_readable():
    from dse_repro.train.loop import EpochMetrics

    m = EpochMetrics(3, 0.51234, 0.873, {"DSE_Z": 5.1234}, 4.12, 0.61)
    assert m.line() == ("epoch 3: loss 0.5123, val acc 0.8730, DSE_Z 5.123 (train 4.1 s, "
                        "measures 0.6 s)")
    assert "val acc n/a (no probe)" in EpochMetrics(1, 1.0, float("nan"), {}, 1.0, 0.0).line()


def test_a_diverged_run_stops_with_the_epoch_and_batch(tiny):
    """A loss that is no longer finite stops the run by name (it went on to NaN embeddings and
    failed inside a measure with "X contains NaN or infinite values")."""
    data, clusters = tiny
    with pytest.raises(TrainingError, match=r"training diverged: the supervised loss is nan at "
                                            r"epoch 1, batch \d+ of 4 \(lr=1e\+08.*lower the lea"):
        train(_model(), data, TrainSettings(epochs=2, batch_size=64, lr=1e8, measures=NAMES),
              clusters, measures=MEASURES)


def test_a_measure_that_refuses_the_embeddings_names_itself_and_the_epoch(tiny, monkeypatch):
    """Collapsed embeddings (every one the same) leave sigma='knn' no width to read: the error
    says which measure and which epoch, and is a TrainingError."""
    import dse_repro.train.loop as loop

    data, clusters = tiny
    monkeypatch.setattr(loop, "embed", lambda model, x: torch.zeros(len(x), 8))
    knn = build_measures(compose_config("smoke").measures, ["DSE_Z_knn"])
    with pytest.raises(TrainingError, match="measure 'DSE_Z_knn' refused the validation "
                                            "embeddings after epoch 1: sigma='knn'"):
        train(_model(), data, TrainSettings(epochs=1, batch_size=64, lr=1e-3,
                                            measures=["DSE_Z_knn"]), clusters, measures=knn)
