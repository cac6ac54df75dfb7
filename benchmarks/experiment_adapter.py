"""Adapter from a benchmark case to govsim's experiment layer (`run_experiment`).

Kept apart so that only this file changes if the experiment API changes. Any exception
(the experiment layer or the core not there yet) makes `run.py` report the case as
"not available".
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any


def build_spec(case: dict[str, Any]) -> Any:
    """One scenario (the case's overrides) times `replications` seeds."""
    import govsim.run  # noqa: F401  (the model: imported before the clock, like every case)
    from govsim.experiment import load_spec, run_experiment

    del run_experiment  # imported here so that the timed run does not pay for the import

    return load_spec(
        {
            "name": f"bench_{case['executor']}",
            "question": "benchmark: serial vs processes executor",
            "base": list(case["overrides"]),
            "scenarios": [{"name": "base", "overrides": []}],
            "baseline": "base",
            "replications": int(case["replications"]),
            "base_seed": 20261124,
        }
    )


def run(spec: Any, executor: str, out_dir: Path, workers: int) -> int:
    """Run the experiment from scratch in `out_dir`; return the number of runs done."""
    from govsim.experiment import run_experiment

    shutil.rmtree(out_dir, ignore_errors=True)  # a stored run would be skipped, not timed
    result = run_experiment(
        spec,
        executor=executor,
        out_dir=out_dir,
        progress=False,
        workers=None if executor == "serial" else workers,
    )
    return int(result.runs_run)
