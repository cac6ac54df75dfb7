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


def _job_overrides(job: Path) -> list[str]:
    ovs_file = job / ".hydra" / "overrides.yaml"
    if not ovs_file.is_file():
        return []
    return [str(o) for o in (yaml.safe_load(ovs_file.read_text(encoding="utf-8")) or [])
            if not str(o).startswith(("run.seed=", "seed="))]


def _natural(path: Path) -> list[tuple[int, str]]:
    return [(int(p), "") if p.isdigit() else (-1, p) for p in path.parts]


def _scenario_names(groups: dict[str, list[str]], fallback: dict[str, str]) -> dict[str, str]:
    """Name each group by its overrides, leaving out those every group shares."""
    common = set.intersection(*(set(o) for o in groups.values())) if groups else set()
    names: dict[str, str] = {}
    for key, ovs in groups.items():
        name = ",".join(o for o in ovs if o not in common) or fallback[key]
        names[key] = name if name not in names.values() else f"{name}#{len(names)}"
    return names


def load_multirun_dir(path: Path) -> pd.DataFrame:
    """A tidy summary from a Hydra multirun directory (one scenario per distinct config)."""
    groups: dict[str, list[tuple[int, str, pd.Series]]] = {}
    overrides: dict[str, list[str]] = {}
    fallback: dict[str, str] = {}
    for kpi_file in sorted(path.rglob("kpis.csv"), key=_natural):
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
        overrides.setdefault(key, _job_overrides(job))
        fallback.setdefault(key, str(config.get("name") or job.name))
    names = _scenario_names(overrides, fallback)
    frames = []
    for key, jobs in groups.items():
        for r, (seed, _, kpis) in enumerate(sorted(jobs, key=lambda j: (j[0], j[1]))):
            frames.append(pd.DataFrame({"scenario": names[key], "replication": r, "seed": seed,
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
