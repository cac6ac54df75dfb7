"""When a request acts: its need's time and the villager's reaction delay (SimPy).

``engine.Dispatcher`` starts a day's request processes at once, ahead of their
needs; each process's first event is one timeout to the moment it acts: the
application time (need time plus reaction delay, :func:`react`) or the need's
time itself (:func:`until_need`: a proactive grant, a need never applied for, a
channel choice read from the queues of that moment).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from govsim.model.state import Ctx

__all__ = ["apply_at", "react", "react_delay", "until_need"]

Proc = Generator[Any, Any, Any]


def apply_at(c: Ctx, i: int) -> float:
    """When the villager acts on need ``i``: the need's time plus the reaction delay (minutes)."""
    if c.react_max > 0:
        return c.need_at[i] + c.draws.uni("react", i, 0) * c.react_max
    return c.need_at[i]


def react(c: Ctx, i: int) -> Proc:
    """Wait until the villager acts on the need (the application time) and note that time.

    A process started ahead of its need (``engine.Dispatcher`` starts a day's
    requests at once) waits in one timeout for the need's time plus the reaction
    delay; a villager past the need (applying after a missed proactive grant)
    reacts from now. Without a reaction delay the application time is the need's.
    """
    delay = react_delay(c, i)
    if delay is not None:
        yield c.env.timeout(delay)
    c.log.t_apply[i] = c.env.now   # the application starts: turnaround from application counts from here


def react_delay(c: Ctx, i: int) -> float | None:
    """The wait of :func:`react` from now (None: no wait), for a caller that yields it itself.

    A plain function: a request path that yields the timeout and notes
    ``t_apply`` itself makes no generator for the reaction (one per request).
    """
    env = c.env
    if env.now < c.need_at[i]:
        return apply_at(c, i) - env.now
    if c.react_max > 0:
        return c.draws.uni("react", i, 0) * c.react_max
    return None


def until_need(c: Ctx, i: int) -> Proc:
    """Wait for need ``i``'s time (a process started ahead of it by ``engine.Dispatcher``)."""
    if c.env.now < c.need_at[i]:
        yield c.env.timeout(c.need_at[i] - c.env.now)
