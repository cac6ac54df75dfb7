"""Time series of queues, back-office backlog and open requests, sampled at an interval."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Generator
from typing import Any

import numpy as np
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
        # The samples, one typed array per column (a county-year takes about 90,000: as tuples
        # of Python numbers they held 10 MB, as arrays 3).
        self.time_day: array[float] = array("d")
        self.office: array[int] = array("q")
        self.queue: array[int] = array("q")
        self.in_service: array[int] = array("q")
        self.backlog: array[int] = array("q")

    def process(self, env: simpy.Environment, interval: float) -> Generator[Any, Any, None]:
        """The SimPy process that takes the samples."""
        groups = list(enumerate(zip(self._windows, self._backs, strict=True)))
        times, offices, queues, in_service, backlogs = (
            self.time_day, self.office, self.queue, self.in_service, self.backlog)
        while True:
            t = env.now / DAY
            for g, (ws, bs) in groups:
                queue = busy = backlog = 0
                for w in ws:
                    queue += len(w.queue)
                    busy += len(w.users)      # Resource.count, without the property call
                for b in bs:
                    backlog += b.backlog
                times.append(t)
                offices.append(g)
                queues.append(queue)
                in_service.append(busy)
                backlogs.append(backlog)
            yield env.timeout(interval)

    def frame(self) -> pd.DataFrame:
        """The samples as a tidy DataFrame (time_day, office, queue, in_service, backlog)."""
        return pd.DataFrame({
            "time_day": np.array(self.time_day, dtype=np.float64),
            "office": categorical(self.office, self.groups),
            "queue": np.array(self.queue, dtype=np.int64),
            "in_service": np.array(self.in_service, dtype=np.int64),
            "backlog": np.array(self.backlog, dtype=np.int64),
        })
