"""kind: discover — Latin hypercube, policies under common random numbers, PRIM per policy.

A fake model (tests/fakes_decide.py) plants a failure box ``a >= 0.6 and b <= 0.3``
(failing points: 1.0 plus normal noise of sd 0.1, against 0.0 outside; the rule is
> 0.5); the experiment kind must find it through the engine, say plainly when a policy
never or always fails, resume without redoing stored runs, and refuse bad specs in one line.
"""

from __future__ import annotations

import copy
import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govsim.errors import ScenarioError
from govsim.experiment import load_spec, run_experiment
from govsim.experiment.discover import design, expand
from tests.fakes_decide import decide_load, decide_simulate

SPEC: dict[str, Any] = {
    "name": "planted", "question": "Where does the policy fail?", "kind": "discover",
    "replications": 1, "base_seed": 3,
    "discover": {
        "points": 120, "seed": 4, "min_density": 0.8,
        "failure": {"kpi": "trips_mean", "op": ">", "threshold": 0.5},
        "policies": [{"name": "planted", "overrides": ["model=box"]},
                     {"name": "calm", "overrides": ["shift=-5"]},
                     {"name": "broken", "overrides": ["shift=5"]}],
        "inputs": [{"name": "a", "key": "x.a", "bounds": [0, 1]},
                   {"name": "b", "key": "x.b", "bounds": [0, 1]},
                   {"name": "c", "key": "x.c", "bounds": [0, 3], "integer": True}]},
    "sizes": {"smoke": {"points": 8, "replications": 1}},
}


def _run(out: Path, spec: dict[str, Any] | None = None, **kw: Any) -> Any:
    return run_experiment(spec or SPEC, out_dir=out, progress=False, simulate=decide_simulate,
                          load=decide_load, **kw)


def test_the_design_is_a_seeded_latin_hypercube_with_whole_values_for_integers() -> None:
    d = load_spec(SPEC).discover
    assert d is not None
    x = design(d)
    assert x.shape == (120, 3) and np.array_equal(x, design(d))
    # one point per stratum of each continuous input (Latin hypercube)
    for j in (0, 1):
        assert sorted(np.floor(x[:, j] * 120).astype(int)) == list(range(120))
    assert set(np.unique(x[:, 2])) == {0.0, 1.0, 2.0, 3.0}
    assert np.bincount(x[:, 2].astype(int)).tolist() == [30, 30, 30, 30]
    ex = expand(load_spec(SPEC))
    assert len(ex.scenarios) == 3 * 120 and ex.kpis == ("trips_mean",) and ex.crn
    assert ex.scenarios[0].name == "planted_p000" and ex.scenarios[120].name == "calm_p000"
    assert ex.scenarios[120].overrides[0] == "shift=-5"   # the policy, then the point
    assert ex.scenarios[120].overrides[1:] == ex.scenarios[0].overrides[1:]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The planted box's discovery (200 points, one replication), run once, report built."""
    from govsim.report import build_report

    out = tmp_path_factory.mktemp("discover") / "planted"
    res = _run(out, _planted_spec(4, policies=1))
    build_report(out)
    return out, res


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """Two policies that never and always fail (12 points), run once, report built."""
    from govsim.report import build_report

    spec = copy.deepcopy(SPEC)
    spec["discover"]["points"] = 12
    spec["discover"]["policies"] = spec["discover"]["policies"][1:]
    out = tmp_path_factory.mktemp("discover") / "plain"
    res = _run(out, spec)
    build_report(out)
    return out, res


def _planted_spec(seed: int, policies: int = 1) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    spec["discover"].update(points=200, seed=seed)
    spec["discover"]["policies"] = spec["discover"]["policies"][:policies]
    # a continuous inert input: an integer one is peeled a whole value (a quarter of the
    # points) at a time, which on 200 points can cost the planted box its coverage
    spec["discover"]["inputs"][2] = {"name": "c", "key": "x.c", "bounds": [0, 3]}
    return spec


