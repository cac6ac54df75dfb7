"""Offices: counter windows and back-office staff as SimPy resources.

A department has one office per place at its level: every village (village
level), every township (township level) or once (county level). With
``per_department`` front offices each office has its own windows; with
``one_window`` the windows of all departments at the same place are pooled
into one set of general windows (same total number of clerks).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from govsim.config.scenario import DepartmentSpec, Scenario
from govsim.model.population import Villages

__all__ = ["BackOffice", "Counter", "Offices", "Place"]

Place = tuple[str, int]  # (level, index of the village / township / 0 for the county)


@dataclass(eq=False)
class Counter:
    """A set of windows at one place (one department's, or a pooled general set)."""

    name: str
    place: Place
    windows: simpy.Resource
    capacity: int
    busy_min: float = 0.0
    served: int = 0


@dataclass(eq=False)
class BackOffice:
    """One department office's back-office staff and its backlog of cases."""

    dept: str
    place: Place
    staff: simpy.Resource
    capacity: int
    busy_min: float = 0.0
    backlog: int = 0
    done: int = 0


@dataclass
class Offices:
    """Every counter and back office of the county, with look-ups by village."""

    counters: list[Counter] = field(default_factory=list)
    backoffices: list[BackOffice] = field(default_factory=list)
    # per village, per department index: the counter a villager of that village
    # queues at for that department, the back office, and the place.
    counter_of: list[list[Counter]] = field(default_factory=list)
    backoffice_of: list[list[BackOffice]] = field(default_factory=list)
    place_of: list[list[Place]] = field(default_factory=list)


def place_for(dept: DepartmentSpec, village: int, villages: Villages) -> Place:
    """Where a villager of ``village`` finds ``dept``'s office."""
    if dept.level == "village":
        return ("village", village)
    if dept.level == "township":
        return ("township", int(villages.township[village]))
    return ("county", 0)


def build_offices(env: simpy.Environment, scenario: Scenario, villages: Villages) -> Offices:
    """Create the resources of every office and the per-village look-up tables."""
    pooled = scenario.governance.front_office == "one_window"
    own: dict[tuple[str, Place], Counter] = {}
    backs: dict[tuple[str, Place], BackOffice] = {}
    pools: dict[Place, int] = {}
    for v in range(len(villages)):
        for d in scenario.departments:
            place = place_for(d, v, villages)
            if (d.key, place) not in own:
                own[(d.key, place)] = Counter(d.key, place, simpy.Resource(env, d.windows), d.windows)
                backs[(d.key, place)] = BackOffice(d.key, place, simpy.Resource(env, d.backoffice_staff),
                                                   d.backoffice_staff)
                pools[place] = pools.get(place, 0) + d.windows
    pool_counters = {p: Counter(f"general@{p[0]}", p, simpy.Resource(env, c), c) for p, c in pools.items()}
    offices = Offices(
        counters=list(pool_counters.values()) if pooled else list(own.values()),
        backoffices=list(backs.values()),
    )
    for v in range(len(villages)):
        places = [place_for(d, v, villages) for d in scenario.departments]
        offices.place_of.append(places)
        pairs = list(zip(scenario.departments, places, strict=True))
        offices.counter_of.append([pool_counters[p] if pooled else own[(d.key, p)] for d, p in pairs])
        offices.backoffice_of.append([backs[(d.key, p)] for d, p in pairs])
    return offices
