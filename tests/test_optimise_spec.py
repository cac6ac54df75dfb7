"""The optimise: block, the shortlist of the certified selection, Rinott's constant, e10's spec."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from govsim.decide.selection import rinott_h
from govsim.errors import ScenarioError
from govsim.experiment import load_spec
from govsim.experiment.certify import shortlist
from govsim.experiment.cli import run_experiment_cli
from govsim.experiment.optimise_spec import parse_optimise
from tests.optimise_fakes import lever_spec

E10 = "e10_optimise_inclusive"


def _bad(**change: object) -> dict:
    spec = lever_spec()
    spec["optimise"] = {**spec["optimise"], **change}
    return spec


@pytest.mark.parametrize(("change", "key"), [
    ({"objectives": ["no_such_kpi"]}, "optimise.objectives[0]"),
    ({"objectives": ["elderly_trips_gap"]}, "optimise.objectives[0]"),  # better: zero
    ({"objectives": [{"kpi": "trips_mean", "direction": "down"}]},
     "optimise.objectives[0].direction"),
    ({"levers": []}, "optimise.levers"),
    ({"levers": [{"name": "x", "bounds": [0, 1]}]}, "optimise.levers[0]"),
    ({"levers": [{"name": "x", "key": "x", "bounds": [2, 1]}]}, "optimise.levers[0].bounds"),
    ({"levers": [{"name": "x", "key": "x", "bounds": [0, 1], "unit_cost": -1}]},
     "optimise.levers[0].unit_cost"),
    ({"levers": [{"name": "x", "key": "x", "bounds": [0, 2], "boolean": True}]},
     "optimise.levers[0].bounds"),
    ({"levers": [{"name": "x", "key": "x", "bounds": [0, 1.5], "integer": True}]},
     "optimise.levers[0].bounds"),
    ({"budget": "lots"}, "optimise.budget"),
    ({"trials": 0}, "optimise.trials"),
    ({"selection": {"p_star": 1.2}}, "optimise.selection.p_star"),
    ({"selection": {"procedure": "kn"}}, "optimise.selection.procedure"),
    ({"selection": {"delta": 0}}, "optimise.selection.delta"),
    ({"colour": "red"}, "optimise.colour"),
])
def test_a_bad_block_names_the_key(change: dict, key: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_spec(_bad(**change))
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_missing_budget_and_crn_off_are_refused() -> None:
    spec = lever_spec()
    del spec["optimise"]["budget"]
    with pytest.raises(ScenarioError, match=r"optimise\.budget"):
        load_spec(spec)
    with pytest.raises(ScenarioError, match="common random numbers"):
        load_spec({**lever_spec(), "crn": False})


def test_a_bad_spec_file_exits_2_with_one_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_bad(objectives=["no_such_kpi"])), encoding="utf-8")
    assert run_experiment_cli([f"experiment={path}", f"out={tmp_path / 'o'}", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "optimise.objectives[0]" in err[0]


def test_levers_render_overrides_and_directions_come_from_the_registry() -> None:
    opt = parse_optimise({
        "budget": 10, "objectives": ["trips_mean", "take_up_rate"],
        "levers": [
            {"name": "p", "key": "channels.proxies_per_village", "bounds": [0, 4], "integer": True,
             "at_zero": ["channels.assisted=false"]},
            {"name": "c", "key": "interventions.coverage_min", "bounds": [0, 0.02],
             "offset": 0.85},
            {"name": "u", "key": "interventions.unify_apps", "boolean": True}]})
    assert [o.direction for o in opt.objectives] == ["minimize", "maximize"]
    assert opt.overrides({"p": 0, "c": 0.01, "u": 1}) == (
        "channels.proxies_per_village=0", "channels.assisted=false",
        "interventions.coverage_min=0.86", "interventions.unify_apps=true")
    assert opt.overrides({"p": 2, "c": 0.0, "u": 0})[0:2] == (
        "channels.proxies_per_village=2", "interventions.coverage_min=0.85")
    assert [lv.integer for lv in opt.search_levers] == [True, False, True]


def test_the_shortlist_takes_the_front_first_and_never_an_over_budget_candidate() -> None:
    opt = parse_optimise(lever_spec()["optimise"] | {"selection": {"k": 3}})
    trials = pd.DataFrame({
        "trial": range(6), "candidate": ["t0", "t1", "t2", "t3", "t3", "t5"],
        "x": [0, 1, 2, 3, 3, 5], "n": [0, 1, 2, 3, 3, 5], "cost": [0, 5, 9, 99, 99, 2],
        "feasible": [True, True, True, False, False, True],
        "trips_mean": [5.0, 3.0, 4.0, float("nan"), float("nan"), 2.0],
        "pareto": [False, True, False, False, False, True]})
    short = shortlist(trials, opt)
    assert list(short["candidate"]) == ["t5", "t1", "t2"]  # front by trips, then the rest
    assert short["feasible"].all()


@pytest.mark.parametrize(("k", "p_star", "h"), [(10, 0.975, 4.045), (1000, 0.9, 5.488),
                                                (1000, 0.975, 6.057)])
def test_rinott_h_matches_reference_values(k: int, p_star: float, h: float) -> None:
    # Reference values for nu = 50 (n0 = 51), listed as the expected results of the
    # Rinott constant port of Bechhofer, Santner and Goldsman's (1995) Fortran in the KSL
    # simulation library (rossetti/KSL, ksl/utilities/statistic/Rinott.kt); stated to
    # three decimals, so the tolerance is a unit in the last place plus rounding.
    assert rinott_h(k, 51, p_star) == pytest.approx(h, abs=1.5e-3)


def test_e10_spec_loads_with_its_smoke_size() -> None:
    spec = load_spec(E10)
    opt = spec.optimise
    assert spec.kind == "optimise" and opt is not None
    assert [o.kpi for o in opt.objectives] == ["trips_mean", "gov_cost"]
    assert opt.budget == 420_000 and opt.selection.procedure == "bonferroni"
    assert {lv.name for lv in opt.levers} == {"proxies_per_village", "training_share",
                                             "coverage_gain", "unify_apps",
                                             "staff_to_backoffice"}
    smoke = spec.sized("smoke")
    assert smoke.optimise is not None and smoke.optimise.trials < opt.trials
    from govsim.experiment.reproduce import shipped_experiments

    assert E10 in shipped_experiments()


@pytest.mark.slow
def test_e10_smoke_runs_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "e10"
    done = subprocess.run([sys.executable, "-m", "govsim", f"experiment={E10}",
                           "experiment.size=smoke", f"out={out}", "--quiet"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    for name in ("trials.csv", "pareto.csv", "selection.csv", "selection.json", "optuna.sqlite3",
                 "report.html", "report.zh.html", "figures/pareto.png", "figures/levers.png"):
        assert (out / name).is_file(), name
    trials = pd.read_csv(out / "trials.csv")
    assert trials.loc[trials["feasible"], "cost"].le(420_000).all()
