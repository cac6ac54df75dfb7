"""The offline journey: trips to counters, back-office stages, pickup (SimPy processes).

need -> (react) -> trips to counters (certificates, intake) -> back-office
stages with hand-offs, review and public notice -> pickup.
A visit that is not served before closing, or an application turned away at
the counter, wastes the trip; after ``max_failed_trips`` wasted trips the
villager gives up. Every trip, minute and document is written to the log.
Each process takes the run's context and the request index.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from govsim.model.calendar import DAY
from govsim.model.log import ABANDONED, COMPLETED
from govsim.model.plans import ItemPlan, Stage, Task
from govsim.model.reaction import react_delay
from govsim.model.state import CLOSED, Ctx

if TYPE_CHECKING:
    from simpy.resources.resource import Request

__all__ = ["check_exchange", "offline_path", "offline_request", "run_stages", "stage_group", "visits"]

Proc = Generator[Any, Any, Any]


def check_exchange(c: Ctx, i: int, exchange: tuple[Task, ...]) -> list[Task]:
    """Verify documents on the data exchange; those that failed (their certificates are fetched)."""
    fail = c.plan.scenario.governance.exchange_fail_prob
    failed = [t for j, t in enumerate(exchange) if c.draws.uni("exchange", i, j) < fail]
    c.log.exchange_calls[i] += len(exchange)
    c.log.exchange_failures[i] += len(failed)
    return failed


def offline_request(c: Ctx, i: int) -> Proc:
    """A whole request at the counters: react, the offline steps, finish."""
    return _offline(c, i, c.plan.items[c.plan.need_item[i]][c.plan.need_village[i]], whole=True)


def offline_path(c: Ctx, i: int, plan: ItemPlan) -> Proc:
    """Apply at the counter, the back-office stages and the pickup; False if given up."""
    return _offline(c, i, plan, whole=False)


def _offline(c: Ctx, i: int, plan: ItemPlan, whole: bool) -> Proc:
    """The offline steps; a ``whole`` request (started at or before its need) also reacts first and finishes.

    ``offline_request`` and ``offline_path`` return this generator itself
    rather than wrapping it, which would add a generator frame to every
    resume (an offline-only run starts ``offline_request`` for each need:
    about 5 % of an M/M/c run).
    """
    if whole:   # reaction.react written out: no generator is made for it
        delay = react_delay(c, i)
        if delay is not None:
            yield c.env.timeout(delay)
        c.log.t_apply[i] = c.env.now
    todo, intake = _intake(c, i, plan)
    ok = yield from _visits(c, i, todo, intake)
    for group in plan.groups if ok else ():   # run_stages, one frame less on each resume in a stage
        ok = yield from stage_group(c, i, group)
        if not ok:
            break
    if ok and plan.pickup is not None:
        ok = yield from _visits(c, i, [plan.pickup], None)
    if whole:
        c.log.finish(i, COMPLETED if ok else ABANDONED, c.env.now)
        c.state.home_at.pop(i, None)
    return ok


def run_stages(c: Ctx, i: int, groups: tuple[tuple[Stage, ...], ...]) -> Proc:
    """The back-office stages in order (a group's stages in parallel); False if given up."""
    for group in groups:
        ok = yield from stage_group(c, i, group)
        if not ok:
            return False
    return True


def stage_group(c: Ctx, i: int, group: tuple[Stage, ...]) -> Proc:
    """A group of back-office stages: the stage if alone, else the stages in parallel; False if given up.

    Returns the stage's generator rather than wrapping it (one frame less on each resume in the stage).
    """
    return _stage(c, i, group[0]) if len(group) == 1 else _parallel(c, i, group)


def _parallel(c: Ctx, i: int, group: tuple[Stage, ...]) -> Proc:
    """A group's stages in parallel (one process each); False if any was given up."""
    env = c.env
    done = yield env.all_of([env.process(_stage(c, i, s)) for s in group])
    return all(done.values())


def visits(c: Ctx, i: int, todo: list[Task]) -> Proc:
    """Trips for counter tasks that cannot be turned away (certificates, identity, pickup).

    Returns the trip generator itself rather than wrapping it, which would add a
    generator frame to every resume of the request.
    """
    return _visits(c, i, todo, None)


class _Intake:
    """What the intake clerk still needs: certificates, exchange checks."""

    __slots__ = ("certs_missing", "exchange_done", "failed", "plan")

    def __init__(self, plan: ItemPlan, knows: bool) -> None:
        self.plan = plan
        self.certs_missing = not knows and bool(plan.certificates)
        self.exchange_done = False
        self.failed: list[Task] = []   # exchange checks that failed: certificates to fetch


_OK, _GO_HOME, _FETCH = 0, 1, 2


def _intake(c: Ctx, i: int, plan: ItemPlan) -> tuple[list[Task], _Intake | None]:
    """The first tasks: certificates first if the villager knows the rules, then the intake.

    No ``_Intake`` (None) when the clerk has nothing to check: no certificates,
    no exchange checks, no personal documents; the intake is then a plain visit.
    """
    docs = plan.personal_docs + len(plan.certificates)
    if docs:   # (0 is the column's initial value: a run without documents makes no column)
        c.log.documents_required[i] = docs
    if not plan.certificates:
        nothing_to_check = not plan.exchange and not plan.personal_docs
        return [plan.intake], None if nothing_to_check else _Intake(plan, True)
    knows = c.draws.uni("know", i, 0) < c.plan.p_know[c.plan.need_villager[i]]
    return ([*plan.certificates, plan.intake] if knows else [plan.intake]), _Intake(plan, knows)


def _visits(c: Ctx, i: int, todo: list[Task], intake: _Intake | None) -> Proc:
    """Go on trips until every task in ``todo`` is done; False if the villager gives up.

    Tasks at the same place are done on the same trip, in order. A trip is
    wasted if the office closes first, or if the application is turned away
    and the intake is still to do when the villager goes home. (Over 40 lines:
    the tasks of one trip are queued and served here rather than in a helper
    generator, one frame less on every resume of the request.)
    """
    env, log, home_at = c.env, c.log, c.state.home_at
    while todo:
        first, now = todo[0], env.now
        start = max(now, home_at.get(i, 0.0))
        if c.always_open:
            arrive = start + first.travel
        else:
            u = c.draws.uni("arrival", i, log.trips[i] + log.counter_visits[i])
            arrive = c.cal.arrival_time(start, first.travel, u, c.spread)
        if arrive > now:
            yield env.timeout(arrive - now)
        if first.trip:
            log.trips[i] += 1
            log.travel_min[i] += 2.0 * first.travel
            log.fare[i] += first.fare
        wasted = rejected = False
        while todo and todo[0].place == first.place:
            task = todo.pop(0)
            # Queue and be served here, not in a nested generator: every event of the
            # visit would resume one more frame (see _queue).
            req, t0 = _queue(c, task), env.now
            if req is None or (yield req) is CLOSED:
                if req is not None:
                    log.window_wait_min[i] += env.now - t0
                verdict = None
            else:
                verdict, service = _start_service(c, i, task, intake, env.now - t0)
                yield env.timeout(service)
                _end_service(c, i, task, req, service)
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
            home_at[i] = env.now + first.travel   # the case goes on while the villager rides home
        if wasted and first.trip:
            log.failed_trips[i] += 1
            if log.failed_trips[i] >= c.max_failed:
                return False
    return True


def _to_fetch(intake: _Intake) -> list[Task]:
    """Certificates to fetch after a rejection."""
    certs = list(intake.plan.certificates) if intake.certs_missing else []
    intake.certs_missing = False
    certs.extend(intake.failed)
    intake.failed = []
    return certs


def _queue(c: Ctx, task: Task) -> Request | None:
    """Join the queue at ``task``'s counter; None if the office has closed (a later task of the trip).

    The visit's events are yielded by ``_visits`` itself, with the plain functions
    ``_queue``, ``_start_service`` and ``_end_service`` around them, rather than by a
    ``_serve`` generator nested in it: a nested generator is one more frame resumed
    on every event of the request (and made on every visit). Measured on a
    township-year, together with single stages run without ``run_stages`` and
    back-office staff released by hand: 91 million fewer instructions (about 2 %
    of the simulation's, valgrind); the CPU time moved within a shared machine's noise.
    Not ``with windows.request() as req``: its exit makes four Python calls per
    counter visit (cancel, the triggered check, two __exit__), about 4 % of an
    M/M/c run; the request is released after service (``_end_service``) or
    cancelled if the office closes first (``engine.ClosingSweep``), as the exit would do.
    """
    windows = c.state.counters[task.counter].windows
    if c.always_open:
        return windows.request()
    if not c.cal.is_open(c.env.now):
        return None
    req = windows.request()
    c.state.closing.append(req)   # still queuing at closing time: turned away (engine.ClosingSweep)
    return req


def _start_service(c: Ctx, i: int, task: Task, intake: _Intake | None, wait: float) -> tuple[int, float]:
    """Served after queuing ``wait`` minutes: the clerk's verdict and the service minutes.

    The verdict is ``_OK``, or for the intake ``_GO_HOME`` / ``_FETCH`` when turned away.
    """
    log = c.log
    log.window_wait_min[i] += wait
    if c.wait_weight:   # the office's smoothed wait, that villagers choosing a channel know of
        ew = c.state.expected_wait
        ew[task.counter] += c.wait_weight * (wait - ew[task.counter])
    k = log.counter_visits[i]
    log.counter_visits[i] = k + 1
    verdict, minutes = _OK, task.mean
    if intake is not None and task.kind == "intake":
        verdict, minutes = _check_intake(c, i, intake, k)
    elif task.kind == "certificate":
        log.certificates_fetched[i] += 1
    return verdict, minutes * c.draws.exp("counter", i, k)


def _end_service(c: Ctx, i: int, task: Task, req: Request, service: float) -> None:
    """The service is over: the window is free again, the counter's and the request's totals."""
    counter = c.state.counters[task.counter]
    counter.windows.release(req)
    counter.busy_min += service
    counter.served += 1
    c.log.counter_min[i] += service


def _check_intake(c: Ctx, i: int, intake: _Intake, k: int) -> tuple[int, float]:
    """The intake clerk's checks: the verdict and the counter minutes it takes."""
    plan, gov = intake.plan, c.plan.scenario.governance
    minutes = plan.intake.mean
    if not intake.exchange_done and plan.exchange:
        intake.exchange_done = True
        intake.failed = check_exchange(c, i, plan.exchange)
        c.log.documents_required[i] += len(intake.failed)
        minutes += gov.exchange_latency_min * len(plan.exchange)
    p = c.plan.need_villager[i]
    if plan.personal_docs and c.draws.uni("missing", i, k) < c.plan.p_miss[c.plan.need_item[i]][p]:
        return _GO_HOME, gov.reject_min
    if intake.certs_missing or intake.failed:
        return _FETCH, gov.reject_min
    return _OK, minutes


def _stage(c: Ctx, i: int, s: Stage) -> Proc:
    """One back-office stage: hand-off, staff work in working time, review, notice."""
    env, log, cal = c.env, c.log, c.cal
    if s.visit is not None:
        ok = yield from _visits(c, i, [s.visit], None)
        if not ok:
            return False
    elif s.handoff != "none":
        gov = c.plan.scenario.governance
        t0 = env.now
        if s.handoff == "paper":
            t = cal.next_batch(t0, gov.courier_interval_days) if s.to_county else t0
            yield env.timeout(cal.add_working_days(t, gov.paper_handoff_days) - t0)
        else:
            yield env.timeout(gov.electronic_handoff_min)
        log.handoff_min[i] += env.now - t0
    step = s.step
    work = step.backoffice_min + s.review_min   # (review_min: an online or proxy submission's check)
    if work > 0:
        back = c.state.backoffices[s.back]
        back.backlog += 1
        # Released by hand rather than by ``with``'s exit (four Python calls per case:
        # cancel, the triggered check, two __exit__): the same release at the same moment.
        req = back.staff.request()
        yield req
        effort = work * c.draws.exp("backoffice", i, s.index)
        yield env.timeout(cal.add_working(env.now, effort) - env.now)
        back.staff.release(req)
        back.backlog -= 1
        back.busy_min += effort
        back.done += 1
        log.backoffice_min[i] += effort
    if step.review_days > 0 or step.notice_days > 0:   # review in working days, then public notice
        end = cal.add_working_days(env.now, step.review_days) + step.notice_days * DAY
        yield env.timeout(end - env.now)
    return True
