"""Embedding measures by name, built from the ``measures`` registry of the config
(``conf/measures/default.yaml``): ``name -> {fn, against, unit, label, entropy}``.

The training study computes them after every epoch, the sigma-init study at initialization,
the model zoo once per model; the name is the ``measure`` column of their tidy results.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: What the second argument of a measure is: none, the class labels, or cluster labels of X.
AGAINST = (None, "labels", "input_clusters")


@dataclass(frozen=True)
class EmbeddingMeasure:
    """One measure: ``fn(Z)`` or ``fn(Z, labels)`` or ``fn(Z, input clusters)`` -> a number
    in ``unit``."""

    name: str
    fn: Callable[..., float]
    against: str | None
    unit: str

    def __call__(self, z: Any, labels: np.ndarray | None = None,
                 clusters: np.ndarray | None = None) -> float:
        """The measure of embeddings ``z`` ``(n, D)``; ``labels`` / ``clusters`` ``(n,)``
        are used when :attr:`against` asks for them."""
        if self.against is None:
            return float(self.fn(z))
        other = labels if self.against == "labels" else clusters
        if other is None:
            raise ValueError(f"measure {self.name!r} needs {self.against}, none given")
        return float(self.fn(z, np.asarray(other)))

    def describe(self) -> dict:
        """A stable, JSON-able description (function path and its bound settings)."""
        fn, args, kwargs = self.fn, (), {}
        if isinstance(fn, functools.partial):
            fn, args, kwargs = fn.func, fn.args, fn.keywords
        return {"fn": f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}",
                "args": [repr(a) for a in args], "kwargs": {k: repr(v) for k, v in kwargs.items()},
                "against": self.against, "unit": self.unit}


def build_measures(registry: Mapping, names: Sequence[str]) -> dict[str, EmbeddingMeasure]:
    """The measures ``names`` (in that order) from ``registry`` (the config's ``measures``).

    Raises:
        TypeError: ``names`` is a single string.
        ValueError: a name not in the registry, or an entry with a bad ``against``.
    """
    from hydra.utils import instantiate

    if isinstance(names, str):
        raise TypeError(f"measures must be a list of names from {list(registry)}, got the "
                        f"string {names!r}")
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ValueError(f"measures {unknown} are not in the measures registry "
                         f"(conf/measures/): {list(registry)}")
    out = {}
    for name in names:
        entry = registry[name]
        against = entry.get("against")
        if against not in AGAINST:
            raise ValueError(f"measures.{name}.against must be one of {AGAINST}, got {against!r}")
        out[str(name)] = EmbeddingMeasure(str(name), instantiate(entry.fn), against,
                                          str(entry.unit))
    return out


def needs_clusters(measures: Mapping[str, EmbeddingMeasure]) -> bool:
    """Whether any of ``measures`` reads cluster labels of the inputs."""
    return any(m.against == "input_clusters" for m in measures.values())


def entropies(registry: Mapping) -> tuple[str, ...]:
    """The names of ``registry`` whose entry says ``entropy: true`` (in bits, never
    negative), in registry order.

    Raises:
        TypeError: an ``entropy`` that is not a boolean.
    """
    out = []
    for name, entry in registry.items():
        flag = entry.get("entropy", False)
        if not isinstance(flag, bool):
            raise TypeError(f"measures.{name}.entropy must be true or false, got {flag!r}")
        if flag:
            out.append(str(name))
    return tuple(out)


def kernel_measures(registry: Mapping) -> tuple[str, ...]:
    """The measures of ``registry`` that have a kernel width (their ``fn`` takes ``sigma``) and
    are not another such measure under a width variant (``DSE_Z_knn`` is ``DSE_Z`` under
    ``knn``): the bases whose ``<base>_<variant>`` entries the claims re-judge them under."""
    kernel = [str(n) for n, e in registry.items() if "sigma" in (e.get("fn") or {})]
    return tuple(n for n in kernel if not any(n.startswith(b + "_") for b in kernel if b != n))
