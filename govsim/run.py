"""The one pure entry point: a scenario and a seed in, records and KPIs out."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from govsim.config.scenario import Scenario
from govsim.kpis import channel_kpis, compute_kpis, group_kpis
from govsim.model.calendar import DAY, WorkCalendar
from govsim.model.costs import gov_costs, villager_costs
from govsim.model.demand import Needs
from govsim.model.engine import start
from govsim.model.log import OPEN, categorical
from govsim.model.plan import RunPlan, plan_run
from govsim.model.platform import platform_frame
from govsim.model.risk import risk_kpis, wrong_grants
from govsim.model.sampler import Sampler
from govsim.model.state import Ctx, DrawSource, RunState, new_context
from govsim.satisfaction import per_item, satisfaction_kpis
from govsim.steady_state import steady_state_check

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


def simulate(scenario: Scenario, seed: int | None = None, *, progress: bool = False,
             needs: Needs | None = None, draws: DrawSource | None = None) -> RunResult:
    """Run ``scenario`` once with ``seed`` (default: ``scenario.run.seed``).

    ``needs`` replaces the drawn needs and ``draws`` the per-request random
    numbers (tests pass fixed ones to check exact event times).
    """
    seed = scenario.run.seed if seed is None else int(seed)
    t0 = time.perf_counter()
    plan = plan_run(scenario, seed, needs)
    c = new_context(plan, draws)
    sampler = start(c)
    with _rare_gc():
        _run_loop(c, progress)
        utilisation = _utilisation(plan, c.state)   # over the horizon, before the run-out
        run = plan.scenario.run
        _run_out(c, run.horizon_days, run.horizon_days + run.runout_days)
    release = getattr(c.draws, "release", None)
    if release is not None:   # the run is over: its draws (38 MB in a county-year) are not needed
        release()
    requests = _requests_frame(c, release=True)
    warmup = plan.scenario.run.warmup_days
    if warmup > 0:   # steady state: needs of the warm-up are simulated but not measured
        requests = requests[requests["t_need_day"] >= warmup].reset_index(drop=True)
        steady_state_check(plan, utilisation)
    kpis = compute_kpis(requests, plan.scenario.behaviour.time_value_per_hour)
    kpis = pd.concat([kpis, pd.Series(satisfaction_kpis(requests, plan.scenario), dtype=float)])
    grants = wrong_grants(plan, c.state.streams)
    kpis = pd.concat([kpis, _channel_kpis(plan, c.state, requests, grants)]).rename("value")
    risk, breach_table = risk_kpis(plan, c.state.streams, requests, grants)
    kpis = pd.concat([kpis, pd.Series(risk, dtype=float)]).rename("value")
    wall = time.perf_counter() - t0
    return RunResult(scenario, seed, requests, kpis, _timeseries(c, sampler), utilisation,
                     wall, extra={"breaches": breach_table, "outages": _outages(c.state)})


def _channel_kpis(plan: RunPlan, state: RunState, requests: pd.DataFrame, grants: float) -> pd.Series:
    """Channel shares, who is able to go online, government and villagers' costs."""
    k = channel_kpis(requests)
    pop = plan.pop
    elderly = pop.band_elderly[pop.band]
    k["online_able_share"] = float(plan.access.mean()) if pop.size else float("nan")
    k["online_able_share_60plus"] = float(plan.access[elderly].mean()) if elderly.any() else float("nan")
    costs = gov_costs(plan, state, requests, grants, _open_minutes(plan.cal, plan.scenario.run.horizon_days))
    k["gov_cost"] = costs.pop("gov_cost")
    k["gov_cost_per_request"] = k["gov_cost"] / len(requests) if len(requests) else float("nan")
    k["villager_cost"] = float(villager_costs(requests, plan.scenario.behaviour.time_value_per_hour).sum())
    completed = float((requests["outcome"] == "completed").sum())
    k["gov_cost_per_completed"] = k["gov_cost"] / completed if completed else float("nan")
    k["villager_cost_per_completed"] = k["villager_cost"] / completed if completed else float("nan")
    k["unmet_needs"] = float(len(requests)) - completed
    value = {it.key: it.unmet_value for it in plan.scenario.items}
    unmet = requests["outcome"] != "completed"
    k["unmet_need_value"] = float(pd.Series(per_item(requests["item"], value)[unmet.to_numpy()]).sum())
    k.update(costs)
    return pd.Series(k, dtype=float)


