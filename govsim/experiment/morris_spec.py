"""The ``morris:`` block of a ``kind: morris`` experiment, typed and validated.

The defaults (10 trajectories, 4 levels, design seed 0) are written once, here, as
the dataclass defaults; the spec loader, the design and the analysis all read them
from a :class:`MorrisSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from govsim.errors import ScenarioError

__all__ = ["MorrisInput", "MorrisSpec", "parse_input", "parse_morris"]

_MORRIS_KEYS = {"trajectories", "num_levels", "seed", "outputs", "inputs"}
_INPUT_KEYS = {"name", "key", "keys", "bounds", "integer", "note"}


@dataclass(frozen=True)
class MorrisInput:
    """One uncertain input: a name, the override key(s) it sets, a range."""

    name: str
    keys: tuple[str, ...]
    low: float
    high: float
    integer: bool = False
    note: str = ""

    def overrides(self, value: float) -> list[str]:
        """Override strings setting every key of this input to ``value``."""
        text = str(round(value)) if self.integer else repr(round(float(value), 6))
        return [f"{k}={text}" for k in self.keys]


@dataclass(frozen=True)
class MorrisSpec:
    """A Morris screening: inputs with ranges, output KPIs, and the design's size and seed."""

    inputs: tuple[MorrisInput, ...]
    outputs: tuple[str, ...]
    trajectories: int = 10      # r; design points = r * (inputs + 1)
    num_levels: int = 4         # grid levels of each input
    seed: int = 0               # seed of the design (the runs use the experiment's base_seed)

    def __post_init__(self) -> None:
        _check_int("morris.trajectories", self.trajectories, 2)
        _check_int("morris.num_levels", self.num_levels, 2)
        _check_int("morris.seed", self.seed, 0)
        if not self.outputs or not all(isinstance(o, str) and o for o in self.outputs):
            raise ScenarioError("morris.outputs", list(self.outputs),
                                "must be a non-empty list of KPI names")
        if len(self.inputs) < 2:
            raise ScenarioError("morris.inputs", len(self.inputs),
                                "must list at least two uncertain inputs")
        names = [i.name for i in self.inputs]
        if len(set(names)) != len(names):
            raise ScenarioError("morris.inputs", names, "input names must be unique")

    def problem(self) -> dict[str, Any]:
        """The SALib problem: number of inputs, names, bounds."""
        return {"num_vars": len(self.inputs), "names": [i.name for i in self.inputs],
                "bounds": [[i.low, i.high] for i in self.inputs]}


def _check_int(key: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ScenarioError(key, value, f"must be an integer >= {low}")


def parse_input(where: str, item: Any) -> MorrisInput:
    """One uncertain input (name, key or keys, bounds, integer, note) of a design block."""
    if not isinstance(item, dict) or "name" not in item:
        raise ScenarioError(where, item, "must be a mapping with a name")
    bad = sorted(set(item) - _INPUT_KEYS)
    if bad:
        raise ScenarioError(f"{where}.{bad[0]}", item[bad[0]],
                            f"unknown key; allowed: {sorted(_INPUT_KEYS)}")
    keys = item.get("keys", [item["key"]] if "key" in item else None)
    if not isinstance(keys, list) or not keys or not all(
            isinstance(k, str) and k and "=" not in k for k in keys):
        raise ScenarioError(where, item, "needs key: <override key> or keys: [<key>, ...]")
    b = item.get("bounds")
    if (not isinstance(b, list) or len(b) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in b)
            or not b[0] < b[1]):
        raise ScenarioError(f"{where}.bounds", b, "must be [low, high] numbers with low < high")
    return MorrisInput(str(item["name"]), tuple(keys), float(b[0]), float(b[1]),
                       bool(item.get("integer", False)), str(item.get("note") or ""))


def parse_morris(raw: Any) -> MorrisSpec:
    """A :class:`MorrisSpec` from the YAML mapping; :class:`ScenarioError` if it is malformed."""
    if isinstance(raw, MorrisSpec):
        return raw
    if not isinstance(raw, dict):
        raise ScenarioError("morris", raw, "a kind: morris spec needs a morris: mapping")
    unknown = sorted(set(raw) - _MORRIS_KEYS)
    if unknown:
        raise ScenarioError(f"morris.{unknown[0]}", raw[unknown[0]],
                            f"unknown key; allowed: {sorted(_MORRIS_KEYS)}")
    outputs, inputs = raw.get("outputs"), raw.get("inputs")
    if not isinstance(outputs, list):
        raise ScenarioError("morris.outputs", outputs, "must be a non-empty list of KPI names")
    if not isinstance(inputs, list):
        raise ScenarioError("morris.inputs", inputs, "must list at least two uncertain inputs")
    sizes = {f.name: raw[f.name] for f in fields(MorrisSpec) if f.name in raw
             and f.name not in ("inputs", "outputs")}
    return MorrisSpec(tuple(parse_input(f"morris.inputs[{i}]", item) for i, item in enumerate(inputs)),
                      tuple(outputs), **sizes)
