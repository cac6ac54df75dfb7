"""Online and assisted channels (SimPy processes): online sessions, attempts, proxy agents.

- **online**: one or more attempts in waking hours; an attempt fails if the
  platform is down (at the start or the end of the attempt), the connection
  fails (per attempt, ``RunPlan.p_conn``) or the villager gives up on the
  form (``RunPlan.p_giveup``). Outage and connection failures are retried
  after ``retry_delay_hours`` up to ``online_retries`` times; a given-up form
  ends the session. Each extra department app must first be found
  (``app_not_found_prob``) and set up. After submission, certificates not on
  the exchange (and exchange failures) are fetched in person and uploaded,
  the in-person identity step (``item.in_person_step`` unless
  ``governance.remote_identity``) is a trip to the intake counter, the back
  office works the case with the governance's hand-offs (no hand-carrying),
  and pickup applies unless delivery is electronic;
- **assisted**: the village proxy agent (a per-village resource working in
  office hours) takes the case; submits online (proxy literacy, the
  village's connection and outages apply) or, failing that or in paper
  mode, carries it to the township with the next batch. The proxy fetches
  certificates (served at the issuing counter, loading it) and delivers
  the result; an in-person step (identity, signature, photo) still needs
  the villager at the counter unless ``governance.remote_identity``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from govsim.decisions.channel import update_propensity
from govsim.model.calendar import DAY
from govsim.model.channel_plans import ChannelPlan
from govsim.model.journey import check_exchange, stage_group, visits
from govsim.model.offices import Place
from govsim.model.plans import Task
from govsim.model.platform import slowdown
from govsim.model.state import Ctx

__all__ = ["NONE", "NO_ACCESS", "after_submit", "assisted", "online_session"]

Proc = Generator[Any, Any, Any]

# failure reasons (govsim.model.log.FAILURES)
NONE, NO_ACCESS, NOT_FOUND, OUTAGE, CONNECTION, FORM = range(6)


def online_session(c: Ctx, i: int, p: int, v: int, cp: ChannelPlan) -> Proc:
    """A villager's own online attempts (a generator); True once the application is submitted.

    A plain function that returns the attempts' generator rather than a
    generator that forwards to it: one frame less on each resume of an
    attempt. The app is looked for when the session starts, as before.
    """
    log, pf = c.log, c.plan.scenario.platform
    st = c.state
    if c.plan.apps > 1 and not st.registered[p, cp.app]:
        # each try to find the app draws afresh (slot: the sessions so far, counted by fallbacks)
        if c.draws.uni("app_found", i, log.fallbacks[i]) < c.plan.p_not_found[p]:
            log.failure_reason[i] = NOT_FOUND
            _learn(c, p, False)
            return _not_submitted()
        st.registered[p, cp.app] = True
        log.online_min[i] += pf.app_setup_min
    return _attempts(c, i, cp.app, v, float(c.plan.p_giveup[p]), p)


def _not_submitted() -> Proc:
    """A session that ends at once without a submission (the app was not found)."""
    return False
    yield   # (makes this a generator)


def _attempts(c: Ctx, i: int, app: int, v: int, p_giveup: float, person: int | None) -> Proc:
    """Up to ``1 + online_retries`` attempts, ``retry_delay_hours`` apart; True once submitted.

    A villager (``person``) starts each attempt in waking hours, learns from
    it, and stops after giving up on the form; a proxy agent (None) retries.
    """
    ch, env, log = c.plan.scenario.channels, c.env, c.log
    for k in range(1 + ch.online_retries):
        if k:
            yield env.timeout(ch.retry_delay_hours * 60.0)
        if person is not None:
            wait = _waking_wait(c, i, log.online_attempts[i])
            if wait is not None:
                yield env.timeout(wait)
        reason, minutes = _attempt(c, i, app, v, p_giveup, ch.attempt_min)
        yield env.timeout(minutes)
        if reason == NONE and not c.state.platform.up[app]:   # down by the end of the attempt
            reason = OUTAGE
        if person is not None:
            log.online_min[i] += minutes
            _learn(c, person, reason == NONE)
        if reason == NONE:
            log.submitted_online[i] = True
            log.t_submit[i] = env.now
            return True
        if person is not None:
            log.failure_reason[i] = reason
            if reason == FORM:
                return False
    return False


def _learn(c: Ctx, p: int, success: bool) -> None:
    """Move villager ``p``'s online propensity after an attempt."""
    ch = c.plan.scenario.channels.choice
    prop = c.state.propensity
    prop[p] = update_propensity(prop.item(p), success, ch.learn_success, ch.learn_failure,
                                ch.propensity_min, ch.propensity_max)


