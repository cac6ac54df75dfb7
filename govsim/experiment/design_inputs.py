"""Uncertain inputs of a generated design (``kind: discover`` and ``kind: sobol``), parsed.

An input is an override key (or several set together) with a range, optionally whole
numbers only; it is the same :class:`~govsim.experiment.morris_spec.MorrisInput` a
Morris screening uses, so one input list can be copied between the kinds. Errors
name the block (``discover.inputs[2].bounds``) and say what is allowed.
"""

from __future__ import annotations

from typing import Any

from govsim.errors import ScenarioError
from govsim.experiment.morris_spec import MorrisInput, parse_input

__all__ = ["DesignInput", "check_int", "check_kpi", "check_unit", "parse_inputs"]

DesignInput = MorrisInput


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


def parse_inputs(raw: Any, block: str, minimum: int = 1) -> tuple[DesignInput, ...]:
    """The ``<block>.inputs`` list as typed inputs with unique names."""
    if not isinstance(raw, list) or len(raw) < minimum:
        raise ScenarioError(f"{block}.inputs", raw,
                            f"must list at least {minimum} uncertain input(s) "
                            "like {name, key, bounds: [low, high]}")
    inputs = tuple(parse_input(f"{block}.inputs[{i}]", item) for i, item in enumerate(raw))
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
