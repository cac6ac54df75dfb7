"""Data held by each data holder, breaches and the risk KPIs (post-hoc, from the records).

Data holders: each department's system, the data exchange (when any document
type is on it) and each online platform app (when online service is
offered). Who holds a villager's record, from the moment the villager's need
reaches the systems (the need's time):

* a department: villagers with an application (or a proactive grant) of an
  item whose workflow includes the department or that needs a document the
  department holds;
* the exchange: it mirrors the registers it serves, so it holds the records
  of every villager held by a department whose document types are on it
  (sharing concentrates records: at full sharing it holds nearly everyone's);
* a platform app: villagers who submitted online through it.

Breaches are a Poisson process per holder (rate per holder-year by kind,
``security.*_breaches_per_year``; no published rural rates: assumptions), drawn
from the named stream ``security.breaches.<holder>``. A breach exposes the
records its holder keeps at that moment. ``records_exposed`` counts exposed
records over all breaches of the run (a villager exposed twice counts twice);
``records_exposed_expected`` is the expectation, rate times records held,
integrated over the horizon (the same quantity without the breach lottery).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsim.config.scenario import Scenario
from govsim.decisions.documents import exchange_documents
from govsim.model.calendar import DAY, YEAR_MIN
from govsim.model.plan import RunPlan
from govsim.model.streams import Streams

__all__ = ["Holder", "breaches", "held_first_times", "holders", "security_costs"]


@dataclass(frozen=True)
class Holder:
    """A data holder: its name, kind and breach rate per year."""

    name: str
    kind: str    # department | exchange | platform
    rate: float


def _dept_items(sc: Scenario) -> dict[str, list[int]]:
    """Department -> items whose requests leave a record in its system."""
    holder = {d.key: d.holder for d in sc.documents}
    out: dict[str, list[int]] = {d.key: [] for d in sc.departments}
    for k, it in enumerate(sc.items):
        depts = {s.dept for s in it.steps} | {holder[d] for d in it.documents if holder[d] != "villager"}
        for d in depts:
            out[d].append(k)
    return out


def holders(plan: RunPlan) -> list[Holder]:
    """Every data holder of the run."""
    sc, se = plan.scenario, plan.scenario.security
    out = [Holder(d.key, "department", se.department_breaches_per_year) for d in sc.departments]
    if exchange_documents(sc.governance, sc.documents):
        out.append(Holder("exchange", "exchange", se.exchange_breaches_per_year))
    out.extend(Holder(f"platform:app{a + 1}", "platform", se.platform_breaches_per_year)
               for a in range(plan.apps))
    return out


def held_first_times(plan: RunPlan, req: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per holder: sorted minutes at which each villager's record first reached it."""
    sc = plan.scenario
    t = req["t_need_day"].to_numpy(dtype=float) * DAY
    who = req["villager_id"].to_numpy()
    item = req["item"].cat.codes.to_numpy()
    reached = req["applied"].to_numpy(dtype=bool) if "applied" in req else np.ones(len(req), bool)
    dept_items = _dept_items(sc)
    masks: dict[str, np.ndarray] = {d: reached & np.isin(item, ks) for d, ks in dept_items.items()}
    if exchange_documents(sc.governance, sc.documents):
        on_ex = exchange_documents(sc.governance, sc.documents)
        serving = {d.holder for d in sc.documents if d.key in on_ex}
        m = np.zeros(len(req), dtype=bool)
        for d in serving:
            m |= masks[d]
        masks["exchange"] = m
    if plan.apps:
        app_of = np.asarray([plan.channels[k][0].app for k in range(len(sc.items))])
        online = req["submitted_online"].to_numpy(dtype=bool)
        for a in range(plan.apps):
            masks[f"platform:app{a + 1}"] = online & (app_of[item] == a)
    out = {}
    for name, m in masks.items():
        first = pd.Series(t[m]).groupby(who[m]).min().to_numpy(dtype=float)
        out[name] = np.sort(first)
    return out


def breaches(plan: RunPlan, streams: Streams, req: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The run's breaches (holder, kind, day, records exposed) and the expected records exposed."""
    horizon = plan.horizon
    first = held_first_times(plan, req)
    rows: list[tuple[str, str, float, int]] = []
    expected = 0.0
    for h in holders(plan):
        times = first.get(h.name, np.empty(0))
        expected += h.rate / YEAR_MIN * float(np.sum(horizon - times))
        rng = streams.get(f"security.breaches.{h.name}")
        n = int(rng.poisson(h.rate * horizon / YEAR_MIN))
        for tb in np.sort(rng.random(n) * horizon):
            rows.append((h.name, h.kind, float(tb) / DAY, int(np.searchsorted(times, tb, side="right"))))
    df = pd.DataFrame(rows, columns=["holder", "kind", "time_day", "records_exposed"])
    return df, expected


def security_costs(plan: RunPlan, wrong_grants: float) -> dict[str, float]:
    """Security investment over the horizon and money paid out on wrong grants, yuan."""
    sc = plan.scenario
    return {
        "gov_cost_security": len(holders(plan)) * sc.security.investment_per_holder_year * plan.years,
        "gov_cost_wrong_grants": wrong_grants * sc.proactive.wrong_grant_cost,
    }
