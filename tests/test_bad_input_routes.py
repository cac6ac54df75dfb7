"""Bad input by route (override, spec, roster, API, executor, path): refused in one line.

Every case asserts a :class:`govsim.ScenarioError` whose message is one line,
starts with the key it names and says what is allowed, and that nothing was
written (each case runs in an empty working directory). Most cases go through
the in-process API; a handful go through the ``govsim`` command (exit 2, one
line, no traceback, no output directory). See also ``test_bad_input.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import govsim
from govsim.experiment import executors
from govsim.experiment.designs import run_experiment
from govsim.output import check_output_dir

ALLOWED_WORDS = ("must", "may ", "allowed", "one of", "choose", "unknown key", "required", "needs",
                 "is not", "could not", "set run.allow_large", "file not found")
SCEN = [{"name": "a", "overrides": []}, {"name": "b", "overrides": ["governance=shared_data"]}]
ONLINE = "channels=online_first"


@pytest.fixture(autouse=True)
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each case runs in an empty directory that must stay empty (bar its own inputs)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work
    assert sorted(p.name for p in work.iterdir() if not p.name.startswith("input")) == []


def check(exc: BaseException, key: str) -> None:
    """One line, starting with ``key``, saying what is allowed."""
    assert isinstance(exc, govsim.ScenarioError), repr(exc)
    msg = str(exc)
    assert "\n" not in msg and "\r" not in msg, msg
    assert msg.startswith(key), f"{msg!r} does not start with {key!r}"
    assert any(w in msg for w in ALLOWED_WORDS), f"{msg!r} does not say what is allowed"


# ---------------------------------------------------------------- route: override

S12 = "[" + ",".join(["1e308"] * 12) + "]"
OVERRIDES: list[tuple[str, list[str], str]] = [
    # Hydra grammar: the message names the override's key, not "overrides"
    ("grammar_open_list", ["run.horizon_days=[1,"], "run.horizon_days"),
    ("grammar_open_dict", ["run.horizon_days={a:"], "run.horizon_days"),
    ("grammar_quote", ["name='unterminated"], "name"),
    ("grammar_no_key", ["=5"], "override"),
    ("grammar_no_value", ["run.horizon_days"], "run.horizon_days"),
    ("grammar_double_dot", ["run..horizon_days=1"], "run..horizon_days"),
    ("grammar_open_interp", ["name=${run.seed"], "name"),
    ("grammar_bad_sweep", ["run.seed=range(1,"], "run.seed"),
    ("grammar_space_key", ["run horizon=1"], "run horizon"),
    # one preset per group, named plainly
    ("group_list", ["governance=[siloed,shared_data]"], "governance"),
    ("group_sweep", ["governance=siloed,shared_data"], "governance"),
    ("group_dict", ["governance={a: 1}"], "governance"),
    ("group_dotdot", ["governance=../../../../etc/secret"], "governance"),
    ("group_absolute", ["governance=/etc/passwd"], "governance"),
    ("group_parent_dir", ["population=../config"], "population"),
    ("group_empty", ["governance="], "governance"),
    ("group_package", ["governance@run=siloed"], "governance@run"),
    ("group_add_package", ["+governance@x=siloed"], "governance@x"),
    ("group_unknown_executor", ["executor=threads"], "executor"),
    # Hydra's own settings: only a few, never code
    ("hydra_env_set", ["+hydra.job.env_set.LD_PRELOAD=/x.so"], "hydra.job.env_set"),
    ("hydra_callbacks", ["+hydra.callbacks.x.y=1"], "hydra.callbacks"),
    ("hydra_launcher_key", ["hydra.launcher.n_jobs=64"], "hydra.launcher.n_jobs"),
    ("hydra_searchpath_pkg", ["hydra.searchpath=[pkg://os]"], "hydra.searchpath"),
    ("hydra_searchpath_missing", ["hydra.searchpath=[file:///nonexistent/dir]"], "hydra.searchpath"),
    ("hydra_searchpath_scalar", ["hydra.searchpath=notalist"], "hydra.searchpath"),
    ("hydra_searchpath_structured", ["hydra.searchpath=[structured://os]"], "hydra.searchpath"),
    ("hydra_launcher_group", ["hydra/launcher=evil"], "hydra/launcher"),
    ("hydra_sweeper_group", ["hydra/sweeper=optuna"], "hydra/sweeper"),
    ("hydra_logging_group", ["hydra/job_logging=evil"], "hydra/job_logging"),
    ("hydra_output_group", ["hydra/output=x"], "hydra/output"),
    ("hydra_help_key", ["hydra.help.template=x"], "hydra.help.template"),
    ("hydra_delete", ["~hydra.job_logging"], "hydra.job_logging"),
    # interpolation resolvers: only now, hydra and oc.select
    ("resolver_env", ["name=${oc.env:HOME}"], "name"),
    ("resolver_env_spaces", ["name=${ oc.env :HOME}"], "name"),
    ("resolver_decode", ["name=${oc.decode:'1'}"], "name"),
    ("resolver_create", ["name=${oc.create:{a: 1}}"], "name"),
    ("resolver_unknown", ["run.seed=${eval:1+1}"], "run.seed"),
    ("resolver_nested", ["name=x${oc.env:HOME}y"], "name"),
    # values that mean nothing
    ("season_huge", [f"services.items.dibao.season={S12}"], "services.items.dibao.season"),
    ("season_inf", ["services.items.dibao.season=[inf,1,1,1,1,1,1,1,1,1,1,1]"],
     "services.items.dibao.season"),
    ("season_text", ["services.items.dibao.season=[a,1,1,1,1,1,1,1,1,1,1,1]"],
     "services.items.dibao.season"),
    ("season_negative", ["services.items.dibao.season=[-1,1,1,1,1,1,1,1,1,1,1,2]"],
     "services.items.dibao.season"),
    ("season_13", ["services.items.dibao.season=[1,1,1,1,1,1,1,1,1,1,1,1,1]"],
     "services.items.dibao.season"),
    ("villages_need_residents", ["population.villages_min=10000", "population.villages_max=10000",
                                 "population.residents_per_township=1"], "population.villages_min"),
    ("rate_per_year_1000", ["services.items.dibao.rate_per_year=1000"],
     "services.items.dibao.rate_per_year"),
    ("horizon_over_100_years", ["run.horizon_days=36501"], "run.horizon_days"),
    ("seed_too_big", ["run.seed=18446744073709551616"], "run.seed"),
    ("seed_bool", ["run.seed=true"], "run.seed"),
    ("allow_large_text", ["run.allow_large=maybe"], "run.allow_large"),
    ("allow_large_string", ["run.allow_large='true'"], "run.allow_large"),
    ("online_retries_101", ["channels.online_retries=101"], "channels.online_retries"),
    ("share_level_nan", ["governance.share_level=nan"], "governance.share_level"),
    ("apps_zero", ["platform.apps=0"], "platform.apps"),
    ("arrival_spread_zero", ["behaviour.arrival_spread=0"], "behaviour.arrival_spread"),
    ("staff_cost_inf", ["costs.staff_per_year=inf"], "costs.staff_per_year"),
    ("workdays_zero", ["calendar.workdays_per_week=0"], "calendar.workdays_per_week"),
    ("weekday_7", ["run.start_weekday=7"], "run.start_weekday"),
    ("household_half", ["population.household_size=0.5"], "population.household_size"),
    ("adult_share_above_1", ["population.adult_share=1.5"], "population.adult_share"),
    ("distance_absurd", ["population.distance_km_max=1e300"], "population.distance_km_max"),
    ("flag_string_false", ["services.items.dibao.online='false'"], "services.items.dibao.online"),
    ("flag_number", ["services.items.dibao.online=1"], "services.items.dibao.online"),
    ("complexity_negative", ["platform.complexity=-1"], "platform.complexity"),
    ("mttr_zero", ["platform.mttr_hours=0"], "platform.mttr_hours"),
    # runs that would not fit or finish (run.allow_large=true forces them)
    ("residents_1e8", ["population.residents_per_township=100000000"], "run.horizon_days"),
    ("townships_1e4", ["population.townships=10000"], "run.horizon_days"),
    ("sample_interval_tiny", ["run.sample_interval_min=0.000001"], "run.sample_interval_min"),
    ("outages_tiny", [ONLINE, "platform.mtbf_hours=1e-9", "platform.mttr_hours=1e-9"],
     "platform.mtbf_hours"),
    ("mmc_arrivals_1e9", ["scenario=mmc", "mmc.arrivals_per_hour=1e9"], "run.horizon_days"),
    ("hukou_rate_365", ["services.items.household_registration.rate_per_year=365",
                          "population.townships=20"], "run.horizon_days"),
]


@pytest.mark.parametrize("overrides, key", [c[1:] for c in OVERRIDES], ids=[c[0] for c in OVERRIDES])
def test_override(overrides, key):
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(overrides)
    check(exc.value, key)


def test_allow_large_forces_an_estimate_through():
    sc = govsim.load_scenario(["run.sample_interval_min=0.000001", "run.allow_large=true"])
    assert sc.run.sample_interval_min == 1e-6


# ---------------------------------------------------------------- route: spec

def _spec(**extra: Any) -> dict[str, Any]:
    return {"question": "q", "scenarios": SCEN, "base": ["run.horizon_days=2"], **extra}


SPECS: list[tuple[str, dict[str, Any], str]] = [
    ("sizes_not_mapping", _spec(sizes={"smoke": 3}), "sizes.smoke"),
    ("sizes_list", _spec(sizes=["smoke"]), "sizes"),
    ("sizes_replications_zero", _spec(sizes={"smoke": {"replications": 0}}), "sizes.smoke.replications"),
    ("sizes_replications_negative", _spec(sizes={"smoke": {"replications": -1}}),
     "sizes.smoke.replications"),
    ("sizes_replications_float", _spec(sizes={"smoke": {"replications": 2.5}}),
     "sizes.smoke.replications"),
    ("sizes_unknown_key", _spec(sizes={"smoke": {"replicas": 2}}), "sizes.smoke.replicas"),
    ("sizes_overrides_text", _spec(sizes={"smoke": {"overrides": "run.horizon_days=1"}}),
     "sizes.smoke.overrides"),
    ("sizes_trajectories_one", _spec(sizes={"smoke": {"trajectories": 1}}),
     "sizes.smoke.trajectories"),
    ("crn_string", _spec(crn="false"), "crn"),
    ("crn_number", _spec(crn=0), "crn"),
    ("replications_huge", _spec(replications=10**9), "replications"),
    ("replications_float", _spec(replications=2.0), "replications"),
    ("replications_bool", _spec(replications=True), "replications"),
    ("replications_text", _spec(replications="3"), "replications"),
    ("max_replications_zero", _spec(max_replications=0), "max_replications"),
    ("batch_zero", _spec(batch=0), "batch"),
    ("base_seed_negative", _spec(base_seed=-1), "base_seed"),
    ("base_seed_text", _spec(base_seed="x"), "base_seed"),
    ("kpis_text", _spec(kpis="trips_mean"), "kpis"),
    ("kpis_numbers", _spec(kpis=[1, 2]), "kpis"),
    ("halfwidth_zero", _spec(kpis=["trips_mean"], target_rel_halfwidth=0), "target_rel_halfwidth"),
    ("halfwidth_nan", _spec(kpis=["trips_mean"], target_rel_halfwidth=float("nan")),
     "target_rel_halfwidth"),
    ("halfwidth_no_kpi", _spec(target_rel_halfwidth=0.1), "target_kpi"),
    ("kind_unknown", _spec(kind="factorial"), "kind"),
    ("figure_unknown", _spec(figures=["pie"]), "figures[0]"),
    ("figure_scatter_no_axes", _spec(figures=[{"kind": "scatter"}]), "figures[0]"),
    ("scenarios_mapping_values", {"scenarios": {"a": "governance=siloed"}}, "scenarios.a"),
    ("scenario_no_name", {"scenarios": [{"overrides": []}]}, "scenarios[0]"),
    ("scenario_text", {"scenarios": ["a"]}, "scenarios[0]"),
    ("base_text", _spec(base="run.horizon_days=2"), "base"),
    ("morris_no_inputs", {"kind": "morris", "morris": {"outputs": ["trips_mean"], "inputs": []}},
     "morris.inputs"),
    ("morris_bad_bounds", {"kind": "morris", "morris": {"outputs": ["x"], "inputs": [
        {"name": "a", "key": "run.seed", "bounds": [2, 1]}, {"name": "b", "key": "run.seed",
                                                             "bounds": [1, 2]}]}},
     "morris.inputs[0].bounds"),
    # scenarios that do not compose: refused before any run, nothing written
    ("scenario_bad_value", _spec(scenarios=[{"name": "a", "overrides": ["run.horizon_days=-1"]}]),
     "run.horizon_days"),
    ("scenario_two_presets", _spec(scenarios=[{"name": "a", "overrides":
                                               ["governance=[siloed,shared_data]"]}]), "governance"),
    ("base_searchpath", _spec(base=["hydra.searchpath=[pkg://os]"]), "hydra.searchpath"),
    ("base_secret", _spec(base=["name=${oc.env:HOME}"]), "name"),
    ("size_override_bad", _spec(sizes={"smoke": {"replications": 1, "overrides": ["run.seed=-1"]}}),
     "run.seed"),
]


@pytest.mark.parametrize("spec, key", [c[1:] for c in SPECS], ids=[c[0] for c in SPECS])
def test_spec(spec, key, tmp_path):
    size = "smoke" if "sizes" in spec and isinstance(spec["sizes"], dict) else "full"
    with pytest.raises(govsim.ScenarioError) as exc:
        run_experiment(spec, out_dir=tmp_path / "out", size=size, progress=False)
    check(exc.value, key)
    assert not (tmp_path / "out").exists()


SPEC_FILES: list[tuple[str, bytes | None, str]] = [
    ("yaml_syntax", b"scenarios: [\n", "experiment"),
    ("yaml_tag", b"question: !!python/object/apply:os.system [echo]\n", "experiment"),
    ("yaml_tab_indent", b"scenarios:\n\t- a\n", "experiment"),
    ("not_utf8", "question: 东\n".encode("gbk"), "experiment"),
    ("a_list", b"- a\n- b\n", "experiment"),
    ("empty", b"", "experiment"),
    ("missing", None, "experiment"),
    ("binary", bytes(range(256)), "experiment"),
]


@pytest.mark.parametrize("content, key", [c[1:] for c in SPEC_FILES], ids=[c[0] for c in SPEC_FILES])
def test_spec_file(content, key, empty_cwd):
    path = empty_cwd / "input_study.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(govsim.ScenarioError) as exc:
        run_experiment(str(path), out_dir=empty_cwd.parent / "out", progress=False)
    check(exc.value, key)
    assert "line" in str(exc.value) or content is None or content in (b"", b"- a\n- b\n") \
        or "UTF-8" in str(exc.value)


@pytest.mark.parametrize("option, value", [("replications", 0), ("foo", 1), ("crn", "maybe"),
                                           ("replications", 10**7), ("baseline", "zzz"),
                                           ("max_replications", -1)])
def test_experiment_option(option, value, tmp_path):
    with pytest.raises(govsim.ScenarioError) as exc:
        run_experiment("example_pairs", out_dir=tmp_path / "out", options={option: value},
                       progress=False)
    check(exc.value, option if option != "foo" else "experiment.foo")


# ---------------------------------------------------------------- route: roster

HEADER = "village_id,township,residents,distance_km,travel_min,county_travel_min,coverage"
ROSTERS: list[tuple[str, str, str]] = [
    ("duplicate_column", HEADER + ",residents\nA,T,10,1,5,10,1,99\n", "population.villages_csv"),
    ("huge_field", HEADER + "\nA,T,10,1,5,10,1\n" + "B" * 140_000 + ",T,10,1,5,10,1\n",
     "population.villages_csv"),
    ("distance_1e300", HEADER + "\nA,T,10,1e300,5,10,1\n",
     "population.villages_csv (line 2, column distance_km)"),
    ("residents_1e9", HEADER + "\nA,T,1000000000,1,5,10,1\n",
     "population.villages_csv (line 2, column residents)"),
    ("residents_negative", HEADER + "\nA,T,-1,1,5,10,1\n",
     "population.villages_csv (line 2, column residents)"),
    ("residents_inf", HEADER + "\nA,T,inf,1,5,10,1\n", "population.villages_csv (line 2, column residents)"),
    ("coverage_nan", HEADER + "\nA,T,10,1,5,10,nan\n", "population.villages_csv (line 2, column coverage)"),
    ("travel_inf", HEADER + "\nA,T,10,1,inf,10,1\n", "population.villages_csv (line 2, column travel_min)"),
    ("travel_over_a_day", HEADER + "\nA,T,10,1,2000,10,1\n",
     "population.villages_csv (line 2, column travel_min)"),
    ("semicolons", HEADER.replace(",", ";") + "\nA;T;10;1;5;10;1\n", "population.villages_csv"),
    ("short_row", HEADER + "\nA,T,10\n", "population.villages_csv (line 2, column distance_km)"),
    ("blank_township", HEADER + "\nA, ,10,1,5,10,1\n", "population.villages_csv (line 2)"),
    ("only_blank_lines", HEADER + "\n\n\n", "population.villages_csv"),
    ("nul_bytes", HEADER + "\nA\x00,T,10,1,5,10,1\n", "population.villages_csv"),
]


@pytest.mark.parametrize("text, key", [c[1:] for c in ROSTERS], ids=[c[0] for c in ROSTERS])
def test_roster(text, key, empty_cwd):
    path = empty_cwd / "input_villages.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"population.villages_csv={path}"])
    check(exc.value, key)


@pytest.mark.parametrize("value", ["builtin:", "~/no/such/roster.csv", ".", "builtin:../../x.csv"])
def test_roster_path(value):
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"population.villages_csv={value}"])
    check(exc.value, "population.villages_csv")


# ---------------------------------------------------------------- route: API

@pytest.mark.parametrize("overrides", [[1], "run.horizon_days=3", 5, [None], ["x" * 200_000]],
                         ids=["int_item", "string", "int", "none_item", "huge"])
def test_api_load_scenario_arguments(overrides):
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(overrides)
    check(exc.value, "override")


@pytest.mark.parametrize("spec", [123, "", None, ["a"], "no_such_experiment", "./no/such.yaml"])
def test_api_run_experiment_spec(spec, tmp_path):
    with pytest.raises(govsim.ScenarioError) as exc:
        run_experiment(spec, out_dir=tmp_path / "out", progress=False)
    check(exc.value, "experiment")


@pytest.mark.parametrize("size", ["huge", "", "SMOKE"])
def test_api_unknown_size(size, tmp_path):
    with pytest.raises(govsim.ScenarioError) as exc:
        run_experiment("example_pairs", out_dir=tmp_path / "out", size=size, progress=False)
    check(exc.value, "experiment.size")


# ---------------------------------------------------------------- route: executor

EXECUTOR_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("unknown", {"executor": "threads"}, "executor"),
    ("workers_zero", {"executor": "processes", "workers": 0}, "executor.workers"),
    ("workers_negative", {"executor": "processes", "workers": -1}, "executor.workers"),
    ("workers_bool", {"executor": "processes", "workers": True}, "executor.workers"),
    ("workers_text", {"executor": "processes", "workers": "2"}, "executor.workers"),
    ("workers_over_cores", {"executor": "processes", "workers": 64}, "executor.workers"),
    ("dask_workers_over_cores", {"executor": "dask", "workers": 64}, "executor.workers"),
    ("address_not_dask", {"executor": "processes", "address": "tcp://127.0.0.1:8786"},
     "executor.address"),
    ("address_no_port", {"executor": "dask", "address": "tcp://127.0.0.1"}, "executor.address"),
    ("address_bad_port", {"executor": "dask", "address": "tcp://127.0.0.1:notaport"},
     "executor.address"),
    ("address_port_0", {"executor": "dask", "address": "tcp://127.0.0.1:0"}, "executor.address"),
    ("address_spaces", {"executor": "dask", "address": "tcp://a b:1"}, "executor.address"),
]


@pytest.mark.parametrize("kwargs, key", [c[1:] for c in EXECUTOR_CASES],
                         ids=[c[0] for c in EXECUTOR_CASES])
def test_executor(kwargs, key, tmp_path):
    with pytest.raises(govsim.ScenarioError) as exc:
        run_experiment("example_pairs", out_dir=tmp_path / "out", size="smoke", progress=False,
                       **kwargs)
    check(exc.value, key)
    assert not (tmp_path / "out").exists()


def test_oversubscribe_is_allowed_when_asked():
    executors.check_executor("processes", 64, oversubscribe=True)


# ---------------------------------------------------------------- route: path

@pytest.mark.parametrize("value", ["", "   ", "/proc/govsim", "/sys/x", "/dev/null", "/proc",
                                   "input_file", "input_file/sub", None])
def test_output_path(value, empty_cwd):
    (empty_cwd / "input_file").write_text("x")
    with pytest.raises(govsim.ScenarioError) as exc:
        check_output_dir("out", value)
    check(exc.value, "out")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output_path(empty_cwd):
    locked = empty_cwd / "input_locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(govsim.ScenarioError) as exc:
        check_output_dir("out", str(locked / "runs"))
    check(exc.value, "out")


# ---------------------------------------------------------------- the command (a handful)

CLI: dict[str, tuple[list[str], str]] = {
    "run_dir_empty": (["hydra.run.dir="], "hydra.run.dir"),
    "run_dir_proc": (["hydra.run.dir=/proc/govsim"], "hydra.run.dir"),
    "grammar": (["run.horizon_days=[1,", "hydra.run.dir=out"], "run.horizon_days"),
    "too_big": (["population.residents_per_township=100000000", "hydra.run.dir=out"],
                "run.horizon_days"),
    "exp_out_empty": (["experiment=example_pairs", "out="], "out"),
    "exp_workers": (["experiment=example_pairs", "executor=processes", "executor.workers=64",
                     "out=exp"], "executor.workers"),
    "unknown_flag": (["--evil", "hydra.run.dir=out"], "--evil"),
}


SLOW_CLI = {"run_dir_proc", "too_big", "exp_workers"}


@pytest.fixture(scope="module")
def cli_runs(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, Path]]:
    root = tmp_path_factory.mktemp("cli_routes")
    procs = {}
    cases = [i.callspec.params["case"] for i in request.session.items
             if getattr(i, "originalname", None) == "test_cli" and hasattr(i, "callspec")]
    for case in cases:
        args = CLI[case][0]
        cwd = root / case
        cwd.mkdir()
        procs[case] = (subprocess.Popen([sys.executable, "-m", "govsim", *args], cwd=cwd,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), cwd)
    return {case: (p.wait(timeout=300), p.communicate()[1], cwd) for case, (p, cwd) in procs.items()}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_CLI else c
                                  for c in sorted(CLI)])
def test_cli(case, cli_runs):
    code, err, cwd = cli_runs[case]
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"govsim: error: {CLI[case][1]}"), err
    assert list(cwd.iterdir()) == []


def test_full_disk_is_one_line(tmp_path, monkeypatch, capsys):
    import errno

    from govsim.experiment.cli import run_experiment_cli
    from govsim.store import RunStore

    def full(self: RunStore, rel: str, write: Any) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), rel)

    monkeypatch.setattr(RunStore, "write_file", full)
    out = tmp_path / "exp"
    code = run_experiment_cli(["experiment=example_pairs", "experiment.size=smoke", f"out={out}",
                               "--quiet", "--no-report"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "No space left on device" in err and "Traceback" not in err
    assert not list(out.rglob("*.tmp*")) if out.exists() else True
