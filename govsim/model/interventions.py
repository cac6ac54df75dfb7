"""Interventions applied before a run: staff moves, app unification, training, coverage.

Structural interventions change the scenario the run is planned from (a new
frozen Scenario; the caller's is untouched). Training and infrastructure
return a new population and new village coverage (the drawn ones are untouched).
Costs are in govsim.model.costs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from govsim.config.scenario import InterventionSpec, Scenario
from govsim.model.population import Population
from govsim.model.streams import Streams

__all__ = ["apply_structural", "guide", "train", "upgrade_coverage"]

def apply_structural(sc: Scenario) -> Scenario:
    """Unify the apps; move ``staff_to_backoffice`` clerks per township department (>= 1 window kept)."""
    iv = sc.interventions
    out = sc
    if iv.unify_apps and sc.platform.apps > 1:
        out = dataclasses.replace(out, platform=dataclasses.replace(out.platform, apps=1))
    k = iv.staff_to_backoffice
    if k:
        out = _move_clerks(out, k, to_backoffice=True)
    ch = out.channels
    if ch.online and not ch.counters_open:   # counters closed: one window kept per township office
        out = _move_clerks(out, 1_000_000, to_backoffice=ch.closed_counter_staff == "redeployed")
    return out


def _move_clerks(sc: Scenario, k: int, to_backoffice: bool) -> Scenario:
    """Up to ``k`` clerks per township department leave its counter (>= 1 window kept).

    They join its back office (``to_backoffice``) or their posts are cut.
    """
    depts = []
    for d in sc.departments:
        moved = min(k, d.windows - 1) if d.level == "township" else 0
        joined = moved if to_backoffice else 0
        depts.append(dataclasses.replace(d, windows=d.windows - moved,
                                         backoffice_staff=d.backoffice_staff + joined))
    return dataclasses.replace(sc, departments=tuple(depts))


def train(pop: Population, iv: InterventionSpec, streams: Streams) -> tuple[Population, np.ndarray]:
    """The population after training (trainees' literacy raised), and a mask of the trainees."""
    if not iv.training_bands or iv.training_share <= 0 or iv.training_literacy_gain <= 0:
        return pop, np.zeros(pop.size, dtype=bool)
    in_bands = pop.in_bands(iv.training_bands)
    chosen = in_bands & (streams.get("interventions.training").random(pop.size) < iv.training_share)
    literacy = pop.literacy.copy()
    literacy[chosen] = np.minimum(literacy[chosen] + iv.training_literacy_gain,
                                  np.maximum(literacy[chosen], iv.training_literacy_cap))
    return dataclasses.replace(pop, literacy=literacy), chosen


def guide(pop: Population, iv: InterventionSpec) -> Population:
    """The population after the service guide: administrative knowledge raised, digital literacy untouched."""
    if not iv.service_guide or iv.service_guide_gain <= 0:
        return pop
    knowledge = np.minimum(pop.admin_knowledge + iv.service_guide_gain, 1.0)
    return dataclasses.replace(pop, admin_knowledge=knowledge)


def upgrade_coverage(coverage: np.ndarray, iv: InterventionSpec) -> tuple[np.ndarray, int]:
    """Village coverage after the infrastructure upgrade, and the number of villages upgraded."""
    upgraded = int((coverage < iv.coverage_min).sum())
    return np.maximum(coverage, iv.coverage_min), upgraded
