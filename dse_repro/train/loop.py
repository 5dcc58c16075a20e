"""One training run: ``train(model, data, settings, checkpoint_path) -> list of EpochMetrics``.

Methods: ``supervised`` (cross-entropy), ``random_labels`` (cross-entropy on a fixed seeded
permutation of the training labels), ``simclr`` (NT-Xent on two augmented views; temperature
configurable, default 0.5 -- the original code used 1); ``augment`` trains the first two on
the same kind of augmented views. AdamW with linear warm-up then cosine
decay, stepped per batch. After every epoch, on the full validation set: accuracy (SimCLR: a
logistic-regression probe on the embeddings every ``probe_every`` epochs) and the embedding
measures passed to :func:`train` (by name, from the config's ``measures`` registry --
:mod:`dse_repro.train.measures`; e.g. DSE(Z), DSMI(Z; Y), and DSMI(Z; X) with X given as
precomputed cluster labels of the inputs).

A checkpoint (model, optimizer, scheduler, RNG states, metrics so far, and the fingerprint of
the run that made it) is written atomically after every epoch; a run started again with the
same fingerprint resumes from it and ends with the same metrics as an uninterrupted run. A
checkpoint made by a run with another fingerprint (settings, data, initial weights, measures,
the caller's description, the package version) is not used: the run starts over, and the log
says which parts differ.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from dse_repro.data import ImageData, random_labels
from dse_repro.data.transforms import PreparedImages, batches_on
from dse_repro.errors import DseReproError
from dse_repro.models import embed
from dse_repro.pipeline.io import atomic_write
from dse_repro.train.measures import EmbeddingMeasure

METHODS = ("supervised", "simclr", "random_labels")
log = logging.getLogger(__name__)


class CheckpointError(DseReproError, RuntimeError):
    """A checkpoint exists but cannot be used; the message names it and what to do."""


class TrainingError(DseReproError, RuntimeError):
    """The run cannot give results: its loss stopped being finite, or a measure refused its
    epoch's embeddings; the message names the epoch, batch or measure."""


@dataclass
class TrainSettings:
    method: str = "supervised"
    epochs: int = 10
    batch_size: int = 128
    lr: float = 1e-4
    weight_decay: float = 0.05
    warmup_epochs: int = 1
    temperature: float = 0.5
    probe_every: int = 1
    seed: int = 0
    #: supervised / random-label training on augmented views (:func:`augment`) of each batch
    augment: bool = False
    #: names of the embedding measures computed every epoch (the ``measures`` given to
    #: :func:`train` must hold them)
    measures: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if isinstance(self.measures, str):
            raise TypeError(f"measures must be a list of measure names, got the string "
                            f"{self.measures!r}")
        self.measures = tuple(self.measures)
        for name in ("lr", "weight_decay", "temperature"):
            value = getattr(self, name)
            if isinstance(value, str) or not math.isfinite(float(value)) or float(value) < 0:
                raise TypeError(f"{name} must be a non-negative number, got {value!r} "
                                "(YAML 1.1 reads 1e-4 as a string: write 1.0e-4)")


