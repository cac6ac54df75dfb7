"""Per (item, village) plans of the online and assisted channels, and their expected costs.

Computed once before the run from the item plans (govsim.model.plans): what
an online or proxy application still needs in person, the back-office stages
without the villager's visits, and the expected hours and fares of each
channel that the channel choice (govsim.decisions.channel) weighs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from govsim.config.scenario import Scenario
from govsim.model.plans import ItemPlan, Stage, Task

__all__ = ["ChannelPlan", "app_of_items", "channel_plans"]



@dataclass(frozen=True, slots=True)
class ChannelPlan:
    """What the online and assisted channels need for one item from one village."""

    online: bool                     # online offered and the item is available online
    counter: bool                    # counters take applications for this item
    app: int
    uploads: tuple[Task, ...]        # certificates fetched in person and uploaded
    exchange: tuple[Task, ...]       # verified on the exchange (the holder's counter if it fails)
    personal_docs: int
    identity: Task | None            # in-person identity step at the intake counter
    groups: tuple[tuple[Stage, ...], ...]
    pickup: Task | None
    intake: Task                     # where a proxy carries a paper application (its travel)
    hours: tuple[float, float, float]   # expected villager hours (no queueing): offline, online, assisted
    queues: tuple[tuple[int, ...], tuple[int, ...]]   # counters visited offline, online (expected waits)
    yuan: tuple[float, float, float]    # expected fares


def app_of_items(sc: Scenario, apps: int) -> tuple[int, ...]:
    """The app each item is applied for on.

    ``platform.app_of`` names the app of the items it lists (apps numbered by
    name, in order of first appearance); the others go by their first
    department or in turn (``platform.assignment``), modulo the number of apps.
    """
    dept_keys = [d.key for d in sc.departments]
    n = max(apps, 1)
    named = dict(sc.platform.app_of)
    names = list(dict.fromkeys(named.values()))
    return tuple((names.index(named[it.key]) if it.key in named
                  else dept_keys.index(it.steps[0].dept) if sc.platform.assignment == "department" else k) % n
                 for k, it in enumerate(sc.items))


def channel_plans(sc: Scenario, plans: list[list[ItemPlan]],
                  app_of: tuple[int, ...]) -> tuple[tuple[ChannelPlan, ...], ...]:
    """``[item][village]`` channel plans."""
    return tuple(tuple(_channel_plan(sc, k, p, app_of[k]) for p in row) for k, row in enumerate(plans))


def _trip_cost(tasks: list[Task]) -> tuple[float, float]:
    """Expected hours and fares of visiting ``tasks`` (one trip per distinct place outside the village)."""
    places = {t.place: t for t in tasks if t.trip}
    hours = sum(2.0 * t.travel for t in places.values()) / 60.0
    hours += sum(t.mean for t in tasks) / 60.0
    return hours, sum(t.fare for t in places.values())


def _channel_plan(sc: Scenario, k: int, plan: ItemPlan, app: int) -> ChannelPlan:
    ch, it, gov = sc.channels, sc.items[k], sc.governance
    online = ch.online and it.online
    counter = ch.counters_open or not it.online
    identity = None
    if it.in_person_step and not gov.remote_identity:
        identity = dataclasses.replace(plan.intake, mean=ch.identity_min, kind="visit")
    off_tasks = [*plan.certificates, plan.intake, *(s.visit for g in plan.groups for s in g if s.visit)]
    h_off, y_off = _trip_cost(off_tasks)
    on_tasks = [*plan.certificates, *([identity] if identity else [])]
    h_on, y_on = _trip_cost(on_tasks)
    if plan.pickup is not None:
        hp, yp = _trip_cost([plan.pickup])
        h_off, y_off, h_on, y_on = h_off + hp, y_off + yp, h_on + hp, y_on + yp
    h_on += ch.attempt_min / 60.0
    pick = [plan.pickup] if plan.pickup is not None else []
    queues = (tuple(t.counter for t in [*off_tasks, *pick]), tuple(t.counter for t in [*on_tasks, *pick]))
    return ChannelPlan(online, counter, app, plan.certificates, plan.exchange, plan.personal_docs, identity,
                       plan.submitted, plan.pickup, plan.intake, (h_off, h_on, ch.assisted_hours), queues,
                       (y_off, y_on, 0.0))
