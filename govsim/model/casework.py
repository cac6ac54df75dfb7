"""Cases beyond the plain application (SimPy): proactive grants, unmet take-up, complaints by
telephone, lost applications and appeals against wrong denials.

* with proactive granting on and the item grantable from shared data, the
  system grants without an application: the back office works the case (no
  counter visits), the villager may only confirm (phone or village, no
  trip). The automated check misses an eligible villager with the
  false-negative rate; an aware villager then applies after
  ``appeal_delay_days`` the ordinary way, an unaware one goes without;
* a need for a benefit item the villager is not aware of never becomes an
  application (outcome ``abandoned``, ``applied`` false);
* a share ``platform.hotline_share`` of complaints (with ``two_way``) are made
  by telephone: no trip, the back office of the item's workflow works the case;
* an application is lost with ``security.application_loss_prob``: the
  villager notices after ``resubmit_delay_days``, resubmits (a trip to the
  intake counter if the application was made in person) and the back office
  works it again;
* an application checked automatically from shared data is wrongly denied
  with the false-negative rate: the villager appeals after
  ``appeal_delay_days`` (online if the application went online or by
  proxy, otherwise a visit to the intake counter) and the appeal takes
  ``appeal_review_days`` working days.

Random numbers are per-request draws (purposes ``aware``, ``auto_check``,
``confirm``, ``loss``, ``hotline``), so scenarios with the same seed see the same fates.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from govsim.decisions.eligibility import wrongly_denied
from govsim.model.calendar import DAY
from govsim.model.journey import run_stages, visits
from govsim.model.log import ABANDONED, COMPLETED
from govsim.model.reaction import react
from govsim.model.state import Ctx

__all__ = ["after_completion", "hotline", "never_applied", "proactive_grant"]

Proc = Generator[Any, Any, Any]


def proactive_grant(c: Ctx, i: int, k: int, aware: bool, apply: Callable[[Ctx, int], Proc]) -> Proc:
    """Granted from shared data; or missed by the check: the villager applies (``apply``) if aware."""
    log, env, pr = c.log, c.env, c.plan.scenario.proactive
    log.auto_checked[i] = True
    if not wrongly_denied(c.draws.uni("auto_check", i, 0), pr.false_negative):
        yield from _granted(c, i, k)
        return
    log.wrong_denial[i] = True          # the system missed an eligible villager
    if not aware:
        never_applied(c, i)
        return
    t0 = env.now
    yield env.timeout(pr.appeal_delay_days * DAY)
    yield from apply(c, i)              # applies the ordinary way
    log.appeal_min[i] = env.now - t0


def never_applied(c: Ctx, i: int) -> None:
    """An eligible villager who never turns the need into an application."""
    c.log.applied[i] = False
    c.log.finish(i, ABANDONED, c.env.now)


def _granted(c: Ctx, i: int, k: int) -> Proc:
    """Back-office work only; perhaps a confirmation, no trip."""
    log, env, pr = c.log, c.env, c.plan.scenario.proactive
    log.granted_proactively[i] = True
    plan = c.plan.items[k][c.plan.need_village[i]]
    log.exchange_calls[i] += len(plan.exchange)
    ok = yield from run_stages(c, i, plan.remote)
    if ok and pr.confirm_prob > 0 and c.draws.uni("confirm", i, 0) < pr.confirm_prob:
        yield env.timeout(pr.confirm_days * DAY)
    log.finish(i, COMPLETED if ok else ABANDONED, env.now)


def hotline(c: Ctx, i: int, k: int) -> Proc:
    """A complaint or request made by telephone: routed to the back office, no trip."""
    c.log.hotline[i] = True
    yield from react(c, i)
    ok = yield from run_stages(c, i, c.plan.items[k][c.plan.need_village[i]].remote)
    c.log.finish(i, COMPLETED if ok else ABANDONED, c.env.now)


def after_completion(c: Ctx, i: int, k: int) -> Proc:
    """A completed application may be lost (resubmitted) and, if checked automatically, wrongly denied."""
    loss = c.plan.scenario.security.application_loss_prob
    if loss > 0 and c.draws.uni("loss", i, 0) < loss:
        ok = yield from _resubmit(c, i, k)
        if not ok:
            return
    if c.plan.rules.checked[k]:
        c.log.auto_checked[i] = True
        if wrongly_denied(c.draws.uni("auto_check", i, 0), c.plan.scenario.proactive.false_negative):
            yield from _appeal(c, i, k)


def _by_person(c: Ctx, i: int) -> bool:
    """Whether the application was made in person at a counter (not online, not by proxy)."""
    return not (c.log.submitted_online[i] or c.log.proxy_used[i])


def _resubmit(c: Ctx, i: int, k: int) -> Proc:
    """A lost application: noticed after a delay, resubmitted, worked again; False if given up."""
    log, env = c.log, c.env
    plan = c.plan.items[k][c.plan.need_village[i]]
    log.resubmissions[i] += 1
    yield env.timeout(c.plan.scenario.security.resubmit_delay_days * DAY)
    if _by_person(c, i):
        ok = yield from visits(c, i, [plan.intake])
        if not ok:
            log.finish(i, ABANDONED, env.now)
            return False
    ok = yield from run_stages(c, i, plan.remote)
    log.finish(i, COMPLETED if ok else ABANDONED, env.now)
    return bool(ok)


def _appeal(c: Ctx, i: int, k: int) -> Proc:
    """A wrong denial: appeal after a delay (online, or a visit to the intake counter), review."""
    log, env, cal, pr = c.log, c.env, c.cal, c.plan.scenario.proactive
    log.wrong_denial[i] = True
    t0 = log.t_end[i]
    yield env.timeout(pr.appeal_delay_days * DAY)
    if _by_person(c, i):
        ok = yield from visits(c, i, [c.plan.items[k][c.plan.need_village[i]].intake])
        if not ok:
            log.finish(i, ABANDONED, env.now)
            log.appeal_min[i] = env.now - t0
            return
    if pr.appeal_review_days > 0:
        yield env.timeout(cal.add_working_days(env.now, pr.appeal_review_days) - env.now)
    log.finish(i, COMPLETED, env.now)   # the decision after review (the outcome stays completed)
    log.appeal_min[i] = env.now - t0
