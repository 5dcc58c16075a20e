"""A training run's validation embeddings at initialization and after its last epoch, kept in
one ``embeddings.npz`` so that a later study (the kernel-width sweep) reads the run instead of
training the same model again.

The file holds ``init`` and ``trained`` (``(n_val, D)`` float32, the model's pre-logit
features of the validation images, in the order of the data's validation split) and what
names the run: ``dataset``, ``model``, ``arch``, ``method``, ``seed``, ``epochs``. A run that
no later study reads writes the record only, with ``kept`` false.
"""
from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from dse_repro.errors import DseReproError
from dse_repro.pipeline.io import atomic_write

#: What names the run, beside the two arrays.
RUN_KEYS = ("dataset", "model", "arch", "method", "seed", "epochs")


class EmbeddingsError(DseReproError, ValueError):
    """An embeddings file is missing, unreadable, not kept, or of another run; the message
    names the file and what to do."""


def save_embeddings(path: str | Path, run: Mapping[str, Any], init: np.ndarray | None,
                    trained: np.ndarray | None) -> None:
    """Write ``path`` atomically: ``run`` (every key of :data:`RUN_KEYS`) and, when given, the
    two embeddings ``(n_val, D)``; with both None a record that they were not kept."""
    missing = [k for k in RUN_KEYS if k not in run]
    if missing:
        raise ValueError(f"run must name {list(RUN_KEYS)}; missing {missing}")
    kept = init is not None and trained is not None
    arrays: dict[str, np.ndarray] = {k: np.asarray(run[k]) for k in RUN_KEYS}
    arrays["kept"] = np.asarray(kept)
    if kept:
        arrays["init"] = _float32(init, "init")
        arrays["trained"] = _float32(trained, "trained")

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)

    atomic_write(Path(path), write)


def _float32(z: Any, name: str) -> np.ndarray:
    """``z`` as float32, or a ValueError naming ``name`` when that loses it: values that are
    not finite, beyond float32's range (~3.4e38), or so small (< ~1.4e-45) that they would be
    stored as 0 (a float32 network's features never are; rescale data of such scale first)."""
    z = np.asarray(z)
    with np.errstate(over="ignore", under="ignore"):
        z32 = z.astype(np.float32)
    if not np.isfinite(z32).all():
        what = "not finite" if not np.isfinite(z).all() else "beyond float32's range (~3.4e38)"
        raise ValueError(f"{name} embeddings are {what}: not written")
    if np.count_nonzero(z32) != np.count_nonzero(z):
        raise ValueError(f"{name} embeddings hold values too small for float32 (they would be "
                         "stored as 0): not written")
    return z32


def load_embeddings(path: str | Path, run: Mapping[str, Any]
                    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """``({"init": Z0, "trained": Z1}, run record)`` from ``path``: the two embeddings as
    float64 ``(n_val, D)`` and every key of :data:`RUN_KEYS`, after checking that the file is
    of the training run ``run`` names (some of those keys) and kept them."""
    path = Path(path)
    where = (f"{path} (the training run's embeddings, which its training job writes with "
             f"keep_embeddings=true; under Snakemake `snakemake {path}` makes them)")
    if not path.is_file():
        raise EmbeddingsError(f"missing: {where}")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise EmbeddingsError(f"unreadable ({type(err).__name__}: {err}): {where}; delete it "
                              "to have it made again") from None
    lacking = [k for k in (*RUN_KEYS, "kept") if k not in data]
    if lacking:
        raise EmbeddingsError(f"not an embeddings file (no {lacking}): {where}")
    other = {k: (data[k].item(), v) for k, v in run.items()
             if str(data[k].item()) != str(v)}
    if other:
        said = ", ".join(f"{k} {a!r} (expected {b!r})" for k, (a, b) in other.items())
        raise EmbeddingsError(f"of another run: {said}: {where}")
    if not bool(data["kept"]):
        raise EmbeddingsError(f"written without the embeddings (keep_embeddings was false): "
                              f"{where}")
    out = {}
    for key in ("init", "trained"):
        z = data.get(key)
        if z is None or z.ndim != 2 or not np.isfinite(z).all():
            raise EmbeddingsError(f"its {key!r} embeddings are absent, not 2-D or not finite: "
                                  f"{where}")
        out[key] = z.astype(np.float64)
    return out, {k: data[k].item() for k in RUN_KEYS}
