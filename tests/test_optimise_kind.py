"""kind: optimise through the experiment engine: optimum, budget, resume, executors, report.

The model is the fake of tests/optimise_fakes.py (a noisy bowl in two levers), so no
test here runs a real simulation except the slow CLI one.
"""

from __future__ import annotations

import json
from pathlib import Path

import optuna
import pandas as pd
import pytest

from govsim.experiment import run_experiment
from govsim.experiment.optimisation import OptimiseResult
from tests.optimise_fakes import OPTIMUM, lever_load, lever_simulate, lever_spec, true_trips


def _run(spec: dict, out: Path, **kw: object) -> OptimiseResult:
    res = run_experiment(spec, out_dir=out, progress=False, simulate=lever_simulate,
                         load=lever_load, **kw)  # type: ignore[arg-type]
    assert isinstance(res, OptimiseResult)
    return res


def _calls(counter: Path) -> list[tuple[str, str, str]]:
    rows = [line.split(",") for line in counter.read_text().splitlines()]
    return [(x, n, seed) for x, n, seed, _pid in rows]


def test_finds_the_known_optimum_of_a_noisy_function(tmp_path: Path) -> None:
    res = _run(lever_spec(trials=30), tmp_path / "o")
    sel = res.selection or {}
    assert sel["done"] and sel["procedure"] == "rinott"
    best = res.trials[res.trials["candidate"] == sel["best"]].iloc[0]
    # the true optimum is (3, 7) with value 1; the certified best is within the
    # indifference zone (0.5) of it in true value, and near it in the levers
    assert true_trips(best["x"], best["n"]) - true_trips(*OPTIMUM) < 0.5
    assert best["x"] == pytest.approx(OPTIMUM[0], abs=0.75)
    assert abs(best["n"] - OPTIMUM[1]) <= 1
    # the search's best (one objective: the front is one candidate) is on the shortlist;
    # more replications may then pick another of the shortlist
    assert set(res.pareto["candidate"]) <= set(sel["candidates"])
    assert len(res.trials) == 30
    # the do-nothing reference is trial 0 and the baseline of the comparison
    assert res.trials.loc[0, "x"] == 0 and res.trials.loc[0, "n"] == 0
    assert res.spec.baseline == "t000" and res.spec.headline == f"{sel['best']}:trips_mean"


def test_a_budget_infeasible_candidate_is_never_simulated_or_reported_best(tmp_path: Path) -> None:
    counter = tmp_path / "calls.txt"
    # the unconstrained optimum (3, 7) costs 10 * 3 + 5 * 7 = 65 > 40
    spec = lever_spec(trials=30, budget=40.0, base=[f"counter={counter}"])
    res = _run(spec, tmp_path / "o")
    t = res.trials
    assert (~t["feasible"]).sum() > 0 and t.loc[~t["feasible"], "trips_mean"].isna().all()
    simulated = {(float(x), int(n)) for x, n, _ in _calls(counter)}
    assert all(10 * x + 5 * n <= 40.0 + 1e-6 for x, n in simulated)
    over = {(r.x, r.n) for r in t[~t["feasible"]].itertuples()}
    assert not simulated & {(round(x, 6), n) for x, n in over}
    sel = res.selection or {}
    chosen = t[t["candidate"] == sel["best"]].iloc[0]
    assert chosen["cost"] <= 40.0 and chosen["feasible"]
    assert (res.pareto["cost"] <= 40.0).all()
    table = pd.read_csv(tmp_path / "o" / "selection.csv")
    assert (table["cost"] <= 40.0).all()
    # some over-budget mix would have been better than the chosen one
    assert min(true_trips(x, n) for x, n in over) < true_trips(chosen["x"], chosen["n"])


