"""Read stored results: an experiment directory, or a Hydra multirun directory.

The one reader of what an experiment stored; the report (:mod:`govsim.report.data`),
``govsim-compare`` and the experiment command all read through it. It never runs or
imports the model. An experiment directory (written by :mod:`govsim.store`
and the runner)::

    <out>/manifest.json, summary.parquet (or summary.csv), comparison.csv,
          runs/<key>/kpis.parquet, requests.parquet, ..., config.json, meta.json

A multirun directory (``govsim -m ...``) holds one job directory per run, each with
``kpis.csv`` and ``config.yaml``; jobs whose configs differ only in ``run.seed`` are
replications of one scenario.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pandas.api.types import is_numeric_dtype

from govsim.errors import ScenarioError
from govsim.store import canonical_json

__all__ = [
    "SUMMARY_COLUMNS",
    "failed_runs",
    "finished_runs",
    "is_experiment_dir",
    "load_multirun_dir",
    "load_summary",
    "read_manifest",
    "read_run_config",
    "read_run_frame",
    "read_summary",
]

SUMMARY_COLUMNS = ["scenario", "replication", "seed", "kpi", "value"]


def is_experiment_dir(path: Path) -> bool:
    """Whether ``path`` holds an experiment's summary (Parquet or CSV)."""
    return (path / "summary.parquet").is_file() or (path / "summary.csv").is_file()


def read_manifest(out: Path) -> dict[str, Any]:
    """The experiment's ``manifest.json`` ({} if there is none)."""
    path = out / "manifest.json"
    if not path.is_file():
        return {}
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def read_summary(out: Path) -> pd.DataFrame:
    """The tidy summary (scenario, replication, seed, kpi, value); empty if not stored."""
    if (out / "summary.parquet").is_file():
        return pd.read_parquet(out / "summary.parquet")
    if (out / "summary.csv").is_file():
        return pd.read_csv(out / "summary.csv")
    return pd.DataFrame(columns=SUMMARY_COLUMNS)


def finished_runs(out: Path | None) -> int:
    """How many runs are completely stored under ``out`` (their ``meta.json`` exists)."""
    if out is None or not (out / "runs").is_dir():
        return 0
    return sum(1 for _ in (out / "runs").glob("*/meta.json"))


def failed_runs(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The runs the manifest records as failed (scenario, replication, seed, key, error)."""
    return [r for r in manifest.get("runs") or [] if r.get("status") == "failed"]


def _run_path(out: Path, run: dict[str, Any], name: str) -> Path:
    return out / "runs" / str(run.get("key")) / name


def read_run_frame(out: Path, runs: Iterable[dict[str, Any]], name: str,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """One per-run table (e.g. ``requests``) of every stored run, with scenario and replication.

    Only ``columns`` that exist are read; runs without the table (or failed runs) are left
    out; categorical columns become plain values (categories differ between runs).
    Returns an empty frame if no run stored the table.
    """
    parts = []
    for run in runs:
        path = _run_path(out, run, f"{name}.parquet")
        if not path.is_file():
            continue
        cols = None
        if columns is not None:
            import pyarrow.parquet as pq

            have = set(pq.read_schema(path).names)
            cols = [c for c in columns if c in have]
            if not cols:
                continue
        df = pd.read_parquet(path, columns=cols)
        df.insert(0, "replication", int(run.get("replication", 0)))
        df.insert(0, "scenario", str(run.get("scenario")))
        parts.append(df)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(str)
    return frame


def read_run_config(out: Path, runs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The ``config.json`` of the first stored run among ``runs`` ({} if none is stored)."""
    for run in runs:
        path = _run_path(out, run, "config.json")
        if path.is_file():
            config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return config
    return {}


def _read_kpis_csv(path: Path) -> pd.Series:
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
        groups.setdefault(key, []).append((seed, job.name, _read_kpis_csv(kpi_file)))
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


def load_summary(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The tidy summary of an experiment or multirun directory, and its baseline if declared.

    Raises :class:`ScenarioError` if ``path`` is not a directory or holds no results.
    """
    if not path.is_dir():
        raise ScenarioError("path", str(path), "must be an existing directory")
    if not is_experiment_dir(path):
        return load_multirun_dir(path), None
    baseline = (read_manifest(path).get("experiment") or {}).get("baseline")
    return read_summary(path), (str(baseline) if baseline else None)
