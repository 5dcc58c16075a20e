"""Measure your own network's representation during training: :class:`DSEMonitor`.

    monitor = DSEMonitor(x_val, y_val, csv_path="dse.csv", writer=SummaryWriter())
    for epoch in range(epochs):
        train_one_epoch(model)
        monitor(model, epoch)          # -> {"DSE_Z": ..., "DSMI_ZY": ...}

At the end of an epoch the monitor embeds a fixed, seeded validation subset with the model (no
gradients, eval mode, the model's mode restored afterwards), computes the chosen measures and
appends them as tidy rows (``epoch, measure, sigma, t, value, unit``) to ``csv_path`` and, when
given, to a TensorBoard ``SummaryWriter`` (``dse/<measure>``). Kernel width: the library's
default ``"knn"`` (scale-free: embedding norms grow during training; see the README, "Choosing
sigma").
"""
from __future__ import annotations

import csv
import logging
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from dse_repro.errors import DseReproError
from dse_repro.measures.bandwidth import DEFAULT_SIGMA

log = logging.getLogger(__name__)


class MonitorError(DseReproError, ValueError):
    """An epoch's embeddings cannot be measured (NaN from a diverged run, or all of them equal);
    the message names the epoch."""


#: Measures the monitor knows: name -> needs labels (units: embedding_measures.MEASURE_UNITS).
MEASURES = {"DSE_Z": False, "DSMI_ZY": True, "rankme": False, "knn_acc": True}
FIELDS = ("epoch", "measure", "sigma", "t", "value", "unit")


def _is_timm(module: torch.nn.Module) -> bool:
    return hasattr(module, "forward_features") and hasattr(module, "forward_head")


def timm_inside(model: torch.nn.Module) -> tuple[str, torch.nn.Module] | None:
    """``(name, module)`` of the timm model whose pre-logit features :func:`default_embed`
    measures: ``model`` itself, or the one outermost timm model it wraps (a LightningModule's
    ``self.net``); None when there is none or several (a teacher and a student)."""
    if _is_timm(model):
        return "", model
    outer: list[tuple[str, torch.nn.Module]] = []
    for name, module in model.named_modules():
        if name and _is_timm(module) and not any(name.startswith(o + ".") for o, _ in outer):
            outer.append((name, module))
    return outer[0] if len(outer) == 1 else None


