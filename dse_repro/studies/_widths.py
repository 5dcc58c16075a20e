"""The scale-free kernel-width variants the toy studies (Figs. 2, 3A, 3B) compute beside
their paper sigma, so that the claims table can say whether each width keeps the paper's
defining properties (``width_check`` in ``conf/config.yaml``).

A variant is a width policy at the study's own t (measure ``<base>_<width>``, e.g.
``DSE_knn``) or at one of ``width_check.ts`` (``<base>_<width>_t<t>``, e.g. ``DSE_knn_t10``).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
from omegaconf import DictConfig

from dse_repro.measures import DegenerateSigmaWarning


def variant_suffixes(widths: Sequence[str], ts: Sequence[int]) -> list[str]:
    """Every variant's measure suffix: ``<width>`` and ``<width>_t<t>``, widths first."""
    return [*map(str, widths), *(f"{w}_t{int(t)}" for w in widths for t in ts)]


def width_variants(cfg: DictConfig, base: str, own_t: int | None,
                   curve: Callable[[str, list[int]], np.ndarray]
                   ) -> list[tuple[str, int | None, object]]:
    """``[(measure, t, value), ...]`` of ``base`` (e.g. ``"DSE"``) under every width of
    ``cfg.width_check``: ``curve(width, ts)`` gives the values at ``ts``. With ``own_t`` a
    study's single t, each width is computed at it and at ``width_check.ts`` (one call, one
    eigensolve); with ``own_t=None`` (a study that sweeps t itself) ``curve(width, [])`` is
    called once and its value returned whole as ``<base>_<width>`` (``t`` None).

    The widths are evaluated on purpose where they are degenerate (e.g. ``median`` at t = 10),
    so their :class:`DegenerateSigmaWarning` is not repeated in the job's log."""
    wc = cfg.width_check
    out: list[tuple[str, int | None, object]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateSigmaWarning)
        for width in wc.widths:
            if own_t is None:
                out.append((f"{base}_{width}", None, curve(str(width), [])))
                continue
            extra = [int(t) for t in wc.ts if int(t) != int(own_t)]
            values = curve(str(width), [int(own_t), *extra])
            out.append((f"{base}_{width}", int(own_t), float(values[0])))
            out += [(f"{base}_{width}_t{t}", t, float(v)) for t, v in zip(extra, values[1:])]
    return out
