"""One worker task: run one (scenario, seed), store its files, return small metadata."""

from __future__ import annotations

import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.experiment.store import RunStore

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
    """Run the simulation, write the run directory (``meta.json`` last), return its meta.

    A simulation that raises is recorded, as desmod does, in the returned meta
    (``status: failed`` and the error) and nothing is stored, so a rerun retries it.
    """
    store = RunStore(task.root)
    if store.is_done(task.key):  # another worker or an earlier attempt finished it
        return store.read_meta(task.key)
    start = time.perf_counter()
    meta: dict[str, Any] = {"key": task.key, "seed": task.seed, "govsim_version": task.version,
                            "host": socket.gethostname(), "pid": os.getpid()}
    try:
        result = task.simulate(task.scenario, task.seed)
        frames = _frames(result)
    except Exception as exc:  # any model error: the experiment goes on without this run
        return {**meta, "status": "failed", "error": _error(exc),
                "wall_seconds": time.perf_counter() - start,
                "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    meta["wall_seconds"] = float(getattr(result, "wall_seconds", time.perf_counter() - start))
    meta["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    store.write_run(task.key, frames, task.config, meta)
    return meta


def _error(exc: BaseException) -> str:
    """``Type: message`` and the innermost frame that raised (file:line in function)."""
    text = f"{type(exc).__name__}: {exc}".strip()
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        last = frames[-1]
        text += f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"
    return text
