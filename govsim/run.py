"""The one pure entry point: a scenario and a seed in, records and KPIs out."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from govsim.config.scenario import Scenario
from govsim.kpis import channel_kpis, compute_kpis, group_kpis
from govsim.model.calendar import DAY, WorkCalendar
from govsim.model.costs import gov_costs, villager_costs
from govsim.model.records import categorical, outcome_categorical
from govsim.model.risk import risk_kpis, wrong_grants
from govsim.model.world import World

__all__ = ["RunResult", "simulate"]


@dataclass
class RunResult:
    """What one run produces."""

    scenario: Scenario
    seed: int
    requests: pd.DataFrame       # one row per request
    kpis: pd.Series              # the run's KPIs (floats)
    timeseries: pd.DataFrame     # sampled queues and backlog per office group
    utilisation: pd.DataFrame    # counter and back-office utilisation per office group
    wall_seconds: float
    extra: dict[str, object] = field(default_factory=dict)

    def by(self, column: str) -> pd.DataFrame:
        """KPIs broken down by ``item``, ``age_band``, ``township``, ``channel_final`` ..."""
        return group_kpis(self.requests, column)


def simulate(scenario: Scenario, seed: int | None = None, *, progress: bool = False) -> RunResult:
    """Run ``scenario`` once with ``seed`` (default: ``scenario.run.seed``)."""
    seed = scenario.run.seed if seed is None else int(seed)
    t0 = time.perf_counter()
    world = World(scenario, seed)
    _run(world, progress)
    requests = _requests_frame(world)
    kpis = compute_kpis(requests, scenario.behaviour.time_value_per_hour)
    kpis = pd.concat([kpis, _channel_kpis(world, scenario, requests)]).rename("value")
    risk, breach_table = risk_kpis(world, requests, wrong_grants(world))   # issue 5: risk KPIs
    kpis = pd.concat([kpis, pd.Series(risk, dtype=float)]).rename("value")
    wall = time.perf_counter() - t0
    return RunResult(scenario, seed, requests, kpis, _timeseries(world), _utilisation(world), wall,
                     extra={"breaches": breach_table})


def _channel_kpis(world: World, scenario: Scenario, requests: pd.DataFrame) -> pd.Series:
    """Channel shares, who is able to go online, government and villagers' costs."""
    k = channel_kpis(requests)
    pop, cm = world.pop, world.chan
    elderly = pop.band_elderly[pop.band]
    k["online_able_share"] = float(cm.access.mean()) if pop.size else float("nan")
    k["online_able_share_60plus"] = float(cm.access[elderly].mean()) if elderly.any() else float("nan")
    costs = gov_costs(world, scenario, requests)
    k["gov_cost"] = costs.pop("gov_cost")
    k["gov_cost_per_request"] = k["gov_cost"] / len(requests) if len(requests) else float("nan")
    k["villager_cost"] = float(villager_costs(requests, scenario.behaviour.time_value_per_hour).sum())
    k.update(costs)
    return pd.Series(k, dtype=float)


def _timeseries(world: World) -> pd.DataFrame:
    """Office samples, plus platform rows (queue = attempts in the interval, in_service = 1 if up)."""
    df = world.sampler.frame()
    if not world.chan.apps:
        return df
    plat = world.chan.timeseries()
    names = [*df["office"].cat.categories, *sorted(set(plat["office"]))]
    out = pd.concat([df.assign(office=df["office"].astype(str)), plat], ignore_index=True)
    out["office"] = pd.Categorical(out["office"], categories=names)
    return out


@contextmanager
def _rare_gc() -> Iterator[None]:
    """Collect cyclic garbage rarely while the event loop runs.

    Every pending event and process is a tracked object, so the collector's
    default thresholds trigger full collections that scan all requests in
    flight: about 30% of a county-year's time (141 vs 94-103 us per request at
    400k residents), more the larger the county. Raising the first threshold removes
    that cost and keeps memory bounded; the run is then as fast as with the
    collector off.
    """
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _run(world: World, progress: bool) -> None:
    with _rare_gc():
        _run_loop(world, progress)


def _run_loop(world: World, progress: bool) -> None:
    if not progress:
        world.run()
        return
    horizon = world.scenario.run.horizon_days
    world.start()
    with tqdm(total=round(horizon), unit="day", desc="simulating", leave=False) as bar:
        day = 0.0
        while day < horizon:
            step = min(5.0, horizon - day)
            world.env.run(until=(day + step) * DAY)
            day += step
            bar.update(round(day) - bar.n)


def _requests_frame(world: World) -> pd.DataFrame:
    pop, needs, sc = world.pop, world.needs, world.scenario
    v = needs.villager
    village = pop.village[v]
    cols = world.rec.columns()
    t_need = needs.time
    turnaround = (cols.pop("t_end") - t_need) / DAY
    outcome = outcome_categorical(cols.pop("outcome_code"))
    turnaround[np.asarray(outcome) != "completed"] = np.nan
    handoff = cols.pop("handoff_min") / DAY
    chan = world.chan.columns()
    df = pd.DataFrame({
        "request_id": np.arange(len(needs), dtype=np.int64),
        "villager_id": v,
        "township": categorical(pop.villages.township[village], list(pop.villages.township_names)),
        "village": categorical(village, list(pop.villages.names)),
        "age_band": categorical(pop.band[v], list(pop.band_names)),
        "elderly": pop.band_elderly[pop.band[v]],
        "item": categorical(needs.item, [i.key for i in sc.items]),
        **{k: c for k, c in chan.items() if k.startswith("channel_")},
        "t_need_day": t_need / DAY,
        "turnaround_days": turnaround,
        "outcome": outcome,
        "handoff_days": handoff,
        **cols,
        **{k: c for k, c in chan.items() if not k.startswith("channel_")},
        **world.risk.columns(),
    })
    return df


def _utilisation(world: World) -> pd.DataFrame:
    open_min = _open_minutes(world.cal, world.scenario.run.horizon_days)
    horizon = world.scenario.run.horizon_days * DAY
    rows: dict[tuple[str, str], list[float]] = {}
    for c in world.offices.counters:
        r = rows.setdefault(("counter", c.name), [0.0, 0.0, 0.0])
        r[0] += c.busy_min
        r[1] += c.capacity * open_min
        r[2] += c.served
    for b in world.offices.backoffices:
        r = rows.setdefault(("backoffice", b.dept), [0.0, 0.0, 0.0])
        r[0] += b.busy_min
        r[1] += b.capacity * (horizon if world.cal.always_open else open_min)
        r[2] += b.done
    extra = world.chan.utilisation(open_min)
    df = pd.DataFrame([*((k[0], k[1], *v) for k, v in rows.items()), *extra],
                      columns=["kind", "office", "busy_min", "capacity_min", "served"])
    df["utilisation"] = df["busy_min"] / df["capacity_min"]
    return df


def _open_minutes(cal: WorkCalendar, horizon_days: float) -> float:
    """Total opening minutes of one office over the horizon."""
    if cal.always_open:
        return horizon_days * DAY
    whole = int(horizon_days)
    minutes = sum(cal.day_len for d in range(whole) if cal.is_workday(d))
    if cal.is_workday(whole):
        frac = (horizon_days - whole) * DAY
        minutes += min(max(frac - cal.open, 0.0), cal.day_len)
    return minutes
