"""Tiny hand-made scenarios and deterministic draws for exact-time tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

import govsim
from govsim.config.scenario import (
    AgeBandSpec,
    DepartmentSpec,
    ItemSpec,
    Scenario,
    StepSpec,
    VillageSpec,
)
from govsim.model.demand import Needs


def tiny_scenario(
    *,
    departments: tuple[DepartmentSpec, ...],
    items: tuple[ItemSpec, ...],
    travel_min: float = 30.0,
    county_travel_min: float = 60.0,
    governance: dict[str, object] | None = None,
    behaviour: dict[str, object] | None = None,
    horizon_days: float = 30.0,
    overrides: list[str] | None = None,
) -> Scenario:
    """One village of 10 adults, default calendar, the given catalogue."""
    base = govsim.load_scenario(overrides or [])
    village = VillageSpec("V1", "T1", 10, 10.0, travel_min, county_travel_min, 1.0)
    pop = dataclasses.replace(
        base.population, adult_share=1.0, household_size=1.0, villages=(village,),
        bands=(AgeBandSpec("18-39", 1.0, 0.5, 1.0, False, 0.5),))
    gov = dataclasses.replace(base.governance, **(governance or {}))
    beh = dataclasses.replace(base.behaviour, reaction_days_max=0.0, arrival_spread=1.0,
                              knows_requirements_base=1.0, knows_requirements_literacy=0.0,
                              missing_doc_literacy_factor=0.0, **(behaviour or {}))
    run = dataclasses.replace(base.run, horizon_days=horizon_days, sample_interval_min=60.0)
    held = {d.key for d in departments} | {"villager"}
    documents = tuple(d for d in base.documents if d.holder in held)   # as validation requires
    return dataclasses.replace(base, population=pop, departments=departments, items=items,
                               documents=documents, governance=gov, behaviour=beh, run=run)


def dept(key: str, level: str = "township", windows: int = 1, staff: int = 1) -> DepartmentSpec:
    """A department with the given windows and staff."""
    return DepartmentSpec(key, key, key, level, windows, staff)  # type: ignore[arg-type]


def item(key: str, steps: list[StepSpec], documents: tuple[str, ...] = (), *, missing: float = 0.0,
         pickup: bool = False) -> ItemSpec:
    """An item with no demand of its own (needs are injected)."""
    return ItemSpec(key, key, key, 0.0, "person", (), 1.0, None, (1.0,) * 12, documents, missing,
                    False, True, pickup, False, tuple(steps), None, "poisson", 0.0)


def step(dept_key: str, counter: float = 0.0, back: float = 0.0, review: float = 0.0,
         notice: float = 0.0, parallel: bool = False, online_review: float | None = None) -> StepSpec:
    """A workflow step (online review minutes: the counter minutes unless given)."""
    return StepSpec(dept_key, counter, back, review, notice, parallel,
                    counter if online_review is None else online_review)


class FixedDraws:
    """Draws that are fixed numbers: exponentials 1.0 (means exactly), uniforms by rule.

    A ``govsim.model.state.DrawSource``: passed to ``govsim.simulate(..., draws=...)``.
    """

    def __init__(self, uni: Callable[[str, int, int], float] | None = None) -> None:
        self._uni = uni or (lambda purpose, i, k: 0.0)

    def exp(self, purpose: str, i: int, k: int) -> float:
        return 1.0

    def uni(self, purpose: str, i: int, k: int) -> float:
        return self._uni(purpose, i, k)


def run_requests(scenario: Scenario, times: list[float], villagers: list[int] | None = None,
                 items: list[int] | None = None, draws: FixedDraws | None = None) -> pd.DataFrame:
    """The requests frame of ``scenario`` run with needs at ``times`` (minutes) and fixed draws."""
    n = len(times)
    needs = Needs(np.asarray(times, dtype=float),
                  np.asarray(villagers or list(range(n)), dtype=np.int64),
                  np.asarray(items or [0] * n, dtype=np.int16))
    return govsim.simulate(scenario, seed=1, needs=needs, draws=draws or FixedDraws()).requests


def end_minute(req: pd.DataFrame, i: int) -> float:
    """When completed request ``i`` was decided, in minutes (from the public frame, in days)."""
    return float((req["t_need_day"][i] + req["turnaround_days"][i]) * 1440.0)
