"""The hand-off resource: the same grants at the same times as simpy.Resource, without Release events."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from govsim.model.resources import HandOffResource

Proc = Generator[Any, Any, None]


def _customers(env: simpy.Environment, res: simpy.Resource, log: list[tuple[str, float, float]]) -> None:
    """Four customers (a, b, c, d); c gives up if not served within 4 minutes."""

    def customer(name: str, arrive: float, service: float, patience: float | None) -> Proc:
        yield env.timeout(arrive)
        if patience is None:
            with res.request() as req:
                yield req
                start = env.now
                yield env.timeout(service)
            log.append((name, start, env.now))
            return
        req = res.request()
        got = yield req | env.timeout(patience)
        if req not in got:
            req.cancel()
            log.append((name, -1.0, env.now))
            return
        start = env.now
        yield env.timeout(service)
        res.release(req)
        log.append((name, start, env.now))

    for args in (("a", 0.0, 5.0, None), ("b", 1.0, 3.0, None), ("c", 2.0, 1.0, 4.0), ("d", 2.5, 1.0, None)):
        env.process(customer(*args))


def _run(kind: type[simpy.Resource]) -> tuple[list[tuple[str, float, float]], int]:
    env = simpy.Environment()
    log: list[tuple[str, float, float]] = []
    _customers(env, kind(env, 1), log)
    events = 0
    while env.peek() < float("inf"):
        env.step()
        events += 1
    return log, events


def test_same_grants_and_times_as_simpy_resource() -> None:
    ours, n_ours = _run(HandOffResource)
    theirs, n_theirs = _run(simpy.Resource)
    # a: 0-5; b: 5-8; c gives up at 6 (2 + 4), cancelled; d: 8-9
    assert ours == theirs == [("a", 0.0, 5.0), ("c", -1.0, 6.0), ("b", 5.0, 8.0), ("d", 8.0, 9.0)]
    assert n_ours == n_theirs - 3   # the three releases make no event


def test_release_frees_the_slot_at_once() -> None:
    env = simpy.Environment()
    res = HandOffResource(env, 2)
    r1, r2, r3, r4 = (res.request() for _ in range(4))
    assert res.users == [r1, r2] and res.queue == [r3, r4]
    res.release(r1)
    assert res.users == [r2, r3] and res.queue == [r4] and r3.triggered and not r4.triggered
    res.release(r1)   # not a user any more: frees nothing
    assert res.users == [r2, r3] and res.queue == [r4]
    r4.cancel()
    res.release(r2)
    assert res.users == [r3] and res.queue == []
