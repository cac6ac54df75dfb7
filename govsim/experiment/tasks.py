"""One worker task: run one (scenario, seed), store its files, return small metadata."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govsim.store import RunStore

__all__ = ["RunTask", "run_task"]

_FRAMES = ("requests", "timeseries", "utilisation")


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs; pickles to any executor."""

    key: str
    scenario: Any
    config: dict[str, Any]
    seed: int
    root: str
    version: str
    simulate: Callable[[Any, int], Any]


def _frames(result: Any) -> dict[str, pd.DataFrame]:
    kpis = pd.Series(result.kpis, dtype=float)
    frames = {"kpis": pd.DataFrame({"kpi": kpis.index.astype(str), "value": kpis.to_numpy()})}
    for name in _FRAMES:
        frame = getattr(result, name, None)
        if isinstance(frame, pd.DataFrame):
            frames[name] = frame
    return frames


def run_task(task: RunTask) -> dict[str, Any]:
    """Run the simulation, write the run directory (``meta.json`` last), return its meta."""
    store = RunStore(task.root)
    if store.is_done(task.key):  # another worker or an earlier attempt finished it
        return store.read_meta(task.key)
    start = time.perf_counter()
    result = task.simulate(task.scenario, task.seed)
    sim_wall = float(getattr(result, "wall_seconds", time.perf_counter() - start))
    meta = {
        "key": task.key,
        "seed": task.seed,
        "govsim_version": task.version,
        "wall_seconds": sim_wall,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    store.write_run(task.key, _frames(result), task.config, meta)
    return meta
