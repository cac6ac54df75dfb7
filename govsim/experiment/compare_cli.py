"""``govsim-compare PATH...``: compare stored results after the fact.

Each PATH is an experiment output directory (holding ``summary.parquet`` or
``summary.csv``) or a Hydra multirun directory whose job subdirectories hold
``kpis.csv`` and ``config.yaml``. Jobs whose configs differ only in ``run.seed``
are replications of one scenario; other jobs are separate scenarios.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pandas.api.types import is_numeric_dtype

from govsim.errors import ScenarioError
from govsim.experiment.compare import comparison_table, format_comparison
from govsim.experiment.store import canonical_json

__all__ = ["load_experiment_dir", "load_multirun_dir", "load_results", "main"]


def load_experiment_dir(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The tidy summary of an experiment directory and its baseline (from the manifest)."""
    parquet, csv = path / "summary.parquet", path / "summary.csv"
    summary = pd.read_parquet(parquet) if parquet.is_file() else pd.read_csv(csv)
    baseline = None
    manifest = path / "manifest.json"
    if manifest.is_file():
        baseline = json.loads(manifest.read_text(encoding="utf-8"))["experiment"]["baseline"]
    return summary, baseline


def _read_kpis(path: Path) -> pd.Series:
    df = pd.read_csv(path)
    if {"kpi", "value"} <= set(df.columns):
        return pd.Series(df["value"].to_numpy(float), index=df["kpi"].astype(str))
    if df.shape[1] == 2 and not is_numeric_dtype(df.iloc[:, 0]):  # a Series via to_csv
        return pd.Series(df.iloc[:, 1].to_numpy(float), index=df.iloc[:, 0].astype(str))
    return df.iloc[0].astype(float)  # one wide row


def _job_name(job: Path, config: dict[str, Any]) -> str:
    ovs_file = job / ".hydra" / "overrides.yaml"
    if ovs_file.is_file():
        ovs = [o for o in (yaml.safe_load(ovs_file.read_text()) or [])
               if not str(o).startswith(("run.seed=", "seed="))]
        if ovs:
            return ",".join(str(o) for o in ovs)
    return str(config.get("name") or job.name)


def load_multirun_dir(path: Path) -> pd.DataFrame:
    """A tidy summary from a Hydra multirun directory (one scenario per distinct config)."""
    groups: dict[str, list[tuple[int, str, pd.Series]]] = {}
    names: dict[str, str] = {}
    for kpi_file in sorted(path.rglob("kpis.csv")):
        job = kpi_file.parent
        cfg_file = job / "config.yaml"
        if not cfg_file.is_file():
            cfg_file = job / ".hydra" / "config.yaml"
        if not cfg_file.is_file():
            continue
        config = yaml.safe_load(cfg_file.read_text(encoding="utf-8")) or {}
        run = dict(config.get("run") or {})
        seed = int(run.pop("seed", 0) or 0)
        key = canonical_json({**config, "run": run})
        groups.setdefault(key, []).append((seed, job.name, _read_kpis(kpi_file)))
        names.setdefault(key, _job_name(job, config))
    frames = []
    used: set[str] = set()
    for key, jobs in groups.items():
        name = names[key] if names[key] not in used else f"{names[key]}#{len(used)}"
        used.add(name)
        for r, (seed, _, kpis) in enumerate(sorted(jobs, key=lambda j: (j[0], j[1]))):
            frames.append(pd.DataFrame({"scenario": name, "replication": r, "seed": seed,
                                        "kpi": kpis.index, "value": kpis.to_numpy(float)}))
    if not frames:
        raise ScenarioError("path", str(path), "no kpis.csv with config.yaml found under it")
    return pd.concat(frames, ignore_index=True)


def load_results(paths: list[Path]) -> tuple[pd.DataFrame, str | None]:
    """Concatenate the summaries of several directories; prefix clashing scenario names."""
    frames, baseline = [], None
    seen: set[str] = set()
    for path in paths:
        if not path.is_dir():
            raise ScenarioError("path", str(path), "must be an existing directory")
        if (path / "summary.parquet").is_file() or (path / "summary.csv").is_file():
            summary, base = load_experiment_dir(path)
        else:
            summary, base = load_multirun_dir(path), None
        clash = set(summary["scenario"]) & seen
        if clash:
            summary = summary.assign(scenario=path.name + "/" + summary["scenario"].astype(str))
            base = f"{path.name}/{base}" if base else None
        seen |= set(summary["scenario"])
        baseline = baseline or base
        frames.append(summary)
    return pd.concat(frames, ignore_index=True), baseline


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``govsim-compare`` console script."""
    parser = argparse.ArgumentParser(prog="govsim-compare", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="experiment or multirun dirs")
    parser.add_argument("--baseline", help="scenario to compare against (default: the "
                        "experiment's baseline, else the first scenario)")
    parser.add_argument("--kpi", action="append", help="KPI to include (repeatable)")
    parser.add_argument("--out", type=Path, help="also write the comparison to this CSV")
    ns = parser.parse_args(argv)
    try:
        summary, baseline = load_results(ns.paths)
        scenarios = list(pd.unique(summary["scenario"]))
        base = ns.baseline or baseline or scenarios[0]
        if base not in scenarios:
            raise ScenarioError("--baseline", base, f"must be one of {scenarios}")
        kpis = ns.kpi or None
        if kpis and (missing := sorted(set(kpis) - set(summary["kpi"]))):
            allowed = sorted(set(summary["kpi"]))
            raise ScenarioError("--kpi", missing[0], f"must be one of {allowed}")
        table = comparison_table(summary, base, kpis)
    except ScenarioError as exc:
        print(f"govsim-compare: error: {exc}", file=sys.stderr)
        return 2
    print(format_comparison(table))
    if ns.out:
        table.to_csv(ns.out, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