def test_an_interrupted_search_resumes_without_losing_or_repeating_a_trial(tmp_path: Path) -> None:
    counter, limit, out = tmp_path / "calls.txt", tmp_path / "limit.txt", tmp_path / "o"
    spec = lever_spec(trials=20, base=[f"counter={counter}", f"limit={limit}"])
    limit.write_text("25")  # the 26th simulation raises KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        _run(spec, out)
    before = _calls(counter)
    assert len(before) == 25
    limit.write_text("100000")
    res = _run(spec, out)
    calls = _calls(counter)
    assert len(calls) == len(set(calls))           # no run simulated twice
    assert len(res.trials) == 20                   # every trial completed, none lost
    storage = optuna.storages.RDBStorage(f"sqlite:///{out / 'optuna.sqlite3'}")
    (name,) = optuna.study.get_all_study_names(storage)
    trials = optuna.load_study(study_name=name, storage=storage).get_trials()
    failed = [t for t in trials if t.state == optuna.trial.TrialState.FAIL]
    assert len(failed) == 1                        # the one cut off ...
    retry = [t for t in trials if t.user_attrs.get("retry_of") == failed[0].number]
    assert len(retry) == 1 and retry[0].params == failed[0].params  # ... ran again, same levers
    assert retry[0].state == optuna.trial.TrialState.COMPLETE
    again = _run(spec, out)                        # a third run: nothing left to simulate
    assert len(_calls(counter)) == len(calls) and again.runs_run == 0
    pd.testing.assert_frame_equal(again.trials, res.trials)


def test_a_candidate_whose_runs_fail_is_listed_and_never_chosen(tmp_path: Path) -> None:
    res = _run(lever_spec(trials=12, base=["fail_n=7"]), tmp_path / "o")
    assert res.failed and all("fake model failure" in f["error"] for f in res.failed)
    assert (res.trials["n"] != 7).all()          # failed trials are not completed trials
    sel = res.selection or {}
    assert sel["done"]
    assert all(int(res.trials.loc[res.trials["candidate"] == c, "n"].iloc[0]) != 7
               for c in sel["candidates"])


def test_processes_give_the_same_search_as_serial(tmp_path: Path) -> None:
    spec = lever_spec(trials=6)
    a = _run(spec, tmp_path / "s")
    b = _run(spec, tmp_path / "p", executor="processes", workers=2)
    pd.testing.assert_frame_equal(a.trials, b.trials)
    assert a.selection == b.selection


def test_two_objectives_give_a_front_table_figures_and_a_report(tmp_path: Path) -> None:
    from govsim.report import build_report

    out = tmp_path / "o"
    spec = lever_spec(trials=16, objectives=["trips_mean", "gov_cost"],
                      optimise={"population": 8})
    res = _run(spec, out)
    front = res.pareto
    assert len(front) >= 3 and front["feasible"].all()
    for col in ("trips_mean_ci_low", "trips_mean_ci_high", "gov_cost", "cost"):
        assert col in front
    # no row of the front is dominated by a feasible candidate
    ok = res.trials[res.trials["feasible"]]
    for r in front.itertuples():
        dom = (ok["trips_mean"] <= r.trips_mean) & (ok["gov_cost"] <= r.gov_cost) & (
            (ok["trips_mean"] < r.trips_mean) | (ok["gov_cost"] < r.gov_cost))
        assert not dom.any()
    build_report(out)
    for name in ("pareto.png", "levers.png"):
        assert (out / "figures" / name).is_file()
    en = (out / "report.html").read_text(encoding="utf-8")
    zh = (out / "report.zh.html").read_text(encoding="utf-8")
    assert "Optimisation under a budget" in en and "Certified selection" in en
    assert "预算约束下的优化" in zh and "认证选择" in zh
    sel = json.loads((out / "selection.json").read_text())
    assert sel["best"] in en and sel["best"] in zh
    side = json.loads((out / "report.json").read_text())
    assert side["findings"][0].startswith(("Option", "Options", "No option"))
    assert side["findings_zh"][0].startswith(("方案", "无法", "未能"))


@pytest.mark.slow
def test_dask_runs_the_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import distributed

    started: list[object] = []

    class Counted(distributed.LocalCluster):  # type: ignore[misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            started.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(distributed, "LocalCluster", Counted)
    spec = lever_spec(trials=4, replications=2)
    a = _run(spec, tmp_path / "s")
    b = _run(spec, tmp_path / "d", executor="dask", workers=1)
    pd.testing.assert_frame_equal(a.trials, b.trials)
    assert len(started) == 1  # one local cluster served every candidate
    assert all(c.status.name == "closed" for c in started)  # type: ignore[attr-defined]
