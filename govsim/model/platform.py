"""The online platform during a run (SimPy): outages, load, and its samples for the time series."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pandas as pd

from govsim.model.calendar import DAY
from govsim.model.state import Ctx, Platform

__all__ = ["outages", "platform_frame", "sample_platform", "slowdown"]

Proc = Generator[Any, Any, Any]


def slowdown(pf: Platform, app: int, now: float, capacity_per_hour: float) -> float:
    """Response slowdown factor of ``app`` from the attempts in the current hour (counts this one)."""
    hour = int(now // 60.0)
    if pf.load_hour[app] != hour:
        pf.load_hour[app] = hour
        pf.load[app] = 0
    pf.load[app] += 1
    pf.interval_attempts[app] += 1
    return max(1.0, pf.load[app] / capacity_per_hour)


def outages(c: Ctx, app: int) -> Proc:
    """The app's up/down renewal process (exponential up and down times)."""
    env, pf, spec = c.env, c.state.platform, c.plan.scenario.platform
    rng = c.state.streams.get(f"platform.outage.{app}")
    while True:
        yield env.timeout(rng.exponential(spec.mtbf_hours * 60.0))
        pf.up[app] = False
        start, k = env.now, len(pf.outages)
        pf.outages.append((start, np.inf, app))
        yield env.timeout(rng.exponential(spec.mttr_hours * 60.0))
        pf.up[app] = True
        pf.outages[k] = (start, env.now, app)


def sample_platform(c: Ctx) -> Proc:
    """Every sample interval: per app, the attempts since the last sample and whether it is up."""
    env, pf = c.env, c.state.platform
    interval = c.plan.scenario.run.sample_interval_min
    while True:
        t = env.now / DAY
        for a in range(c.plan.apps):
            pf.rows.append((t, a, pf.interval_attempts[a], int(pf.up[a]), 0))
            pf.interval_attempts[a] = 0
        yield env.timeout(interval)


def platform_frame(pf: Platform) -> pd.DataFrame:
    """Platform samples: queue = attempts in the interval, in_service = 1 if up."""
    cols = ["time_day", "office", "queue", "in_service", "backlog"]
    df = pd.DataFrame(pf.rows, columns=cols)
    df["office"] = [f"platform:app{a + 1}" for a in df["office"]]
    return df
