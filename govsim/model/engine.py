"""Run a plan in SimPy: start the needs, the samplers and the platform, run to the horizon."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from govsim.model.calendar import DAY
from govsim.model.platform import outages, sample_platform
from govsim.model.request import request_process
from govsim.model.sampler import Sampler
from govsim.model.state import CLOSED, Ctx

__all__ = ["ClosingSweep", "Dispatcher", "start"]


class Dispatcher:
    """Start one request process at each need's time (needs are pre-generated, sorted).

    A chain of timeouts whose callback starts the requests that are due, rather than
    a generator process: the same events at the same times, without a generator
    resume per request (about 5 % of an M/M/c run).
    """

    __slots__ = ("_c", "_next", "_process", "_times")

    def __init__(self, c: Ctx, process: Callable[[Ctx, int], Generator[Any, Any, Any]]) -> None:
        self._c = c
        self._next = 0
        self._process = process
        # An ``array`` reads back Python floats as fast as a list, in 8 bytes a need instead of 32.
        self._times = array("d", np.asarray(c.plan.needs.time, dtype=np.float64).tobytes())

    def start(self) -> None:
        """Schedule the first need (or start it now if it is due)."""
        env, times = self._c.env, self._times
        if not times:
            return
        if times[0] > env.now:
            env.timeout(times[0] - env.now).callbacks.append(self._release)
        else:
            self._release(None)

    def _release(self, _event: object) -> None:
        """Start the request this timeout was set for, then every other one now due."""
        c = self._c
        env, times, process = c.env, self._times, self._process
        now = env.now   # (starting a process does not move the clock)
        i = self._next
        env.process(process(c, i))
        i += 1
        n = len(times)
        while i < n and not times[i] > now:
            env.process(process(c, i))
            i += 1
        self._next = i
        if i < n:
            env.timeout(times[i] - now).callbacks.append(self._release)


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
