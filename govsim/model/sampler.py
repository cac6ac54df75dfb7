"""Time series of queues, back-office backlog and open requests, sampled at an interval."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator
from typing import Any

import pandas as pd
import simpy

from govsim.model.calendar import DAY
from govsim.model.log import categorical
from govsim.model.offices import BackOffice, Counter

__all__ = ["Sampler"]


class Sampler:
    """Samples, every ``run.sample_interval_min``, each office group's state."""

    def __init__(self, counter_list: list[Counter], backoffice_list: list[BackOffice]) -> None:
        counters: dict[str, list[Counter]] = defaultdict(list)
        backs: dict[str, list[BackOffice]] = defaultdict(list)
        for c in counter_list:
            counters[c.name].append(c)
        for b in backoffice_list:
            backs[b.dept].append(b)
        self.groups = sorted(set(counters) | set(backs))
        # Per group: the counters' window resources and the back offices (a county has
        # about 500 of each, read at every sample).
        self._windows = [[c.windows for c in counters.get(g, [])] for g in self.groups]
        self._backs = [backs.get(g, []) for g in self.groups]
        self.rows: list[tuple[float, int, int, int, int]] = []

    def process(self, env: simpy.Environment, interval: float) -> Generator[Any, Any, None]:
        """The SimPy process that takes the samples."""
        rows = self.rows
        groups = list(enumerate(zip(self._windows, self._backs, strict=True)))
        while True:
            t = env.now / DAY
            for g, (ws, bs) in groups:
                queue = busy = backlog = 0
                for w in ws:
                    queue += len(w.queue)
                    busy += len(w.users)      # Resource.count, without the property call
                for b in bs:
                    backlog += b.backlog
                rows.append((t, g, queue, busy, backlog))
            yield env.timeout(interval)

    def frame(self) -> pd.DataFrame:
        """The samples as a tidy DataFrame (time_day, office, queue, in_service, backlog)."""
        df = pd.DataFrame(self.rows, columns=["time_day", "office", "queue", "in_service", "backlog"])
        df["office"] = categorical(df["office"].to_numpy(), self.groups)
        return df
