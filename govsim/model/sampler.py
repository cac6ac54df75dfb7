"""Time series of queues, back-office backlog and open requests, sampled at an interval."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pandas as pd

from govsim.model.calendar import DAY
from govsim.model.offices import BackOffice, Counter
from govsim.model.records import categorical

if TYPE_CHECKING:
    from govsim.model.world import World

__all__ = ["Sampler"]


class Sampler:
    """Samples, every ``run.sample_interval_min``, each office group's state."""

    def __init__(self, world: World) -> None:
        self.world = world
        counters: dict[str, list[Counter]] = defaultdict(list)
        backs: dict[str, list[BackOffice]] = defaultdict(list)
        for c in world.offices.counters:
            counters[c.name].append(c)
        for b in world.offices.backoffices:
            backs[b.dept].append(b)
        self.groups = sorted(set(counters) | set(backs))
        self.counters = [counters.get(g, []) for g in self.groups]
        self.backs = [backs.get(g, []) for g in self.groups]
        self.rows: list[tuple[float, int, int, int, int]] = []

    def process(self) -> Generator[Any, Any, None]:
        """The SimPy process that takes the samples."""
        env = self.world.env
        interval = self.world.scenario.run.sample_interval_min
        rows = self.rows
        while True:
            t = env.now / DAY
            for g, (cs, bs) in enumerate(zip(self.counters, self.backs, strict=True)):
                queue = sum(len(c.windows.queue) for c in cs)
                busy = sum(c.windows.count for c in cs)
                backlog = sum(b.backlog for b in bs)
                rows.append((t, g, queue, busy, backlog))
            yield env.timeout(interval)

    def frame(self) -> pd.DataFrame:
        """The samples as a tidy DataFrame (time_day, office, queue, in_service, backlog)."""
        df = pd.DataFrame(self.rows, columns=["time_day", "office", "queue", "in_service", "backlog"])
        df["office"] = categorical(df["office"].to_numpy(), self.groups)
        return df
