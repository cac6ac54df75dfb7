"""Online and assisted channels (SimPy): platforms with outages, online attempts, proxy agents.

A request under a multichannel setting: the villager chooses a channel
(logit, govsim.decisions.channel), then

- **offline**: the counter journey of govsim.model.journey;
- **online**: one or more attempts in waking hours; an attempt fails if the
  platform is down (at the start or the end of the attempt), the connection
  fails (per attempt: ``connection_fail_factor * (1 - coverage) / coverage``, certain at coverage 0) or the
  villager gives up on the form (``complexity * (base - coef * literacy)``).
  Outage and connection failures are retried after ``retry_delay_hours`` up
  to ``online_retries`` times; a given-up form ends the session. Each extra
  department app must first be found (``app_not_found_prob``) and set up.
  After submission, certificates not on the exchange (and exchange
  failures) are fetched in person and uploaded, the in-person identity step
  (``item.in_person_step`` unless ``governance.remote_identity``) is a trip
  to the intake counter, the back office works the case with the
  governance's hand-offs (no hand-carrying), and pickup applies unless
  delivery is electronic;
- **assisted**: the village proxy agent (a per-village resource working in
  office hours) takes the case; submits online (proxy literacy, the
  village's connection and outages apply) or, failing that or in paper
  mode, carries it to the township with the next batch. The proxy fetches
  certificates, witnesses the signature and delivers the result: the
  villager makes no trip.

A failed online session moves along ``channels.fallback`` (retry, proxy,
counter, give_up; each once). With counters closed (``counters_open:
false``) counters take no applications for items available online.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import simpy

from govsim.decisions.channel import (
    ASSISTED,
    CHANNELS,
    OFFLINE,
    ONLINE,
    choice_probabilities,
    pick,
    update_propensity,
    utility,
)
from govsim.model.calendar import DAY
from govsim.model.interventions import train, upgrade_coverage
from govsim.model.journey import offline_path, request, run_stages, visits
from govsim.model.plans import ItemPlan, Stage, Task
from govsim.model.records import ABANDONED, COMPLETED, categorical

if TYPE_CHECKING:
    from govsim.model.world import World

__all__ = ["FAILURES", "ChannelModel", "ChannelPlan"]

Proc = Generator[Any, Any, Any]

FAILURES = ("none", "no_access", "app_not_found", "outage", "connection", "form")
NONE, NO_ACCESS, NOT_FOUND, OUTAGE, CONNECTION, FORM = range(6)
WAIT_MIN_EXPECTED = 10.0    # expected queueing minutes per counter visit, for channel choice: assumption
ASSISTED_HOURS = 0.5        # a villager's time to hand a case to the village proxy: assumption


@dataclass(frozen=True, slots=True)
class ChannelPlan:
    """What the online and assisted channels need for one item from one village."""

    online: bool                     # online offered and the item is available online
    counter: bool                    # counters take applications for this item
    app: int
    uploads: tuple[Task, ...]        # certificates fetched in person and uploaded
    exchange: tuple[Task, ...]       # verified on the exchange (the holder's counter if it fails)
    personal_docs: int
    identity: Task | None            # in-person identity step at the intake counter
    groups: tuple[tuple[Stage, ...], ...]
    pickup: Task | None
    hours: tuple[float, float, float]   # expected villager hours: offline, online, assisted
    yuan: tuple[float, float, float]    # expected fares


def _trip_cost(tasks: list[Task]) -> tuple[float, float]:
    """Expected hours and fares of visiting ``tasks`` (one trip per distinct place outside the village)."""
    places = {t.place: t for t in tasks if t.trip}
    hours = sum(2.0 * t.travel for t in places.values()) / 60.0
    hours += sum(t.mean + WAIT_MIN_EXPECTED for t in tasks) / 60.0
    return hours, sum(t.fare for t in places.values())


def _channel_plan(w: World, k: int, plan: ItemPlan, app: int) -> ChannelPlan:
    sc = w.scenario
    ch, it, gov = sc.channels, sc.items[k], sc.governance
    online = ch.online and it.online
    counter = ch.counters_open or not it.online
    identity = None
    if it.in_person_step and not gov.remote_identity:
        identity = dataclasses.replace(plan.intake, mean=ch.identity_min, kind="visit")
    groups = tuple(tuple(dataclasses.replace(s, visit=None, handoff=gov.handoff) if s.visit else s
                         for s in g) for g in plan.groups)
    off_tasks = [*plan.certificates, plan.intake, *(s.visit for g in plan.groups for s in g if s.visit)]
    h_off, y_off = _trip_cost(off_tasks)
    on_tasks = [*plan.certificates, *([identity] if identity else [])]
    h_on, y_on = _trip_cost(on_tasks)
    if plan.pickup is not None:
        hp, yp = _trip_cost([plan.pickup])
        h_off, y_off, h_on, y_on = h_off + hp, y_off + yp, h_on + hp, y_on + yp
    h_on += ch.attempt_min / 60.0
    return ChannelPlan(online, counter, app, plan.certificates, plan.exchange, plan.personal_docs,
                       identity, groups, plan.pickup, (h_off, h_on, ASSISTED_HOURS), (y_off, y_on, 0.0))


class ChannelModel:
    """Per-run state of the channels: per-request records, villagers' access and propensity,
    platforms and proxies."""

    def __init__(self, w: World) -> None:
        self.w = w
        sc, pop, n = w.scenario, w.pop, len(w.needs)
        ch, pf, iv = sc.channels, sc.platform, sc.interventions
        self.first = [OFFLINE] * n
        self.final = [OFFLINE] * n
        self.attempts = [0] * n
        self.fallbacks = [0] * n
        self.proxy_used = [False] * n
        self.reason = [NONE] * n
        self.submitted_online = [False] * n
        self.online_min = [0.0] * n
        self.t_submit = [np.nan] * n
        self.trained = train(pop, iv, w.streams)   # before the offline constants read literacy
        self.coverage, self.upgraded = upgrade_coverage(pop.villages.coverage, iv)
        self.active = ch.online or ch.assisted
        connected = w.streams.get("online.connected").random(pop.size) < self.coverage[pop.village]
        self.access = pop.smartphone & connected & (pop.literacy >= ch.literacy_min)
        self.apps = pf.apps if ch.online else 0
        self.up = [True] * self.apps
        self.outages: list[tuple[float, float, int]] = []   # (start, end, app)
        self.platform_rows: list[tuple[float, int, int, int, int]] = []
        self.interval_attempts = [0] * self.apps
        self.proxies = ([simpy.Resource(w.env, ch.proxies_per_village) for _ in range(len(pop.villages))]
                        if ch.assisted and ch.proxies_per_village > 0 else [])
        self.proxy_busy = 0.0
        self.proxy_tasks = 0
        if not self.active:
            return
        self._load_hour = [-1] * self.apps
        self._load = [0] * self.apps
        self.propensity = np.zeros(pop.size)
        self.registered = np.zeros((pop.size, max(self.apps, 1)), dtype=bool)
        lit = pop.literacy
        cov = self.coverage
        with np.errstate(divide="ignore", invalid="ignore"):
            p_conn = np.where(cov > 0, ch.connection_fail_factor * (1.0 - cov) / cov, 1.0)
        self.p_conn = np.minimum(p_conn, 1.0).tolist()
        self.p_giveup = np.clip(pf.complexity * (ch.giveup_base - ch.giveup_literacy * lit), 0.0, 1.0)
        self.p_giveup_proxy = float(np.clip(pf.complexity * (ch.giveup_base - ch.giveup_literacy
                                                              * ch.proxy_literacy), 0.0, 1.0))
        dept_keys = [d.key for d in sc.departments]
        apps = max(self.apps, 1)
        app_of = [(dept_keys.index(it.steps[0].dept) if pf.assignment == "department" else k) % apps
                  for k, it in enumerate(sc.items)]
        self.plans = [[_channel_plan(w, k, p, app_of[k]) for p in row] for k, row in enumerate(w.plans)]
        choice = ch.choice
        assert choice is not None, "channels.choice is required when online or assisted is offered"
        self.choice = choice
        self.asc_on = choice.online_intercept
        self.asc_as = choice.assisted_intercept

    # -- set-up ---------------------------------------------------------------
    def request_process(self) -> Any:
        """The request process the dispatcher starts."""
        return _multichannel if self.active else request

    def start(self) -> None:
        """Start the outage processes of every app and the platform sampler."""
        for app in range(self.apps):
            self.w.env.process(_outages(self.w, app))
        if self.apps:
            self.w.env.process(_platform_sampler(self.w))

    # -- decisions ------------------------------------------------------------
    def choose(self, i: int, p: int, cp: ChannelPlan) -> int | None:
        """The first channel (None if none is open to the villager)."""
        avail = (cp.counter, cp.online and bool(self.access[p]), bool(self.proxies))
        if sum(avail) <= 1:
            return avail.index(True) if any(avail) else None
        c = self.choice
        b = int(self.w.pop.band[p])
        effort = self.w.scenario.platform.complexity * (1.0 - float(self.w.pop.literacy[p]))
        utils = [
            utility(0.0, cp.hours[0], cp.yuan[0], 0.0, c.beta_time_per_hour, c.beta_cost_per_yuan,
                    c.beta_effort),
            utility(self.asc_on[b] + float(self.propensity[p]), cp.hours[1], cp.yuan[1], effort,
                    c.beta_time_per_hour, c.beta_cost_per_yuan, c.beta_effort),
            utility(self.asc_as[b], cp.hours[2], cp.yuan[2], 0.0, c.beta_time_per_hour,
                    c.beta_cost_per_yuan, c.beta_effort),
        ]
        return pick(choice_probabilities(utils, avail), self.w.draws.uni("channel", i, 0))

    def fallback(self, cp: ChannelPlan, used: set[int]) -> int | None:
        """The next channel after a failed online session (None: give up)."""
        for k, f in enumerate(self.w.scenario.channels.fallback):
            if k in used:
                continue
            used.add(k)
            if f == "retry" and cp.online:
                return ONLINE
            if f == "proxy" and self.proxies:
                return ASSISTED
            if f == "counter" and cp.counter:
                return OFFLINE
            if f == "give_up":
                return None
        return None

    def learn(self, p: int, success: bool) -> None:
        """Move villager ``p``'s online propensity after an attempt."""
        c = self.choice
        self.propensity[p] = update_propensity(float(self.propensity[p]), success, c.learn_success,
                                               c.learn_failure, c.propensity_min, c.propensity_max)

    def slowdown(self, app: int) -> float:
        """Response slowdown factor of ``app`` from the attempts in the current hour."""
        hour = int(self.w.env.now // 60.0)
        if self._load_hour[app] != hour:
            self._load_hour[app] = hour
            self._load[app] = 0
        self._load[app] += 1
        self.interval_attempts[app] += 1
        return max(1.0, self._load[app] / self.w.scenario.platform.capacity_per_hour)

    # -- outputs --------------------------------------------------------------
    def columns(self) -> dict[str, object]:
        """Per-request columns for the requests frame."""
        return {
            "channel_first": categorical(self.first, CHANNELS),
            "channel_final": categorical(self.final, CHANNELS),
            "online_attempts": np.asarray(self.attempts, dtype=np.int32),
            "fallbacks": np.asarray(self.fallbacks, dtype=np.int32),
            "proxy_used": np.asarray(self.proxy_used, dtype=bool),
            "submitted_online": np.asarray(self.submitted_online, dtype=bool),
            "failure_reason": categorical(self.reason, FAILURES),
            "online_min": np.asarray(self.online_min, dtype=float),
            "t_submit_day": np.asarray(self.t_submit, dtype=float) / DAY,
            "trained": self.trained[self.w.needs.villager],
        }

    def timeseries(self) -> pd.DataFrame:
        """Platform state at each sample: queue = attempts in the interval, in_service = 1 if up."""
        cols = ["time_day", "office", "queue", "in_service", "backlog"]
        df = pd.DataFrame(self.platform_rows, columns=cols)
        df["office"] = [f"platform:app{a + 1}" for a in df["office"]]
        return df

    def utilisation(self, open_min: float) -> list[tuple[str, str, float, float, float]]:
        """Rows (kind, office, busy_min, capacity_min, served) for the proxy agents."""
        if not self.proxies:
            return []
        cap = sum(r.capacity for r in self.proxies) * open_min
        return [("proxy", "proxy", self.proxy_busy, cap, float(self.proxy_tasks))]


# -- processes ----------------------------------------------------------------
def _multichannel(w: World, i: int) -> Proc:
    """One request under a multichannel setting."""
    env, rec, cm = w.env, w.rec, w.chan
    k, v, p = w.need_item[i], w.need_village[i], w.need_villager[i]
    cp: ChannelPlan = cm.plans[k][v]
    ch = cm.choose(i, p, cp)   # decided when the need arises, acted on after the reaction delay
    cm.first[i] = cm.final[i] = ONLINE if ch is None else ch
    if w.react_max > 0:
        yield env.timeout(w.draws.uni("react", i, 0) * w.react_max)
    if ch is None:
        cm.reason[i] = NO_ACCESS
    used: set[int] = set()
    ok = False
    while ch is not None:
        cm.final[i] = ch
        if ch == OFFLINE:
            ok = yield from offline_path(w, i, w.plans[k][v])
            break
        if ch == ASSISTED:
            ok = yield from _assisted(w, i, v, cp)
            break
        submitted = yield from _online_session(w, i, p, v, cp)
        if submitted:
            ok = yield from _after_submit(w, i, cp, by_proxy=False)
            break
        ch = cm.fallback(cp, used)
        if ch is not None:
            cm.fallbacks[i] += 1
    rec.outcome[i] = COMPLETED if ok else ABANDONED
    rec.t_end[i] = env.now
    w.home_at.pop(i, None)


def _to_waking(w: World, i: int, n: int) -> Proc:
    """Wait until waking hours (a villager's next attempt starts within them)."""
    ch, env = w.scenario.channels, w.env
    day = env.now // DAY
    tod = env.now - day * DAY
    if ch.waking_start_min <= tod < ch.waking_end_min:
        return
    if tod >= ch.waking_end_min:
        day += 1
    spread = 0.5 * (ch.waking_end_min - ch.waking_start_min)
    t = day * DAY + ch.waking_start_min + w.draws.uni("online_time", i, n) * spread
    yield env.timeout(t - env.now)


def _attempt(w: World, i: int, app: int, v: int, p_giveup: float, minutes: float) -> Proc:
    """One online attempt; its failure code (NONE on success)."""
    cm, env = w.chan, w.env
    n = cm.attempts[i]
    cm.attempts[i] = n + 1
    duration = minutes * cm.slowdown(app)
    if not cm.up[app]:
        reason = OUTAGE
    elif w.draws.uni("connection", i, n) < cm.p_conn[v]:
        reason = CONNECTION
    elif w.draws.uni("form", i, n) < p_giveup:
        reason = FORM
    else:
        reason = NONE
    yield env.timeout(duration)
    if reason == NONE and not cm.up[app]:
        reason = OUTAGE
    return reason, duration


def _online_session(w: World, i: int, p: int, v: int, cp: ChannelPlan) -> Proc:
    """A villager's own online attempts; True once the application is submitted."""
    cm, env, ch, pf = w.chan, w.env, w.scenario.channels, w.scenario.platform
    if cm.apps > 1 and not cm.registered[p, cp.app]:
        if w.draws.uni("app_found", i, cm.attempts[i]) < pf.app_not_found_prob:
            cm.reason[i] = NOT_FOUND
            cm.learn(p, False)
            return False
        cm.registered[p, cp.app] = True
        cm.online_min[i] += pf.app_setup_min
    for k in range(1 + ch.online_retries):
        if k:
            yield env.timeout(ch.retry_delay_hours * 60.0)
        yield from _to_waking(w, i, cm.attempts[i])
        reason, minutes = yield from _attempt(w, i, cp.app, v, float(cm.p_giveup[p]), ch.attempt_min)
        cm.online_min[i] += minutes
        cm.learn(p, reason == NONE)
        if reason == NONE:
            cm.submitted_online[i] = True
            cm.t_submit[i] = env.now
            return True
        cm.reason[i] = reason
        if reason == FORM:
            return False
    return False


def _after_submit(w: World, i: int, cp: ChannelPlan, by_proxy: bool) -> Proc:
    """Documents, identity step, back office and pickup after an online or proxy submission."""
    rec = w.rec
    fetch = list(cp.uploads)
    if cp.exchange:
        failed = [t for j, t in enumerate(cp.exchange) if w.draws.uni("exchange", i, j) < w.exchange_fail]
        rec.exchange_calls[i] += len(cp.exchange)
        rec.exchange_failures[i] += len(failed)
        fetch.extend(failed)
    rec.documents_required[i] = cp.personal_docs + len(fetch)
    if by_proxy:
        rec.certificates_fetched[i] += len(fetch)   # fetched by the proxy agent
    else:
        todo = [*fetch, *([cp.identity] if cp.identity is not None else [])]
        if todo:
            ok = yield from visits(w, i, todo)
            if not ok:
                return False
    ok = yield from run_stages(w, i, cp.groups)
    if ok and cp.pickup is not None and not by_proxy:
        ok = yield from visits(w, i, [cp.pickup])
    return ok


def _assisted(w: World, i: int, v: int, cp: ChannelPlan) -> Proc:
    """The village proxy agent handles the case: the villager makes no trip."""
    cm, env, cal, ch = w.chan, w.env, w.cal, w.scenario.channels
    cm.proxy_used[i] = True
    with cm.proxies[v].request() as req:
        yield req
        effort = ch.proxy_task_min * w.draws.exp("proxy", i, 0)
        yield env.timeout(cal.add_working(env.now, effort) - env.now)
    cm.proxy_busy += effort
    cm.proxy_tasks += 1
    submitted = False
    if cp.online and ch.proxy_mode == "online":
        for k in range(1 + ch.online_retries):
            if k:
                yield env.timeout(ch.retry_delay_hours * 60.0)
            reason, _ = yield from _attempt(w, i, cp.app, v, cm.p_giveup_proxy, ch.attempt_min)
            if reason == NONE:
                submitted = True
                cm.submitted_online[i] = True
                cm.t_submit[i] = env.now
                break
    if not submitted:   # on paper with the next batch to the township
        yield env.timeout(cal.next_batch(env.now, ch.proxy_batch_days) - env.now)
    return (yield from _after_submit(w, i, cp, by_proxy=True))


def _outages(w: World, app: int) -> Proc:
    """The platform's up/down renewal process (exponential up and down times)."""
    env, cm, pf = w.env, w.chan, w.scenario.platform
    rng = w.streams.get(f"platform.outage.{app}")
    while True:
        yield env.timeout(rng.exponential(pf.mtbf_hours * 60.0))
        cm.up[app] = False
        start, k = env.now, len(cm.outages)
        cm.outages.append((start, np.inf, app))
        yield env.timeout(rng.exponential(pf.mttr_hours * 60.0))
        cm.up[app] = True
        cm.outages[k] = (start, env.now, app)


def _platform_sampler(w: World) -> Proc:
    env, cm = w.env, w.chan
    interval = w.scenario.run.sample_interval_min
    while True:
        t = env.now / DAY
        for a in range(cm.apps):
            cm.platform_rows.append((t, a, cm.interval_attempts[a], int(cm.up[a]), 0))
            cm.interval_attempts[a] = 0
        yield env.timeout(interval)
