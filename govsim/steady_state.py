"""A warning when a steady-state KPI is estimated from too short a run for its load.

For a run declared steady state (``run.warmup_days > 0``, as the M/M/c
preset is), each counter's relaxation time is estimated from what the run
measured: with utilisation ``rho``, ``c`` windows and mean service ``s``
minutes, ``T = s / (c (1 - sqrt(rho))**2)`` (the M/M/1 relaxation time of
Cohen / Morse with the pooled service rate; a heuristic for M/M/c). The
queue forgets its empty start after a few ``T``; the mean wait over a
window of length ``L`` is biased low by roughly ``T / L``. At load 0.95
with 3 windows of 10 minutes ``T`` is about 3.6 days: a 10-day run is 22 %
below Erlang C, a 3-day run 43 %. The check warns when the warm-up is
shorter than ``T`` or the measured window shorter than ``MIN_RELAXATIONS``
times ``T``.
"""

from __future__ import annotations

import math
import warnings

import pandas as pd

from govsim.model.calendar import DAY
from govsim.model.plan import RunPlan

__all__ = ["MIN_RELAXATIONS", "SteadyStateWarning", "relaxation_minutes", "steady_state_check"]

MIN_RELAXATIONS = 20.0


class SteadyStateWarning(UserWarning):
    """A steady-state KPI estimated from a horizon or warm-up too short for the load."""


def relaxation_minutes(rho: float, windows: float, service_min: float) -> float:
    """Relaxation time (minutes) of a queue with ``windows`` servers at utilisation ``rho``."""
    if rho >= 1.0:
        return math.inf
    return service_min / (windows * (1.0 - math.sqrt(rho)) ** 2)


def steady_state_check(plan: RunPlan, utilisation: pd.DataFrame) -> None:
    """Warn (``SteadyStateWarning``) for each counter whose load the run is too short to measure."""
    run = plan.scenario.run
    counters = utilisation[(utilisation["kind"] == "counter") & (utilisation["served"] > 0)]
    for office, rho, busy, served in zip(counters["office"].astype(str), counters["utilisation"],
                                         counters["busy_min"], counters["served"], strict=True):
        t = relaxation_minutes(float(rho), _windows(plan, office), float(busy) / float(served))
        measured = (run.horizon_days - run.warmup_days) * DAY
        if run.warmup_days * DAY < t or measured < MIN_RELAXATIONS * t:
            warnings.warn(
                f"counter {office}: utilisation {rho:.2f} relaxes in about "
                f"{t / DAY:.1f} days; "
                f"run.warmup_days={run.warmup_days:g} and a measured {measured / DAY:g} days "
                f"(wanted: at least {t / DAY:.1f} and {MIN_RELAXATIONS * t / DAY:.0f}): waiting KPIs "
                f"are biased low", SteadyStateWarning, stacklevel=3)


def _windows(plan: RunPlan, office: str) -> float:
    """Windows of the counters named ``office`` (summed over places)."""
    return float(sum(o.capacity for o in plan.offices.counters if o.name == office)) or 1.0
