"""What a planner can set: the baseline's presets and the levers of an option.

Each lever turns one typed value into Hydra override strings; nothing typed in
the page becomes an override without passing through one of these functions.
The override keys are those of the shipped configs (``configs/channels``,
``configs/interventions``, ``configs/platform``, ``configs/governance``,
``configs/proactive``) and of the shipped experiments e3, e4 and e6.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["BASELINE_GROUPS", "LEVERS", "Lever", "lever", "option_overrides", "presets", "unit_costs"]

#: config groups a planner chooses for the baseline (presets listed from the package).
BASELINE_GROUPS = ("population", "governance", "channels", "platform")
_HIDDEN_PRESETS = {"population": {"mmc"}}


def presets(group: str) -> list[str]:
    """The shipped presets of a config group (``township``, ``county``, ...)."""
    folder = resources.files("govsim.configs").joinpath(group)
    names = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))
    return [n for n in names if n not in _HIDDEN_PRESETS.get(group, set())]


def _num(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class Lever:
    """One lever of an option: a typed value, its overrides and what it costs."""

    name: str
    kind: str                       # "int", "float", "bool" or "choice"
    keys: tuple[str, ...]           # override keys whose errors belong to this lever
    to_overrides: Callable[[Any], list[str]]
    choices: tuple[str, ...] = ()
    cost_keys: tuple[str, ...] = ()  # config keys of its unit costs


def _proxies(n: Any) -> list[str]:
    if not n:
        return []
    return ["channels.assisted=true", f"channels.proxies_per_village={int(n)}"]


def _training(share: Any) -> list[str]:
    if not share:
        return []
    return ["interventions=literacy_training", f"interventions.training_share={_num(float(share))}"]


def _simple(key: str, skip: Any = None) -> Callable[[Any], list[str]]:
    def convert(value: Any) -> list[str]:
        if value is None or value == skip:
            return []
        if isinstance(value, bool):
            return [f"{key}={'true' if value else 'false'}"]
        return [f"{key}={_num(float(value))}"]
    return convert


def _counters(choice: Any) -> list[str]:
    return ["channels.online=true", "channels.counters_open=false"] if choice == "closed" else []


def _proactive(on: Any) -> list[str]:
    return ["proactive=on"] if on else []


def _online(on: Any) -> list[str]:
    return ["channels.online=true"] if on else []


LEVERS: tuple[Lever, ...] = (
    Lever("online", "bool", ("channels.online",), _online),
    Lever("proxies_per_village", "int", ("channels.proxies_per_village", "channels.assisted"),
          _proxies, cost_keys=("costs.proxy_stipend_per_year", "costs.proxy_per_task")),
    Lever("training_share", "float", ("interventions.training_share", "interventions"), _training,
          cost_keys=("interventions.training_cost_per_trainee",)),
    Lever("coverage_min", "float", ("interventions.coverage_min",),
          _simple("interventions.coverage_min", 0),
          cost_keys=("interventions.infrastructure_cost_per_village",)),
    Lever("apps", "int", ("platform.apps",), _simple("platform.apps"),
          cost_keys=("costs.platform_per_app_year",)),
    Lever("unify_apps", "bool", ("interventions.unify_apps",),
          _simple("interventions.unify_apps", False), cost_keys=("interventions.unify_cost",)),
    Lever("counters", "choice", ("channels.counters_open",), _counters, choices=("kept", "closed")),
    Lever("share_level", "float", ("governance.share_level",), _simple("governance.share_level")),
    Lever("proactive", "bool", ("proactive", "proactive.enabled"), _proactive,
          cost_keys=("proactive.wrong_grant_cost",)),
    Lever("staff_to_backoffice", "int", ("interventions.staff_to_backoffice",),
          _simple("interventions.staff_to_backoffice", 0), cost_keys=("costs.staff_per_year",)),
)


def lever(name: str) -> Lever:
    """The lever called ``name``."""
    for lv in LEVERS:
        if lv.name == name:
            return lv
    raise KeyError(name)


def option_overrides(levers: dict[str, Any]) -> list[str]:
    """Override strings of an option's lever values, in lever order (unset levers add none)."""
    out: list[str] = []
    for lv in LEVERS:
        if lv.name in levers:
            out.extend(lv.to_overrides(levers[lv.name]))
    return out


def unit_costs(config: dict[str, Any], levers: dict[str, Any]) -> dict[str, float]:
    """The unit costs (yuan) behind the levers an option sets, read from its resolved config."""
    out: dict[str, float] = {}
    for lv in LEVERS:
        if not lv.to_overrides(levers.get(lv.name)):
            continue
        for key in lv.cost_keys:
            node: Any = config
            for part in key.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, int | float) and not isinstance(node, bool):
                out[key] = float(node)
    return out
