"""Optimisation under a budget (govsim.decide.optimise): optimum, budget, Pareto front, resume."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import optuna
import pytest

from govsim.decide.optimise import (
    Lever,
    Objective,
    OptimisationResult,
    cost_of,
    optimise,
    pareto_mask,
)
from govsim.errors import ScenarioError

optuna.logging.set_verbosity(optuna.logging.WARNING)

LEVERS = [Lever("training", 0.0, 10.0, unit_cost=1.0), Lever("proxies", 0, 10, integer=True, unit_cost=1.0)]


Evaluate = Callable[[dict[str, float]], dict[str, float]]


def noisy_bowl(centre: tuple[float, float], sd: float = 0.1, seed: int = 0) -> Evaluate:
    """(training - a)^2 + (proxies - b)^2 plus normal noise: the mean of 4 noisy replications."""
    rng = np.random.default_rng(seed)

    def evaluate(levers: dict[str, float]) -> dict[str, float]:
        base = (levers["training"] - centre[0]) ** 2 + (levers["proxies"] - centre[1]) ** 2
        return {"unmet": float(base + rng.normal(0.0, sd, 4).mean())}

    return evaluate


def test_finds_the_optimum_of_a_noisy_function() -> None:
    res = optimise(noisy_bowl((3.0, 7.0)), LEVERS, [Objective("unmet")], budget=100.0, n_trials=60,
                   directory=None, seed=1)
    best = res.pareto.iloc[0]
    assert best["training"] == pytest.approx(3.0, abs=0.5)
    assert best["proxies"] == 7
    assert len(res.trials) == 60 and res.storage is None


def test_a_budget_infeasible_candidate_is_never_reported_as_best() -> None:
    # Unconstrained optimum (6, 8) costs 14 > 10; the best under the budget is (4, 6), value 8.
    calls: list[dict[str, float]] = []
    inner = noisy_bowl((6.0, 8.0), seed=2)

    def evaluate(levers: dict[str, float]) -> dict[str, float]:
        calls.append(levers)
        return inner(levers)

    res = optimise(evaluate, LEVERS, [Objective("unmet")], budget=10.0, n_trials=80,
                   directory=None, seed=2)
    t = res.trials
    assert not t["feasible"].all()  # the search did propose over-budget mixes ...
    assert all(cost_of(LEVERS, c) <= 10.0 for c in calls)  # ... and never simulated them
    assert len(calls) == int(t["feasible"].sum())
    best = res.pareto
    assert best["feasible"].all() and (best["cost"] <= 10.0).all()
    assert best["unmet"].iloc[0] == pytest.approx(8.0, abs=1.5)
    assert t.loc[~t["feasible"], "unmet"].eq(np.inf).all()
    # some over-budget mix would have scored better than the reported best, had it been allowed
    over = t[~t["feasible"]]
    true_over = (over["training"] - 6.0) ** 2 + (over["proxies"] - 8.0) ** 2
    assert (true_over < best["unmet"].iloc[0]).any()


def test_two_objectives_give_a_pareto_front_of_feasible_non_dominated_mixes() -> None:
    def evaluate(levers: dict[str, float]) -> dict[str, float]:
        effort = levers["training"] + 2 * levers["proxies"]
        return {"unmet": 100.0 / (1.0 + effort), "gov_cost": 3.0 * effort}

    res = optimise(evaluate, LEVERS, [Objective("unmet"), Objective("gov_cost")], budget=15.0,
                   n_trials=60, directory=None, seed=3)
    front = res.pareto
    assert len(front) >= 3 and front["feasible"].all()
    values = res.trials.loc[res.trials["feasible"], ["unmet", "gov_cost"]].to_numpy()
    for _, row in front.iterrows():  # nothing feasible beats a front member on both
        better = (values[:, 0] < row["unmet"]) & (values[:, 1] < row["gov_cost"])
        assert not better.any()
    # along the front one objective falls as the other rises
    ordered = front.sort_values("unmet")
    assert ordered["gov_cost"].is_monotonic_decreasing


def test_pareto_mask_respects_directions() -> None:
    v = np.array([[1.0, 5.0], [2.0, 6.0], [3.0, 1.0], [1.0, 5.0]])
    assert pareto_mask(v, ["minimize", "minimize"]).tolist() == [True, False, True, True]
    assert pareto_mask(v, ["minimize", "maximize"]).tolist() == [True, True, False, True]


class Crash(RuntimeError):
    pass


def _unmet(evaluate: Evaluate, n: int, directory: Path, seed: int) -> OptimisationResult:
    return optimise(evaluate, LEVERS, [Objective("unmet")], budget=100.0, n_trials=n,
                    directory=directory, seed=seed)


def test_interrupted_study_resumes_without_losing_or_repeating_a_trial(tmp_path: Path) -> None:
    n, crash_at = 12, 5
    evaluated: list[tuple[float, float]] = []
    inner = noisy_bowl((3.0, 7.0), seed=4)

    def crashing(levers: dict[str, float]) -> dict[str, float]:
        evaluated.append((levers["training"], levers["proxies"]))
        if len(evaluated) == crash_at:
            raise Crash("the machine went down")
        return inner(levers)

    with pytest.raises(Crash):
        _unmet(crashing, n, tmp_path, 4)
    first = list(evaluated)
    assert len(first) == crash_at
    study = optuna.load_study(study_name="optimise", storage=f"sqlite:///{tmp_path / 'optuna.sqlite3'}")
    states = [t.state for t in study.trials]
    assert states.count(optuna.trial.TrialState.COMPLETE) == crash_at - 1
    assert states.count(optuna.trial.TrialState.FAIL) == 1

    res = _unmet(crashing, n, tmp_path, 4)
    second = evaluated[crash_at:]
    # the failed trial ran again, once, first and with the same levers; the others ran only once
    assert len(second) == n - (crash_at - 1)
    assert second[0] == first[-1]
    assert not set(first[:-1]) & set(second)
    assert len(res.trials) == n and res.trials["trial"].is_unique
    assert res.storage == tmp_path / "optuna.sqlite3" and res.storage.exists()
    study = optuna.load_study(study_name="optimise", storage=f"sqlite:///{tmp_path / 'optuna.sqlite3'}")
    retry = [t for t in study.trials if t.user_attrs.get("retry_of") is not None]
    assert len(retry) == 1 and retry[0].state == optuna.trial.TrialState.COMPLETE

    again = _unmet(crashing, n, tmp_path, 4)
    assert len(evaluated) == crash_at + n - (crash_at - 1)  # a finished study runs nothing more
    assert again.trials.equals(res.trials)


def test_a_trial_cut_off_by_a_dead_process_is_failed_and_rerun_once(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'optuna.sqlite3'}"
    study = optuna.create_study(storage=storage, study_name="optimise", directions=["minimize"])
    stale = study.ask({"training": optuna.distributions.FloatDistribution(0.0, 10.0),
                       "proxies": optuna.distributions.IntDistribution(0, 10)})  # left RUNNING
    calls: list[dict[str, float]] = []
    inner = noisy_bowl((3.0, 7.0), seed=5)

    def evaluate(levers: dict[str, float]) -> dict[str, float]:
        calls.append(levers)
        return inner(levers)

    res = _unmet(evaluate, 3, tmp_path, 5)
    assert calls[0] == stale.params and len(calls) == 3 and len(res.trials) == 3
    states = [t.state for t in optuna.load_study(study_name="optimise", storage=storage).trials]
    assert states[0] == optuna.trial.TrialState.FAIL and states.count(optuna.trial.TrialState.COMPLETE) == 3


def test_bad_settings_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"optimise\.levers\.x\.bounds"):
        Lever("x", 2.0, 1.0)
    with pytest.raises(ScenarioError, match=r"optimise\.levers\.x\.unit_cost"):
        Lever("x", 0.0, 1.0, unit_cost=-1.0)
    with pytest.raises(ScenarioError, match=r"optimise\.objectives\.y\.direction"):
        Objective("y", "down")
    with pytest.raises(ScenarioError, match=r"optimise\.trials"):
        optimise(noisy_bowl((0, 0)), LEVERS, [Objective("unmet")], 1.0, 0, tmp_path, seed=1)
    optimise(noisy_bowl((0, 0)), LEVERS, [Objective("unmet")], 100.0, 1, tmp_path, seed=1)
    with pytest.raises(ScenarioError, match=r"optimise\.objectives = .*other objectives"):
        optimise(noisy_bowl((0, 0)), LEVERS, [Objective("unmet", "maximize")], 100.0, 2, tmp_path, seed=1)
    with pytest.raises(ScenarioError, match=r"optimise\.budget = 50.0: .*other budget"):
        optimise(noisy_bowl((0, 0)), LEVERS, [Objective("unmet")], 50.0, 2, tmp_path, seed=1)
