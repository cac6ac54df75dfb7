"""The ``discover:`` block of a ``kind: discover`` experiment, typed and validated.

Scenario discovery asks where, among uncertain inputs, a policy fails::

    kind: discover
    replications: 2
    discover:
      points: 200               # Latin hypercube points (every policy runs at every point)
      seed: 7                   # seed of the design (runs use base_seed: the same at every point)
      failure: {kpi: unmet_need_rate_60plus, op: ">", threshold: 0.05}
      min_density: 0.8          # choose the highest-coverage box with at least this density
      policies:
        - {name: digital_only, overrides: [channels=digital_only]}
      inputs:
        - {name: literacy_min, key: channels.literacy_min, bounds: [0.0, 0.3]}
    sizes:
      smoke: {points: 12, overrides: [run.horizon_days=20]}

The failure rule is data (a KPI, a comparison, a number), never evaluated code. The
defaults are written once, here, as the dataclass defaults.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from govsim.errors import ScenarioError
from govsim.experiment.design_inputs import (
    DesignInput,
    check_int,
    check_kpi,
    check_unit,
    parse_inputs,
)

__all__ = ["DiscoverSpec", "FailureRule", "Policy", "parse_discover"]

_KEYS = {"points", "seed", "failure", "policies", "inputs", "alpha", "mass_min", "min_density",
         "significance"}
OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
MAX_POINTS = 20_000


@dataclass(frozen=True)
class FailureRule:
    """A policy fails at a point when its replication-averaged ``kpi`` ``op`` ``threshold``."""

    kpi: str
    op: str
    threshold: float

    def __post_init__(self) -> None:
        check_kpi("discover.failure.kpi", self.kpi)
        if self.op not in OPS:
            raise ScenarioError("discover.failure.op", self.op, f"must be one of {list(OPS)}")
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, int | float) or not np.isfinite(t):
            raise ScenarioError("discover.failure.threshold", t, "must be a finite number")

    def fails(self, values: np.ndarray) -> np.ndarray:
        """Which values break the rule (NaN never does; the caller sets those points aside)."""
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            out: np.ndarray = OPS[self.op](v, float(self.threshold)) & np.isfinite(v)
        return out

    def text(self) -> str:
        """The rule as written, e.g. ``unmet_need_rate_60plus > 0.05``."""
        return f"{self.kpi} {self.op} {self.threshold:g}"


@dataclass(frozen=True)
class Policy:
    """One policy: a name and the overrides that set it (like a scenario)."""

    name: str
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiscoverSpec:
    """A scenario discovery: uncertain inputs, policies, a failure rule, PRIM's settings."""

    inputs: tuple[DesignInput, ...]
    policies: tuple[Policy, ...]
    failure: FailureRule
    points: int = 200          # Latin hypercube points
    seed: int = 0              # seed of the design (the runs use the experiment's base_seed)
    alpha: float = 0.05        # PRIM peels this share of the box per step
    mass_min: float = 0.05     # PRIM stops when the box holds less than this share of points
    min_density: float = 0.8   # the chosen box: highest coverage with at least this density
    significance: float = 0.05  # a limit whose quasi-p exceeds this is dropped from the box

    def __post_init__(self) -> None:
        check_int("discover.points", self.points, 4, MAX_POINTS)
        check_int("discover.seed", self.seed, 0)
        check_unit("discover.alpha", self.alpha, 0.0, 0.5)
        check_unit("discover.mass_min", self.mass_min)
        check_unit("discover.min_density", self.min_density)
        check_unit("discover.significance", self.significance)
        if not self.policies:
            raise ScenarioError("discover.policies", [], "must list at least one policy")
        names = [p.name for p in self.policies]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ScenarioError("discover.policies", dupes[0], "policy names must be unique")

    @property
    def names(self) -> tuple[str, ...]:
        """The input names, in declaration order."""
        return tuple(i.name for i in self.inputs)


def _policies(raw: Any) -> tuple[Policy, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("discover.policies", raw,
                            "must list at least one policy like {name, overrides: [...]}")
    out = []
    for i, item in enumerate(raw):
        where = f"discover.policies[{i}]"
        if not isinstance(item, dict) or set(item) - {"name", "overrides"}:
            raise ScenarioError(where, item, "must be a mapping {name, overrides: [...]}")
        if not isinstance(item.get("name"), str) or not re.fullmatch(r"[A-Za-z0-9_-]+", item["name"]):
            raise ScenarioError(f"{where}.name", item.get("name"),
                                "must be letters, digits, _ or - (it names files)")
        ovs = item.get("overrides") or []
        if not isinstance(ovs, list) or not all(isinstance(o, str) and "=" in o for o in ovs):
            raise ScenarioError(f"{where}.overrides", ovs, "must be a list of 'key=value' strings")
        out.append(Policy(item["name"], tuple(ovs)))
    return tuple(out)


def _failure(raw: Any) -> FailureRule:
    if not isinstance(raw, dict) or set(raw) != {"kpi", "op", "threshold"}:
        raise ScenarioError("discover.failure", raw,
                            "must be a mapping {kpi: <KPI>, op: '>', threshold: <number>}")
    return FailureRule(raw["kpi"], str(raw["op"]), raw["threshold"])


def parse_discover(raw: Any) -> DiscoverSpec:
    """A :class:`DiscoverSpec` from the YAML mapping; :class:`ScenarioError` if malformed."""
    if isinstance(raw, DiscoverSpec):
        return raw
    if not isinstance(raw, dict):
        raise ScenarioError("discover", raw, "a kind: discover spec needs a discover: mapping")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ScenarioError(f"discover.{unknown[0]}", raw[unknown[0]],
                            f"unknown key; allowed: {sorted(_KEYS)}")
    settings = {f.name: raw[f.name] for f in fields(DiscoverSpec) if f.name in raw
                and f.name not in ("inputs", "policies", "failure")}
    return DiscoverSpec(parse_inputs(raw.get("inputs"), "discover"),
                        _policies(raw.get("policies")), _failure(raw.get("failure")), **settings)
