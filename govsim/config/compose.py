"""Compose the shipped Hydra configs with override strings into a :class:`Scenario`."""

from __future__ import annotations

import re
from typing import Any

from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from govsim.config.scenario import Scenario
from govsim.config.validate import build_scenario
from govsim.errors import ScenarioError

__all__ = ["CONFIG_MODULE", "compose_config", "load_scenario", "scenario_from_config"]

CONFIG_MODULE = "govsim.configs"


def compose_config(overrides: list[str] | None = None) -> DictConfig:
    """Compose ``config.yaml`` with Hydra ``overrides``; errors become ScenarioError."""
    overrides = list(overrides or [])
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
            return compose(config_name="config", overrides=overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        key, value, allowed = _explain(exc, overrides)
        raise ScenarioError(key, value, allowed) from None
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
