"""Named sizes of an experiment (e.g. ``smoke``): what a size changes and how it is applied.

A size gives fewer replications, extra overrides and, per kind, a smaller design
(Morris trajectories, optimisation trials, discover points, Sobol base sample).
The ``sizes:`` mapping is parsed by :mod:`govsim.experiment.spec_parse`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govsim.errors import ScenarioError

if TYPE_CHECKING:
    from govsim.experiment.spec_model import ExperimentSpec

__all__ = ["SizeSpec", "at_size"]


@dataclass(frozen=True)
class SizeSpec:
    """A named size (e.g. ``smoke``): fewer replications and extra overrides."""

    replications: int | None = None
    overrides: tuple[str, ...] = ()
    trajectories: int | None = None  # Morris trajectories (kind: morris only)
    trials: int | None = None  # optimisation trials (kind: optimise only)
    points: int | None = None  # Latin hypercube points (kind: discover only)
    n_base: int | None = None  # Saltelli base sample (kind: sobol only)


def at_size(spec: ExperimentSpec, size: str) -> ExperimentSpec:
    """``spec`` at a named size; ``full`` is the spec as written unless declared."""
    if size not in spec.sizes:
        if size == "full":
            return spec
        allowed = sorted({"full", *spec.sizes})
        raise ScenarioError("experiment.size", size, f"must be one of {allowed}")
    s = spec.sizes[size]
    reps = s.replications or spec.replications
    morris = spec.morris
    if s.trajectories is not None and morris is not None:
        morris = dataclasses.replace(morris, trajectories=s.trajectories)
    optimise, discover, sobol = spec.optimise, spec.discover, spec.sobol
    if s.trials is not None and optimise is not None:
        optimise = dataclasses.replace(optimise, trials=s.trials)
    if s.points is not None and discover is not None:
        discover = dataclasses.replace(discover, points=s.points)
    if s.n_base is not None and sobol is not None:
        sobol = dataclasses.replace(sobol, n_base=s.n_base)
    return dataclasses.replace(spec, replications=reps, base=spec.base + s.overrides,
                               morris=morris, optimise=optimise, discover=discover,
                               sobol=sobol)
