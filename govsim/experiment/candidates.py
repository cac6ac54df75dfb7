"""Candidates of an optimisation, each one scenario run with the scenario engine.

A candidate is a set of lever values; its scenario is the experiment's base plus one
override per lever key. :class:`Candidates` runs it with
:func:`govsim.experiment.runner.run_scenarios` in the experiment's store, replication r
with the same seed for every candidate (common random numbers), so a candidate (or a
replication) already stored is never run again: a rerun, a repeated proposal and the
selection's first stage all reuse stored runs. Scenario loading is memoised, since
a candidate is loaded once per search, selection and final table; the default loader
is one :class:`~govsim.config.loader.ScenarioLoader` for the whole optimisation, so
the experiment's config groups are composed once, not once per candidate.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from govsim.experiment.optimise_spec import OptimiseSpec
from govsim.experiment.runner import LoadFn, run_scenarios
from govsim.experiment.spec import ExperimentSpec, ScenarioSpec

__all__ = ["Candidates", "candidate_id"]


def candidate_id(opt: OptimiseSpec, values: dict[str, float]) -> str:
    """A stable name for a set of lever values (the same values, the same name)."""
    text = json.dumps([opt.overrides(values)], sort_keys=True)
    return "c" + hashlib.sha1(text.encode()).hexdigest()[:10]


def _memo(load: LoadFn) -> LoadFn:
    cache: dict[tuple[str, ...], Any] = {}

    def cached(overrides: list[str]) -> Any:
        key = tuple(overrides)
        if key not in cache:
            cache[key] = load(overrides)
        return cache[key]

    return cached


class Candidates:
    """Runs candidates (one scenario each) in the experiment's store and reads their KPIs."""

    def __init__(self, spec: ExperimentSpec, opt: OptimiseSpec, run_kwargs: dict[str, Any],
                 default_load: Callable[[], LoadFn]) -> None:
        self.spec, self.opt = spec, opt
        self.kwargs = dict(run_kwargs)
        self.kwargs["load"] = _memo(run_kwargs.get("load") or default_load())
        self.failed: list[dict[str, Any]] = []
        self.runs_run = 0      # simulated in this session
        self.runs_skipped = 0  # found stored (a resumed search, a repeated proposal)

    def sub_spec(self, scenarios: tuple[ScenarioSpec, ...], replications: int) -> ExperimentSpec:
        """An ordinary scenario experiment over the given candidates."""
        kpis = tuple(dict.fromkeys([*(o.kpi for o in self.opt.objectives), *self.spec.kpis]))
        return dataclasses.replace(
            self.spec, kind="scenarios", scenarios=scenarios, baseline=scenarios[0].name,
            replications=replications, kpis=kpis, target_rel_halfwidth=None, target_kpi=None,
            max_replications=None, headline=None)

    def run(self, values: dict[str, float], replications: int) -> pd.DataFrame:
        """The tidy summary (scenario, replication, seed, kpi, value) of one candidate."""
        name = candidate_id(self.opt, values)
        sub = self.sub_spec((ScenarioSpec(name, self.opt.overrides(values)),), replications)
        result = run_scenarios(sub, **self.kwargs)
        self.failed += result.failed
        self.runs_run += result.runs_run
        self.runs_skipped += result.runs_skipped
        return result.summary

    def evaluate(self, values: dict[str, float]) -> dict[str, float]:
        """Objective means over the spec's replications; NaN if a run failed (a failed trial)."""
        summary = self.run(values, self.spec.replications)
        out = {}
        for o in self.opt.objectives:
            v = summary.loc[summary["kpi"] == o.kpi, "value"]
            complete = len(v) == self.spec.replications and v.notna().all()
            out[o.kpi] = float(v.mean()) if complete else math.nan
        return out

    def replications(self, values: dict[str, float], kpi: str, start: int, n: int) -> pd.Series:
        """Values of ``kpi`` in replications ``start .. start + n - 1`` (run if not stored)."""
        summary = self.run(values, start + n)
        rows = summary[(summary["kpi"] == kpi) & (summary["replication"] >= start)]
        return rows.sort_values("replication")["value"].reset_index(drop=True)
