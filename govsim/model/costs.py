"""Government and villagers' costs of one run (yuan), from the world and the request records.

Government: staff (clerks and back-office staff, pro rata over the horizon),
platform running costs (when online is offered), per-transaction costs
(counter visits, online attempts, proxy tasks) and interventions (training,
infrastructure, proxy stipends, unifying the apps). Villagers: time (travel,
waiting, counter, online) valued at ``behaviour.time_value_per_hour``, plus fares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govsim.model.risk import wrong_grants
from govsim.model.security import security_costs

if TYPE_CHECKING:
    from govsim.config.scenario import Scenario
    from govsim.model.world import World

__all__ = ["gov_costs", "villager_costs"]


def gov_costs(w: World, original: Scenario, req: pd.DataFrame) -> dict[str, float]:
    """Government cost components, yuan over the horizon."""
    sc, c, iv = w.scenario, w.scenario.costs, w.scenario.interventions
    years = sc.run.horizon_days / 365.0
    staff = sum(x.capacity for x in w.offices.counters) + sum(b.capacity for b in w.offices.backoffices)
    cm = w.chan
    proxies = sum(r.capacity for r in cm.proxies)
    out = {
        "gov_cost_staff": staff * c.staff_per_year * years,
        "gov_cost_platform": cm.apps * c.platform_per_app_year * years,
        "gov_cost_transactions": float(req["counter_visits"].sum()) * c.counter_per_visit
        + float(req["online_attempts"].sum()) * c.online_per_transaction
        + cm.proxy_tasks * c.proxy_per_task,
        "gov_cost_interventions": int(cm.trained.sum()) * iv.training_cost_per_trainee
        + cm.upgraded * iv.infrastructure_cost_per_village
        + proxies * c.proxy_stipend_per_year * years
        + (iv.unify_cost if iv.unify_apps and original.platform.apps > 1 else 0.0),
    }
    out.update(security_costs(w, wrong_grants(w)))   # security investment, wrong grants (0 by default)
    out["gov_cost"] = sum(out.values())
    return out


def villager_costs(req: pd.DataFrame, time_value_per_hour: float) -> np.ndarray:
    """Each request's villager cost: time valued plus fares."""
    minutes = req["travel_min"] + req["window_wait_min"] + req["counter_min"]
    if "online_min" in req:
        minutes = minutes + req["online_min"]
    return (minutes / 60.0 * time_value_per_hour + req["fare"]).to_numpy(dtype=float)