def test_prim_recovers_the_planted_box_through_the_engine(planted: tuple[Path, Any]) -> None:
    out, res = planted
    table = pd.read_csv(out / "discover.csv").set_index("policy")
    box = table.loc["planted"]
    assert box["status"] == "box"
    assert box["box_rule"].startswith("a >= 0.") and " and b <= 0." in box["box_rule"]
    assert "c" not in box["box_rule"].replace("and", "")   # the inert input is not in the rule
    limits = pd.read_csv(out / "prim_planted_limits.csv").set_index("input")
    assert list(limits.index) == ["a", "b"]
    _near_the_planted_box(limits, box)
    # common random numbers: replication r has one seed at every point and policy
    summary = pd.read_csv(out / "summary.csv")
    assert summary.groupby("replication")["seed"].nunique().eq(1).all()
    assert "planted: trips_mean > 0.5 at" in res.table()
    traj = pd.read_csv(out / "prim_planted_trajectory.csv")
    assert traj["coverage"].iloc[0] == 1.0 and (np.diff(traj["n"]) < 0).all()


def _near_the_planted_box(limits: pd.DataFrame, box: pd.Series) -> None:
    # the true box is a >= 0.6, b <= 0.3 (12% of the points); the chosen box is the
    # highest-coverage one of density >= 0.8, which may reach past the true limits by a few
    # of the 200 points' spacing (0.005), towards the next failing-free points
    assert limits.loc["a", "lower"] == pytest.approx(0.6, abs=0.05)
    assert limits.loc["b", "upper"] == pytest.approx(0.3, abs=0.1)
    assert limits.loc["a", "qp_lower"] < 1e-6 and limits.loc["b", "qp_upper"] < 1e-6
    assert box["coverage"] >= 0.9 and box["density"] >= 0.75 and box["p_value"] < 1e-9


@pytest.mark.slow  # three more designs, 1-5 s each
@pytest.mark.parametrize("seed", [5, 6, 7])
def test_the_planted_box_is_found_from_other_designs(seed: int, tmp_path: Path) -> None:
    out = tmp_path / "planted"
    _run(out, _planted_spec(seed, policies=1))
    box = pd.read_csv(out / "discover.csv").iloc[0]
    assert box["status"] == "box" and " and " in box["box_rule"]
    _near_the_planted_box(pd.read_csv(out / "prim_planted_limits.csv").set_index("input"), box)


def test_a_policy_that_never_or_always_fails_is_said_to(plain: tuple[Path, Any]) -> None:
    out, res = plain
    table = pd.read_csv(out / "discover.csv").set_index("policy")
    assert table.loc["calm", "status"] == "never" and table.loc["calm", "failing"] == 0
    assert table.loc["broken", "status"] == "always" and table.loc["broken", "failing"] == 12
    assert not list(out.glob("prim_*.csv")) and "fails at no point" in res.table()
    en = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    zh = html.unescape((out / "report.zh.html").read_text(encoding="utf-8"))
    assert "it never fails in the ranges studied" in en and "在所研究的范围内从不失效" in zh
    assert "it fails everywhere in the ranges studied" in en and "处处失效" in zh
    assert not list((out / "figures").glob("prim*.png"))  # no peeling, no trade-off figure


def test_the_report_gives_the_rule_in_english_and_chinese(planted: tuple[Path, Any]) -> None:
    out, _ = planted
    en = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    zh = html.unescape((out / "report.zh.html").read_text(encoding="utf-8"))
    rule = pd.read_csv(out / "discover.csv").set_index("policy").loc["planted", "box_rule"]
    assert f"it fails when {rule}: the box holds" in en
    assert f"当 {rule.replace(' and ', ' 且 ')} 时失效" in zh
    assert "quasi-p (lower)" in en and "准p值(下限)" in zh
    assert (out / "figures" / "prim.png").is_file() and (out / "figures" / "prim.zh.png").is_file()
    assert "comparisons are inconclusive" not in en      # design points are not compared


