"""Optimising an intervention mix under a budget with Optuna, resumable from its SQLite study.

Owns the search over levers (integer or continuous ranges with unit costs):
each candidate's cost is ``sum(unit_cost * value)``; a candidate over the
budget is not evaluated (a simulation is expensive) and is stored with the
worst value and its budget constraint (``Trial.set_constraint``), which the samplers read,
so the sampler learns the budget and an infeasible candidate is never reported
as best. A feasible candidate is scored by ``evaluate(levers) -> {kpi: mean}``
(later: replications under common random numbers through ``run_experiment``).
One objective uses TPE, several use NSGA-II (both constrained; T. Akiba et al.,
"Optuna", KDD 2019; K. Deb et al., "NSGA-II", IEEE TEC 6(2), 2002).

The study lives in ``<directory>/optuna.sqlite3``. Calling :func:`optimise`
again with the same arguments resumes it: completed trials are kept, a trial
that failed or was cut off (its ``evaluate`` raised, or the process died) is
re-run once with the same levers, and only the missing trials are run. (The
sampler's random state is not stored, so the continuation is seeded with
``seed + completed trials``: no trial is lost or repeated, but the candidates
proposed after a resume differ from those of an uninterrupted run.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim.errors import ScenarioError

__all__ = ["Lever", "Objective", "OptimisationResult", "cost_of", "optimise", "pareto_mask"]

Evaluate = Callable[[dict[str, float]], Mapping[str, float]]
DB_NAME = "optuna.sqlite3"


@dataclass(frozen=True)
class Lever:
    """A decision the planner controls: a range, whole numbers or not, and a cost per unit."""

    name: str
    low: float
    high: float
    integer: bool = False
    unit_cost: float = 0.0

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ScenarioError(f"optimise.levers.{self.name}.bounds", [self.low, self.high],
                                "need low < high")
        if self.unit_cost < 0:
            raise ScenarioError(f"optimise.levers.{self.name}.unit_cost", self.unit_cost, "must be >= 0")


@dataclass(frozen=True)
class Objective:
    """A KPI to minimise or maximise."""

    kpi: str
    direction: str = "minimize"

    def __post_init__(self) -> None:
        if self.direction not in ("minimize", "maximize"):
            raise ScenarioError(f"optimise.objectives.{self.kpi}.direction", self.direction,
                                "one of minimize, maximize")


@dataclass(frozen=True)
class OptimisationResult:
    """Every trial (levers, cost, feasibility, KPI values, Pareto flag) and the best feasible ones."""

    trials: pd.DataFrame
    objectives: tuple[Objective, ...]
    budget: float
    storage: Path | None

    @property
    def pareto(self) -> pd.DataFrame:
        """The feasible, non-dominated candidates (for one objective: the best one)."""
        return self.trials[self.trials["pareto"]].reset_index(drop=True)


def cost_of(levers: Sequence[Lever], values: Mapping[str, float]) -> float:
    """The candidate's cost: the sum of unit cost times value over the levers."""
    return float(sum(lv.unit_cost * float(values[lv.name]) for lv in levers))


def pareto_mask(values: np.ndarray, directions: Sequence[str]) -> np.ndarray:
    """Rows (candidates) not dominated by another row; ``values`` is candidates x objectives."""
    signed = np.asarray(values, dtype=float) * np.array([1.0 if d == "minimize" else -1.0
                                                         for d in directions])
    keep = np.ones(len(signed), dtype=bool)
    for i, row in enumerate(signed):
        dominated = np.all(signed <= row, axis=1) & np.any(signed < row, axis=1)
        keep[i] = not dominated.any()
    return keep


def optimise(
    evaluate: Evaluate,
    levers: Sequence[Lever],
    objectives: Sequence[Objective],
    budget: float,
    n_trials: int,
    directory: str | Path | None,
    *,
    seed: int,
    study_name: str = "optimise",
    population: int | None = None,
    initial: Sequence[Mapping[str, float]] = (),
) -> OptimisationResult:
    """Run (or resume) the study until it holds ``n_trials`` completed trials; return them all.

    ``directory`` holds the study's SQLite file; ``None`` keeps the study in memory
    (nothing to resume, and about thirty times faster for cheap ``evaluate`` functions).
    ``population`` is NSGA-II's generation size (default 50; a short search needs fewer);
    ``initial`` candidates (e.g. "do nothing") are the first trials of a new study.
    """
    import optuna

    _check(levers, objectives, n_trials)
    path = None if directory is None else Path(directory) / DB_NAME
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    storage = _storage(path)
    signature = _signature(levers, objectives, budget)
    done = _completed(storage, study_name, signature)
    study = optuna.create_study(
        storage=storage, study_name=study_name, load_if_exists=True,
        directions=[optuna.study.StudyDirection[o.direction.upper()] for o in objectives],
        sampler=_sampler(len(objectives), seed + done, population),
    )
    if not study.trials:
        for values in initial:
            study.enqueue_trial(dict(values))
    study.set_user_attr("signature", signature)
    _requeue_interrupted(study, storage)
    remaining = n_trials - len(study.get_trials(states=(optuna.trial.TrialState.COMPLETE,)))
    if remaining > 0:
        study.optimize(_objective(evaluate, levers, objectives, budget), n_trials=remaining)
    return OptimisationResult(_table(study, levers, objectives, budget), tuple(objectives), budget, path)


