"""The dispatcher starts a day's requests at once; each acts at its own need's time."""

from __future__ import annotations

from array import array
from collections.abc import Generator
from types import SimpleNamespace
from typing import Any, cast

import simpy

from govsim.model.calendar import DAY
from govsim.model.engine import Dispatcher
from govsim.model.state import Ctx


def test_one_wake_up_a_day_and_each_request_at_its_need() -> None:
    env = simpy.Environment()
    needs = [30.0, 30.0, DAY + 60.0, 3 * DAY + 1.5]   # days 0, 0, 1, 3
    c = cast(Ctx, SimpleNamespace(env=env, need_at=array("d", needs)))
    started: list[tuple[int, float]] = []
    acted: list[tuple[int, float]] = []

    def process(c: Ctx, i: int) -> Generator[Any, Any, None]:
        started.append((i, env.now))
        yield env.timeout(c.need_at[i] - env.now)
        acted.append((i, env.now))

    Dispatcher(c, process).start()
    events = 0
    while env.peek() < float("inf"):
        env.step()
        events += 1
    assert started == [(0, 0.0), (1, 0.0), (2, DAY), (3, 3 * DAY)]
    assert acted == list(enumerate(needs))
    # wake-ups on days 1 and 3 (day 0's starts at once), and per request its start, its timeout, its end
    assert events == 2 + 3 * len(needs)
