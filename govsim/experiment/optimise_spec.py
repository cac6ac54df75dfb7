"""The ``optimise:`` block of a ``kind: optimise`` experiment, typed and validated.

A lever is a decision the planner controls: the override key(s) it sets, a range
(whole numbers, a yes/no switch or a continuous range) and a cost per unit of its
value. A candidate's cost is ``sum(unit_cost * value)`` (:func:`govsim.decide.optimise.cost_of`)
and must stay within ``budget``. Objectives are KPIs of the registry; the direction
comes from the KPI's ``better`` (lower: minimise, higher: maximise) unless given.
The selection block sets the certified choice among the best ``k`` candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govsim.decide.optimise import Lever, Objective
from govsim.errors import ScenarioError

__all__ = ["OptLever", "OptimiseSpec", "SelectionSpec", "parse_optimise"]

_KEYS = {"trials", "seed", "budget", "objectives", "levers", "selection", "population"}
_LEVER_KEYS = {"name", "key", "keys", "bounds", "integer", "boolean", "unit_cost", "offset",
               "at_zero", "note", "note_zh"}
_SELECTION_KEYS = {"k", "delta", "p_star", "procedure", "max_replications"}
_DIRECTIONS = {"lower": "minimize", "higher": "maximize"}


@dataclass(frozen=True)
class OptLever:
    """One lever: a name, the override key(s) it sets, a range and a cost per unit."""

    name: str
    keys: tuple[str, ...]
    low: float
    high: float
    integer: bool = False
    boolean: bool = False          # a yes/no switch: 0/1 in the search, false/true in the config
    unit_cost: float = 0.0         # yuan per unit of the lever's value
    offset: float = 0.0            # the config value is offset + lever value
    at_zero: tuple[str, ...] = ()  # extra overrides when the lever is 0 (e.g. no proxies)
    note: str = ""
    note_zh: str = ""              # the note in Chinese ("" = the Chinese report shows ``note``)

    def lever(self) -> Lever:
        """The search's view of this lever (range, whole numbers or not, unit cost)."""
        return Lever(self.name, self.low, self.high, self.integer or self.boolean, self.unit_cost)

    def overrides(self, value: float) -> list[str]:
        """Override strings that set this lever to ``value``."""
        if self.boolean:
            text = "true" if round(value) else "false"
        elif self.integer:
            text = str(round(self.offset + value))
        else:
            text = repr(round(self.offset + float(value), 6))
        extra = list(self.at_zero) if round(float(value), 9) == 0 else []
        return [f"{k}={text}" for k in self.keys] + extra


@dataclass(frozen=True)
class SelectionSpec:
    """Certified selection among the top ``k`` candidates on the first objective."""

    k: int = 4
    delta: float = 0.01            # indifference zone, in the KPI's own unit (shares: 0-1)
    p_star: float = 0.95
    procedure: str = "rinott"
    max_replications: int = 50


@dataclass(frozen=True)
class OptimiseSpec:
    """Levers, budget, objectives, search size and seed, and the selection step."""

    levers: tuple[OptLever, ...]
    objectives: tuple[Objective, ...]
    budget: float
    trials: int = 40
    seed: int = 0
    population: int | None = None  # NSGA-II generation size (several objectives)
    selection: SelectionSpec = SelectionSpec()

    @property
    def search_levers(self) -> list[Lever]:
        """The levers as the search sees them."""
        return [lv.lever() for lv in self.levers]

    def overrides(self, values: dict[str, float]) -> tuple[str, ...]:
        """The override strings of one candidate."""
        return tuple(ov for lv in self.levers for ov in lv.overrides(values[lv.name]))


