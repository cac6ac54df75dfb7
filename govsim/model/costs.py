"""Government and villagers' costs of one run (yuan), from the plan, the state and the request log.

Government: staff (the posts the scenario keeps, pro rata over the horizon:
see :func:`staff_posts`), platform running costs (when online is offered),
marginal per-transaction costs (materials, postage, platform per use of a
counter visit, an online attempt, a proxy task; staff time is in the
salaries, so transactions are not fully loaded) and interventions (training,
infrastructure, proxy stipends, unifying the apps). Villagers: time (travel,
waiting, counter, online) valued at ``behaviour.time_value_per_hour``, plus fares.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from govsim.model.plan import RunPlan
from govsim.model.security import security_costs
from govsim.model.state import RunState

__all__ = ["gov_costs", "staff_posts", "villager_costs"]


def staff_posts(plan: RunPlan, state: RunState, open_min: float) -> float:
    """Posts paid: every back-office post, and the counter posts the scenario keeps.

    With counters open (or ``costs.closed_counter_staff: kept``, the default:
    established posts, 编制, stay on the payroll) every window is a paid post.
    With counters closed to applications and ``closed_counter_staff: cut``,
    each counter office keeps the posts its remaining work (certificates,
    identity steps) needs over the horizon's opening minutes, at least one
    if it served anyone; the other posts are cut.
    """
    backoffice = sum(b.capacity for b in plan.offices.backoffices)
    if plan.scenario.channels.counters_open or plan.scenario.costs.closed_counter_staff == "kept":
        return float(backoffice + sum(c.capacity for c in plan.offices.counters))
    kept = sum(min(c.capacity, max(math.ceil(c.busy_min / open_min), 1 if c.served else 0))
               for c in state.counters) if open_min > 0 else 0
    return float(backoffice + kept)


def gov_costs(plan: RunPlan, state: RunState, req: pd.DataFrame, wrong_grants: float,
              open_min: float) -> dict[str, float]:
    """Government cost components, yuan over the horizon (``open_min``: one office's opening minutes)."""
    c, iv = plan.scenario.costs, plan.scenario.interventions
    years = plan.years
    proxies = sum(r.capacity for r in state.proxies.agents)
    out = {
        "gov_cost_staff": staff_posts(plan, state, open_min) * c.staff_per_year * years,
        "gov_cost_platform": plan.apps * c.platform_per_app_year * years,
        "gov_cost_transactions": float(req["counter_visits"].sum()) * c.counter_per_visit
        + float(req["online_attempts"].sum()) * c.online_per_transaction
        + state.proxies.tasks * c.proxy_per_task,
        "gov_cost_interventions": int(plan.trained.sum()) * iv.training_cost_per_trainee
        + plan.upgraded * iv.infrastructure_cost_per_village
        + proxies * c.proxy_stipend_per_year * years
        + (iv.unify_cost if iv.unify_apps and plan.original.platform.apps > 1 else 0.0),
    }
    out.update(security_costs(plan, wrong_grants))   # security investment, wrong grants (0 by default)
    out["gov_cost"] = sum(out.values())
    return out


def villager_costs(req: pd.DataFrame, time_value_per_hour: float) -> np.ndarray:
    """Each request's villager cost: time valued plus fares."""
    minutes = req["travel_min"] + req["window_wait_min"] + req["counter_min"]
    if "online_min" in req:
        minutes = minutes + req["online_min"]
    return (minutes / 60.0 * time_value_per_hour + req["fare"]).to_numpy(dtype=float)
