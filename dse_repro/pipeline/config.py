"""Config composition and checks shared by the study entry points and the Snakefile.

The sweep grids live once, in ``conf/``; the Snakefile reads them through Hydra's compose API
to expand its jobs, and the study jobs through ``@hydra.main``. This module knows no study:
what it needs of them -- each study's name, declared settings and job slice keys
(:data:`Studies`) -- it is given; :func:`dse_repro.studies.registry.compose_config` gives the
registered ones.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig, ListConfig, OmegaConf

from dse_repro.errors import DseReproError

#: The repository's ``conf/`` directory (the package is installed editable from the checkout).
CONF_DIR = Path(__file__).resolve().parents[2] / "conf"

SCALES = ("smoke", "laptop", "paper")


def conf_dir() -> Path:
    """``conf/`` of the checkout; a clear error if the package was installed without it."""
    if not (CONF_DIR / "config.yaml").is_file():
        raise FileNotFoundError(
            f"dse_repro's Hydra configs were not found at {CONF_DIR}. Install the project "
            "from its checkout with `pip install -e .` so that conf/ sits beside the package.")
    return CONF_DIR


#: The studies the config mounts: ``(name, settings dataclass, job slice keys)`` each; their
#: conf files ``conf/study/<name>.yaml`` are mounted at ``studies.<name>``, the slice keys
#: (all null = the whole grid) at ``studies.<name>.job``.
Studies = tuple[tuple[str, type, tuple[str, ...]], ...]
#: The ConfigStore node that mounts them (``registered_studies`` in conf/config.yaml).
STUDIES_NODE = "registered_studies"


def compose_config(scale: str, overrides: Sequence[str], studies: Studies) -> DictConfig:
    """The resolved root config at ``scale`` with extra Hydra ``overrides`` and ``studies``
    mounted, type-checked (:func:`check_config`)."""
    return _checked(scale, tuple(overrides), studies)


@cache
def _checked(scale: str, overrides: tuple[str, ...], studies: Studies) -> DictConfig:
    cfg = _compose(scale, overrides, studies)
    check_config(cfg, studies)  # once per composition (the Snakefile asks for it per job)
    return cfg


class ConfigError(DseReproError, ValueError):
    """An unknown key in the config; the message names it."""


@cache
def _schema(studies: Studies) -> dict:
    """The config as written (paper scale, no overrides): the types every scale and override
    must keep. Checked first against the studies' declared settings, so that a wrong type
    written into a conf file is named as such (not as the type every override must keep)."""
    written = OmegaConf.to_container(_compose("paper", (), studies), resolve=True)
    check_declared(written.get("studies", {}), studies)
    return written


#: Config nodes that override another node: they take that node's keys and types.
OVERRIDE_OF = {"studies.sigma_init.compare.train": "studies.training.train",
               "studies.model_zoo.self_trained.train": "studies.training.train"}


def _node(tree: dict, path: str) -> Any:
    for part in path.split("."):
        tree = tree[part]
    return tree


def _source(path: str) -> str:
    parts = path.split(".")
    if parts[0] == "studies" and len(parts) > 1:
        return f"conf/study/{parts[1]}.yaml"
    if parts[0] == "measures":
        return "conf/measures/default.yaml"
    return "conf/config.yaml"


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(
        type(value), type(value).__name__)


def _yaml_hint(schema: Any, value: Any) -> str:
    return (" (YAML 1.1 reads 1e-4 as a string: write 1.0e-4)"
            if isinstance(value, str) and isinstance(schema, float) else "")


def _fits(schema: Any, value: Any) -> bool:
    if schema is None or value is None:
        return True
    if isinstance(schema, bool) or isinstance(value, bool):
        return isinstance(schema, bool) and isinstance(value, bool)
    if isinstance(schema, float):
        return isinstance(value, (int, float))
    if isinstance(schema, int):
        return isinstance(value, int)
    if isinstance(schema, str):
        return isinstance(value, str)
    return True


def _check(schema: Any, value: Any, path: str, root: dict) -> None:
    """Check ``value`` against ``schema``, the node at ``path`` of the config as written
    (``root``)."""
    if schema is None or value is None:
        return
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise TypeError(f"{path} must be a mapping (as in {_source(path)}), got "
                            f"{value!r} ({_kind(value)})")
        # A mapping whose entries are all mappings is a registry (estimators, measures,
        # architectures ...): new entries are welcome, their insides are theirs. An empty
        # mapping (model_kwargs: {}) is free-form.
        open_ = not schema or all(isinstance(v, dict) for v in schema.values())
        for key, v in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if sub in OVERRIDE_OF:
                _check(_node(root, OVERRIDE_OF[sub]), v, sub, root)
            elif key in schema:
                _check(schema[key], v, sub, root)
            elif not open_:
                raise ConfigError(f"unknown config key {sub} (not in {_source(sub)}; known "
                                  f"keys there: {', '.join(map(str, schema))})")
        return
    if isinstance(schema, list):
        if not isinstance(value, list):
            raise TypeError(f"{path} must be a list (as in {_source(path)}), got {value!r} "
                            f"({_kind(value)})")
        kinds = {type(v) for v in schema}
        if schema and len(kinds) == 1 and not isinstance(schema[0], (dict, list)):
            for i, v in enumerate(value):
                if not _fits(schema[0], v):
                    raise TypeError(f"{path}[{i}] must be {_kind(schema[0])} (as in "
                                    f"{_source(path)}), got {v!r} ({_kind(v)})")
        return
    if not _fits(schema, value):
        raise TypeError(f"{path} must be {_kind(schema)} (as in {_source(path)}), got "
                        f"{value!r} ({_kind(value)}){_yaml_hint(schema, value)}")


def _declared_type(tp: Any, value: Any, path: str, where: str) -> None:
    """Check ``value`` against the type annotation ``tp`` of a study's declared settings."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return
    if origin in (typing.Union, types.UnionType):
        errors = []
        for arg in args:
            try:
                _declared_type(arg, value, path, where)
                return
            except (TypeError, ConfigError) as err:
                errors.append(err)
        if value is None:
            raise TypeError(f"{path} may not be null (declared in {where})")
        # a mapping or a list that fits the declared mapping or list but for one entry: that
        # entry's error (an unknown grid key), not "must be a mapping or a list"
        shaped = [err for arg, err in zip(args, errors) if _same_shape(arg, value)]
        if len(shaped) == 1:
            raise shaped[0]
        raise errors[-1] if len(errors) == 1 else TypeError(
            f"{path} must be {' or '.join(_type_name(a) for a in args)} (declared in "
            f"{where}), got {value!r}")
    if tp is type(None):
        if value is not None:
            raise TypeError(f"{path} must be null (declared in {where}), got {value!r}")
        return
    if value is None:
        raise TypeError(f"{path} may not be null: it must be {_type_name(tp)} (declared in "
                        f"{where})")
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(f"{path} must be one of {', '.join(map(str, args))} (declared in "
                              f"{where}), got {value!r}")
        return
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise TypeError(f"{path} must be a mapping (declared in {where}), got {value!r}")
        _declared(tp, value, path, where)
        return
    if origin is list:
        if not isinstance(value, list):
            raise TypeError(f"{path} must be a list (declared in {where}), got {value!r} "
                            f"({_kind(value)})")
        for i, v in enumerate(value):
            _declared_type(args[0], v, f"{path}[{i}]", where)
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError(f"{path} must be a mapping (declared in {where}), got {value!r}")
        for k, v in value.items():
            _declared_type(args[0], k, f"{path} key {k!r}", where)
            _declared_type(args[1], v, f"{path}.{k}", where)
        return
    sample = {bool: True, int: 0, float: 0.0, str: ""}[tp]
    if not _fits(sample, value):
        raise TypeError(f"{path} must be {_kind(sample)} (declared in {where}), got {value!r} "
                        f"({_kind(value)}){_yaml_hint(sample, value)}")


