"""Risk and proactive governance on the request path (SimPy): take-up, 免申即享, wrong
decisions with appeals, lost applications, two-way participation.

The request process of the channels (govsim.model.online / journey) is wrapped:

* a need for a benefit item (``proactive: true``) becomes an application only
  if the villager is aware of it (govsim.decisions.eligibility.awareness);
  otherwise the need stays unmet (outcome ``abandoned``, ``applied`` false);
* with proactive granting on and the item grantable from shared data, the
  system grants without an application: the back office works the case
  (no counter visits), the villager may only confirm (phone or village, no
  trip). The automated check misses an eligible villager with the
  false-negative rate; an aware villager then applies after
  ``appeal_delay_days`` the ordinary way, an unaware one goes without;
* an application checked automatically from shared data (documents verified
  on the exchange, ``automated_checks``) is wrongly denied with the
  false-negative rate: the villager appeals after ``appeal_delay_days``
  (online if the application went online or by proxy, otherwise a visit to
  the intake counter) and the appeal takes ``appeal_review_days`` working days;
* an application is lost (system fault, data loss) with
  ``security.application_loss_prob``: the villager notices after
  ``resubmit_delay_days``, resubmits (a trip to the intake counter if the
  application was made in person) and the back office works it again;
* with ``platform.two_way`` false, complaints and requests (the item
  ``complaint``) can only be made in person at a counter; with it true, a
  share ``platform.hotline_share`` of them are made by telephone (no trip,
  the back office of the item's workflow works the case), the rest through
  the channels offered (online, village proxy, counter).

Random numbers are per-request draws (purposes ``aware``, ``auto_check``,
``confirm``, ``loss``, ``hotline``), so scenarios with the same seed see the same fates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.decisions.documents import exchange_documents
from govsim.decisions.eligibility import auto_checked, awareness, grantable, wrongly_denied
from govsim.model.calendar import DAY
from govsim.model.journey import request, run_stages, visits
from govsim.model.plans import Stage
from govsim.model.records import ABANDONED, COMPLETED

if TYPE_CHECKING:
    from govsim.model.world import World

__all__ = ["COMPLAINT", "RiskModel"]

Proc = Generator[Any, Any, Any]
COMPLAINT = "complaint"   # the catalogue key of complaints and requests (诉求)


class RiskModel:
    """Per-run state: who applied, proactive grants, wrong denials, appeals, resubmissions."""

    def __init__(self, w: World, base: Callable[[World, int], Proc]) -> None:
        self.w = w
        self.base = base
        sc, n = w.scenario, len(w.needs)
        pr, se = sc.proactive, sc.security
        on_ex = exchange_documents(sc.governance, sc.documents)
        self.benefit = [it.proactive for it in sc.items]
        self.grant = [grantable(pr, it, sc.documents, on_ex) for it in sc.items]
        self.checked = [auto_checked(pr, it, sc.documents, on_ex) for it in sc.items]
        self.in_person = [it.key == COMPLAINT and w.chan.active and not sc.platform.two_way
                          for it in sc.items]
        self.hotline_share = sc.platform.hotline_share if sc.platform.two_way else 0.0
        self.hotline_item = [it.key == COMPLAINT and self.hotline_share > 0 for it in sc.items]
        pop = w.pop
        self.p_aware = awareness(pr, pop.literacy, pop.band_elderly[pop.band]).tolist()
        self.fn = pr.false_negative
        self.loss = se.application_loss_prob
        self.applied = [True] * n
        self.proactive = [False] * n
        self.auto = [False] * n
        self.wrong_denial = [False] * n
        self.appeal_min = [0.0] * n
        self.resubmissions = [0] * n
        self.wrong_grants: float | None = None   # drawn once, after the run (govsim.model.risk)
        unaware = any(self.benefit) and min(self.p_aware, default=1.0) < 1.0
        self.hotline = [False] * n
        self.active = (any(self.grant) or any(self.checked) or any(self.in_person) or any(self.hotline_item)
                       or self.loss > 0 or unaware)
        self._groups: dict[tuple[int, int], tuple[tuple[Stage, ...], ...]] = {}

    def request_process(self) -> Callable[[World, int], Proc]:
        """The process the dispatcher starts (the channels' own when nothing here is on)."""
        return _request if self.active else self.base

    def groups(self, k: int, v: int) -> tuple[tuple[Stage, ...], ...]:
        """Back-office stages of item ``k`` from village ``v`` with no villager visits."""
        key = (k, v)
        g = self._groups.get(key)
        if g is None:
            gov = self.w.scenario.governance
            g = tuple(tuple(dataclasses.replace(s, visit=None, handoff=gov.handoff) if s.visit else s
                            for s in grp) for grp in self.w.plans[k][v].groups)
            self._groups[key] = g
        return g

    def columns(self) -> dict[str, np.ndarray]:
        """Per-request columns for the requests frame."""
        return {
            "applied": np.asarray(self.applied, dtype=bool),
            "granted_proactively": np.asarray(self.proactive, dtype=bool),
            "auto_checked": np.asarray(self.auto, dtype=bool),
            "wrong_denial": np.asarray(self.wrong_denial, dtype=bool),
            "appeal_days": np.asarray(self.appeal_min, dtype=float) / DAY,
            "resubmissions": np.asarray(self.resubmissions, dtype=np.int32),
            "hotline": np.asarray(self.hotline, dtype=bool),
        }


def _request(w: World, i: int) -> Proc:
    """One request with take-up, proactive granting, wrong denials and lost applications."""
    rm, env, rec = w.risk, w.env, w.rec
    k, p = w.need_item[i], w.need_villager[i]
    aware = not rm.benefit[k] or w.draws.uni("aware", i, 0) < rm.p_aware[p]
    if rm.grant[k]:
        rm.auto[i] = True
        if not wrongly_denied(w.draws.uni("auto_check", i, 0), rm.fn):
            yield from _granted(w, i, k)
            return
        rm.wrong_denial[i] = True          # the system missed an eligible villager
        if not aware:
            _never_applied(w, i)
            return
        t0 = env.now
        yield env.timeout(w.scenario.proactive.appeal_delay_days * DAY)
        yield from rm.base(w, i)           # applies the ordinary way
        rm.appeal_min[i] = env.now - t0
        return
    if not aware:
        _never_applied(w, i)
        return
    if rm.hotline_item[k] and w.draws.uni("hotline", i, 0) < rm.hotline_share:
        yield from _hotline(w, i, k)       # by telephone: no trip, the back office works the case
        return
    if rm.in_person[k]:
        yield from request(w, i)           # two_way false: complaints in person only
    else:
        yield from rm.base(w, i)
    if rec.outcome[i] != COMPLETED:
        return
    if rm.loss > 0 and w.draws.uni("loss", i, 0) < rm.loss:
        ok = yield from _resubmit(w, i, k)
        if not ok:
            return
    if rm.checked[k]:
        rm.auto[i] = True
        if wrongly_denied(w.draws.uni("auto_check", i, 0), rm.fn):
            yield from _appeal(w, i, k)


def _never_applied(w: World, i: int) -> None:
    """An eligible villager who never turns the need into an application."""
    w.risk.applied[i] = False
    w.rec.outcome[i] = ABANDONED
    w.rec.t_end[i] = w.env.now


def _granted(w: World, i: int, k: int) -> Proc:
    """Granted from shared data: back-office work only; perhaps a confirmation, no trip."""
    rm, env, rec, pr = w.risk, w.env, w.rec, w.scenario.proactive
    rm.proactive[i] = True
    v = w.need_village[i]
    rec.exchange_calls[i] += len(w.plans[k][v].exchange)
    ok = yield from run_stages(w, i, rm.groups(k, v))
    if ok and pr.confirm_prob > 0 and w.draws.uni("confirm", i, 0) < pr.confirm_prob:
        yield env.timeout(pr.confirm_days * DAY)
    rec.outcome[i] = COMPLETED if ok else ABANDONED
    rec.t_end[i] = env.now


def _hotline(w: World, i: int, k: int) -> Proc:
    """A complaint or request made by telephone: routed to the back office, no trip."""
    rm, env, rec = w.risk, w.env, w.rec
    rm.hotline[i] = True
    if w.react_max > 0:
        yield env.timeout(w.draws.uni("react", i, 0) * w.react_max)
    ok = yield from run_stages(w, i, rm.groups(k, w.need_village[i]))
    rec.outcome[i] = COMPLETED if ok else ABANDONED
    rec.t_end[i] = env.now


def _by_person(w: World, i: int) -> bool:
    """Whether the application was made in person at a counter (not online, not by proxy)."""
    cm = w.chan
    return not (cm.active and (cm.submitted_online[i] or cm.proxy_used[i]))


def _resubmit(w: World, i: int, k: int) -> Proc:
    """A lost application: noticed after a delay, resubmitted, worked again; False if given up."""
    rm, env, rec = w.risk, w.env, w.rec
    v = w.need_village[i]
    rm.resubmissions[i] += 1
    yield env.timeout(w.scenario.security.resubmit_delay_days * DAY)
    if _by_person(w, i):
        ok = yield from visits(w, i, [w.plans[k][v].intake])
        if not ok:
            rec.outcome[i] = ABANDONED
            rec.t_end[i] = env.now
            return False
    ok = yield from run_stages(w, i, rm.groups(k, v))
    rec.outcome[i] = COMPLETED if ok else ABANDONED
    rec.t_end[i] = env.now
    return bool(ok)


def _appeal(w: World, i: int, k: int) -> Proc:
    """A wrong denial: appeal after a delay (online, or a visit to the intake counter), review."""
    rm, env, rec, cal, pr = w.risk, w.env, w.rec, w.cal, w.scenario.proactive
    rm.wrong_denial[i] = True
    t0 = rec.t_end[i]
    yield env.timeout(pr.appeal_delay_days * DAY)
    if _by_person(w, i):
        ok = yield from visits(w, i, [w.plans[k][w.need_village[i]].intake])
        if not ok:
            rec.outcome[i] = ABANDONED
            rec.t_end[i] = env.now
            rm.appeal_min[i] = env.now - t0
            return
    if pr.appeal_review_days > 0:
        yield env.timeout(cal.add_working_days(env.now, pr.appeal_review_days) - env.now)
    rec.t_end[i] = env.now
    rm.appeal_min[i] = env.now - t0
