"""Per (item, village) plans: which counters a villager visits and which back offices work.

Computed once before the run (part of the run plan), so that the request
process does no look-ups by name on the hot path. Counters and back offices
are referred to by their index in the office layout. A plan depends on the
governance settings (front office mode, documents on the exchange, hand-off mode).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from govsim.config.scenario import ItemSpec, Scenario, StepSpec
from govsim.decisions.documents import exchange_documents, route_documents
from govsim.model.offices import OfficeLayout, Place
from govsim.model.population import Villages

__all__ = ["ItemPlan", "Stage", "Task", "build_plans"]


@dataclass(frozen=True, slots=True)
class Task:
    """One counter visit: where, how far, and the mean counter minutes."""

    counter: int    # index of the counter in the office layout
    place: Place
    travel: float   # one-way minutes from the village (0 in the village)
    trip: bool      # counts as a trip (the place is outside the village)
    fare: float     # round-trip fare, yuan
    mean: float     # mean counter minutes when the visit succeeds
    kind: str = "visit"  # intake | certificate | visit | pickup


@dataclass(frozen=True, slots=True)
class Stage:
    """One back-office step and how the case reaches it."""

    back: int            # index of the back office in the office layout
    step: StepSpec
    visit: Task | None   # the villager's own counter visit before this step (per_department)
    handoff: str         # none | villager | paper | electronic
    to_county: bool      # the hand-off goes to the county (courier batches on paper)
    index: int           # position in the workflow (slot of its random draws)
    review_min: float = 0.0   # extra back-office minutes: reviewing an online or proxy submission


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """Everything a request of one item from one village needs."""

    intake: Task
    certificates: tuple[Task, ...]      # fetched in person (ordered: village first, intake place last)
    exchange: tuple[Task, ...]          # verified on the exchange; the holder's counter if that fails
    personal_docs: int
    groups: tuple[tuple[Stage, ...], ...]  # back-office stages; a group's stages run in parallel
    pickup: Task | None
    remote: tuple[tuple[Stage, ...], ...]  # the stages without the villager's own visits (online,
    #                                        proxy, proactive, hotline): the governance's hand-offs instead
    submitted: tuple[tuple[Stage, ...], ...]  # ``remote`` for an online or proxy submission: each step's
    #                                           counter check is done in its back office (online_review_min)


def build_plans(scenario: Scenario, offices: OfficeLayout, villages: Villages) -> list[list[ItemPlan]]:
    """``plans[item][village]`` for every item and village."""
    on_exchange = exchange_documents(scenario.governance, scenario.documents)
    return [[_plan(scenario, it, v, offices, villages, on_exchange) for v in range(len(villages))]
            for it in scenario.items]


def _task(scenario: Scenario, offices: OfficeLayout, villages: Villages, v: int, dept: str,
          mean: float, kind: str, counter: int | None = None) -> Task:
    d = [x.key for x in scenario.departments].index(dept)
    place = offices.place_of[v][d]
    travel, fare = _distance(scenario, villages, v, place)
    index = offices.counter_of[v][d] if counter is None else counter
    mean *= _cross(scenario, offices, d, index)
    return Task(index, place, travel, place[0] != "village", fare, mean, kind)


def _cross(scenario: Scenario, offices: OfficeLayout, d: int, counter: int) -> float:
    """Mean slowdown of department ``d``'s counter work at a pooled window.

    A general clerk is one of the department's own clerks with the chance
    ``windows / pool``; the others take ``governance.cross_training_factor``
    times as long. 1 at a department's own windows.
    """
    if scenario.governance.front_office != "one_window":
        return 1.0
    own = min(scenario.departments[d].windows / offices.counters[counter].capacity, 1.0)
    return own + (1.0 - own) * scenario.governance.cross_training_factor


def _distance(scenario: Scenario, villages: Villages, v: int, place: Place) -> tuple[float, float]:
    if place[0] == "village":
        return 0.0, 0.0
    km = float(villages.distance_km[v])
    travel = float(villages.travel_min[v])
    if place[0] == "county":
        travel += float(villages.county_travel_min[v])
        km += float(villages.county_travel_min[v]) / 60.0 * scenario.population.county_kmh
    return travel, 2.0 * km * scenario.behaviour.fare_per_km


def _plan(scenario: Scenario, it: ItemSpec, v: int, offices: OfficeLayout, villages: Villages,
          on_exchange: frozenset[str]) -> ItemPlan:
    gov = scenario.governance
    routes = route_documents(it, scenario.documents, on_exchange)
    pooled = gov.front_office == "one_window"
    intake = _pooled_intake(scenario, it, v, offices, villages) if pooled else _task(
        scenario, offices, villages, v, it.steps[0].dept, it.steps[0].counter_min, "intake")
    certificates = tuple(sorted(
        (_task(scenario, offices, villages, v, h, gov.certificate_min, "certificate")
         for _, h in routes.certificate),
        key=lambda t: (t.place == intake.place, t.place[0] != "village")))
    exchange = tuple(_task(scenario, offices, villages, v, h, gov.certificate_min, "certificate")
                     for _, h in routes.exchange)
    pickup = None
    if it.pickup and not gov.electronic_delivery:
        pickup = Task(intake.counter, intake.place, intake.travel, intake.trip, intake.fare,
                      gov.pickup_min, "pickup")
    every = _stages(scenario, it, v, offices, villages, pooled)
    groups = _groups(tuple(s for s in every if _has_work(s)), gov.handoff == "electronic")
    remote = tuple(tuple(_remote(s, gov.handoff) for s in g) for g in groups)
    reviewed = tuple(dataclasses.replace(_remote(s, gov.handoff), review_min=s.step.online_review_min)
                     for s in every)
    submitted = _groups(tuple(s for s in reviewed if _has_work(s)), gov.handoff == "electronic")
    return ItemPlan(intake, certificates, exchange, len(routes.personal), groups, pickup, remote, submitted)


def _remote(s: Stage, handoff: str) -> Stage:
    """The stage when the villager does not carry the case: the governance's hand-off instead of a visit."""
    return dataclasses.replace(s, visit=None, handoff=handoff) if s.visit else s


