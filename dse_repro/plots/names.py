"""What the figures print and draw, from conf: the display name of each embedding measure (its
``label`` in the measures registry, ``conf/measures/default.yaml``, with its unit and, for a
kernel measure, its width and t read off its ``fn``), and each figure's settings
(``conf/figures.yaml``: e.g. which measure Fig. 7 draws).

Figures never print a code name such as ``DSMI_ZY_knn``: a name the registry does not hold is
an error here, not a label."""
from __future__ import annotations

import inspect
from collections.abc import Mapping
from functools import cache
from typing import Any

from omegaconf import OmegaConf

from dse_repro.pipeline.config import ConfigError, conf_dir

__all__ = ["ESTIMATORS_CONF", "display", "FIGURES_CONF", "MEASURES_CONF", "estimator_names",
           "figure_settings", "measure_label", "width_text"]

#: The measures registry and the figure settings, relative to ``conf/``.
MEASURES_CONF = "measures/default.yaml"
FIGURES_CONF = "figures.yaml"
#: The estimator registry of Figs. 4, 5 and S1 (its ``estimators:``), relative to ``conf/``.
ESTIMATORS_CONF = "study/mi_compare.yaml"


@cache
def _conf(relative: str) -> dict[str, Any]:
    """The conf file ``conf/<relative>`` as plain data, read once per process (``{}`` if the
    file is absent or empty)."""
    path = conf_dir() / relative
    if not path.is_file():
        return {}
    try:
        return OmegaConf.to_container(OmegaConf.load(path)) or {}
    except Exception as err:  # yaml's scanner and parser errors share no public base
        raise ConfigError(f"conf/{relative} is not readable YAML: {err}") from None


def _measures() -> dict[str, Any]:
    return _conf(MEASURES_CONF)


def _estimator_names() -> tuple[str, ...]:
    return tuple(str(e) for e in _conf(ESTIMATORS_CONF).get("estimators", {}))


def estimator_names() -> list[str]:
    """The estimators of the registry, in its order (which sets their colours)."""
    return list(_estimator_names())


def width_text(fn: Mapping[str, Any]) -> str | None:
    """The kernel width and diffusion time of a measure's ``fn`` settings, in words (None for
    a measure without a kernel), e.g. ``"$\\sigma$ = 10, t = 1"``."""
    sigma = fn.get("sigma")
    if sigma is None:
        return None
    k = fn.get("k", 7)
    width = {"median": r"$\sigma$ = median distance",
             "knn": rf"$\sigma_i$ = {k}-NN distance",
             "knn_median": rf"$\sigma$ = median {k}-NN distance"}.get(
        sigma, rf"$\sigma$ = {sigma:g}" if isinstance(sigma, int | float) else f"sigma = {sigma}")
    return f"{width}, t = {fn.get('t', 1)}"


def measure_label(name: str, *, unit: bool = True, width: bool = True) -> str:
    """The display name of measure ``name``: its registry ``label``, then in parentheses its
    unit (``unit``) and its kernel width and t (``width``; kernel measures only).

    Raises:
        ConfigError: ``name`` is not in the measures registry, or its entry has no label.
    """
    registry = _measures()
    if name not in registry:
        raise ConfigError(f"measure {name!r} is not in the measures registry "
                          f"(conf/{MEASURES_CONF}): {sorted(registry)}")
    entry = registry[name]
    if not entry.get("label"):
        raise ConfigError(f"measures.{name} has no label (conf/{MEASURES_CONF}): figures "
                          "print the label, never the code name")
    extra = [entry["unit"]] if unit and entry.get("unit") not in (None, "unitless") else []
    w = width_text(entry.get("fn") or {}) if width else None
    extra += [w] if w else []
    return f"{entry['label']} ({'; '.join(extra)})" if extra else str(entry["label"])


def _display_names() -> dict[str, str]:
    return dict(_conf(FIGURES_CONF).get("display_names") or {})


def display(word: str) -> str:
    """A word of the results (a method, a model group, a data set) as a figure prints it: its
    ``display_names`` entry in ``conf/figures.yaml``, else with underscores as spaces."""
    return _display_names().get(str(word), str(word).replace("_", " "))


def figure_settings(fig: str, plot: Any, conf: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The settings of figure ``fig`` in ``conf`` (default: ``conf/figures.yaml``; ``{}`` if
    it has none), checked against the keyword arguments of its ``plot`` function, and each
    ``measure`` against the measures registry.

    Raises:
        ConfigError: a key ``plot`` does not take, or a measure the registry does not hold.
    """
    settings = (_conf(FIGURES_CONF) if conf is None else conf).get(fig) or {}
    if not isinstance(settings, dict):
        raise ConfigError(f"conf/{FIGURES_CONF}: {fig} must be a mapping of settings, got "
                          f"{settings!r}")
    takes = [p.name for p in inspect.signature(plot).parameters.values()
             if p.kind is p.KEYWORD_ONLY]
    unknown = sorted(set(settings) - set(takes))
    if unknown:
        raise ConfigError(f"conf/{FIGURES_CONF}: {fig} has no setting {unknown}; it takes "
                          f"{takes}")
    if "measure" in settings:
        measure_label(settings["measure"])  # a clear error for a name outside the registry
    return dict(settings)
