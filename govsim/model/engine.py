"""Run a plan in SimPy: start the needs, the samplers and the platform, run to the horizon."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from govsim.model.calendar import DAY
from govsim.model.platform import outages, sample_platform
from govsim.model.request import request_process
from govsim.model.sampler import Sampler
from govsim.model.state import CLOSED, Ctx

__all__ = ["ClosingSweep", "Dispatcher", "start"]


class Dispatcher:
    """Start the request processes a day at a time; each process waits for its own need.

    One timeout a day (on days with needs; needs are pre-generated and sorted)
    starts the processes of the needs due before the next day begins. Each
    process's first event is its own timeout to the moment the villager acts:
    the application time (need time plus reaction delay, ``reaction.react``), or
    the need time for what happens then (a proactive grant, a need never
    applied for, a channel choice read from the queues of that moment). The
    times are the same to the last bit (a whole-minute day start plus the
    difference to a later time is that time exactly). Before, a dispatcher
    timeout at each need and the reaction timeout after it: one event per
    request more. A chain of timeouts with a callback rather than a generator
    process: no generator resume per wake-up.
    """

    __slots__ = ("_c", "_next", "_process")

    def __init__(self, c: Ctx, process: Callable[[Ctx, int], Generator[Any, Any, Any]]) -> None:
        self._c = c
        self._next = 0
        self._process = process

    def start(self) -> None:
        """Schedule the first wake-up: the start of the first need's day, or now if that has begun."""
        if self._c.need_at:
            self._wake_at(max(self._c.env.now, self._c.need_at[0] // DAY * DAY))

    def _wake_at(self, t: float) -> None:
        env = self._c.env
        if t > env.now:
            env.timeout(t - env.now).callbacks.append(self._release)
        else:
            self._release(None)

    def _release(self, _event: object) -> None:
        """Start the processes of every need before the next day begins; wake on the next day with needs."""
        c = self._c
        env, times, process = c.env, c.need_at, self._process
        end = (env.now // DAY + 1.0) * DAY
        i, n = self._next, len(times)
        while i < n and times[i] < end:
            env.process(process(c, i))
            i += 1
        self._next = i
        if i < n:
            self._wake_at(times[i] // DAY * DAY)


class ClosingSweep:
    """At each working day's closing time, turn away the villagers still queuing at a counter.

    Each counter visit of the day is noted in ``state.closing``; at closing time
    the requests not yet granted leave their queue and are triggered with the
    value ``CLOSED``. One event per working day for every office instead of a
    closing-time timeout and a condition event (``request | timeout``) on each
    visit, which were 3.3 of the 17.9 SimPy events per request of a county-year
    and were processed even when the villager had long been served.
    """

    __slots__ = ("_c",)

    def __init__(self, c: Ctx) -> None:
        self._c = c

    def start(self) -> None:
        """Schedule the first closing time at or after now."""
        self._schedule()

    def _schedule(self) -> None:
        c = self._c
        cal, env = c.cal, c.env
        day = int(env.now // DAY)
        if not (cal.is_workday(day) and env.now < day * DAY + cal.close):
            day += 1
            while not cal.is_workday(day):
                day += 1
        env.timeout(day * DAY + cal.close - env.now).callbacks.append(self._sweep)

    def _sweep(self, _event: object) -> None:
        waiting = self._c.state.closing
        for req in waiting:
            if not req.triggered:   # still in the queue: leave it, the trip is wasted
                req.cancel()
                req.succeed(CLOSED)
        waiting.clear()
        self._schedule()


def start(c: Ctx, process: Callable[[Ctx, int], Generator[Any, Any, Any]] | None = None) -> Sampler:
    """Start the needs, the office sampler, the apps' outages and the platform sampler.

    ``process`` replaces the request process (benchmark probes wrap it).
    """
    Dispatcher(c, process or request_process(c)).start()
    if not c.cal.always_open:
        ClosingSweep(c).start()
    sampler = Sampler(c.state.counters, c.state.backoffices)
    c.env.process(sampler.process(c.env, c.plan.scenario.run.sample_interval_min))
    for app in range(c.plan.apps):
        c.env.process(outages(c, app))
    if c.plan.apps:
        c.env.process(sample_platform(c))
    return sampler
