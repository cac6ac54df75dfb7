"""The request process: a villager's journey from a need to a decision (SimPy).

need -> (react) -> trips to counters (certificates, intake) -> back-office
stages with hand-offs, review and public notice -> pickup -> completed.
A visit that is not served before closing, or an application turned away at
the counter, wastes the trip; after ``max_failed_trips`` wasted trips the
villager gives up. Every trip, minute and document is written to the records.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from govsim.model.calendar import DAY
from govsim.model.plans import ItemPlan, Stage, Task
from govsim.model.records import ABANDONED, COMPLETED

if TYPE_CHECKING:
    from govsim.model.world import World

__all__ = ["Dispatcher", "offline_path", "request", "run_stages", "visits"]

Proc = Generator[Any, Any, Any]


class Dispatcher:
    """Start one request process at each need's time (needs are pre-generated, sorted).

    A chain of timeouts whose callback starts the requests that are due, rather than
    a generator process: the same events at the same times, without a generator
    resume per request (about 5 % of an M/M/c run).
    """

    __slots__ = ("_next", "_w")

    def __init__(self, w: World) -> None:
        self._w = w
        self._next = 0

    def start(self) -> None:
        """Schedule the first need (or start it now if it is due)."""
        w = self._w
        if not w.need_times:
            return
        if w.need_times[0] > w.env.now:
            w.env.timeout(w.need_times[0] - w.env.now).callbacks.append(self._release)
        else:
            self._release(None)

    def _release(self, _event: object) -> None:
        """Start the request this timeout was set for, then every other one now due."""
        w = self._w
        env, times, start = w.env, w.need_times, w.request_process
        i = self._next
        env.process(start(w, i))
        i += 1
        n = len(times)
        while i < n and not times[i] > env.now:
            env.process(start(w, i))
            i += 1
        self._next = i
        if i < n:
            env.timeout(times[i] - env.now).callbacks.append(self._release)


def request(w: World, i: int) -> Proc:
    """One request, from the need to its outcome."""
    return _offline(w, i, w.plans[w.need_item[i]][w.need_village[i]], whole=True)


def offline_path(w: World, i: int, plan: ItemPlan) -> Proc:
    """Apply at the counter, the back-office stages and the pickup; False if given up."""
    return _offline(w, i, plan, whole=False)


def _offline(w: World, i: int, plan: ItemPlan, whole: bool) -> Proc:
    """The offline steps; a ``whole`` request also reacts first and records its outcome.

    ``request`` and ``offline_path`` return this generator itself rather than
    wrapping it, which would add a generator frame to every resume.
    """
    env, rec = w.env, w.rec
    if whole and w.react_max > 0:
        yield env.timeout(w.draws.uni("react", i, 0) * w.react_max)
    todo, intake = _intake(w, i, plan)
    ok = yield from _visits(w, i, todo, intake)
    if ok:
        ok = yield from run_stages(w, i, plan.groups)
    if ok and plan.pickup is not None:
        ok = yield from _visits(w, i, [plan.pickup], None)
    if whole:
        rec.outcome[i] = COMPLETED if ok else ABANDONED
        rec.t_end[i] = env.now
        w.home_at.pop(i, None)
    return ok


def run_stages(w: World, i: int, groups: tuple[tuple[Stage, ...], ...]) -> Proc:
    """The back-office stages in order (a group's stages in parallel); False if given up."""
    env = w.env
    for group in groups:
        if len(group) == 1:
            ok = yield from _stage(w, i, group[0])
        else:
            done = yield env.all_of([env.process(_stage(w, i, s)) for s in group])
            ok = all(done.values())
        if not ok:
            return False
    return True


def visits(w: World, i: int, todo: list[Task]) -> Proc:
    """Trips for counter tasks that cannot be turned away (certificates, identity, pickup).

    Returns the trip generator itself rather than wrapping it, which would add a
    generator frame to every resume of the request.
    """
    return _visits(w, i, todo, None)


class _Intake:
    """What the intake clerk still needs: certificates, exchange checks."""

    __slots__ = ("certs_missing", "exchange_done", "failed", "plan")

    def __init__(self, plan: ItemPlan, knows: bool) -> None:
        self.plan = plan
        self.certs_missing = not knows and bool(plan.certificates)
        self.exchange_done = False
        self.failed: list[Task] = []   # exchange checks that failed: certificates to fetch


_OK, _GO_HOME, _FETCH = 0, 1, 2


def _intake(w: World, i: int, plan: ItemPlan) -> tuple[list[Task], _Intake]:
    """The first tasks: certificates first if the villager knows the rules, then the intake."""
    w.rec.documents_required[i] = plan.personal_docs + len(plan.certificates)
    if not plan.certificates:
        return [plan.intake], _Intake(plan, True)
    knows = w.draws.uni("know", i, 0) < w.p_know[w.need_villager[i]]
    return ([*plan.certificates, plan.intake] if knows else [plan.intake]), _Intake(plan, knows)


def _visits(w: World, i: int, todo: list[Task], intake: _Intake | None) -> Proc:
    """Go on trips until every task in ``todo`` is done; False if the villager gives up.

    Tasks at the same place are done on the same trip, in order. A trip is
    wasted if the office closes first, or if the application is turned away
    and the intake is still to do when the villager goes home.
    """
    env, rec = w.env, w.rec
    while todo:
        first = todo[0]
        start = max(env.now, w.home_at.get(i, 0.0))
        if w.always_open:
            arrive = start + first.travel
        else:
            u = w.draws.uni("arrival", i, rec.trips[i] + rec.counter_visits[i])
            arrive = w.cal.arrival_time(start, first.travel, u, w.spread)
        if arrive > env.now:
            yield env.timeout(arrive - env.now)
        if first.trip:
            rec.trips[i] += 1
            rec.travel_min[i] += 2.0 * first.travel
            rec.fare[i] += first.fare
        # The tasks at this place, in order (written here rather than in a helper
        # generator: one frame less on every resume of the request).
        wasted = rejected = False
        while todo and todo[0].place == first.place:
            task = todo.pop(0)
            verdict = yield from _serve(w, i, task, intake)
            if verdict == _OK:
                continue
            if verdict is None:                    # closed before being served
                todo.insert(0, task)
                wasted = True
                break
            assert intake is not None
            rejected = True
            todo[:0] = [*_to_fetch(intake), task]
            if verdict == _GO_HOME:
                wasted = True
                break
        else:
            wasted = rejected and intake is not None and intake.plan.intake in todo
        if first.travel:
            w.home_at[i] = env.now + first.travel   # the case goes on while the villager rides home
        if wasted and first.trip:
            rec.failed_trips[i] += 1
            if rec.failed_trips[i] >= w.max_failed:
                return False
    return True


def _to_fetch(intake: _Intake) -> list[Task]:
    """Certificates to fetch after a rejection."""
    certs = list(intake.plan.certificates) if intake.certs_missing else []
    intake.certs_missing = False
    certs.extend(intake.failed)
    intake.failed = []
    return certs


def _serve(w: World, i: int, task: Task, intake: _Intake | None) -> Proc:
    """Queue and be served at ``task``'s counter.

    Returns None if the office closed first, else the clerk's verdict
    (``_OK``, or for the intake ``_GO_HOME`` / ``_FETCH`` when turned away).
    """
    env, rec = w.env, w.rec
    windows = task.counter.windows
    t0 = env.now
    req = windows.request()
    if w.always_open:
        yield req
    else:
        close = w.cal.closing_time(t0)
        if t0 < close:
            yield req | env.timeout(close - t0)
        if not req.triggered:
            req.cancel()
            rec.window_wait_min[i] += env.now - t0
            return None
    rec.window_wait_min[i] += env.now - t0
    k = rec.counter_visits[i]
    rec.counter_visits[i] = k + 1
    verdict, minutes = _OK, task.mean
    if task.kind == "intake" and intake is not None:
        verdict, minutes = _check_intake(w, i, intake, k)
    elif task.kind == "certificate":
        rec.certificates_fetched[i] += 1
    service = minutes * w.draws.exp("counter", i, k)
    yield env.timeout(service)
    windows.release(req)
    task.counter.busy_min += service
    task.counter.served += 1
    rec.counter_min[i] += service
    return verdict


def _check_intake(w: World, i: int, intake: _Intake, k: int) -> tuple[int, float]:
    """The intake clerk's checks: the verdict and the counter minutes it takes."""
    rec, plan = w.rec, intake.plan
    minutes = plan.intake.mean
    if not intake.exchange_done and plan.exchange:
        intake.exchange_done = True
        intake.failed = [t for j, t in enumerate(plan.exchange)
                         if w.draws.uni("exchange", i, j) < w.exchange_fail]
        rec.exchange_calls[i] += len(plan.exchange)
        rec.exchange_failures[i] += len(intake.failed)
        rec.documents_required[i] += len(intake.failed)
        minutes += w.exchange_latency * len(plan.exchange)
    if plan.personal_docs and w.draws.uni("missing", i, k) < w.p_miss[w.need_item[i]][w.need_villager[i]]:
        return _GO_HOME, w.reject_min
    if intake.certs_missing or intake.failed:
        return _FETCH, w.reject_min
    return _OK, minutes


def _stage(w: World, i: int, s: Stage) -> Proc:
    """One back-office stage: hand-off, staff work in working time, review, notice."""
    env, rec, cal = w.env, w.rec, w.cal
    if s.visit is not None:
        ok = yield from _visits(w, i, [s.visit], None)
        if not ok:
            return False
    elif s.handoff != "none":
        t0 = env.now
        if s.handoff == "paper":
            t = cal.next_batch(t0, w.courier_days) if s.to_county else t0
            yield env.timeout(cal.add_working_days(t, w.paper_days) - t0)
        else:
            yield env.timeout(w.electronic_min)
        rec.handoff_min[i] += env.now - t0
    step = s.step
    if step.backoffice_min > 0:
        back = s.back
        back.backlog += 1
        with back.staff.request() as req:
            yield req
            effort = step.backoffice_min * w.draws.exp("backoffice", i, s.index)
            yield env.timeout(cal.add_working(env.now, effort) - env.now)
        back.backlog -= 1
        back.busy_min += effort
        back.done += 1
        rec.backoffice_min[i] += effort
    if step.review_days > 0:
        yield env.timeout(cal.add_working_days(env.now, step.review_days) - env.now)
    if step.notice_days > 0:
        yield env.timeout(step.notice_days * DAY)
    return True