def _waking_wait(c: Ctx, i: int, n: int) -> float | None:
    """The wait until waking hours (a villager's next attempt starts within them); None: awake now.

    A plain function whose wait the caller yields: no generator made per attempt.
    """
    ch, env = c.plan.scenario.channels, c.env
    day = env.now // DAY
    tod = env.now - day * DAY
    if ch.waking_start_min <= tod < ch.waking_end_min:
        return None
    if tod >= ch.waking_end_min:
        day += 1
    spread = 0.5 * (ch.waking_end_min - ch.waking_start_min)
    t = day * DAY + ch.waking_start_min + c.draws.uni("online_time", i, n) * spread
    return t - env.now


def _attempt(c: Ctx, i: int, app: int, v: int, p_giveup: float, minutes: float) -> tuple[int, float]:
    """Start one online attempt: its failure code at the start (NONE: it may succeed) and its minutes.

    A plain function: the caller yields the attempt's minutes, then fails an
    attempt that could succeed with OUTAGE if the app went down meanwhile
    (no generator made, and no frame resumed, per attempt).
    """
    log, env, up = c.log, c.env, c.state.platform.up
    n = log.online_attempts[i]
    log.online_attempts[i] = n + 1
    duration = minutes * slowdown(c.state.platform, app, env.now, c.plan.scenario.platform.capacity_per_hour)
    if not up[app]:
        return OUTAGE, duration
    if c.draws.uni("connection", i, n) < c.plan.p_conn[v]:
        return CONNECTION, duration
    if c.draws.uni("form", i, n) < p_giveup:
        return FORM, duration
    return NONE, duration


def after_submit(c: Ctx, i: int, cp: ChannelPlan) -> Proc:
    """Documents, identity step, back office and pickup after the villager's own online submission.

    The in-person identity step (``cp.identity``) needs the villager at the
    counter. A proxy's submission goes on in ``assisted``, which does its own
    fetching and stages.
    """
    todo = _to_upload(c, i, cp)
    if cp.identity is not None:
        todo.append(cp.identity)
    if todo:
        ok = yield from visits(c, i, todo)
        if not ok:
            return False
    if cp.personal_docs and _missing_online(c, i):
        yield from _sent_back(c, i, cp)
    ok = True
    for group in cp.groups:   # run_stages, written out: one frame less on each resume in a stage
        ok = yield from stage_group(c, i, group)
        if not ok:
            break
    if ok and cp.pickup is not None:
        ok = yield from visits(c, i, [cp.pickup])
    return ok


def _to_upload(c: Ctx, i: int, cp: ChannelPlan) -> list[Task]:
    """Certificates to fetch and upload after a submission: those not on the exchange and failed checks."""
    fetch = list(cp.uploads)
    if cp.exchange:
        fetch.extend(check_exchange(c, i, cp.exchange))
    c.log.documents_required[i] = cp.personal_docs + len(fetch)
    return fetch


def _proxy_fetch(c: Ctx, i: int, fetch: list[Task], place: Place | None) -> Proc:
    """The proxy fetches certificates: queued and served at the issuing counters in opening hours.

    The proxy rides to each issuing office (``_proxy_trip``); the service
    loads the counter (busy minutes, served) and is the proxy's time too; the
    villager makes no trip.
    """
    env, proxies = c.env, c.state.proxies
    v = c.plan.need_village[i]
    for j, task in enumerate(fetch):
        yield env.timeout(c.cal.next_open(env.now) - env.now)
        if task.place != place:   # a new office: the proxy rides there (certificates at one place, one trip)
            place = task.place
            yield from _proxy_trip(c, v, task)
        counter = c.state.counters[task.counter]
        req = counter.windows.request()   # released by hand, as in journey._queue: not ``with``
        yield req
        service = task.mean * c.draws.exp("proxy_counter", i, j)
        yield env.timeout(service)
        counter.windows.release(req)
        counter.busy_min += service
        counter.served += 1
        proxies.busy_min += service
        c.log.certificates_fetched[i] += 1


