"""The run state: what changes while a run goes on (mutable), and the draws it uses.

The SimPy environment and resources (counters, back offices, village proxy
agents), the platform (apps up or down, outages, load), where each villager
is (when a villager on a trip is back home), the online propensities that
experience moves, the apps each villager has set up, and the request log.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import simpy

from govsim.model.calendar import DAY
from govsim.model.draws import draws_for
from govsim.model.log import RequestLog
from govsim.model.offices import BackOffice, Counter, open_offices
from govsim.model.plan import RunPlan
from govsim.model.resources import HandOffResource
from govsim.model.streams import Streams

__all__ = ["CLOSED", "Ctx", "DrawSource", "Platform", "Proxies", "RunState", "new_context"]

CLOSED = "closed"   # the value of a counter request turned away at closing time (a granted one has None)


class DrawSource(Protocol):
    """Per-request random numbers (govsim.model.draws.Draws; tests pass fixed ones)."""

    def exp(self, purpose: str, i: int, k: int) -> float:
        """The k-th standard exponential draw of request ``i`` for ``purpose``."""
        ...

    def uni(self, purpose: str, i: int, k: int) -> float:
        """The k-th uniform draw of request ``i`` for ``purpose``."""
        ...


@dataclass
class Platform:
    """The online apps: up or down, outages so far, attempts per hour and per sample interval."""

    up: list[bool]
    outages: list[tuple[float, float, int]] = field(default_factory=list)   # (start, end, app)
    rows: list[tuple[float, int, int, int, int]] = field(default_factory=list)   # samples
    interval_attempts: list[int] = field(default_factory=list)
    load_hour: list[int] = field(default_factory=list)
    load: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, apps: int) -> Platform:
        """A platform of ``apps`` apps, all up."""
        return cls([True] * apps, [], [], [0] * apps, [-1] * apps, [0] * apps)


@dataclass
class Proxies:
    """The village proxy agents (one resource per village) and their work so far."""

    agents: list[simpy.Resource]
    busy_min: float = 0.0
    tasks: int = 0


@dataclass
class RunState:
    """Everything that changes during one run."""

    env: simpy.Environment
    streams: Streams
    counters: list[Counter]
    backoffices: list[BackOffice]
    proxies: Proxies
    platform: Platform
    log: RequestLog
    home_at: dict[int, float]          # when a villager on a trip is back home, by request
    propensity: np.ndarray             # online propensity per villager (learnt)
    registered: np.ndarray             # [villager, app]: the villager has set the app up
    expected_wait: list[float]         # per counter: the smoothed wait villagers know of (minutes)
    closing: list[simpy.resources.resource.Request] = field(default_factory=list)   # today's visits


class Ctx:
    """What a request process reads: the plan, the state and the draws (plus shortcuts)."""

    __slots__ = ("always_open", "cal", "draws", "env", "log", "max_failed", "need_at", "plan", "react_max",
                 "spread", "state", "wait_weight")

    def __init__(self, plan: RunPlan, state: RunState, draws: DrawSource) -> None:
        self.plan = plan
        self.state = state
        self.draws = draws
        # Shortcuts read on every step of every request (one attribute look-up instead of three).
        self.env = state.env
        self.log = state.log
        self.cal = plan.cal
        # Each need's time (minutes, sorted): an ``array`` reads back Python floats as fast as a list,
        # in 8 bytes a need instead of 32.
        self.need_at = array("d", np.asarray(plan.needs.time, dtype=np.float64).tobytes())
        b = plan.scenario.behaviour
        self.always_open = plan.cal.always_open
        self.spread = b.arrival_spread
        self.max_failed = b.max_failed_trips
        self.react_max = b.reaction_days_max * DAY
        choice = plan.scenario.channels.choice
        self.wait_weight = choice.wait_smoothing if plan.multichannel else 0.0   # 0: no choice to inform


def new_context(plan: RunPlan, draws: DrawSource | None = None) -> Ctx:
    """A fresh state for ``plan`` (time 0, nothing logged) and the context of its processes."""
    env = simpy.Environment()
    streams = Streams(plan.seed)
    counters, backs = open_offices(env, plan.offices)
    pop = plan.pop
    agents: list[simpy.Resource] = ([HandOffResource(env, plan.proxies) for _ in range(len(pop.villages))]
                                    if plan.proxies else [])
    state = RunState(
        env=env, streams=streams, counters=counters, backoffices=backs, proxies=Proxies(agents),
        platform=Platform.of(plan.apps), log=RequestLog(len(plan.needs)), home_at={},
        propensity=np.zeros(pop.size), registered=np.zeros((pop.size, max(plan.apps, 1)), dtype=bool),
        expected_wait=[plan.scenario.channels.choice.wait_prior_min] * len(counters))
    if draws is None:
        draws = draws_for(plan.seed, [it.key for it in plan.scenario.items], plan.needs)
    return Ctx(plan, state, draws)
