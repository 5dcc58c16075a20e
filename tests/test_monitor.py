"""DSEMonitor in a plain 2-epoch training loop: rows appended per epoch, the model's mode
restored, no gradients touched, TensorBoard-style scalars, clear errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from dse_repro.measures import dse, dsmi
from dse_repro.tools.monitor import DSEMonitor


class Writer:
    def __init__(self):
        self.scalars = []

    def add_scalar(self, tag, value, step):
        self.scalars.append((tag, value, step))


@pytest.fixture
def digits():
    from sklearn.datasets import load_digits

    d = load_digits()
    return torch.tensor(d.data, dtype=torch.float32) / 16, torch.tensor(d.target)


def test_two_epoch_loop(tmp_path, digits):
    x, y = digits
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    writer = Writer()
    monitor = DSEMonitor(x[:1500], y[:1500], measures=["DSE_Z", "DSMI_ZY", "rankme", "knn_acc"],
                         max_points=400, csv_path=tmp_path / "dse.csv", writer=writer)
    seen = []
    for epoch in range(2):
        model.train()
        for i in range(0, 1500, 100):
            loss = torch.nn.functional.cross_entropy(model(x[i:i + 100]), y[i:i + 100])
            opt.zero_grad()
            loss.backward()
            opt.step()
        grads = [p.grad.clone() for p in model.parameters()]
        seen.append(monitor(model, epoch))
        assert model.training  # restored
        assert all(torch.equal(g, p.grad) for g, p in zip(grads, model.parameters()))
    rows = pd.read_csv(tmp_path / "dse.csv")
    assert len(rows) == 8 and list(rows.epoch.unique()) == [0, 1]
    assert set(rows.measure) == {"DSE_Z", "DSMI_ZY", "rankme", "knn_acc"}
    assert (rows[rows.measure == "DSE_Z"].sigma == "knn").all()
    assert len(writer.scalars) == 8 and writer.scalars[0][0] == "dse/DSE_Z"
    # the numbers are the library's, on the monitor's fixed subset
    z = monitor.embeddings(model).numpy()
    assert seen[1]["DSE_Z"] == pytest.approx(dse(z, "knn", 1))
    assert seen[1]["DSMI_ZY"] == pytest.approx(dsmi(z, monitor.y, "knn", 1, y_discrete=True))
    assert monitor.x.shape[0] == 400


def test_eval_mode_is_kept_and_default_measures(digits):
    x, y = digits
    model = torch.nn.Sequential(torch.nn.Linear(64, 8))
    model.eval()
    values = DSEMonitor(x[:200])(model, 0)
    assert list(values) == ["DSE_Z"] and not model.training
    assert list(DSEMonitor(x[:200], y[:200])(model, 0)) == ["DSE_Z", "DSMI_ZY"]


@pytest.mark.parametrize("kwargs,match", [
    (dict(measures=["DSMI_ZY"]), "need y_val"),
    (dict(measures=["nope"]), "unknown"),
    (dict(max_points=1), "max_points"),
])
def test_bad_arguments(digits, kwargs, match):
    with pytest.raises(ValueError, match=match):
        DSEMonitor(digits[0][:50], **kwargs)


def test_label_count_must_match(digits):
    with pytest.raises(ValueError, match="y_val has 49 labels for 50"):
        DSEMonitor(digits[0][:50], digits[1][:49])


def test_lightning_callback_two_epochs(tmp_path, digits):
    import lightning

    from dse_repro.tools.lightning_callback import DSECallback

    x, y = digits

    class Net(lightning.LightningModule):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU())
            self.head = torch.nn.Linear(32, 10)

        def forward(self, v):
            return self.head(self.body(v))

        def training_step(self, batch, _):
            return torch.nn.functional.cross_entropy(self(batch[0]), batch[1])

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1)

    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x[:1000], y[:1000]),
                                         batch_size=100)
    callback = DSECallback(x[1000:1400], y[1000:1400], csv_path=tmp_path / "dse.csv",
                           embed=lambda m, v: m.body(v))
    trainer = lightning.Trainer(max_epochs=2, callbacks=[callback], logger=False,
                                enable_checkpointing=False, enable_progress_bar=False,
                                enable_model_summary=False, accelerator="cpu",
                                default_root_dir=tmp_path)
    trainer.fit(Net(), loader)
    rows = pd.read_csv(tmp_path / "dse.csv")
    assert list(rows.epoch) == [0, 0, 1, 1] and set(rows.measure) == {"DSE_Z", "DSMI_ZY"}
    assert len(callback.history) == 2
    assert "dse/DSE_Z" in trainer.callback_metrics


def test_float_labels_and_diffusion_times_are_checked():
    x = torch.randn(50, 4)
    with pytest.raises(ValueError, match="y_val must hold class labels"):
        DSEMonitor(x, torch.rand(50))
    with pytest.raises(ValueError, match="t must be an integer, got 1.7"):
        DSEMonitor(x, torch.randint(0, 3, (50,)), t=1.7)
    labels = torch.randint(0, 3, (50,))
    m = DSEMonitor(x, labels.float(), max_points=50)  # integral floats are classes
    assert m.y.dtype == np.int64 and (m.y == labels.numpy()).all()


@pytest.mark.parametrize("kwargs,match", [
    (dict(sigma="Median"), "sigma must be a number > 0 or one of"),
    (dict(sigma=-1.0), "sigma"),
    (dict(t=0), "t must be >= 1"),
    (dict(batch_size=0), "batch_size must be >= 1"),
    (dict(max_points=1), "max_points must be >= 2"),
    (dict(measures="DSE_Z"), r"a list of names, got the string 'DSE_Z'"),
    (dict(csv_path="/proc"), "csv_path /proc is a directory"),
])
def test_bad_settings_fail_at_construction(kwargs, match):
    """Each used to fail only after the first epoch of training."""
    x, y = torch.randn(60, 4), torch.arange(60) % 3
    with pytest.raises((ValueError, TypeError), match=match):
        DSEMonitor(x, y, **kwargs)


def test_subset_is_stratified_and_classes_are_checked():
    x = torch.randn(300, 4)
    y = torch.cat([torch.zeros(270), torch.ones(30)]).long()  # 10 % class 1
    m = DSEMonitor(x, y, max_points=50, seed=3)
    assert np.bincount(m.y).tolist() == [45, 5]  # each class keeps its share
    with pytest.raises(ValueError, match="smallest with 1 point"):
        DSEMonitor(torch.randn(10, 4), torch.tensor([0] * 9 + [1]))


def test_labels_as_class_names_and_shapes_are_checked():
    """Class names are labels (numbered in sorted order); a label array of another shape than
    one per input is refused by its shape (it used to be flattened and counted); a model that
    is not a Module is named."""
    x, y = torch.randn(60, 4), torch.arange(60) % 3
    names = np.array(["cat", "dog", "emu"])[y.numpy()]
    assert (DSEMonitor(x, names).y == DSEMonitor(x, y).y).all()
    assert (DSEMonitor(x, list(names)).y == y.numpy()).all()
    with pytest.raises(ValueError, match=r"one class label per input \(shape \(n,\)\), got "
                                         r"shape \(60, 2\)"):
        DSEMonitor(x, torch.stack([y, y], 1))
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got function"):
        DSEMonitor(x, y)(lambda b: b, epoch=1)


def test_a_wrapped_timm_model_is_measured_at_its_pre_logit_features(caplog):
    """A LightningModule-like wrapper around a timm model: its pre-logit features, not the
    wrapper's logits (they used to be measured without a word); the choice is logged once;
    two timm models inside (teacher and student) measure the output, with a warning."""
    import logging

    import timm

    from dse_repro.tools.monitor import timm_inside

    class Wrapper(torch.nn.Module):
        def __init__(self, *nets):
            super().__init__()
            self.nets = torch.nn.ModuleList(nets)

        def forward(self, x):
            return self.nets[0](x)

    torch.manual_seed(0)
    net = timm.create_model("resnet10t", pretrained=False, num_classes=3)
    x, y = torch.randn(40, 3, 32, 32), torch.arange(40) % 3
    wrapped = Wrapper(net)
    assert timm_inside(wrapped) == ("nets.0", net)
    monitor = DSEMonitor(x, y)
    with caplog.at_level(logging.INFO, logger="dse_repro.tools.monitor"):
        z = monitor.embeddings(wrapped)
        monitor.embeddings(wrapped)
    assert z.shape == (40, net.num_features)  # not the 3 logits
    assert torch.equal(z, monitor.embeddings(net))
    assert caplog.text.count("pre-logit features of the timm model nets.0 (ResNet)") == 1
    two = Wrapper(net, timm.create_model("resnet10t", pretrained=False, num_classes=3))
    with pytest.warns(UserWarning, match="several timm models"):
        assert DSEMonitor(x, y).embeddings(two).shape == (40, 3)


def test_unmeasurable_embeddings_name_the_epoch():
    """NaN embeddings (a diverged run) and collapsed ones (all equal: sigma='knn' has no width)
    are a MonitorError (a ValueError) naming the epoch, not a bare 'X contains NaN'."""
    from dse_repro.tools.monitor import MonitorError

    torch.manual_seed(0)
    x, y = torch.randn(100, 5), torch.randint(0, 3, (100,))
    model = torch.nn.Linear(5, 4)
    monitor = DSEMonitor(x, y, embed=lambda m, xx: m(xx))
    assert set(monitor(model, 0)) == {"DSE_Z", "DSMI_ZY"}
    with torch.no_grad():
        model.weight.fill_(float("nan"))
    with pytest.raises(MonitorError, match="after epoch 1 hold NaN or infinite values: has the "
                                           "training diverged"):
        monitor(model, 1)
    with torch.no_grad():
        model.weight.fill_(0.0)
        model.bias.fill_(0.0)
    with pytest.raises(ValueError, match="after epoch 2 cannot be measured: sigma='knn': every "
                                         "point has 7 duplicates"):
        monitor(model, 2)