def _timeseries(c: Ctx, sampler: Sampler) -> pd.DataFrame:
    """Office samples, plus platform rows (queue = attempts in the interval, in_service = 1 if up)."""
    df = sampler.frame()
    if not c.plan.apps:
        return df
    plat = platform_frame(c.state.platform)
    names = [*df["office"].cat.categories, *sorted(set(plat["office"]))]
    out = pd.concat([df.assign(office=df["office"].astype(str)), plat], ignore_index=True)
    out["office"] = pd.Categorical(out["office"], categories=names)
    return out


def _outages(state: RunState) -> pd.DataFrame:
    """The platform outages of the run (app, start and end day; end infinite if still down)."""
    rows = [(f"platform:app{a + 1}", s / DAY, e / DAY) for s, e, a in state.platform.outages]
    return pd.DataFrame(rows, columns=["office", "start_day", "end_day"])


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


def _run_loop(c: Ctx, progress: bool) -> None:
    """Run to the horizon (the needs arise in it; the run-out follows)."""
    horizon = c.plan.scenario.run.horizon_days
    if not progress:
        c.env.run(until=horizon * DAY)
    else:
        from tqdm.auto import tqdm  # (imported when asked for: 4 MiB and 20 ms a process otherwise)

        with tqdm(total=round(horizon), unit="day", desc="simulating", leave=False) as bar:
            day = 0.0
            while day < horizon:
                step = min(5.0, horizon - day)
                c.env.run(until=(day + step) * DAY)
                day += step
                bar.update(round(day) - bar.n)


def _run_out(c: Ctx, day: float, cap: float) -> None:
    """Continue in 5-day steps until every request has ended or the cap is reached."""
    outcome = c.log.outcome
    while day < cap and OPEN in outcome:
        day = min(day + 5.0, cap)
        c.env.run(until=day * DAY)


def _requests_frame(c: Ctx, release: bool = False) -> pd.DataFrame:
    """The requests frame: the log's columns and, from the plan, who, where, which item, when.

    ``release``: the run is over, the log is emptied while the frame is built.
    """
    plan = c.plan
    pop, needs, sc = plan.pop, plan.needs, plan.scenario
    v = needs.villager
    village = pop.village[v]
    planned = {
        "request_id": np.arange(len(needs), dtype=np.int64),
        "villager_id": v.copy(),   # the frame holds its columns without copying them
        "township": categorical(pop.villages.township[village], list(pop.villages.township_names)),
        "village": categorical(village, list(pop.villages.names)),
        "age_band": categorical(pop.band[v], list(pop.band_names)),
        "elderly": pop.band_elderly[pop.band[v]],
        "item": categorical(needs.item, [i.key for i in sc.items]),
        "t_need_day": needs.time / DAY,
        "trained": plan.trained[v],
    }
    return c.log.frame(planned, needs.time, release=release)


def _utilisation(plan: RunPlan, state: RunState) -> pd.DataFrame:
    """Busy and available minutes and cases served, per kind and office group (and the proxies)."""
    open_min = _open_minutes(plan.cal, plan.scenario.run.horizon_days)
    horizon = plan.horizon
    rows: dict[tuple[str, str], list[float]] = {}
    for c in state.counters:
        r = rows.setdefault(("counter", c.name), [0.0, 0.0, 0.0])
        r[0] += c.busy_min
        r[1] += c.capacity * open_min
        r[2] += c.served
    for b in state.backoffices:
        r = rows.setdefault(("backoffice", b.dept), [0.0, 0.0, 0.0])
        r[0] += b.busy_min
        r[1] += b.capacity * (horizon if plan.cal.always_open else open_min)
        r[2] += b.done
    px = state.proxies
    extra = [("proxy", "proxy", px.busy_min, sum(r.capacity for r in px.agents) * open_min, float(px.tasks))
             ] if px.agents else []
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
