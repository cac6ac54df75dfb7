"""Offices: where counters and back offices are (frozen layout) and their SimPy resources (state).

A department has one office per place at its level: every village (village
level), every township (township level) or once (county level). With
``per_department`` front offices each office has its own windows; with
``one_window`` the windows of the departments at the same place that have
counter work (a step with counter minutes, or a certificate they issue) are
pooled into one set of general windows; the windows of departments without
counter work are left out of the pool (they served nobody).

The layout is part of the run plan and refers to offices by index; the
resources and their running totals are built from it when the run starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from govsim.config.scenario import DepartmentSpec, Scenario
from govsim.model.population import Villages
from govsim.model.resources import HandOffResource

__all__ = ["BackOffice", "Counter", "OfficeLayout", "OfficeSpec", "Place", "counter_work", "layout_offices",
           "open_offices"]

Place = tuple[str, int]  # (level, index of the village / township / 0 for the county)


@dataclass(frozen=True, slots=True)
class OfficeSpec:
    """A counter (set of windows) or a back office: its name, place and number of staff."""

    name: str       # the department key, or ``general@<level>`` for pooled windows
    place: Place
    capacity: int


@dataclass(frozen=True, slots=True)
class OfficeLayout:
    """Every counter and back office, with look-ups by village and department index."""

    counters: tuple[OfficeSpec, ...]
    backoffices: tuple[OfficeSpec, ...]
    counter_of: tuple[tuple[int, ...], ...]      # [village][department] -> counter index
    backoffice_of: tuple[tuple[int, ...], ...]   # [village][department] -> back-office index
    place_of: tuple[tuple[Place, ...], ...]      # [village][department] -> place

    @property
    def staff(self) -> int:
        """Clerks and back-office staff in all offices."""
        return sum(c.capacity for c in self.counters) + sum(b.capacity for b in self.backoffices)


@dataclass(eq=False)
class Counter:
    """A set of windows at one place, during a run."""

    name: str
    place: Place
    windows: simpy.Resource
    capacity: int
    busy_min: float = 0.0
    served: int = 0


@dataclass(eq=False)
class BackOffice:
    """One department office's back-office staff and its backlog of cases, during a run."""

    dept: str
    place: Place
    staff: simpy.Resource
    capacity: int
    busy_min: float = 0.0
    backlog: int = 0
    done: int = 0


def place_for(dept: DepartmentSpec, village: int, villages: Villages) -> Place:
    """Where a villager of ``village`` finds ``dept``'s office."""
    if dept.level == "village":
        return ("village", village)
    if dept.level == "township":
        return ("township", int(villages.township[village]))
    return ("county", 0)


def layout_offices(scenario: Scenario, villages: Villages) -> OfficeLayout:
    """Where every office is, and which one serves each village for each department."""
    pooled = scenario.governance.front_office == "one_window"
    busy = counter_work(scenario)
    own: dict[tuple[str, Place], int] = {}
    pools: dict[Place, int] = {}       # windows of departments with counter work, per place
    every: dict[Place, int] = {}       # all windows per place (a place where none has counter work)
    specs: list[OfficeSpec] = []
    backs: list[OfficeSpec] = []
    for v in range(len(villages)):
        for d in scenario.departments:
            place = place_for(d, v, villages)
            if (d.key, place) not in own:
                own[(d.key, place)] = len(specs)
                specs.append(OfficeSpec(d.key, place, d.windows))
                backs.append(OfficeSpec(d.key, place, d.backoffice_staff))
                pools[place] = pools.get(place, 0) + (d.windows if d.key in busy else 0)
                every[place] = every.get(place, 0) + d.windows
    pool_index = {p: k for k, p in enumerate(pools)}
    general = tuple(OfficeSpec(f"general@{p[0]}", p, c or every[p]) for p, c in pools.items())
    counters = general if pooled else tuple(specs)
    place_of, counter_of, backoffice_of = [], [], []
    for v in range(len(villages)):
        places = tuple(place_for(d, v, villages) for d in scenario.departments)
        pairs = list(zip(scenario.departments, places, strict=True))
        place_of.append(places)
        counter_of.append(tuple(pool_index[p] if pooled else own[(d.key, p)] for d, p in pairs))
        backoffice_of.append(tuple(own[(d.key, p)] for d, p in pairs))
    return OfficeLayout(counters, tuple(backs), tuple(counter_of), tuple(backoffice_of), tuple(place_of))


def counter_work(scenario: Scenario) -> frozenset[str]:
    """Departments with counter work: a workflow step with counter minutes, or a certificate they issue."""
    holders = {d.key: d.holder for d in scenario.documents}
    steps = {s.dept for it in scenario.items for s in it.steps if s.counter_min > 0}
    certs = {holders[doc] for it in scenario.items for doc in it.documents if doc in holders}
    return frozenset(steps | certs)


def open_offices(env: simpy.Environment, layout: OfficeLayout) -> tuple[list[Counter], list[BackOffice]]:
    """The SimPy resources of every counter and back office in ``layout`` (hand-off resources)."""
    counters = [Counter(c.name, c.place, HandOffResource(env, c.capacity), c.capacity)
                for c in layout.counters]
    backs = [BackOffice(b.name, b.place, HandOffResource(env, b.capacity), b.capacity)
             for b in layout.backoffices]
    return counters, backs
