"""Risk and proactive-governance KPIs of one run (post-hoc, from the request records).

See govsim.model.security (data holders, breaches) and govsim.model.proactive
(take-up, proactive grants, wrong decisions, lost applications, complaints).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govsim.model.proactive import COMPLAINT
from govsim.model.security import breaches

if TYPE_CHECKING:
    from govsim.model.world import World

__all__ = ["risk_kpis", "wrong_grants"]



def wrong_grants(w: World) -> float:
    """Wrong grants: ineligible units scanned for each proactively granted item.

    For an item granted proactively, the system scans the ineligible units of
    its age bands (heads for household items) once per expected need
    (``rate_per_year`` a year); each scan grants wrongly with the false-positive
    rate. Drawn from the named stream ``proactive.wrong_grants.<item>``.
    In reactive service only eligible villagers apply in the model, so there
    are no wrong grants.
    """
    rm, sc, pop = w.risk, w.scenario, w.pop
    if rm.wrong_grants is not None:
        return rm.wrong_grants
    total = 0.0
    years = sc.run.horizon_days / 365.0
    for k, it in enumerate(sc.items):
        if not rm.grant[k]:
            continue
        mask = np.ones(pop.size, dtype=bool)
        if it.age_bands:
            mask &= np.isin(pop.band, [pop.band_names.index(b) for b in it.age_bands])
        if it.unit == "household":
            mask &= pop.household_head
        ineligible = int(mask.sum()) - round(it.eligible_share * int(mask.sum()))
        lam = ineligible * it.rate_per_year * years * sc.proactive.false_positive
        total += float(w.streams.get(f"proactive.wrong_grants.{it.key}").poisson(lam))
    rm.wrong_grants = total
    return total


def _mean(x: pd.Series | np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else float("nan")


def risk_kpis(w: World, req: pd.DataFrame, grants: float) -> tuple[dict[str, float], pd.DataFrame]:
    """Risk KPIs and the table of breaches."""
    sc = w.scenario
    years = sc.run.horizon_days / 365.0
    table, expected = breaches(w, req)
    done = (req["outcome"] == "completed").to_numpy()
    elderly = req["elderly"].to_numpy(dtype=bool)
    benefit = req["item"].isin([it.key for it in sc.items if it.proactive]).to_numpy()
    denied = req["wrong_denial"].to_numpy(dtype=bool)
    appeal = req["appeal_days"].to_numpy(dtype=float)[denied]   # 0: missed and never applied
    complaint = (req["item"] == COMPLAINT).to_numpy()
    days = req["turnaround_days"].to_numpy(dtype=float)
    within = done & (days <= sc.platform.complaint_target_days)
    k = {
        "records_exposed": float(table["records_exposed"].sum()),
        "records_exposed_expected": expected,
        "breaches_per_year": len(table) / years,
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


