"""A stored experiment directory (never the model): manifest, summary, comparison, runs.

Figures and reports read only what :mod:`govsim.store` wrote, through
the one reader :mod:`govsim.experiment.stored`::

    <out>/manifest.json, summary.parquet, comparison.csv, runs/<key>/*.parquet
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.experiment.compare import comparison_table
from govsim.experiment.manifest import scenario_config
from govsim.experiment.stats import describe
from govsim.experiment.stored import (
    failed_runs,
    read_manifest,
    read_run_config,
    read_run_frame,
    read_summary,
)

__all__ = ["StoredExperiment", "load_experiment"]


@dataclass
class StoredExperiment:
    """One experiment as stored on disk."""

    out_dir: Path
    manifest: dict[str, Any]
    summary: pd.DataFrame
    comparison: pd.DataFrame
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def spec(self) -> dict[str, Any]:
        """The experiment spec as recorded in the manifest (a plain dict)."""
        spec: dict[str, Any] = self.manifest.get("experiment") or {}
        return spec

    @property
    def name(self) -> str:
        """The experiment's name (the directory name if the manifest has none)."""
        return str(self.spec.get("name") or self.out_dir.name)

    @property
    def question(self) -> str:
        """The experiment's question, one sentence."""
        return str(self.spec.get("question") or "")

    def question_in(self, lang: str) -> str:
        """The question in ``lang`` ("zh" falls back to English when the spec has none)."""
        zh = str(self.spec.get("question_zh") or "")
        return zh if lang == "zh" and zh else self.question

    @property
    def baseline(self) -> str:
        """The baseline scenario."""
        if self.spec.get("baseline"):
            return str(self.spec["baseline"])
        if "baseline" in self.comparison and len(self.comparison):
            return str(self.comparison["baseline"].iloc[0])
        return str(self.scenarios[0]) if self.scenarios else ""

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in declaration order."""
        names = [s["name"] for s in self.spec.get("scenarios") or [] if "name" in s]
        if names:
            return names
        if "scenario" in self.summary:
            return [str(s) for s in pd.unique(self.summary["scenario"])]
        return []

    @property
    def kpis(self) -> list[str]:
        """The KPIs the experiment compares (the spec's list, else those in the comparison)."""
        declared = [str(k) for k in self.spec.get("kpis") or []]
        if declared:
            return declared
        if "kpi" in self.comparison:
            return [str(k) for k in pd.unique(self.comparison["kpi"])]
        return []

    def runs(self) -> list[dict[str, Any]]:
        """The manifest's run list (scenario, replication, seed, key, status, wall_seconds)."""
        runs: list[dict[str, Any]] = self.manifest.get("runs") or []
        return runs

    def config(self, scenario: str | None = None) -> dict[str, Any]:
        """The resolved config of ``scenario`` (default: the baseline), or {} if not stored."""
        scenarios = self.manifest.get("scenarios") or {}
        name = scenario or self.baseline
        if name not in scenarios:
            name = next(iter(scenarios), "")
        cfg = scenario_config(self.manifest, name) if name else {}
        return cfg or read_run_config(self.out_dir, self.runs())

    def frame(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """One per-run table (e.g. ``requests``) for every run, with scenario and replication.

        Only ``columns`` that exist are read. Returns an empty frame if no run stored it.
        """
        cache_key = f"{name}:{columns}"
        if cache_key not in self._cache:
            self._cache[cache_key] = read_run_frame(self.out_dir, self.runs(), name, columns)
        return self._cache[cache_key]

    def failed_runs(self) -> list[dict[str, Any]]:
        """Runs that raised (scenario, replication, seed, error); they are not in the summary."""
        return failed_runs(self.manifest)


def load_experiment(out_dir: str | Path) -> StoredExperiment:
    """Load a stored experiment directory.

    The comparison is recomputed from ``summary.parquet`` (so every number in a report
    follows the stored replications); ``comparison.csv`` is used only when there is no
    summary. Raises FileNotFoundError if the directory holds neither.
    """
    out = Path(out_dir).resolve()
    manifest = read_manifest(out)
    summary = read_summary(out)
    spec = manifest.get("experiment") or {}
    baseline = str(spec.get("baseline") or (summary["scenario"].iloc[0] if len(summary) else ""))
    if not summary.empty and baseline in set(summary["scenario"]):
        kpis = [k for k in spec.get("kpis") or [] if k in set(summary["kpi"])] or None
        comparison = comparison_table(summary, baseline, kpis)
    elif (out / "comparison.csv").is_file():
        comparison = pd.read_csv(out / "comparison.csv")
    elif not summary.empty:  # no baseline among the runs: means and intervals only
        comparison = describe(summary)
    else:
        raise FileNotFoundError(f"{out} holds no summary.parquet or comparison.csv "
                                "(is it an experiment directory?)")
    return StoredExperiment(out, manifest, summary, comparison)
