"""The experiment manifest: what was run, with which code, configs and seeds."""

from __future__ import annotations

import time
from typing import Any

from govsim.experiment.spec import ExperimentSpec
from govsim.provenance import provenance

__all__ = ["build_manifest", "scenario_config", "scenario_records"]


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
        "scenarios": scenario_records(plans, spec.baseline),
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


def _flat(cfg: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(cfg, dict) or (not cfg and prefix):
        return {prefix: cfg}
    out: dict[str, Any] = {}
    for k, v in cfg.items():
        out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def scenario_records(plans: list[tuple[str, list[str], dict[str, Any]]],
                     baseline: str | None) -> dict[str, dict[str, Any]]:
    """Each scenario's overrides and resolved config, the config stored once.

    The reference scenario (the baseline, else the first) keeps its whole resolved
    config; every other one stores only ``config_changes``, the dotted keys whose
    resolved value differs from the reference, and ``config_removed``, the keys only
    the reference has. A design of hundreds of points thus
    records every config without repeating it hundreds of times.
    :func:`scenario_config` rebuilds any scenario's config.
    """
    if not plans:
        return {}
    ref = next((p for p in plans if p[0] == baseline), plans[0])
    ref_flat = _flat(ref[2])
    records: dict[str, dict[str, Any]] = {}
    for name, ovs, cfg in plans:
        if name == ref[0]:
            records[name] = {"overrides": ovs, "config": cfg}
            continue
        flat = _flat(cfg)
        changes = {k: v for k, v in flat.items() if k not in ref_flat or ref_flat[k] != v}
        records[name] = {"overrides": ovs, "config_of": ref[0], "config_changes": changes,
                         "config_removed": sorted(k for k in ref_flat if k not in flat)}
    return records


def scenario_config(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    """The resolved config of scenario ``name`` recorded in ``manifest`` ({} if none)."""
    scenarios = manifest.get("scenarios") or {}
    rec = scenarios.get(name) or {}
    if isinstance(rec.get("config"), dict):
        return dict(rec["config"])
    ref = scenarios.get(rec.get("config_of", "")) or {}
    if not isinstance(ref.get("config"), dict):
        return {}
    flat = {**_flat(ref["config"]), **rec.get("config_changes", {})}
    for key in rec.get("config_removed", []):
        flat.pop(key, None)
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out
