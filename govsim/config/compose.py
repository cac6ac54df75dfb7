"""Compose the shipped Hydra configs with override strings into a :class:`Scenario`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from hydra import compose, initialize_config_dir, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from govsim.config import safety
from govsim.config.scenario import Scenario
from govsim.config.validate import build_scenario
from govsim.errors import ScenarioError

__all__ = ["CONFIG_MODULE", "compose_checked", "compose_config", "load_scenario", "scenario_from_config"]

CONFIG_MODULE = "govsim.configs"


def compose_config(overrides: list[str] | None = None) -> DictConfig:
    """Compose ``config.yaml`` with Hydra ``overrides`` through the safety gate.

    The ``hydra`` subtree is checked and then dropped. Errors become ScenarioError.
    """
    if isinstance(overrides, str) or not isinstance(overrides, list | tuple | type(None)):
        raise ScenarioError("overrides", overrides, "must be a list of override strings like "
                            "['run.horizon_days=30']")
    cfg = compose_checked(list(overrides or []))
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg


def compose_checked(overrides: Sequence[str], *, config_dir: str | None = None,
                    config_path: str | None = None, config_name: str | None = None,
                    multirun: bool = False,
                    validate: Callable[[DictConfig], object] | None = None,
                    job_name: str = "app") -> DictConfig:
    """Compose as ``govsim`` (Hydra) would, refusing anything :mod:`~govsim.config.safety` forbids.

    ``config_dir``, ``config_path`` and ``config_name`` are the command line's
    ``--config-dir``, ``--config-path`` and ``--config-name``. Nothing named by a
    config is imported: search paths, presets and the primary config are checked
    before Hydra reads them, the composed tree (with its ``hydra`` subtree) after.
    With ``multirun``, every value of every sweep is composed and checked once.
    ``validate`` (e.g. :func:`scenario_from_config`) is called on each composed config.
    ``job_name`` is ``hydra.job.name`` (the ``govsim`` command's is ``cli``).
    Returns the last composed config, ``hydra`` subtree included.
    """
    overrides = list(overrides)
    extra = [Path(config_dir).resolve()] if config_dir is not None else []
    for d in extra:
        if not d.is_dir():
            raise ScenarioError("--config-dir", config_dir, "must be an existing directory")
    primary = Path(config_path).resolve() if config_path is not None else None
    if primary is not None and not primary.is_dir():
        raise ScenarioError("--config-path", config_path, "must be an existing directory")
    name = config_name or "config"
    searchpath = safety.check_overrides(overrides, [*extra, *([primary] if primary else [])],
                                        multirun=multirun)
    if primary is not None or config_name is not None:
        safety.check_primary(primary or safety.search_dirs()[0], name)
    if extra:  # --config-dir comes before any hydra.searchpath entry, as in Hydra
        rest = [o for o in overrides if o.split("=", 1)[0] != "hydra.searchpath"]
        dirs = [*extra, *(d for d in searchpath if d not in extra)]
        overrides = [*rest, f"hydra.searchpath=[{','.join(f'file://{d}' for d in dirs)}]"]
    cfg = None
    for variant in _variants(overrides) if multirun else [overrides]:
        cfg = _compose(variant, primary, name, job_name)
        safety.check_composed(cfg)
        if validate is not None:
            validate(cfg)
    assert cfg is not None
    return cfg


def _variants(overrides: list[str], cap: int = 200) -> list[list[str]]:
    """Override lists that between them take every value of every sweep once."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    values = [list(p.sweep_string_iterator()) if p.is_sweep_override() else None for p in parsed]
    first = [o if v is None else f"{o.split('=', 1)[0]}={v[0]}"
             for o, v in zip(overrides, values, strict=True)]
    out = [first]
    for i, vals in enumerate(values):
        for v in (vals or [])[1:]:
            out.append([*first[:i], f"{overrides[i].split('=', 1)[0]}={v}", *first[i + 1:]])
    if len(out) > cap:
        raise ScenarioError("overrides", f"{len(out)} sweep values", f"must be at most {cap} "
                            "(use an experiment spec for larger designs)")
    return out


def _compose(overrides: list[str], primary: Path | None, name: str, job_name: str = "app") -> DictConfig:
    """Compose once (``hydra`` subtree included); errors become ScenarioError."""
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    init = (initialize_config_dir(config_dir=str(primary), version_base="1.3", job_name=job_name) if primary
            else initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3", job_name=job_name))
    try:
        with init:
            return compose(config_name=name, overrides=overrides, return_hydra_config=True)
    except (HydraException, OmegaConfBaseException) as exc:
        key, value, allowed = _explain(exc, overrides)
        raise ScenarioError(key, value, allowed) from None
    except yaml.YAMLError as exc:  # a tag or a syntax error in a preset file
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.name}, line {mark.line + 1}" if mark is not None else "a preset file"
        problem = getattr(exc, "problem", None) or _first_line(exc)
        raise ScenarioError(where, None, f"must be valid YAML without tags ({problem})") from None
    except ValueError as exc:   # e.g. ``governance=null``: Hydra raises a plain ValueError
        bad = next((o for o in overrides if o.endswith("=null")), None)
        key = bad.split("=", 1)[0] if bad else "overrides"
        allowed = "must name a preset of the group" if bad else _first_line(exc)
        raise ScenarioError(key, None if bad else overrides, allowed) from None


def scenario_from_config(cfg: DictConfig | dict[str, Any]) -> Scenario:
    """Resolve interpolations and validate a composed config."""
    try:
        data = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
    except OmegaConfBaseException as exc:
        raise ScenarioError("config", "<interpolation>", _first_line(exc)) from None
    if not isinstance(data, dict):
        raise ScenarioError("config", type(data).__name__, "must be a mapping")
    data = {str(k): v for k, v in data.items() if k != "hydra"}
    return build_scenario(data)


def load_scenario(overrides: list[str] | None = None) -> Scenario:
    """The validated scenario for the shipped configs with Hydra ``overrides``.

    Example: ``load_scenario(["governance=shared_data", "run.horizon_days=90"])``.
    Works from any working directory once govsim is installed.
    """
    return scenario_from_config(compose_config(overrides))


def _explain(exc: BaseException, overrides: list[str]) -> tuple[str, object, str]:
    """Key, value and what is allowed, from a Hydra composition error (one line)."""
    text = str(exc)
    missing = re.search(r"Could not find '([^']+)/([^']+)'", text)
    if missing:
        group, value = missing.groups()
        options = re.findall(r"^\t(\S+)$", text.split("Config search path")[0], flags=re.M)
        return group, value, f"is not a known preset (choose one of: {', '.join(options) or 'none'})"
    unknown = re.search(r"Could not override '([^']+)'", text)
    if unknown:
        key = unknown.group(1)
        value = next((o.split("=", 1)[1] for o in overrides if o.startswith(key + "=")), None)
        return key, value, "unknown key (check the spelling; `govsim --cfg job` lists every key)"
    return "overrides", overrides, _first_line(exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
