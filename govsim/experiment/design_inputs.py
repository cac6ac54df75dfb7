"""Uncertain inputs of a generated design (``kind: discover`` and ``kind: sobol``), parsed.

An input is an override key (or several set together) with a range, optionally whole
numbers only; it is the same :class:`~govsim.experiment.morris_spec.MorrisInput` a
Morris screening uses, so one input list can be copied between the kinds. Errors
name the block (``discover.inputs[2].bounds``) and say what is allowed.
"""

from __future__ import annotations

from typing import Any

from govsim.errors import ScenarioError
from govsim.experiment.morris_spec import MorrisInput

__all__ = ["DesignInput", "check_int", "check_kpi", "check_unit", "parse_inputs"]

DesignInput = MorrisInput
_INPUT_KEYS = {"name", "key", "keys", "bounds", "integer", "note"}


def check_int(key: str, value: object, low: int, high: int | None = None) -> None:
    """Raise :class:`ScenarioError` unless ``value`` is an integer in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low \
            or (high is not None and value > high):
        allowed = f"in [{low}, {high:,}]" if high is not None else f">= {low}"
        raise ScenarioError(key, value, f"must be an integer {allowed}")


def check_unit(key: str, value: object, low: float = 0.0, high: float = 1.0) -> None:
    """Raise :class:`ScenarioError` unless ``value`` is a number strictly inside (low, high)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low < value < high:
        raise ScenarioError(key, value, f"must be a number in ({low:g}, {high:g})")


def _input(where: str, item: Any) -> DesignInput:
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
    return DesignInput(str(item["name"]), tuple(keys), float(b[0]), float(b[1]),
                       bool(item.get("integer", False)), str(item.get("note") or ""))


def parse_inputs(raw: Any, block: str, minimum: int = 1) -> tuple[DesignInput, ...]:
    """The ``<block>.inputs`` list as typed inputs with unique names."""
    if not isinstance(raw, list) or len(raw) < minimum:
        raise ScenarioError(f"{block}.inputs", raw,
                            f"must list at least {minimum} uncertain input(s) "
                            "like {name, key, bounds: [low, high]}")
    inputs = tuple(_input(f"{block}.inputs[{i}]", item) for i, item in enumerate(raw))
    names = [i.name for i in inputs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"{block}.inputs", dupes[0], "input names must be unique")
    return inputs


def check_kpi(key: str, name: object) -> None:
    """Raise :class:`ScenarioError` unless ``name`` is a KPI of the registry."""
    from govsim.kpi_registry import KPIS

    if not isinstance(name, str) or name not in KPIS:
        raise ScenarioError(key, name, f"must be a KPI govsim reports: {sorted(KPIS)}")