@dataclass
class EpochMetrics:
    epoch: int
    train_loss: float
    val_acc: float  # fraction; NaN for SimCLR epochs without a probe
    measures: dict[str, float]  # name -> value (unit: the measure's), TrainSettings.measures
    train_seconds: float
    metric_seconds: float

    def line(self) -> str:
        """One readable log line: ``epoch 3: loss 0.5123, val acc 0.8730, DSE_Z 5.12, ...
        (train 4.1 s, measures 0.6 s)``."""
        acc = "n/a (no probe)" if math.isnan(self.val_acc) else f"{self.val_acc:.4f}"
        parts = [f"loss {self.train_loss:.4f}", f"val acc {acc}"]
        parts += [f"{k} {v:.4g}" for k, v in self.measures.items()]
        return (f"epoch {self.epoch}: {', '.join(parts)} (train {self.train_seconds:.1f} s, "
                f"measures {self.metric_seconds:.1f} s)")


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float) -> torch.Tensor:
    """SimCLR's normalized-temperature cross-entropy over 2B views (B pairs)."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.T / temperature
    sim.fill_diagonal_(float("-inf"))
    b = z1.shape[0]
    targets = torch.cat([torch.arange(b, 2 * b), torch.arange(0, b)]).to(z.device)
    return F.cross_entropy(sim, targets)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """SimCLR-style view of a batch ``(B, C, H, W)``: random resized crop (scale 0.5-1) and
    brightness jitter, per sample, driven by ``gen`` (so a resumed run draws the same views)."""
    b, _, h, w = x.shape
    out = torch.empty_like(x)
    scales = 0.5 + 0.5 * torch.rand(b, generator=gen)
    offs = torch.rand(b, 2, generator=gen)
    gains = 0.8 + 0.4 * torch.rand(b, generator=gen)
    for i in range(b):
        ch, cw = max(2, int(h * scales[i].sqrt())), max(2, int(w * scales[i].sqrt()))
        top, left = int(offs[i, 0] * (h - ch)), int(offs[i, 1] * (w - cw))
        crop = x[i:i + 1, :, top:top + ch, left:left + cw]
        out[i] = F.interpolate(crop, size=(h, w), mode="bilinear", align_corners=False)[0]
    return out * gains.view(b, 1, 1, 1).to(x.device)


def _schedule(total_steps: int, warmup_steps: int) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    return factor


@torch.no_grad()
def accuracy(model: torch.nn.Module, x: torch.Tensor | PreparedImages, y: torch.Tensor,
             batch_size: int = 256) -> float:
    """Top-1 accuracy (fraction) of ``model`` in eval mode on inputs ``x`` ``(n, C, H, W)`` (a
    tensor or images prepared a batch at a time) with labels ``y`` ``(n,)``, in batches on the
    model's device."""
    model.eval()
    dev = next(model.parameters()).device
    x = batches_on(x, dev)
    pred = torch.cat([model(x[i:i + batch_size].to(dev)).argmax(1).cpu()
                      for i in range(0, len(y), batch_size)])
    return float((pred == y.cpu()).float().mean())


def _probe_accuracy(model: torch.nn.Module, data: ImageData) -> float:
    from sklearn.linear_model import LogisticRegression

    ztr = embed(model, data.x_train).cpu().numpy()
    zva = embed(model, data.x_val).cpu().numpy()
    mu, sd = ztr.mean(0), ztr.std(0) + 1e-8
    clf = LogisticRegression(max_iter=500).fit((ztr - mu) / sd, data.y_train.numpy())
    return float(clf.score((zva - mu) / sd, data.y_val.numpy()))


def _digest(*arrays: object) -> str:
    """sha256 of tensors / arrays (bytes, shape and dtype) -- a short name for their content."""
    h = hashlib.sha256()
    for a in arrays:
        if a is None:
            h.update(b"none")
            continue
        t = a.detach().cpu() if isinstance(a, torch.Tensor) else torch.as_tensor(np.asarray(a))
        h.update(f"{tuple(t.shape)}{t.dtype}".encode())
        h.update(t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
                 if t.numel() else b"")
    return h.hexdigest()[:16]


def run_fingerprint(model: torch.nn.Module, data: ImageData, settings: TrainSettings,
                    x_clusters: np.ndarray | None, measures: Mapping[str, EmbeddingMeasure],
                    describe: Mapping | None = None) -> dict:
    """Everything that determines a run, as a JSON-able dict: the settings, the model's initial
    weights (which carry its architecture, init and seed), the labels and the first 64 images
    of each split with the split sizes, the input clusters, the measures computed, the caller's
    own description (``describe``: e.g. data set, image size, config entries) and the package
    version."""
    from dse_repro import __version__

    fp = {"settings": asdict(settings),
          "model_init": _digest(*model.state_dict().values()),
          "data": {"n_train": len(data.y_train), "n_val": len(data.y_val),
                   "digest": _digest(data.x_train[:64], data.y_train, data.x_val[:64],
                                     data.y_val)},
          "x_clusters": _digest(x_clusters),
          "measures": {k: m.describe() for k, m in measures.items() if k in settings.measures},
          "describe": dict(describe or {}),
          "dse_repro": __version__}
    return json.loads(json.dumps(fp, sort_keys=True, default=str))


