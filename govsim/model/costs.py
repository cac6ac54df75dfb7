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

import numpy as np
import pandas as pd

from govsim.model.plan import RunPlan
from govsim.model.security import security_costs
from govsim.model.state import RunState

__all__ = ["gov_costs", "staff_posts", "villager_costs"]


def staff_posts(plan: RunPlan, state: RunState, open_min: float) -> float:
    """Posts paid: every window and back-office post of the offices as laid out.

    The layout already says what a scenario keeps: with counters closed,
    ``channels.closed_counter_staff`` either redeploys the clerks to the back
    office (still paid, now adding back-office capacity) or cuts their posts
    (no longer paid). ``state`` and ``open_min`` are unused and kept for callers.
    """
    del state, open_min
    return float(sum(b.capacity for b in plan.offices.backoffices)
                 + sum(c.capacity for c in plan.offices.counters))


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
