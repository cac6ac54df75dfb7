"""Risk and proactive-governance KPIs of one run (post-hoc, from the request records).

See govsim.model.security (data holders, breaches) and govsim.model.casework
(take-up, proactive grants, wrong decisions, lost applications, complaints).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.model.plan import RunPlan
from govsim.model.security import breaches
from govsim.model.streams import Streams

__all__ = ["risk_kpis", "wrong_grants"]


def wrong_grants(plan: RunPlan, streams: Streams) -> float:
    """Wrong grants: ineligible units scanned for each proactively granted item.

    For an item granted proactively, the system scans the ineligible units of
    its age bands (heads for household items) once per expected need
    (``rate_per_year`` a year); each scan grants wrongly with the false-positive
    rate. Drawn from the named stream ``proactive.wrong_grants.<item>`` (call
    once per run). In reactive service only eligible villagers apply in the
    model, so there are no wrong grants.
    """
    sc, pop = plan.scenario, plan.pop
    total = 0.0
    for k, it in enumerate(sc.items):
        if not plan.rules.grant[k]:
            continue
        units = int(pop.candidates(it.age_bands, it.unit == "household").sum())
        ineligible = units - round(it.eligible_share * units)
        lam = ineligible * it.rate_per_year * plan.years * sc.proactive.false_positive
        total += float(streams.get(f"proactive.wrong_grants.{it.key}").poisson(lam))
    return total


def _mean(x: pd.Series | np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else float("nan")


def risk_kpis(plan: RunPlan, streams: Streams, req: pd.DataFrame,
              grants: float) -> tuple[dict[str, float], pd.DataFrame]:
    """Risk KPIs and the table of breaches."""
    sc = plan.scenario
    table, expected = breaches(plan, streams, req)
    done = (req["outcome"] == "completed").to_numpy()
    elderly = req["elderly"].to_numpy(dtype=bool)
    benefit = req["item"].isin([it.key for it in sc.items if it.proactive]).to_numpy()
    denied = req["wrong_denial"].to_numpy(dtype=bool)
    appeal = req["appeal_days"].to_numpy(dtype=float)[denied]   # 0: missed and never applied
    complaint = (req["item"] == sc.platform.complaint_item).to_numpy()
    days = req["turnaround_days"].to_numpy(dtype=float)
    within = done & (days <= sc.platform.complaint_target_days)
    k = {
        "records_exposed": float(table["records_exposed"].sum()),
        "records_exposed_expected": expected,
        "breaches_per_year": len(table) / plan.years,
        "resubmissions_mean": _mean(req["resubmissions"]),
        "wrong_denials": float(denied.sum()),
        "wrong_grants": grants,
        "appeal_days_mean": float(appeal[appeal > 0].mean()) if (appeal > 0).any() else 0.0,
        "take_up_rate": _mean(done[benefit]),
        "take_up_rate_60plus": _mean(done[benefit & elderly]),
        "proactive_share": _mean(req["granted_proactively"].to_numpy(dtype=bool)[benefit]),
        "complaint_resolution_days": _mean(days[complaint & done]),
        "complaint_within_target_share": _mean(within[complaint]),
        "complaint_within_target_share_60plus": _mean(within[complaint & elderly]),
        "complaint_trips_mean": _mean(req["trips"].to_numpy()[complaint]),
    }
    return k, table


