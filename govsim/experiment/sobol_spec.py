"""The ``sobol:`` block of a ``kind: sobol`` experiment, typed and validated.

Sobol indices say which uncertain inputs drive each output, alone (first order, S1)
and with interactions (total, ST)::

    kind: sobol
    replications: 1
    sobol:
      n_base: 64                # Saltelli base sample N (a power of two); points = N (k + 2)
      seed: 7                   # seed of the design (runs use base_seed: the same at every point)
      outputs: [turnaround_days_mean]
      inputs:
        - {name: literacy_min, key: channels.literacy_min, bounds: [0.05, 0.20]}
        - {name: staff, keys: [departments.social_security.windows], bounds: [2, 4], integer: true}
    sizes:
      smoke: {n_base: 4, overrides: [run.horizon_days=20]}

The defaults are written once, here, as the dataclass defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from govsim.decide.sobol import SobolInput
from govsim.errors import ScenarioError
from govsim.experiment.design_inputs import (
    DesignInput,
    check_int,
    check_kpi,
    check_unit,
    parse_inputs,
)

__all__ = ["SobolSpec", "parse_sobol"]

_KEYS = {"n_base", "seed", "outputs", "inputs", "num_resamples", "conf_level", "max_width"}


@dataclass(frozen=True)
class SobolSpec:
    """A Sobol analysis: inputs with ranges, output KPIs, the design's size and seed."""

    inputs: tuple[DesignInput, ...]
    outputs: tuple[str, ...]
    n_base: int = 64            # N; design points = N * (inputs + 2) (first and total order)
    seed: int = 0               # seed of the design and of the bootstrap
    num_resamples: int = 1000   # bootstrap resamples of the intervals
    conf_level: float = 0.95    # confidence level of the intervals
    max_width: float = 0.2      # an ST interval wider than this is too wide to rank on

    def __post_init__(self) -> None:
        check_int("sobol.n_base", self.n_base, 2, 2 ** 16)
        if self.n_base & (self.n_base - 1):
            raise ScenarioError("sobol.n_base", self.n_base, "must be a power of two, e.g. 32 or 64")
        check_int("sobol.seed", self.seed, 0)
        check_int("sobol.num_resamples", self.num_resamples, 10, 100_000)
        check_unit("sobol.conf_level", self.conf_level)
        check_unit("sobol.max_width", self.max_width, 0.0, 2.0)
        if not self.outputs or not all(isinstance(o, str) and o for o in self.outputs):
            raise ScenarioError("sobol.outputs", list(self.outputs),
                                "must be a non-empty list of KPI names")
        for i, name in enumerate(self.outputs):
            check_kpi(f"sobol.outputs[{i}]", name)

    @property
    def points(self) -> int:
        """Design points: N (k + 2)."""
        return self.n_base * (len(self.inputs) + 2)

    def sobol_inputs(self) -> list[SobolInput]:
        """The inputs as :class:`govsim.decide.sobol.SobolInput`."""
        return [SobolInput(i.name, i.low, i.high, i.integer) for i in self.inputs]


def parse_sobol(raw: Any) -> SobolSpec:
    """A :class:`SobolSpec` from the YAML mapping; :class:`ScenarioError` if it is malformed."""
    if isinstance(raw, SobolSpec):
        return raw
    if not isinstance(raw, dict):
        raise ScenarioError("sobol", raw, "a kind: sobol spec needs a sobol: mapping")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ScenarioError(f"sobol.{unknown[0]}", raw[unknown[0]],
                            f"unknown key; allowed: {sorted(_KEYS)}")
    outputs = raw.get("outputs")
    if not isinstance(outputs, list):
        raise ScenarioError("sobol.outputs", outputs, "must be a non-empty list of KPI names")
    settings = {f.name: raw[f.name] for f in fields(SobolSpec) if f.name in raw
                and f.name not in ("inputs", "outputs")}
    return SobolSpec(parse_inputs(raw.get("inputs"), "sobol", minimum=2), tuple(outputs),
                     **settings)
