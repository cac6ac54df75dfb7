"""Adapter from a benchmark case to govsim's experiment layer (`run_experiment`).

Kept apart so that only this file changes if the experiment API changes. Raises
ImportError/AttributeError when the experiment layer is not there yet; `run.py` then
reports the case as "not available".
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from typing import Any


def build_spec(case: dict[str, Any]) -> Any:
    """One scenario (the case's overrides) times `replications` seeds."""
    from govsim import experiment

    raw = {
        "name": f"bench_{case['executor']}",
        "scenarios": {"base": list(case["overrides"])},
        "replications": int(case["replications"]),
    }
    for name in ("ExperimentSpec", "Experiment"):
        cls = getattr(experiment, name, None)
        if cls is not None:
            if hasattr(cls, "from_dict"):
                return cls.from_dict(raw)
            return cls(**raw)
    return raw


def run(spec: Any, executor: str, out_dir: Path, workers: int) -> int:
    """Run the experiment from scratch in `out_dir`; return the number of runs finished."""
    from govsim.experiment import run_experiment

    shutil.rmtree(out_dir, ignore_errors=True)
    kwargs: dict[str, Any] = {"executor": executor, "out_dir": out_dir}
    params = inspect.signature(run_experiment).parameters
    for key in ("workers", "max_workers", "n_workers", "processes"):
        if key in params:
            kwargs[key] = workers
            break
    result = run_experiment(spec, **kwargs)
    for attr in ("runs", "results", "kpis"):
        value = getattr(result, attr, None)
        if value is not None and hasattr(value, "__len__"):
            return len(value)
    return int(getattr(spec, "replications", 0) or 0)
