"""What an experiment is: its scenarios, replications, baseline, KPIs, sizes and design.

Plain frozen data: :class:`ExperimentSpec` checks itself as it is built
(:func:`govsim.experiment.spec_checks.validate`); it is read from YAML by
:mod:`govsim.experiment.spec_parse` and sized by :mod:`govsim.experiment.spec_sizes`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from govsim.errors import ScenarioError
from govsim.experiment.discover_spec import DiscoverSpec, parse_discover
from govsim.experiment.morris_spec import MorrisSpec, parse_morris
from govsim.experiment.optimise_spec import OptimiseSpec, parse_optimise
from govsim.experiment.sobol_spec import SobolSpec, parse_sobol
from govsim.experiment.spec_checks import validate
from govsim.experiment.spec_sizes import SizeSpec, at_size

__all__ = ["ExperimentSpec", "ScenarioSpec"]


@dataclass(frozen=True)
class ScenarioSpec:
    """One scenario of an experiment: a name and override strings on the base config."""

    name: str
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment: what to run and how to compare it."""

    name: str
    question: str
    scenarios: tuple[ScenarioSpec, ...]
    baseline: str
    replications: int = 10
    base_seed: int = 12345
    kpis: tuple[str, ...] = ()
    base: tuple[str, ...] = ()
    sizes: dict[str, SizeSpec] = field(default_factory=dict)
    crn: bool = True
    target_kpi: str | None = None
    target_rel_halfwidth: float | None = None
    max_replications: int | None = None
    batch: int | None = None
    description: str = ""
    figures: tuple[Any, ...] = ()  # kind names or {kind: ..., options}; () = report default
    findings: Any = None  # hints for the report: KPI names / "scenario:kpi", or {kpis, max}
    kind: str = "scenarios"  # or "morris": scenarios come from the morris design
    morris: MorrisSpec | None = None  # the design of a kind: morris spec
    headline: str | None = None  # "scenario:kpi", the report's and index's headline finding
    optimise: OptimiseSpec | None = None  # levers, budget, objectives of a kind: optimise spec
    discover: DiscoverSpec | None = None  # the design of a kind: discover spec
    sobol: SobolSpec | None = None  # the design of a kind: sobol spec
    question_zh: str = ""  # the question in Chinese ("" = the Chinese report shows English)

    def __post_init__(self) -> None:
        if isinstance(self.morris, dict):  # e.g. with_options(morris={...}): parse and check
            object.__setattr__(self, "morris", parse_morris(self.morris))
        if isinstance(self.optimise, dict):
            object.__setattr__(self, "optimise", parse_optimise(self.optimise))
        for key, parse in (("discover", parse_discover), ("sobol", parse_sobol)):
            if isinstance(getattr(self, key), dict):
                object.__setattr__(self, key, parse(getattr(self, key)))
        validate(self)

    @property
    def scenario_names(self) -> tuple[str, ...]:
        """Scenario names in declaration order."""
        return tuple(s.name for s in self.scenarios)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-able dict (for manifests)."""
        return dataclasses.asdict(self)

    def sized(self, size: str) -> ExperimentSpec:
        """This spec at a named size; ``full`` is the spec as written unless declared."""
        return at_size(self, size)

    def with_options(self, **options: Any) -> ExperimentSpec:
        """A copy with top-level fields replaced (e.g. ``replications=5``); validated."""
        unknown = sorted(set(options) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            allowed = sorted(f.name for f in dataclasses.fields(self))
            raise ScenarioError(f"experiment.{unknown[0]}", options[unknown[0]],
                                f"unknown option; allowed: {allowed}")
        return dataclasses.replace(self, **options)