def _number(key: str, value: Any, low: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or (
            low is not None and value < low):
        raise ScenarioError(key, value, "must be a number" + (f" >= {low:g}" if low is not None
                                                              else ""))
    return float(value)


def _int(key: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ScenarioError(key, value, f"must be an integer >= {low}")
    return value


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ScenarioError(key, value, "must be a list of strings")
    return tuple(value)


def _text(key: str, value: Any) -> str:
    """An optional free-text field: a string, or absent (None) for ""."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ScenarioError(key, value, "must be a string (or left out)")
    return value


def _lever(i: int, item: Any) -> OptLever:
    where = f"optimise.levers[{i}]"
    if not isinstance(item, dict) or "name" not in item:
        raise ScenarioError(where, item, "must be a mapping with a name")
    bad = sorted(set(item) - _LEVER_KEYS)
    if bad:
        raise ScenarioError(f"{where}.{bad[0]}", item[bad[0]],
                            f"unknown key; allowed: {sorted(_LEVER_KEYS)}")
    keys = item.get("keys", [item["key"]] if "key" in item else None)
    if not isinstance(keys, list) or not keys or not all(
            isinstance(k, str) and k and "=" not in k for k in keys):
        raise ScenarioError(where, item, "needs key: <override key> or keys: [<key>, ...]")
    boolean = item.get("boolean", False) is True
    b = item.get("bounds", [0, 1] if boolean else None)
    if (not isinstance(b, list) or len(b) != 2 or (boolean and b != [0, 1])
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in b)
            or not b[0] < b[1]):
        raise ScenarioError(f"{where}.bounds", b, "must be [low, high] numbers with low < high"
                            " ([0, 1] for a boolean lever)")
    integer = item.get("integer", False) is True
    if integer and not all(float(v).is_integer() for v in b):
        raise ScenarioError(f"{where}.bounds", b, "must be whole numbers for an integer lever")
    return OptLever(str(item["name"]), tuple(keys), float(b[0]), float(b[1]), integer, boolean,
                    _number(f"{where}.unit_cost", item.get("unit_cost", 0.0), 0.0),
                    _number(f"{where}.offset", item.get("offset", 0.0)),
                    _strings(f"{where}.at_zero", item.get("at_zero", [])),
                    _text(f"{where}.note", item.get("note")),
                    _text(f"{where}.note_zh", item.get("note_zh")))


def _objective(i: int, item: Any) -> Objective:
    """A KPI name (direction from the registry) or {kpi, direction}."""
    from govsim.kpi_registry import KPIS

    where = f"optimise.objectives[{i}]"
    name, direction = (item, None) if isinstance(item, str) else (
        (item.get("kpi"), item.get("direction")) if isinstance(item, dict) else (item, None))
    if not isinstance(name, str) or name not in KPIS:
        raise ScenarioError(where, name, "must be a KPI of the registry (govsim kpis lists them)")
    if direction is None:
        better = KPIS[name].better
        if better not in _DIRECTIONS:
            raise ScenarioError(where, name, f"its better direction is {better!r}: give "
                                "{kpi: ..., direction: minimize|maximize}")
        direction = _DIRECTIONS[better]
    if direction not in ("minimize", "maximize"):
        raise ScenarioError(f"{where}.direction", direction, "one of minimize, maximize")
    return Objective(name, direction)


def _selection(raw: Any) -> SelectionSpec:
    if raw is None:
        return SelectionSpec()
    if not isinstance(raw, dict):
        raise ScenarioError("optimise.selection", raw, "must be a mapping")
    bad = sorted(set(raw) - _SELECTION_KEYS)
    if bad:
        raise ScenarioError(f"optimise.selection.{bad[0]}", raw[bad[0]],
                            f"unknown key; allowed: {sorted(_SELECTION_KEYS)}")
    d = SelectionSpec()
    p = _number("optimise.selection.p_star", raw.get("p_star", d.p_star))
    if not 0.5 <= p < 1:
        raise ScenarioError("optimise.selection.p_star", p, "must be in [0.5, 1)")
    delta = _number("optimise.selection.delta", raw.get("delta", d.delta))
    if not delta > 0:
        raise ScenarioError("optimise.selection.delta", delta, "the indifference zone must be > 0")
    from govsim.decide.selection import PROCEDURES  # SciPy: loaded only for an optimise spec

    proc = raw.get("procedure", d.procedure)
    if proc not in PROCEDURES:
        raise ScenarioError("optimise.selection.procedure", proc, f"one of {list(PROCEDURES)}")
    return SelectionSpec(_int("optimise.selection.k", raw.get("k", d.k), 2), delta, p, proc,
                         _int("optimise.selection.max_replications",
                              raw.get("max_replications", d.max_replications), 2))


def parse_optimise(raw: Any) -> OptimiseSpec:
    """An :class:`OptimiseSpec` from the YAML mapping; :class:`ScenarioError` if malformed."""
    if isinstance(raw, OptimiseSpec):
        return raw
    if not isinstance(raw, dict):
        raise ScenarioError("optimise", raw, "a kind: optimise spec needs an optimise: mapping")
    bad = sorted(set(raw) - _KEYS)
    if bad:
        raise ScenarioError(f"optimise.{bad[0]}", raw[bad[0]], f"unknown key; allowed: {sorted(_KEYS)}")
    levers, objectives = raw.get("levers"), raw.get("objectives")
    if not isinstance(levers, list) or not levers:
        raise ScenarioError("optimise.levers", levers, "must list at least one lever")
    if not isinstance(objectives, list) or not objectives:
        raise ScenarioError("optimise.objectives", objectives, "must list at least one KPI")
    parsed = tuple(_lever(i, item) for i, item in enumerate(levers))
    names = [lv.name for lv in parsed]
    if len(set(names)) != len(names):
        raise ScenarioError("optimise.levers", names, "lever names must be unique")
    objs = tuple(_objective(i, item) for i, item in enumerate(objectives))
    if len({o.kpi for o in objs}) != len(objs):
        raise ScenarioError("optimise.objectives", [o.kpi for o in objs], "KPIs must be unique")
    if "budget" not in raw:
        raise ScenarioError("optimise.budget", None, "give the budget (yuan), a number >= 0")
    pop = raw.get("population")
    return OptimiseSpec(parsed, objs, _number("optimise.budget", raw["budget"], 0.0),
                        _int("optimise.trials", raw.get("trials", 40), 1),
                        _int("optimise.seed", raw.get("seed", 0), 0),
                        None if pop is None else _int("optimise.population", pop, 2),
                        _selection(raw.get("selection")))
