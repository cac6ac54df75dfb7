"""Risk and proactive-governance KPIs of one run (post-hoc, from the request records).

See govsim.model.security (data holders, breaches) and govsim.model.proactive
(take-up, proactive grants, wrong decisions, lost applications, complaints).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govsim.kpis import KPI_DESCRIPTIONS
from govsim.model.proactive import COMPLAINT
from govsim.model.security import breaches

if TYPE_CHECKING:
    from govsim.model.world import World

__all__ = ["RISK_KPI_DESCRIPTIONS", "risk_kpis", "wrong_grants"]

RISK_KPI_DESCRIPTIONS: dict[str, str] = {
    "records_exposed": "villagers' records exposed by data breaches over the horizon (sum over breaches)",
    "records_exposed_expected": "expected records exposed: breach rate x records held, over the horizon",
    "breaches_per_year": "data breaches per year over all data holders",
    "resubmissions_mean": "mean resubmissions per request after a lost application",
    "wrong_denials": "eligible cases wrongly denied (or missed) by automated checks",
    "wrong_grants": "benefits wrongly granted to ineligible villagers by automated checks",
    "appeal_days_mean": "mean extra days from a wrong denial to the decision, appealed cases (0 if none)",
    "take_up_rate": "share of eligible benefit needs (items marked proactive) granted by the horizon",
    "take_up_rate_60plus": "take_up_rate among villagers aged 60+",
    "proactive_share": "share of benefit needs granted proactively (免申即享)",
    "complaint_resolution_days": "mean days from a complaint or request (诉求) to its resolution (resolved)",
    "complaint_within_target_share": "share of complaints resolved within platform.complaint_target_days",
    "complaint_within_target_share_60plus": "complaint_within_target_share among villagers aged 60+",
    "complaint_trips_mean": "mean trips per complaint or request",
    "gov_cost_security": "security investment over the horizon, yuan (part of gov_cost)",
    "gov_cost_wrong_grants": "money paid out on wrong grants, yuan (part of gov_cost)",
}
KPI_DESCRIPTIONS.update(RISK_KPI_DESCRIPTIONS)


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


