"""The per-request satisfaction indicator: a documented rule on what the villager experienced.

A request counts as *satisfied* when it was completed (a proactive grant
counts) and none of the following happened (thresholds in the
``satisfaction`` config group, all labelled assumptions):

* more than ``max_trips`` trips to an office outside the village;
* more than ``max_wait_min`` minutes queuing at counters in total;
* a decision later than the item's ``promised_days`` x ``late_factor``
  after the application (items without promised days are never late);
* an online session that failed and forced another channel
  (``fallback_dissatisfies``).

Needs never applied for, with no usable channel, abandoned or still open
are not satisfied. ``satisfaction_share`` is over needs (as the published
surveys ask everyone who dealt with the service, the unmet count); it is
reported beside the published 94.7% (Zhejiang 2017) and 97.1% (2019)
without any tuning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.config.scenario import Scenario

__all__ = ["per_item", "satisfaction_kpis", "satisfied"]


def per_item(item: pd.Series, value: dict[str, float]) -> np.ndarray:
    """``value`` of each request's item, from the categorical's codes (``astype(str)`` would
    make a string per request: 27 MB at the peak of a county-year)."""
    cat = item.cat
    table = np.array([value[str(c)] for c in cat.categories], dtype=float)
    return table[cat.codes.to_numpy()]


def satisfied(req: pd.DataFrame, sc: Scenario) -> np.ndarray:
    """Boolean per request: satisfied under the scenario's rule."""
    rule = sc.satisfaction
    promised = {it.key: (it.promised_days if it.promised_days is not None else np.inf) for it in sc.items}
    limit = per_item(req["item"], promised) * rule.late_factor
    start = req["t_apply_day"].fillna(req["t_need_day"]).to_numpy(dtype=float)
    from_application = req["turnaround_days"].to_numpy(dtype=float) - (start - req["t_need_day"].to_numpy())
    ok = (req["outcome"] == "completed").to_numpy().copy()
    ok &= req["trips"].to_numpy() <= rule.max_trips
    ok &= req["window_wait_min"].to_numpy() <= rule.max_wait_min
    ok &= from_application <= limit
    if rule.fallback_dissatisfies:
        ok &= req["fallbacks"].to_numpy() == 0
    return ok


def satisfaction_kpis(req: pd.DataFrame, sc: Scenario) -> dict[str, float]:
    """``satisfaction_share`` over needs, and over the needs of villagers aged 60+."""
    ok = satisfied(req, sc)
    elderly = req["elderly"].to_numpy(dtype=bool)
    return {
        "satisfaction_share": float(ok.mean()) if len(ok) else float("nan"),
        "satisfaction_share_60plus": float(ok[elderly].mean()) if elderly.any() else float("nan"),
    }
