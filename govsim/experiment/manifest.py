"""The experiment manifest: what was run, with which code, configs and seeds."""

from __future__ import annotations

import time
from typing import Any

from govsim.experiment.spec import ExperimentSpec
from govsim.provenance import provenance

__all__ = ["build_manifest"]


def build_manifest(
    spec: ExperimentSpec,
    *,
    size: str,
    executor: str,
    workers: int | None,
    address: str | None,
    base_overrides: list[str],
    plans: list[tuple[str, list[str], dict[str, Any]]],
    runs: list[dict[str, Any]],
    replications: int,
    started: float,
) -> dict[str, Any]:
    """A JSON-able record of an experiment, written beside its results."""
    prov = provenance()
    seeds: dict[str, list[int]] = {}
    for run in runs:
        seeds.setdefault(run["scenario"], []).append(run["seed"])
    walls = [r["wall_seconds"] for r in runs if r["status"] == "run" and r["wall_seconds"]]
    return {
        "experiment": spec.to_dict(),
        "size": size,
        "replications": replications,
        "common_random_numbers": spec.crn,
        "executor": {"name": executor, "workers": workers, "address": address},
        "base_overrides": base_overrides,
        "scenarios": {name: {"overrides": ovs, "config": cfg} for name, ovs, cfg in plans},
        "seeds": seeds,
        "govsim_version": prov["govsim_version"],
        "git": prov["git"],
        "provenance": prov,
        "runs": runs,
        "runs_run": sum(r["status"] == "run" for r in runs),
        "runs_skipped": sum(r["status"] == "skipped" for r in runs),
        "run_wall_seconds_total": float(sum(walls)),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "elapsed_seconds": round(time.time() - started, 3),
    }