def _same_shape(tp: Any, value: Any) -> bool:
    """``value`` is a mapping and ``tp`` declares one, or both are lists."""
    origin = typing.get_origin(tp)
    if isinstance(value, dict):
        return origin is dict or dataclasses.is_dataclass(tp)
    return isinstance(value, list) and origin is list


def _type_name(tp: Any) -> str:
    """``float`` -> "a number", ``NoneType`` -> "null", ``list[int]`` -> "a list" ..."""
    if tp is type(None):
        return "null"
    if tp in (bool, int, float, str):
        return _kind({bool: True, int: 0, float: 0.0, str: ""}[tp])
    origin = typing.get_origin(tp)
    if origin is list:
        return "a list"
    if origin is dict or dataclasses.is_dataclass(tp):
        return "a mapping"
    return str(tp).replace("typing.", "")


def _declared(cls: type, value: dict, path: str, where: str) -> None:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, v in value.items():
        if key not in fields:
            raise ConfigError(f"unknown config key {path}.{key}: not a setting declared in "
                              f"{where} (declared there: {', '.join(fields)})")
        _declared_type(hints[key], v, f"{path}.{key}", where)
    missing = [n for n, f in fields.items() if n not in value
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{path}: missing setting(s) {', '.join(missing)} (declared in "
                          f"{where})")


def check_declared(node: dict, studies: Studies) -> None:
    """Check each ``studies.<name>`` entry of ``node`` (a plain mapping, resolved) against the
    settings its study declares (``studies``; the registry's
    :attr:`~dse_repro.studies.spec.StudySpec.settings`): every key declared, of its declared
    type, none missing. Raises :class:`ConfigError` / ``TypeError`` naming the key, the conf
    file and the declaration. The ``job`` slice keys are the registry's (checked against the
    config as written)."""
    for name, cls, _ in studies:
        if name not in node:
            continue
        settings = {k: v for k, v in node[name].items() if k != "job"}
        where = f"{cls.__module__}.{cls.__qualname__} (conf/study/{name}.yaml)"
        _declared(cls, settings, f"studies.{name}", where)


def check_config(cfg: DictConfig, studies: Studies) -> None:
    """Check a composed config against each study's declared settings
    (:func:`check_declared`) and against the config as written: every key known (registries
    and empty mappings are open), every value of the written type (an integer where a number
    is written is fine; null accepts anything). Raises :class:`ConfigError` for an unknown key
    and ``TypeError`` for a wrong type, naming the key and the file it belongs in. Runs before
    any compute in every job and when the Snakefile composes the config (``snakemake -n``)."""
    value = OmegaConf.to_container(cfg, resolve=True)
    value.pop("hydra", None)
    check_declared(value.get("studies", {}), studies)
    root = _schema(studies)
    _check(root, value, "", root)


def register_studies(studies: Studies) -> None:
    """Store the node that mounts ``studies`` (:data:`STUDIES_NODE`) in Hydra's ConfigStore:
    each conf at ``studies.<name>``, its ``job`` slice keys there, all null (= whole grid)."""
    from hydra.core.config_store import ConfigStore

    node = {"defaults": ["_self_", *({f"study@studies.{n}": n} for n, _, _ in studies)],
            "studies": {n: {"job": dict.fromkeys(keys)} for n, _, keys in studies}}
    ConfigStore.instance().store(name=STUDIES_NODE, node=node)


@cache
def _compose(scale: str, overrides: tuple[str, ...], studies: Studies) -> DictConfig:
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    register_studies(studies)
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("config", overrides=[f"scale={scale}", "out=unused", *overrides])
    OmegaConf.resolve(cfg)
    return cfg


def grid(spec: Any) -> list:
    """Expand a grid from the config: a list is returned as is; a mapping
    ``{start, stop, num, log: false, integer: false}`` becomes ``num`` points (linearly or
    log-spaced; ``integer`` rounds and drops duplicates, so fewer may come back)."""
    if isinstance(spec, (list, tuple, ListConfig)):
        return list(spec)
    if not isinstance(spec, (dict, DictConfig)):
        raise TypeError(f"a grid must be a list or a {{start, stop, num}} mapping, got {spec!r}")
    start, stop, num = float(spec["start"]), float(spec["stop"]), int(spec["num"])
    values = (np.geomspace(start, stop, num) if spec.get("log", False)
              else np.linspace(start, stop, num))
    if spec.get("integer", False):
        return sorted({int(round(v)) for v in values})
    return [round(float(v), 12) for v in values]
