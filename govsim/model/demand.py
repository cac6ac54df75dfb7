"""Needs for service over the horizon, generated per item, vectorised.

Event-driven items (``schedule: poisson``) arrive as a non-homogeneous
Poisson process per eligible unit (a person, or a household through its
head) with a monthly seasonal profile. Once-a-year obligations (``schedule:
annual``: pension re-certification, insurance payment ...) come exactly once
per eligible unit per year, on a date drawn from the item's season. Each item
draws from its own streams (eligibility, demand), so needs are identical
across scenarios that share a seed and a population (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govsim.config.scenario import ItemSpec, RunSpec
from govsim.model.calendar import DAY, YEAR_DAYS, YEAR_MIN
from govsim.model.population import Population
from govsim.model.streams import Streams

__all__ = ["Needs", "generate_needs"]

MONTH_DAYS = YEAR_DAYS / 12.0


@dataclass(frozen=True)
class Needs:
    """All needs of a run, sorted by time: one entry per request."""

    time: np.ndarray       # float64 minutes
    villager: np.ndarray   # int64 index into the population arrays
    item: np.ndarray       # int16 index into scenario.items

    def __len__(self) -> int:
        return len(self.time)


def generate_needs(items: tuple[ItemSpec, ...], pop: Population, run: RunSpec,
                   streams: Streams) -> Needs:
    """Draw every need of every item over the run's horizon."""
    horizon = run.horizon_days * DAY
    parts = [_item_needs(k, it, pop, run, horizon, streams) for k, it in enumerate(items)]
    time = np.concatenate([p[0] for p in parts])
    villager = np.concatenate([p[1] for p in parts])
    item = np.concatenate([np.full(len(p[0]), k, dtype=np.int16) for k, p in enumerate(parts)])
    order = np.lexsort((item, time))
    return Needs(time=time[order], villager=villager[order], item=item[order])


def eligible_units(it: ItemSpec, pop: Population, streams: Streams) -> np.ndarray:
    """Indices of the villagers eligible for ``it`` (heads for household items)."""
    units = np.flatnonzero(pop.candidates(it.age_bands, it.unit == "household"))
    if it.eligible_share < 1.0:
        keep = streams.get(f"eligibility.{it.key}").random(len(units)) < it.eligible_share
        units = units[keep]
    return units


def _item_needs(k: int, it: ItemSpec, pop: Population, run: RunSpec, horizon: float,
                streams: Streams) -> tuple[np.ndarray, np.ndarray]:
    rng = streams.get(f"demand.{it.key}")
    units = eligible_units(it, pop, streams)
    edges, cum = _cumulative_season(it.season, run.start_month, horizon)
    if len(units) == 0:
        return np.empty(0), np.empty(0, dtype=np.int64)
    if it.schedule == "annual":
        return _annual_needs(it, units, run, horizon, rng)
    if it.total_per_hour is not None:
        n = rng.poisson(it.total_per_hour / 60.0 * cum[-1])
        who = units[rng.integers(0, len(units), size=n)]
    else:
        counts = rng.poisson(it.rate_per_year / YEAR_MIN * cum[-1], size=len(units))
        who = np.repeat(units, counts)
    times = np.interp(rng.random(len(who)) * cum[-1], cum, edges)
    return times, who.astype(np.int64)


def _annual_needs(it: ItemSpec, units: np.ndarray, run: RunSpec, horizon: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Once a year per eligible unit, on a date drawn from the item's seasonal profile of that year."""
    edges, cum = _cumulative_season(it.season, run.start_month, YEAR_MIN)
    times, who = [], []
    for year in range(int(np.ceil(horizon / YEAR_MIN))):
        t = year * YEAR_MIN + np.interp(rng.random(len(units)) * cum[-1], cum, edges)
        keep = t < horizon
        times.append(t[keep])
        who.append(units[keep])
    return np.concatenate(times), np.concatenate(who).astype(np.int64)


def _cumulative_season(season: tuple[float, ...], start_month: int,
                       horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Month edges (minutes) and the cumulative seasonal weight-minutes at each edge."""
    month_min = MONTH_DAYS * DAY
    n = int(np.ceil(horizon / month_min))
    edges = np.minimum(np.arange(n + 1) * month_min, horizon)
    weights = np.array([season[(start_month - 1 + m) % 12] for m in range(n)])
    cum = np.concatenate(([0.0], np.cumsum(weights * np.diff(edges))))
    return edges, cum
