"""One worker task: run one (scenario, seed), store its files, return small metadata."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govsim.store import OK, RunStore

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
    fingerprint: str | None = None  # of the model code; a run stored by other code is redone


def _frames(result: Any) -> dict[str, pd.DataFrame]:
    kpis = pd.Series(result.kpis, dtype=float)
    frames = {"kpis": pd.DataFrame({"kpi": kpis.index.astype(str), "value": kpis.to_numpy()})}
    for name in _FRAMES:
        frame = getattr(result, name, None)
        if isinstance(frame, pd.DataFrame):
            frames[name] = frame
    return frames


def run_task(task: RunTask, poll_seconds: float = 0.2) -> dict[str, Any]:
    """Run the simulation, write the run directory (``meta.json`` last), return its meta.

    A run another process has claimed is waited for, then reused (``"reused": True``
    in the returned meta); a stored run that checks out is reused the same way.
    """
    store = RunStore(task.root)
    while not store.claim(task.key):
        if store.check(task.key, task.fingerprint) == OK:
            return {**store.read_meta(task.key), "reused": True}
        time.sleep(poll_seconds)  # another process is computing it
    try:
        if store.check(task.key, task.fingerprint) == OK:  # finished by an earlier attempt
            return {**store.read_meta(task.key), "reused": True}
        store.discard(task.key)
        start = time.perf_counter()
        result = task.simulate(task.scenario, task.seed)
        sim_wall = float(getattr(result, "wall_seconds", time.perf_counter() - start))
        meta = {
            "key": task.key,
            "seed": task.seed,
            "govsim_version": task.version,
            "model_fingerprint": task.fingerprint,
            "wall_seconds": sim_wall,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        store.write_run(task.key, _frames(result), task.config, meta)
        return meta
    finally:
        store.release(task.key)