def _check(levers: Sequence[Lever], objectives: Sequence[Objective], n_trials: int) -> None:
    if not levers:
        raise ScenarioError("optimise.levers", [], "need at least one lever")
    if not objectives:
        raise ScenarioError("optimise.objectives", [], "need at least one objective")
    names = [lv.name for lv in levers]
    if len(set(names)) != len(names):
        raise ScenarioError("optimise.levers", names, "lever names must be unique")
    if n_trials < 1:
        raise ScenarioError("optimise.trials", n_trials, "must be >= 1")


def _storage(path: Path | None) -> Any:
    """The study's SQLite storage, in write-ahead-log mode without a sync per commit.

    Optuna commits several times per trial; a full sync each time costs ~15 ms on
    this kind of disk. With WAL and ``synchronous=NORMAL`` a commit survives the
    process being killed (what resume is for), though not a power cut.
    """
    import optuna
    import sqlalchemy

    if path is None:
        return optuna.storages.InMemoryStorage()
    storage = optuna.storages.RDBStorage(f"sqlite:///{path}")

    def pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    sqlalchemy.event.listen(storage.engine, "connect", pragmas)
    storage.engine.dispose()  # reconnect with the pragmas
    return storage


def _signature(levers: Sequence[Lever], objectives: Sequence[Objective], budget: float) -> dict[str, Any]:
    """What a stored study must have been run with to be resumed."""
    return {"levers": [[lv.name, lv.low, lv.high, lv.integer, lv.unit_cost] for lv in levers],
            "objectives": [[o.kpi, o.direction] for o in objectives], "budget": budget}


def _completed(storage: Any, name: str, signature: dict[str, Any]) -> int:
    """Completed trials of an existing study (0 if new); refuses a study run with other settings."""
    import optuna

    if name not in optuna.study.get_all_study_names(storage):
        return 0
    old = optuna.load_study(study_name=name, storage=storage)
    had = old.user_attrs.get("signature")
    if had is not None and had != signature:
        key = next(k for k in signature if had.get(k) != signature[k])
        raise ScenarioError(f"optimise.{key}", signature[key], f"the stored study {name!r} was run "
                            f"with other {key}; use a new directory to start afresh")
    return len(old.get_trials(states=(optuna.trial.TrialState.COMPLETE,)))


def _sampler(n_objectives: int, seed: int, population: int | None = None) -> Any:
    import optuna

    if n_objectives == 1:
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    return optuna.samplers.NSGAIISampler(seed=seed, population_size=population or 50)


def _requeue_interrupted(study: Any, storage: Any) -> None:
    """Mark trials left running by a dead process as failed, and queue each failed trial once more.

    Only one process runs a study, so a trial still RUNNING when it starts was cut off.
    (FrozenTrial exposes its storage id only as ``_trial_id``; Optuna's own retry callback
    reads it the same way.)
    """
    from optuna.trial import TrialState

    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
    trials = study.get_trials(deepcopy=False)
    retried = {t.user_attrs.get("retry_of") for t in trials}
    for t in trials:
        if t.state == TrialState.FAIL and t.number not in retried:
            study.enqueue_trial(t.params, user_attrs={"retry_of": t.number})


def _objective(evaluate: Evaluate, levers: Sequence[Lever], objectives: Sequence[Objective],
               budget: float) -> Callable[[Any], tuple[float, ...]]:
    def run(trial: Any) -> tuple[float, ...]:
        values = {lv.name: (trial.suggest_int(lv.name, int(lv.low), int(lv.high)) if lv.integer
                            else trial.suggest_float(lv.name, lv.low, lv.high)) for lv in levers}
        cost = cost_of(levers, values)
        trial.set_user_attr("cost", cost)
        trial.set_constraint("budget", cost - budget)  # feasible when <= 0
        if cost > budget:  # not simulated: the worst value in each direction
            trial.set_user_attr("evaluated", False)
            return tuple(np.inf if o.direction == "minimize" else -np.inf for o in objectives)
        kpis = evaluate(dict(values))
        trial.set_user_attr("evaluated", True)
        missing = [o.kpi for o in objectives if o.kpi not in kpis]
        if missing:
            raise KeyError(f"evaluate() returned no value for {', '.join(missing)}")
        return tuple(float(kpis[o.kpi]) for o in objectives)

    return run


def _table(study: Any, levers: Sequence[Lever], objectives: Sequence[Objective],
           budget: float) -> pd.DataFrame:
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(states=(TrialState.COMPLETE,)):
        row: dict[str, Any] = {"trial": t.number, **{lv.name: t.params[lv.name] for lv in levers}}
        row["cost"] = t.user_attrs["cost"]
        row["feasible"] = t.user_attrs["cost"] <= budget
        row.update({o.kpi: v for o, v in zip(objectives, t.values, strict=True)})
        rows.append(row)
    columns = ["trial", *(lv.name for lv in levers), "cost", "feasible", *(o.kpi for o in objectives)]
    table = pd.DataFrame(rows, columns=columns)
    feasible = table["feasible"].to_numpy(dtype=bool)
    pareto = np.zeros(len(table), dtype=bool)
    if feasible.any():
        kpis = table.loc[feasible, [o.kpi for o in objectives]].to_numpy(dtype=float)
        pareto[np.flatnonzero(feasible)] = pareto_mask(kpis, [o.direction for o in objectives])
    table["pareto"] = pareto
    return table