def test_a_rerun_resumes_and_redoes_no_stored_run(tmp_path: Path) -> None:
    out, flag = tmp_path / "resume", tmp_path / "fail-now"
    spec = copy.deepcopy(SPEC)
    spec["discover"]["points"] = 20
    spec["replications"] = 2
    spec["discover"]["policies"] = [{"name": "planted", "overrides": [f"fail={flag}"]}]
    flag.touch()     # points with a > 0.5 fail: an interrupted experiment
    first = _run(out, spec)
    n_failed = len(first.failed)
    assert n_failed == 2 * 10 and first.runs_run == 2 * 10   # half the strata of a
    flag.unlink()
    second = _run(out, spec)
    assert second.runs_run == n_failed and second.runs_skipped == 20 and not second.failed
    third = _run(out, spec)
    assert third.runs_run == 0 and third.runs_skipped == 40
    pd.testing.assert_frame_equal(third.discovery, second.discovery)


def test_serial_and_processes_executors_find_the_same(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["discover"]["points"] = 24
    serial = _run(tmp_path / "s", spec)
    procs = _run(tmp_path / "p", spec, executor="processes", workers=2)
    pd.testing.assert_frame_equal(serial.discovery, procs.discovery)


def test_a_sized_spec_uses_fewer_points() -> None:
    smoke = load_spec(SPEC).sized("smoke")
    assert smoke.discover is not None and smoke.discover.points == 8
    assert smoke.replications == 1


def _bad(path: str, value: Any) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    where, key = spec, path.split(".")
    for k in key[:-1]:
        where = where[int(k)] if isinstance(where, list) else where[k]
    if value is KeyError:
        del where[key[-1]]
    else:
        where[key[-1]] = value
    return spec


@pytest.mark.parametrize(("path", "value", "key"), [
    ("discover.failure.op", "==", "discover.failure.op"),
    ("discover.failure.kpi", "trips_per_moon", "discover.failure.kpi"),
    ("discover.failure.threshold", "five", "discover.failure.threshold"),
    ("discover.failure", "trips_mean > 0.5", "discover.failure"),
    ("discover.points", 2, "discover.points"),
    ("discover.min_density", 1.5, "discover.min_density"),
    ("discover.policies", [], "discover.policies"),
    ("discover.policies.0.name", "a/b", "discover.policies[0].name"),
    ("discover.policies.0.overrides", ["model"], "discover.policies[0].overrides"),
    ("discover.inputs.0.bounds", [1, 0], "discover.inputs[0].bounds"),
    ("discover.inputs", KeyError, "discover.inputs"),
    ("discover.peel", 0.1, "discover.peel"),
    ("discover", KeyError, "discover"),
    ("sizes.smoke.points", 0, "sizes.smoke.points"),
])
def test_bad_specs_name_the_key(path: str, value: Any, key: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_spec(_bad(path, value))
    assert exc.value.key == key
    assert "\n" not in str(exc.value)


def test_a_bad_spec_file_is_one_line_and_exit_code_2(tmp_path: Path, capsys: Any) -> None:
    import yaml

    from govsim.experiment.cli import run_experiment_cli

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_bad("discover.failure.op", "!=")), encoding="utf-8")
    assert run_experiment_cli([f"experiment={path}", f"out={tmp_path / 'o'}", "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("govsim: error: discover.failure.op = '!='")


def test_shipped_e11_composes_every_policy_at_its_extreme_points() -> None:
    import govsim

    spec = load_spec("e11_discover_digital_only")
    d = spec.discover
    assert d is not None and spec.sized("smoke").discover.points < d.points  # type: ignore[union-attr]
    assert d.failure.kpi == "unmet_need_rate_60plus" and len(d.policies) >= 2
    for p in d.policies:
        for edge in ("low", "high"):
            point = [ov for i in d.inputs for ov in i.overrides(getattr(i, edge))]
            govsim.load_scenario([*spec.base, *p.overrides, *point])
