"""One request, from the need to its outcome (SimPy): the composition of the request path.

take-up or proactive grant -> channel choice (govsim.decisions.channel) ->
the channel's path (offline journey, online session, village proxy; the
fallbacks after a failed online session) -> lost application or wrong
denial -> finish. The pieces are in govsim.model.journey (offline),
govsim.model.online (online and assisted) and govsim.model.casework
(proactive grants, complaints by telephone, resubmissions, appeals).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from govsim.decisions.channel import ASSISTED, OFFLINE, choose_channel, fallback_channel
from govsim.model.casework import after_completion, hotline, never_applied, proactive_grant
from govsim.model.channel_plans import ChannelPlan
from govsim.model.journey import offline_path, offline_request
from govsim.model.log import ABANDONED, COMPLETED, NO_CHANNEL
from govsim.model.online import NO_ACCESS, after_submit, assisted, online_session
from govsim.model.reaction import react_delay, until_need
from govsim.model.single_visit import one_visit_each, single_visit
from govsim.model.state import Ctx

__all__ = ["apply", "request", "request_process"]

Proc = Generator[Any, Any, Any]


def request_process(c: Ctx) -> Callable[[Ctx, int], Proc]:
    """The process started for each need.

    ``request`` in general. When no take-up, proactive, loss or complaint rule
    applies, ``request`` does exactly what ``apply`` does, and with only the
    counters offered, what ``offline_request`` does; starting those directly
    saves a generator frame on every resume (about 5 % of an M/M/c run). When, moreover, every
    request is a single visit to an always-open counter, ``single_visit`` does
    what ``offline_request`` does in one generator.
    """
    if c.plan.risk:
        return request
    if c.plan.multichannel:
        return apply
    return single_visit if one_visit_each(c) else offline_request


def request(c: Ctx, i: int) -> Proc:
    """One request: take-up or proactive grant, the application, then loss or appeal."""
    plan = c.plan
    k, p = plan.need_item[i], plan.need_villager[i]
    rules = plan.rules
    aware = not rules.benefit[k] or c.draws.uni("aware", i, 0) < plan.p_aware[p]
    if rules.grant[k] or not aware:   # at the need's time (the process may start ahead of it)
        yield from until_need(c, i)
    if rules.grant[k]:
        yield from proactive_grant(c, i, k, aware, apply)
        return
    if not aware:
        never_applied(c, i)
        return
    if rules.hotline[k] and c.draws.uni("hotline", i, 0) < rules.hotline_share:
        yield from hotline(c, i, k)        # by telephone: no trip, the back office works the case
        return
    yield from (offline_request(c, i) if rules.in_person[k] else apply(c, i))   # in_person: two_way false
    if c.log.outcome[i] == COMPLETED:
        yield from after_completion(c, i, k)


def apply(c: Ctx, i: int) -> Proc:
    """An application through the channel the villager chooses, then finish.

    The chosen channel's path and the fallbacks after a failed online session
    are written out here rather than in a helper generator: one frame less on
    every resume of an online, assisted or offline application.
    """
    plan, log, env = c.plan, c.log, c.env
    k, v, p = plan.need_item[i], plan.need_village[i], plan.need_villager[i]
    cp = plan.channels[k][v]
    avail = (cp.counter, cp.online and bool(plan.access[p]), plan.proxies > 0)
    # until_need and react written out (their timeouts yielded here): no generator made for either
    if sum(avail) > 1 and env.now < c.need_at[i]:   # a choice, read from the queues when the need arises
        yield env.timeout(c.need_at[i] - env.now)
    ch = _choose(c, i, p, cp, avail)   # decided when the need arises, acted on after the reaction delay
    log.channel_first[i] = log.channel_final[i] = NO_CHANNEL if ch is None else ch
    delay = react_delay(c, i)
    if delay is not None:
        yield env.timeout(delay)
    log.t_apply[i] = env.now
    if ch is None:
        log.failure_reason[i] = NO_ACCESS
        log.no_channel[i] = True
    ok, start = False, 0
    while ch is not None:
        log.channel_final[i] = ch
        if ch == OFFLINE:
            ok = yield from offline_path(c, i, plan.items[k][v])
            break
        if ch == ASSISTED:
            ok = yield from assisted(c, i, v, cp)
            break
        if (yield from online_session(c, i, p, v, cp)):
            ok = yield from after_submit(c, i, cp)
            break
        ch, start = fallback_channel(plan.scenario.channels.fallback, start, cp.online, plan.proxies > 0,
                                     cp.counter)
        if ch is not None:
            log.fallbacks[i] += 1
    log.finish(i, COMPLETED if ok else ABANDONED, c.env.now)
    c.state.home_at.pop(i, None)


def _choose(c: Ctx, i: int, p: int, cp: ChannelPlan, avail: tuple[bool, bool, bool]) -> int | None:
    """The villager's first channel of those open (``avail``: counter, online, proxy); None if none."""
    plan = c.plan
    if sum(avail) <= 1:   # no choice to make: no draw, no utilities
        return avail.index(True) if any(avail) else None
    sc = plan.scenario
    pop = plan.pop
    # .item(): the same Python numbers as int()/float() of the numpy scalars, without the scalars.
    choice, b = sc.channels.choice, pop.band.item(p)
    effort = sc.platform.complexity * (1.0 - pop.literacy.item(p))
    intercepts = (choice.online_intercept[b] + c.state.propensity.item(p), choice.assisted_intercept[b])
    ew = c.state.expected_wait   # what villagers know of each office's queue
    off, on = cp.queues
    hours = (cp.hours[0] + sum([ew[k] for k in off]) / 60.0, cp.hours[1] + sum([ew[k] for k in on]) / 60.0,
             cp.hours[2])
    return choose_channel(avail, hours, cp.yuan, effort, intercepts, choice, c.draws.uni("channel", i, 0))