def _differences(old: Mapping, new: Mapping, prefix: str = "") -> list[str]:
    """The keys (dotted) whose values differ between two fingerprints."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out += _differences(a, b, f"{prefix}{key}.")
        elif a != b:
            out.append(f"{prefix}{key}")
    return out


def _load_checkpoint(path: Path) -> dict:
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
        if not {"model", "optimizer", "scheduler", "epoch", "metrics", "rng"} <= set(state):
            raise KeyError("missing entries")
        state["metrics"] = [EpochMetrics(**m) for m in state["metrics"]]
        return state
    except Exception as err:  # noqa: BLE001 - any failure to read means the file is unusable
        raise CheckpointError(
            f"checkpoint {path} is corrupt or incompatible ({type(err).__name__}: {err}); "
            "delete it to restart this run from scratch") from None


def train(model: torch.nn.Module, data: ImageData, settings: TrainSettings,
          x_clusters: np.ndarray | None, checkpoint: str | Path | None = None,
          device: str | torch.device = "cpu",
          on_epoch: Callable[[EpochMetrics], None] | None = None,
          measures: Mapping[str, EmbeddingMeasure] | None = None,
          describe: Mapping | None = None, progress: bool = False) -> list[EpochMetrics]:
    """Train ``model`` on ``data`` and measure it after every epoch.

    Args:
        model: a timm model with ``num_classes`` outputs.
        data: inputs at the model's size, normalised: tensors, or
            :class:`~dse_repro.data.transforms.PreparedImages` (each batch resized and
            normalised on ``device`` when it is taken).
        settings: see :class:`TrainSettings`.
        x_clusters: cluster labels of ``data.x_val`` (shape ``(n_val,)``) for measures
            against the inputs, e.g. DSMI(Z; X) (None when no measure needs them).
        checkpoint: file to resume from / write after every epoch (None: no checkpointing).
        device: where the model, the batches and the measures run.
        on_epoch: called with each epoch's metrics (e.g. for logging).
        measures: name -> measure (:func:`dse_repro.train.measures.build_measures`); must
            hold every name of ``settings.measures``, computed in that order on the
            validation embeddings after every epoch.
        describe: what else determines the run, in the caller's words (JSON-able), part of
            the checkpoint's fingerprint (see :func:`run_fingerprint`).
        progress: show a tqdm bar over each epoch's batches (on stderr: the job's log).

    Returns:
        One :class:`EpochMetrics` per epoch (including those restored from the checkpoint).
    """
    s = settings
    measures = dict(measures or {})
    missing = [m for m in s.measures if m not in measures]
    if missing:
        raise ValueError(f"settings.measures names {missing}, which the measures given to "
                         f"train() do not hold ({list(measures)})")
    device = torch.device(device)
    fingerprint = run_fingerprint(model, data, s, x_clusters, measures, describe)
    torch.manual_seed(s.seed)
    model.to(device)
    y_train = random_labels(data.y_train, s.seed) if s.method == "random_labels" else data.y_train
    n = len(y_train)
    steps_per_epoch = max(1, n // s.batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=float(s.lr), weight_decay=float(s.weight_decay))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, _schedule(s.epochs * steps_per_epoch, s.warmup_epochs * steps_per_epoch))
    gen = torch.Generator().manual_seed(s.seed)
    x_train = batches_on(data.x_train, device)  # prepared images: resized on the device
    metrics: list[EpochMetrics] = []
    start = 0
    ckpt = Path(checkpoint) if checkpoint else None
    state = _load_checkpoint(ckpt) if ckpt is not None and ckpt.exists() else None
    if state is not None and state.get("fingerprint") != fingerprint:
        changed = _differences(state.get("fingerprint") or {}, fingerprint)
        log.warning("checkpoint %s was made by a run with other settings (differs in: %s); "
                    "starting this run from scratch", ckpt, ", ".join(changed) or "all")
        state = None
    if state is not None:
        log.info("resuming from %s after epoch %d", ckpt, state["epoch"])
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        gen.set_state(state["rng"]["generator"])
        torch.set_rng_state(state["rng"]["torch"])
        metrics = state["metrics"]
        start = state["epoch"]

    for epoch in range(start, s.epochs):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=gen)
        losses = []
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch + 1}/{s.epochs}", unit="batch",
                   leave=False, mininterval=2.0, disable=not progress)
        for b in bar:
            idx = order[b * s.batch_size:(b + 1) * s.batch_size]
            x = x_train[idx].to(device)
            if s.method == "simclr":
                h1 = model.forward_head(model.forward_features(augment(x, gen)), pre_logits=True)
                h2 = model.forward_head(model.forward_features(augment(x, gen)), pre_logits=True)
                loss = nt_xent(h1, h2, float(s.temperature))
            else:
                if s.augment:
                    x = augment(x, gen)
                loss = F.cross_entropy(model(x), y_train[idx].to(device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            losses.append(float(loss.detach()))
            if not math.isfinite(losses[-1]):  # every later number would be NaN: stop here
                raise TrainingError(
                    f"training diverged: the {s.method} loss is {losses[-1]} at epoch "
                    f"{epoch + 1}, batch {b + 1} of {steps_per_epoch} (lr={s.lr:g}, "
                    f"batch_size={s.batch_size}); lower the learning rate")
            bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
        bar.close()
        t1 = time.perf_counter()
        values: dict[str, float] = {}
        if s.measures:
            z = embed(model, data.x_val)
            labels = data.y_val.numpy()
            values = {k: _measure(measures[k], z, labels, x_clusters, epoch + 1)
                      for k in s.measures}
        t2 = time.perf_counter()  # embedding + the measures: the metrics' share of the epoch
        if s.method == "simclr":
            probe = (epoch + 1) % s.probe_every == 0 or epoch + 1 == s.epochs
            acc = _probe_accuracy(model, data) if probe else float("nan")
        else:
            acc = accuracy(model, data.x_val, data.y_val)
        row = EpochMetrics(
            epoch=epoch + 1, train_loss=float(np.mean(losses)), val_acc=acc, measures=values,
            train_seconds=t1 - t0, metric_seconds=t2 - t1)
        metrics.append(row)
        if on_epoch:
            on_epoch(row)
        if ckpt is not None:
            _save({"model": model.state_dict(), "optimizer": opt.state_dict(),
                          "scheduler": sched.state_dict(), "epoch": epoch + 1,
                          "metrics": [asdict(m) for m in metrics],
                          "rng": {"generator": gen.get_state(), "torch": torch.get_rng_state()},
                          "fingerprint": fingerprint},
                         ckpt)
    return metrics


def _measure(measure: EmbeddingMeasure, z: torch.Tensor, labels: np.ndarray,
             clusters: np.ndarray | None, epoch: int) -> float:
    """``measure`` of the validation embeddings after ``epoch``; a measure that refuses them
    (e.g. every embedding the same: no kernel width to read off them) is a
    :class:`TrainingError` naming the measure and the epoch."""
    try:
        return measure(z, labels, clusters)
    except (ValueError, TypeError) as err:
        raise TrainingError(f"measure {measure.name!r} refused the validation embeddings "
                            f"after epoch {epoch}: {err}") from err


def _save(state: dict, path: Path) -> None:
    atomic_write(path, lambda tmp: torch.save(state, tmp))
