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
    A simulation that raises is recorded, as desmod does, in the returned meta
    (``status: failed`` and the error) and nothing is stored, so a rerun retries it.
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
        return _simulate_and_store(task, store)
    finally:
        store.release(task.key)


def _simulate_and_store(task: RunTask, store: RunStore) -> dict[str, Any]:
    start = time.perf_counter()
    meta: dict[str, Any] = {"key": task.key, "seed": task.seed, "govsim_version": task.version,
                            "model_fingerprint": task.fingerprint,
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