def _missing_online(c: Ctx, i: int) -> bool:
    """Whether the online submission lacks a document (then ``_sent_back``).

    Drawn in a plain function before the generator is made: no generator for
    the submissions that are complete (most of them).
    """
    plan = c.plan
    return c.draws.uni("missing_online", i, 0) < plan.p_miss[plan.need_item[i]][plan.need_villager[i]]


def _sent_back(c: Ctx, i: int, cp: ChannelPlan) -> Proc:
    """An incomplete online submission is sent back: an online round trip, not a trip.

    The chance (``_missing_online``) is the villager's per-visit chance of a missing document; the
    first back office spends ``governance.reject_min`` turning it away and
    the villager resubmits one attempt's minutes ``retry_delay_hours`` later.
    """
    plan = c.plan
    env, log, ch = c.env, c.log, plan.scenario.channels
    back = c.state.backoffices[cp.groups[0][0].back] if cp.groups else None
    if back is not None:
        req = back.staff.request()   # released by hand, as in journey._stage: not ``with``
        yield req
        reject = plan.scenario.governance.reject_min
        yield env.timeout(c.cal.add_working(env.now, reject) - env.now)
        back.staff.release(req)
        back.busy_min += reject
        log.backoffice_min[i] += reject
    yield env.timeout(ch.retry_delay_hours * 60.0)
    log.online_min[i] += ch.attempt_min
    log.sent_back[i] += 1


def assisted(c: Ctx, i: int, v: int, cp: ChannelPlan) -> Proc:
    """The village proxy agent handles the case: the villager makes no trip.

    After the submission the proxy's follow-up is written out here
    (certificates, identity step, back-office stages; no pickup) rather than
    in a helper generator: every resume of the case in a stage or a fetch
    would otherwise go through one more generator frame (over 40 lines for
    that reason). With the hand releases and each online attempt as a plain
    function: inclusive township-year 98 million fewer instructions (6.58 ->
    6.49 G in the simulation, cachegrind), CPU 0.745 -> 0.728 s (medians, 4 rounds).
    """
    env, cal, ch = c.env, c.cal, c.plan.scenario.channels
    proxies = c.state.proxies
    c.log.proxy_used[i] = True
    agent = proxies.agents[v]
    # Released by hand rather than by ``with``'s exit (four Python calls per use: cancel,
    # the triggered check, two __exit__): the same release at the same moment (journey._queue).
    req = agent.request()
    yield req
    effort = ch.proxy_task_min * c.draws.exp("proxy", i, 0)
    yield env.timeout(cal.add_working(env.now, effort) - env.now)
    agent.release(req)
    proxies.busy_min += effort
    proxies.tasks += 1
    submitted, place = False, None
    if cp.online and ch.proxy_mode == "online":
        submitted = yield from _attempts(c, i, cp.app, v, c.plan.p_giveup_proxy, None)
    if not submitted:   # on paper with the next batch, carried to the intake office
        yield env.timeout(cal.next_batch(env.now, ch.proxy_batch_days) - env.now)
        yield from _proxy_trip(c, v, cp.intake)
        place = cp.intake.place
    fetch = _to_upload(c, i, cp)
    if fetch:
        yield from _proxy_fetch(c, i, fetch, place)
    if cp.identity is not None and not (yield from visits(c, i, [cp.identity])):
        return False
    ok = True
    for group in cp.groups:
        ok = yield from stage_group(c, i, group)
        if not ok:
            break
    return ok


def _proxy_trip(c: Ctx, v: int, task: Task) -> Proc:
    """The village proxy takes the case to ``task``'s office; the agent is free again once home.

    A trip takes one of the village's proxy agents (queued behind their other
    work) for the ride there and back, a villager's one-way minutes
    (``Task.travel``) each way; none inside the village. Each case is its own
    trip (an upper bound on the proxies' travel load). The case goes on when it
    reaches the office, while the proxy rides home (``_ride_home``).
    """
    if not task.trip or task.travel <= 0:
        return
    proxies, env = c.state.proxies, c.env
    agent = proxies.agents[v]
    req = agent.request()
    yield req
    yield env.timeout(task.travel)
    proxies.busy_min += 2.0 * task.travel
    env.process(_ride_home(env, agent, req, task.travel))


def _ride_home(env: simpy.Environment, agent: simpy.Resource, req: simpy.resources.resource.Request,
               travel: float) -> Proc:
    """The proxy's ride home; the agent is free again when back in the village."""
    yield env.timeout(travel)
    agent.release(req)