def _has_work(s: Stage) -> bool:
    """Whether a stage takes any time (stages that do nothing are left out of the plan)."""
    st = s.step
    return (s.visit is not None or s.handoff != "none" or st.backoffice_min > 0 or st.review_days > 0
            or st.notice_days > 0 or s.review_min > 0)


def _groups(stages: tuple[Stage, ...], electronic: bool) -> tuple[tuple[Stage, ...], ...]:
    """Group stages that may run in parallel (electronic hand-offs, ``parallel`` steps)."""
    groups: list[list[Stage]] = []
    for s in stages:
        if groups and electronic and s.step.parallel and s.visit is None:
            groups[-1].append(s)
        else:
            groups.append([s])
    return tuple(tuple(g) for g in groups)


def _pooled_intake(scenario: Scenario, it: ItemSpec, v: int, offices: OfficeLayout,
                   villages: Villages) -> Task:
    """One window: the township's general windows take in every step's counter work."""
    keys = [x.key for x in scenario.departments]
    counter_steps = [s for s in it.steps if s.counter_min > 0]
    places = [offices.place_of[v][keys.index(s.dept)] for s in counter_steps]
    mean = sum(s.counter_min for s in counter_steps)
    d0 = keys.index(counter_steps[0].dept)
    if any(p[0] != "village" for p in places):
        township = ("township", int(villages.township[v]))
        pool = next((k for k, c in enumerate(offices.counters) if c.place == township), None)
        if pool is not None:
            travel, fare = _distance(scenario, villages, v, township)
            mean = sum(s.counter_min * _cross(scenario, offices, keys.index(s.dept), pool)
                       for s in counter_steps)
            return Task(pool, township, travel, True, fare, mean, "intake")
    return _task(scenario, offices, villages, v, counter_steps[0].dept, mean, "intake",
                 offices.counter_of[v][d0])


def _stages(scenario: Scenario, it: ItemSpec, v: int, offices: OfficeLayout, villages: Villages,
            pooled: bool) -> tuple[Stage, ...]:
    keys = [x.key for x in scenario.departments]
    levels = {x.key: x.level for x in scenario.departments}
    out = []
    for k, step in enumerate(it.steps):
        back = offices.backoffice_of[v][keys.index(step.dept)]
        visit = None
        if k == 0:
            handoff = "none"
        elif not pooled and step.counter_min > 0:
            visit = _task(scenario, offices, villages, v, step.dept, step.counter_min, "visit")
            handoff = "villager"
        elif step.dept == it.steps[k - 1].dept:
            handoff = "none"
        else:
            handoff = scenario.governance.handoff
        to_county = levels[step.dept] == "county" and levels[it.steps[max(k - 1, 0)].dept] != "county"
        out.append(Stage(back, step, visit, handoff, to_county, k))
    return tuple(out)
