"""Run the scenarios of an experiment: validate each, run missing replications, compare.

:func:`run_scenarios` is the engine for a spec whose scenarios are declared; designs
that generate scenarios (Morris screening, :mod:`govsim.experiment.sensitivity`) sit on
top of it, and :func:`govsim.experiment.run_experiment` dispatches by the spec's kind.
A run that raises is recorded as failed (with its error) and is not stored; the
experiment goes on without it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
from tqdm import tqdm

from govsim.errors import ScenarioError
from govsim.experiment.compare import COMPARISON_COLUMNS, comparison_table, format_comparison
from govsim.experiment.executors import MapFn, check_executor, make_executor
from govsim.experiment.manifest import build_manifest
from govsim.experiment.seeds import replication_seed
from govsim.experiment.sequential import next_replications, precision
from govsim.experiment.spec import ExperimentSpec
from govsim.experiment.stats import describe
from govsim.experiment.tasks import RunTask, run_task
from govsim.provenance import model_fingerprint
from govsim.store import DAMAGED, MODEL_CHANGED, OK, RunStore, run_key

__all__ = ["ExperimentResult", "merge_overrides", "run_scenarios"]

SimulateFn = Callable[[Any, int], Any]
LoadFn = Callable[[list[str]], Any]


@dataclass
class ExperimentResult:
    """What an experiment produced; everything is also stored under ``out_dir``."""

    spec: ExperimentSpec
    out_dir: Path
    summary: pd.DataFrame
    stats: pd.DataFrame
    comparison: pd.DataFrame
    manifest: dict[str, Any] = field(repr=False)
    runs_run: int = 0
    runs_skipped: int = 0
    runs_damaged: int = 0        # stored runs found damaged and recomputed (among runs_run)
    runs_model_changed: int = 0  # stored runs of other model code, recomputed (among runs_run)
    failed: list[dict[str, Any]] = field(default_factory=list)  # runs that raised, with error

    def table(self) -> str:
        """The comparison as printable text."""
        return format_comparison(self.comparison)


def merge_overrides(*groups: Sequence[str]) -> list[str]:
    """Concatenate override lists; a later override of the same key replaces an earlier one."""
    merged: dict[str, str] = {}
    for group in groups:
        for ov in group:
            key = ov.split("=", 1)[0].lstrip("+~")
            merged.pop(key, None)
            merged[key] = ov
    return list(merged.values())


def _core(name: str) -> Any:
    """A name of the core API (None if absent), imported late so tests can run without it."""
    import govsim

    return getattr(govsim, name, None)


def _default_load() -> LoadFn:
    """:func:`govsim.load_scenario`, through a :class:`~govsim.config.loader.ScenarioLoader`.

    The loader gives the same scenarios and errors, composing each set of config-group
    choices once instead of once per scenario (a design's hundreds of points differ
    only in values). One loader per call: its composed configs last as long as it does.
    """
    fn: LoadFn = _core("load_scenario")
    from govsim.config.compose import load_scenario

    if fn is load_scenario:
        from govsim.config.loader import ScenarioLoader

        return ScenarioLoader()
    return fn


def _default_simulate() -> SimulateFn:
    fn: SimulateFn = _core("simulate")
    return fn


def _load_one(load: LoadFn, name: str, overrides: list[str]) -> Any:
    try:
        return load(overrides)
    except ScenarioError:
        raise
    except Exception as exc:  # Hydra/OmegaConf composition errors: report as a user error
        if type(exc).__module__.split(".")[0] not in {"hydra", "omegaconf"}:
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ScenarioError(f"scenarios.{name}", " ".join(overrides), first) from exc


@dataclass(frozen=True)
class _Planned:
    scenario: str
    index: int
    overrides: list[str]
    obj: Any
    config: dict[str, Any]


def _plan(spec: ExperimentSpec, base_overrides: Sequence[str], load: LoadFn) -> list[_Planned]:
    """Load (and so validate) every scenario before any run starts."""
    out = []
    for i, sc in enumerate(spec.scenarios):
        ovs = merge_overrides(spec.base, base_overrides, sc.overrides)
        obj = _load_one(load, sc.name, ovs)
        out.append(_Planned(sc.name, i, ovs, obj, obj.to_dict()))
    return out


def _check_kpis(spec: ExperimentSpec, known: set[str]) -> None:
    """Raise :class:`ScenarioError` if the spec names a KPI the model does not report."""
    for key, names in (("kpis", spec.kpis), ("target_kpi", (spec.target_kpi,))):
        for name in names:
            if name is not None and name not in known:
                raise ScenarioError(key, name, f"must be a KPI the model reports: {sorted(known)}")


def _seed(spec: ExperimentSpec, p: _Planned, r: int) -> int:
    return replication_seed(spec.base_seed, r, None if spec.crn else p.index)


def _bar(total: int, progress: bool, desc: str) -> AbstractContextManager[Any]:
    """A tqdm bar on a terminal; otherwise a stand-in (tqdm would still start a thread)."""
    if progress and sys.stderr.isatty() and total > 0:
        return tqdm(total=total, desc=desc, unit="run", file=sys.stderr)
    return nullcontext(SimpleNamespace(update=lambda n=1: None))


class _Engine:
    """Keeps the run table of one experiment and fills it batch by batch."""

    def __init__(self, spec: ExperimentSpec, plans: list[_Planned], store: RunStore,
                 simulate: SimulateFn, version: str) -> None:
        self.spec, self.plans, self.store = spec, plans, store
        self.simulate, self.version = simulate, version
        self.fingerprint = model_fingerprint()
        self.runs: dict[tuple[str, int], dict[str, Any]] = {}
        self.metas: dict[str, dict[str, Any]] = {}
        self.kpis: dict[str, pd.Series] = {}

    def extend(self, n: int, mapper: MapFn, progress: bool) -> None:
        todo: dict[str, RunTask] = {}
        for p in self.plans:
            for r in range(n):
                if (p.scenario, r) in self.runs:
                    continue
                seed = _seed(self.spec, p, r)
                key = run_key(p.config, seed, self.version)
                state = self.store.check(key, self.fingerprint)  # never reuse a bad run
                done = state == OK
                self.runs[p.scenario, r] = {"scenario": p.scenario, "replication": r,
                                            "seed": seed, "key": key, "stored": state,
                                            "status": "skipped" if done else "run"}
                if not done and key not in todo:
                    todo[key] = RunTask(key, p.obj, p.config, seed, str(self.store.root),
                                        self.version, self.simulate, self.fingerprint)
        with _bar(len(todo), progress, self.spec.name) as bar:
            for meta in mapper(run_task, list(todo.values())):
                self.metas[meta["key"]] = meta
                if meta.get("reused"):  # another process stored it meanwhile
                    for run in self.runs.values():
                        if run["key"] == meta["key"]:
                            run["status"] = "skipped"
                bar.update(1)
        for run in self.runs.values():
            meta = self.metas.get(run["key"], {})
            if run["status"] == "run" and meta.get("status") == "failed":
                run.update(status="failed", error=meta["error"])

    def summary(self) -> pd.DataFrame:
        kpis = self.kpis
        frames = []
        for (_, _), run in sorted(self.runs.items(), key=self._order):
            if run["status"] == "failed":
                continue
            key = run["key"]
            if key not in kpis:
                kpis[key] = self.store.read_kpis(key)
            k = kpis[key]
            frames.append(pd.DataFrame({"scenario": run["scenario"],
                                        "replication": run["replication"], "seed": run["seed"],
                                        "kpi": k.index, "value": k.to_numpy(dtype=float)}))
        if not frames:  # every run failed
            return pd.DataFrame({"scenario": [], "replication": [], "seed": [], "kpi": [],
                                 "value": []}).astype({"value": float})
        out = pd.concat(frames, ignore_index=True)
        out["replication"] = out["replication"].astype("int64")
        out["seed"] = out["seed"].astype("int64")
        return out

    def _order(self, item: tuple[tuple[str, int], dict[str, Any]]) -> tuple[int, int]:
        (scenario, r), _ = item
        return (self.spec.scenario_names.index(scenario), r)

    def run_list(self) -> list[dict[str, Any]]:
        out = []
        for _, run in sorted(self.runs.items(), key=self._order):
            meta = self.metas.get(run["key"]) or self.store.read_meta(run["key"])
            out.append({**run, "wall_seconds": meta.get("wall_seconds"),
                        "model_fingerprint": meta.get("model_fingerprint")})
        return out


def run_scenarios(
    spec: ExperimentSpec,
    *,
    size: str = "full",
    executor: str = "serial",
    out_dir: str | Path | None = None,
    base_overrides: Sequence[str] = (),
    progress: bool = True,
    workers: int | None = None,
    address: str | None = None,
    simulate: SimulateFn | None = None,
    load: LoadFn | None = None,
    oversubscribe: bool = False,
    mapper: MapFn | None = None,
) -> ExperimentResult:
    """Run every (scenario, replication) of a sized spec not yet stored; summarise and compare.

    Replication r of every scenario uses the same seed (common random numbers). ``size``
    is recorded in the manifest (the spec is already sized). ``simulate`` and ``load``
    default to :func:`govsim.simulate` and :func:`govsim.load_scenario`. ``mapper``, an
    executor already open (a :class:`~govsim.experiment.shared_executor.SharedExecutor`
    of the same ``executor``), runs the tasks instead of one opened for this call.
    Raises :class:`ScenarioError` for a bad spec, executor or scenario, before any run.
    """
    started = time.time()
    check_executor(executor, workers, address, oversubscribe=oversubscribe)
    if simulate is None and isinstance(known := _core("KPI_DESCRIPTIONS"), dict):
        _check_kpis(spec, set(known))
    plans = _plan(spec, list(base_overrides), load or _default_load())
    store = RunStore(out_dir if out_dir is not None else Path("runs") / spec.name)
    store.clean_partial()
    engine = _Engine(spec, plans, store, simulate or _default_simulate(),
                     metadata.version("govsim"))
    pool = nullcontext(mapper) if mapper is not None else make_executor(
        executor, workers, address, oversubscribe=oversubscribe)
    summary, n = _run_all(engine, spec, pool, progress)
    comparison = _compare(spec, summary)
    runs = engine.run_list()
    manifest = build_manifest(spec, size=size, executor=executor, workers=workers,
                              address=address, base_overrides=list(base_overrides),
                              plans=[(p.scenario, p.overrides, p.config) for p in plans],
                              runs=runs, replications=n, started=started)
    manifest["precision"] = precision(spec, summary)
    manifest["runs_recomputed"] = {"damaged": _count(runs, DAMAGED),
                                   "model_changed": _count(runs, MODEL_CHANGED)}
    failed = [r for r in runs if r["status"] == "failed"]
    manifest["runs_failed"] = len(failed)
    _write_outputs(store, summary, comparison, manifest)
    return ExperimentResult(spec, store.root, summary, describe(summary), comparison, manifest,
                            runs_run=sum(r["status"] == "run" for r in runs),
                            runs_skipped=sum(r["status"] == "skipped" for r in runs),
                            runs_damaged=_count(runs, DAMAGED),
                            runs_model_changed=_count(runs, MODEL_CHANGED),
                            failed=failed)


def _count(runs: list[dict[str, Any]], state: str) -> int:
    """Runs recomputed because their stored copy was in ``state``."""
    return sum(r["status"] == "run" and r.get("stored") == state for r in runs)


def _run_all(engine: _Engine, spec: ExperimentSpec, executor: AbstractContextManager[MapFn],
             progress: bool) -> tuple[pd.DataFrame, int]:
    """Run replications, batch by batch under the sequential rule; the summary and final n."""
    n = spec.replications
    with executor as mapper:
        while True:
            engine.extend(n, mapper, progress)
            summary = engine.summary()
            if summary.empty:  # every run failed: nothing to judge precision on
                return summary, n
            _check_kpis(spec, set(summary["kpi"]))
            nxt = next_replications(spec, summary, n)
            if nxt == n:
                return summary, n
            n = nxt


def _compare(spec: ExperimentSpec, summary: pd.DataFrame) -> pd.DataFrame:
    """The comparison table; empty (same columns) when no run of the baseline succeeded."""
    if spec.baseline in set(summary["scenario"]):
        return comparison_table(summary, spec.baseline, spec.kpis or None)
    return pd.DataFrame(columns=COMPARISON_COLUMNS)


def _write_outputs(store: RunStore, summary: pd.DataFrame, comparison: pd.DataFrame,
                   manifest: dict[str, Any]) -> None:
    store.write_frame("summary.parquet", summary)
    store.write_frame("summary.csv", summary)
    store.write_frame("comparison.csv", comparison)
    store.write_json("manifest.json", manifest)