def default_embed(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The pre-logit features of the timm model that ``model`` is or wraps
    (:func:`timm_inside`); any other model's output."""
    found = timm_inside(model)
    if found is not None:
        timm_model = found[1]
        return timm_model.forward_head(timm_model.forward_features(x), pre_logits=True)
    return model(x)


def _labels(y_val: Any) -> np.ndarray:
    """``y_val`` as a 1-D numpy array: one label per input (integers, floats with integer
    values or class names, which are numbered in sorted order)."""
    y = np.asarray(y_val.cpu() if isinstance(y_val, torch.Tensor) else y_val)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.reshape(-1)
    if y.ndim != 1:
        raise ValueError(f"y_val must hold one class label per input (shape (n,)), got shape "
                         f"{y.shape}")
    if y.dtype.kind in "US" or (y.dtype == object and all(isinstance(v, str) for v in y)):
        return np.unique(y.astype(str), return_inverse=True)[1].astype(np.int64)
    return y


class DSEMonitor:
    """DSE / DSMI (and RankMe, k-NN accuracy) of a model's embedding of a validation subset.

    Args:
        x_val: validation inputs ``(n, ...)`` (a tensor, or anything ``torch.as_tensor`` takes).
        y_val: their class labels ``(n,)``; needed for ``DSMI_ZY`` and ``knn_acc``.
        measures: names from :data:`MEASURES` (default: DSE_Z, and DSMI_ZY when labels are given).
        sigma: kernel width: ``"knn"`` (default, as every estimator), ``"knn_median"``,
            ``"median"`` or a number in Z's units (see the README, "Choosing sigma").
        t: diffusion time.
        max_points: the fixed subset's size (seeded choice; all points when fewer).
        embed: ``embed(model, x_batch) -> (B, D)``; default :func:`default_embed`.
        csv_path: append tidy rows here (header written when the file is new).
        writer: a TensorBoard ``SummaryWriter`` (anything with ``add_scalar``).
        batch_size: embedding batch size; the batches go to the model's device.
        seed: seed of the subset (and of the estimators' own subsets).
    """

    def __init__(self, x_val: Any, y_val: Any = None, *, measures: Sequence[str] | None = None,
                 sigma: float | str = DEFAULT_SIGMA, t: int = 1, max_points: int = 1000,
                 embed: Callable[[torch.nn.Module, torch.Tensor], torch.Tensor] | None = None,
                 csv_path: str | Path | None = None, writer: Any = None, batch_size: int = 256,
                 seed: int = 0) -> None:
        x = torch.as_tensor(x_val)
        y = None if y_val is None else _labels(y_val)
        if y is not None and y.shape[0] != x.shape[0]:
            raise ValueError(f"y_val has {y.shape[0]} labels for {x.shape[0]} inputs x_val")
        if y is not None and (y.dtype.kind not in "biuf" or (
                y.dtype.kind == "f" and not np.all(np.isfinite(y) & (y == np.round(y))))):
            raise ValueError("y_val must hold class labels (integers, or floats with integer "
                             f"values); got {y.dtype} values such as {y[:3].tolist()}")
        from dse_repro.measures._validation import check_int
        from dse_repro.measures.bandwidth import POLICIES, resolve_sigma

        t = check_int(t, "t", minimum=1)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        max_points = check_int(max_points, "max_points", minimum=2)
        if isinstance(sigma, str):
            if sigma not in POLICIES:
                raise ValueError(f"sigma must be a number > 0 or one of {POLICIES}, got "
                                 f"{sigma!r}")
        else:
            resolve_sigma(np.zeros((2, 1)), sigma)  # a TypeError / ValueError naming sigma
        if isinstance(measures, str):
            raise TypeError(f"measures must be a list of names, got the string {measures!r} "
                            f"(write [{measures!r}])")
        names = list(measures) if measures is not None else (
            ["DSE_Z"] + (["DSMI_ZY"] if y is not None else []))
        unknown = [m for m in names if m not in MEASURES]
        if unknown:
            raise ValueError(f"measures {unknown} unknown; choose from {list(MEASURES)}")
        if y is None and any(MEASURES[m] for m in names):
            raise ValueError(f"measures {[m for m in names if MEASURES[m]]} need y_val")
        idx = self._subset(x.shape[0], y, max_points, seed)
        if y is not None:
            classes, counts = np.unique(y[idx], return_counts=True)
            if classes.size < 2 or counts.min() < 2:
                raise ValueError(
                    f"the validation subset ({idx.size} points) needs >= 2 classes with >= 2 "
                    f"points each for DSMI and k-NN accuracy; it has {classes.size} classes, "
                    f"the smallest with {counts.min()} point(s): give more points "
                    "(x_val, max_points) or merge rare classes")
        self.x = x[torch.as_tensor(idx)]
        self.y = None if y is None else y[idx].astype(np.int64)
        self.measures, self.sigma, self.t, self.seed = names, sigma, int(t), seed
        self.embed = embed or default_embed
        self._said = False  # which output default_embed measures: logged at the first call
        self.csv_path = Path(csv_path) if csv_path else None
        if self.csv_path is not None and self.csv_path.is_dir():
            raise ValueError(f"csv_path {self.csv_path} is a directory; name a .csv file")
        self.writer, self.batch_size = writer, batch_size

    @staticmethod
    def _subset(n: int, y: np.ndarray | None, max_points: int, seed: int) -> np.ndarray:
        """The fixed subset's indices (sorted): all points up to ``max_points``, else a
        seeded choice, stratified by label when labels are given (each class keeps its
        share)."""
        if n <= max_points:
            return np.arange(n)
        if y is None:
            return np.sort(np.random.default_rng(seed).choice(n, max_points, replace=False))
        from sklearn.model_selection import train_test_split

        try:
            idx, _ = train_test_split(np.arange(n), train_size=max_points, stratify=y,
                                      random_state=seed)
        except ValueError:  # a class too small to stratify: a plain seeded choice
            idx = np.random.default_rng(seed).choice(n, max_points, replace=False)
        return np.sort(idx)

    @torch.no_grad()
    def embeddings(self, model: torch.nn.Module) -> torch.Tensor:
        """The subset's embeddings ``(n, D)`` on the CPU; the model's train/eval mode is
        restored afterwards."""
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if self.embed is default_embed and not self._said:
            self._said = True
            found = timm_inside(model)
            what = (f"the pre-logit features of the timm model {found[0] or 'itself'} "
                    f"({type(found[1]).__name__})" if found else
                    f"the output of {type(model).__name__} (no single timm model inside: for a "
                    "classifier, its logits)")
            log.info("DSEMonitor measures %s; pass embed= to measure another layer", what)
            if found is None and any(_is_timm(m) for m in model.modules()):
                warnings.warn(f"{type(model).__name__} holds several timm models: DSEMonitor "
                              "measures its output (for a classifier, its logits); pass embed= "
                              "to measure one model's features", UserWarning, stacklevel=3)
        was_training = model.training
        dev = next(model.parameters()).device
        model.eval()
        try:
            z = torch.cat([self.embed(model, self.x[i:i + self.batch_size].to(dev)).cpu()
                           for i in range(0, self.x.shape[0], self.batch_size)])
        finally:
            model.train(was_training)
        return z.flatten(1).double()

    def __call__(self, model: torch.nn.Module, epoch: int) -> dict[str, float]:
        """Measure ``model`` after ``epoch``; log and return ``{measure: value}``."""
        from dse_repro.tools.embedding_measures import measure_rows

        z = self.embeddings(model).numpy()
        if not np.isfinite(z).all():
            raise MonitorError(f"the model's embeddings after epoch {epoch} hold NaN or infinite "
                               "values: has the training diverged (its loss too)?")
        try:
            found = measure_rows(z, self.y, None, [self.t], [self.sigma], self.measures,
                                 seed=self.seed)
        except (ValueError, TypeError) as err:
            raise MonitorError(f"the embeddings after epoch {epoch} cannot be measured: "
                               f"{err}") from err
        found.sort(key=lambda r: self.measures.index(r["measure"]))  # in the order asked for
        rows = [dict(epoch=int(epoch), **r) for r in found]
        values = {r["measure"]: r["value"] for r in rows}
        if self.csv_path is not None:
            new = not self.csv_path.exists() or self.csv_path.stat().st_size == 0
            self.csv_path.parent.mkdir(parents=True, exist_ok=True)
            with self.csv_path.open("a", newline="") as f:
                w = csv.DictWriter(f, fieldnames=FIELDS)
                if new:
                    w.writeheader()
                w.writerows(rows)
        if self.writer is not None:
            for m, v in values.items():
                self.writer.add_scalar(f"dse/{m}", v, int(epoch))
        return values
