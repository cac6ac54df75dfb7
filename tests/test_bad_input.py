"""Malformed input is rejected with one clear line (issue 9, part 1).

Every case asserts that :func:`govsim.load_scenario` raises
:class:`govsim.ScenarioError` whose message is one line, names the key and the
offending value, and says what is allowed. A representative subset is also run
through the ``govsim`` command, which must exit 2 with that line on stderr and
no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import govsim
from govsim.experiment.spec import spec_from_dict

# Words that say what is allowed (every message must contain one of them).
ALLOWED_WORDS = ("must", "may ", "allowed", "one of", "choose", "unknown key", "required", "needs", "is not")

HEADER = "village_id,township,residents,distance_km,travel_min,county_travel_min,coverage"
GOOD_ROW = "A,T1,100,5,20,30,0.9"

STEP = "{dept: social_security, counter_min: 10, backoffice_min: 10, review_days: 0, notice_days: 0"

# (id, overrides, key named in the message, offending value named in the message)
CASES: list[tuple[str, list[str], str, str]] = [
    # wrong types
    ("horizon_text", ["run.horizon_days=abc"], "run.horizon_days", "'abc'"),
    ("share_level_bool", ["governance.share_level=true"], "governance.share_level", "True"),
    ("horizon_list", ["run.horizon_days=[1,2]"], "run.horizon_days", "[1, 2]"),
    ("horizon_mapping", ["run.horizon_days={a: 1}"], "run.horizon_days", "{'a': 1}"),
    ("seed_float", ["run.seed=1.5"], "run.seed", "1.5"),
    ("windows_float", ["departments.social_security.windows=2.5"],
     "departments.social_security.windows", "2.5"),
    ("flag_text", ["services.items.dibao.online=maybe"], "services.items.dibao.online", "'maybe'"),
    ("documents_not_list", ["services.items.pension_recert.documents=nope"],
     "services.items.pension_recert.documents", "'nope'"),
    ("department_null", ["departments.social_security=null"], "departments.social_security", "None"),
    ("csv_not_text", ["population.villages_csv=123"], "population.villages_csv", "123"),
    ("empty_name", ["name="], "name", "''"),
    ("steps_not_mappings", ["services.items.pension_recert.steps=[1]"],
     "services.items.pension_recert.steps[0]", "1"),
    # zero or negative times, rates and counts
    ("horizon_zero", ["run.horizon_days=0"], "run.horizon_days", "0"),
    ("horizon_negative", ["run.horizon_days=-5"], "run.horizon_days", "-5"),
    ("horizon_nan", ["run.horizon_days=nan"], "run.horizon_days", "nan"),
    ("horizon_inf", ["run.horizon_days=inf"], "run.horizon_days", "inf"),
    ("seed_negative", ["run.seed=-1"], "run.seed", "-1"),
    ("sample_interval_zero", ["run.sample_interval_min=0"], "run.sample_interval_min", "0"),
    ("start_month_13", ["run.start_month=13"], "run.start_month", "13"),
    ("rate_negative", ["services.items.dibao.rate_per_year=-1"],
     "services.items.dibao.rate_per_year", "-1"),
    ("counter_min_negative", ["services.items.pension_recert.steps.0.counter_min=-1"],
     "services.items.pension_recert.steps[0].counter_min", "-1"),
    ("backoffice_negative", ["services.items.pension_recert.steps.0.backoffice_min=-3"],
     "services.items.pension_recert.steps[0].backoffice_min", "-3"),
    ("windows_zero", ["departments.social_security.windows=0"],
     "departments.social_security.windows", "0"),
    ("staff_negative", ["departments.civil_affairs.backoffice_staff=-1"],
     "departments.civil_affairs.backoffice_staff", "-1"),
    ("paper_handoff_negative", ["governance.paper_handoff_days=-1"],
     "governance.paper_handoff_days", "-1"),
    ("certificate_min_zero", ["governance.certificate_min=0"], "governance.certificate_min", "0"),
    ("courier_zero", ["governance.courier_interval_days=0"], "governance.courier_interval_days", "0"),
    ("residents_zero", ["population.residents_per_township=0"],
     "population.residents_per_township", "0"),
    ("adult_share_zero", ["population.adult_share=0"], "population.adult_share", "0"),
    ("max_failed_trips_zero", ["behaviour.max_failed_trips=0"], "behaviour.max_failed_trips", "0"),
    ("proxies_negative", ["channels.proxies_per_village=-1"], "channels.proxies_per_village", "-1"),
    ("mtbf_zero", ["platform.mtbf_hours=0"], "platform.mtbf_hours", "0"),
    ("staff_cost_negative", ["costs.staff_per_year=-1"], "costs.staff_per_year", "-1"),
    ("mmc_windows_zero", ["scenario=mmc", "mmc.windows=0"], "mmc.windows", "0"),
    ("mmc_arrivals_negative", ["scenario=mmc", "mmc.arrivals_per_hour=-1"], "mmc.arrivals_per_hour", "-1"),
    ("close_before_open", ["calendar.open_min=600", "calendar.close_min=500"], "calendar.close_min", "500"),
    ("workdays_8", ["calendar.workdays_per_week=8"], "calendar.workdays_per_week", "8"),
    ("villages_max_below_min", ["population.villages_min=20", "population.villages_max=10"],
     "population.villages_max", "10"),
    # probabilities outside 0..1
    ("share_level_above_1", ["governance.share_level=1.5"], "governance.share_level", "1.5"),
    ("share_level_negative", ["governance.share_level=-0.1"], "governance.share_level", "-0.1"),
    ("exchange_fail_2", ["governance.exchange_fail_prob=2"], "governance.exchange_fail_prob", "2"),
    ("missing_doc_prob_above_1", ["services.items.pension_recert.missing_doc_prob=1.2"],
     "services.items.pension_recert.missing_doc_prob", "1.2"),
    ("eligible_share_negative", ["services.items.pension_recert.eligible_share=-0.5"],
     "services.items.pension_recert.eligible_share", "-0.5"),
    ("coverage_above_1", ["population.coverage_min=1.5"], "population.coverage_min", "1.5"),
    ("giveup_above_1", ["channels.giveup_base=1.01"], "channels.giveup_base", "1.01"),
    # choices and shapes
    ("handoff_fax", ["governance.handoff=fax"], "governance.handoff", "'fax'"),
    ("front_office_unknown", ["governance.front_office=two_windows"], "governance.front_office",
     "'two_windows'"),
    ("level_province", ["departments.social_security.level=province"],
     "departments.social_security.level", "'province'"),
    ("unit_village", ["services.items.pension_recert.unit=village"],
     "services.items.pension_recert.unit", "'village'"),
    ("season_short", ["services.items.pension_recert.season=[1,2,3]"],
     "services.items.pension_recert.season", "[1, 2, 3]"),
    ("season_all_zero", ["services.items.pension_recert.season=[0,0,0,0,0,0,0,0,0,0,0,0]"],
     "services.items.pension_recert.season", "[0, 0"),
    ("fallback_unknown", ["channels=online_first", "channels.fallback=[pray]"], "channels.fallback",
     "'pray'"),
    ("no_channel_open", ["channels.counters_open=false"], "channels.counters_open", "False"),
    ("assisted_without_proxies", ["channels.assisted=true", "channels.proxies_per_village=0"],
     "channels.proxies_per_village", "0"),
    # unknown keys and misspelled options
    ("unknown_key_added", ["+governance.foo=1"], "governance.foo", "1"),
    ("misspelled_key", ["governance.share_levl=0.5"], "governance.share_levl", "0.5"),
    ("misspelled_preset", ["governance=sharred_data"], "governance", "'sharred_data'"),
    ("misspelled_channels_preset", ["channels=online_frist"], "channels", "'online_frist'"),
    ("unknown_run_preset", ["run=nonexistent"], "run", "'nonexistent'"),
    ("unknown_step_key", [f"services.items.pension_recert.steps=[{STEP}, colour: red}}]"],
     "services.items.pension_recert.steps[0].colour", "'red'"),
    ("unknown_top_key", ["+colour=red"], "colour", "'red'"),
    # required keys removed
    ("share_level_removed", ["~governance.share_level"], "governance.share_level", "None"),
    ("departments_removed", ["~departments"], "departments", "None"),
    ("step_incomplete", ["services.items.pension_recert.steps=[{dept: social_security}]"],
     "services.items.pension_recert.steps[0].counter_min", "None"),
    # references to things that do not exist
    ("unknown_document", ["services.items.dibao.documents=[nope]"], "services.items.dibao.documents",
     "'nope'"),
    ("unknown_step_dept", ["services.items.pension_recert.steps.0.dept=nowhere"],
     "services.items.pension_recert.steps[0].dept", "'nowhere'"),
    ("unknown_step_dept_list", [f"services.items.dibao.steps=[{STEP}}}, {{dept: nowhere, counter_min: 1,"
                                " backoffice_min: 1, review_days: 0, notice_days: 0}]"],
     "services.items.dibao.steps[1].dept", "'nowhere'"),
    ("unknown_holder", ["services.documents.id_card.holder=nobody"], "services.documents.id_card.holder",
     "'nobody'"),
    ("unknown_shared_document", ["governance.shared_documents=[passport]"], "governance.shared_documents",
     "'passport'"),
    ("unknown_age_band", ["services.items.pension_recert.age_bands=[90plus]"],
     "services.items.pension_recert.age_bands", "'90plus'"),
    ("unknown_training_band", ["interventions.training_bands=[90plus]"], "interventions.training_bands",
     "'90plus'"),
    # empty catalogues
    ("items_empty", ["~services.items", "+services.items={}"], "services.items", "{}"),
    ("items_null", ["services.items=null"], "services.items", "None"),
    ("departments_empty", ["~departments", "+departments={}"], "departments", "{}"),
    ("bands_empty", ["~population.bands", "+population.bands={}"], "population.bands", "{}"),
    ("steps_empty", ["services.items.pension_recert.steps=[]"], "services.items.pension_recert.steps", "[]"),
    # code by name, anywhere
    ("target_run", ["+run._target_=os.system"], "run._target_", "'os.system'"),
    ("target_root", ["+_target_=os.system"], "_target_", "'os.system'"),
    ("target_item", ["+services.items.pension_recert._target_=os.system"],
     "services.items.pension_recert._target_", "'os.system'"),
    ("target_step", ["+services.items.pension_recert.steps.0._target_=builtins.eval"],
     "services.items.pension_recert.steps.0._target_", "'builtins.eval'"),
    ("target_new_department", ["+departments.x._target_=os.system"], "departments.x._target_", "'os.system'"),
    ("partial", ["+run._partial_=true"], "run._partial_", "True"),
    ("builtin_traversal", ["population.villages_csv=builtin:../x"], "population.villages_csv",
     "'builtin:../x'"),
    ("builtin_missing", ["population.villages_csv=builtin:nope.csv"], "population.villages_csv",
     "'builtin:nope.csv'"),
    ("csv_is_directory", ["population.villages_csv=/"], "population.villages_csv", "'/'"),
]


def check_message(exc: govsim.ScenarioError, key: str, value: str) -> None:
    """One line that names the key, the value and what is allowed."""
    msg = str(exc)
    assert "\n" not in msg and "\r" not in msg, msg
    assert msg.startswith(key), f"{msg!r} does not start with key {key!r}"
    assert value in msg, f"{msg!r} does not name value {value!r}"
    assert any(w in exc.allowed for w in ALLOWED_WORDS), f"{msg!r} does not say what is allowed"


@pytest.mark.parametrize("overrides, key, value", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_override_is_rejected_clearly(overrides, key, value):
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(overrides)
    check_message(exc.value, key, value)


@pytest.mark.parametrize("overrides", [["governance=null"], ["departments=null"]])
def test_null_preset_is_rejected_clearly(overrides):
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(overrides)
    check_message(exc.value, overrides[0].split("=")[0], "None")


def test_unknown_interpolation_is_one_line():
    # compose.py reports it as key "config", value "<interpolation>"; the name of the missing key is kept
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(["run.horizon_days=${nope}"])
    assert "\n" not in str(exc.value) and "nope" in str(exc.value)


def test_band_shares_must_sum_to_one(tmp_path):
    """Keys like ``18-39`` cannot be overridden on the command line: use a preset in a search path."""
    group = tmp_path / "population"
    group.mkdir()
    text = resources.files("govsim.configs").joinpath("population", "township.yaml").read_text("utf-8")
    assert "share: 0.32," in text
    (group / "badshare.yaml").write_text(text.replace("share: 0.32,", "share: 0.5,"), "utf-8")
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"hydra.searchpath=[file://{tmp_path}]", "population=badshare"])
    check_message(exc.value, "population.bands.*.share", "'18-39': 0.5")
    assert "sum to 1" in str(exc.value)


# ---------------------------------------------------------------- village rosters

CSV_CASES: list[tuple[str, bytes | None, str, str]] = [
    # (id, file content (None: no file), key prefix, value named)
    ("missing_column", b"village_id,township,residents\nA,T1,100\n", "population.villages_csv", "{path}"),
    ("bad_number", f"{HEADER}\nA,T1,lots,5,20,30,0.9\n".encode(),
     "population.villages_csv (line 2, column residents)", "'lots'"),
    ("negative_distance", f"{HEADER}\nA,T1,100,-5,20,30,0.9\n".encode(),
     "population.villages_csv (line 2, column distance_km)", "'-5'"),
    ("coverage_above_1", f"{HEADER}\n{GOOD_ROW}\nB,T1,100,5,20,30,1.5\n".encode(),
     "population.villages_csv (line 3, column coverage)", "'1.5'"),
    ("residents_fraction", f"{HEADER}\nA,T1,100.5,5,20,30,0.9\n".encode(),
     "population.villages_csv (line 2, column residents)", "'100.5'"),
    ("residents_zero", f"{HEADER}\nA,T1,0,5,20,30,0.9\n".encode(),
     "population.villages_csv (line 2, column residents)", "'0'"),
    ("nan_travel", f"{HEADER}\nA,T1,100,5,nan,30,0.9\n".encode(),
     "population.villages_csv (line 2, column travel_min)", "'nan'"),
    ("empty_cell", f"{HEADER}\nA,T1,100,,20,30,0.9\n".encode(),
     "population.villages_csv (line 2, column distance_km)", "''"),
    ("empty_village_id", f"{HEADER}\n,T1,100,5,20,30,0.9\n".encode(),
     "population.villages_csv (line 2)", "{path}"),
    ("duplicate_id", f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n".encode(), "population.villages_csv", "'A'"),
    ("non_utf8", f"{HEADER}\n".encode() + "东村,T1,100,5,20,30,0.9\n".encode("gbk"),
     "population.villages_csv", "{path}"),
    ("empty_file", b"", "population.villages_csv", "{path}"),
    ("header_only", f"{HEADER}\n".encode(), "population.villages_csv", "{path}"),
    ("binary", bytes(range(256)), "population.villages_csv", "{path}"),
    ("missing_file", None, "population.villages_csv", "{path}"),
]


@pytest.mark.parametrize("content, key, value", [c[1:] for c in CSV_CASES], ids=[c[0] for c in CSV_CASES])
def test_bad_village_csv_is_rejected_clearly(tmp_path, content, key, value):
    path = tmp_path / "villages.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"population.villages_csv={path}"])
    check_message(exc.value, key, value.format(path=repr(str(path))))


def test_missing_csv_names_the_resolved_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(["population.villages_csv=sub/../nope.csv"])
    assert str(tmp_path.resolve() / "nope.csv") in str(exc.value)


def test_good_village_csv_is_accepted(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"{HEADER}\n{GOOD_ROW}\nB,T1,50,1,10,20,1\n", "utf-8")
    sc = govsim.load_scenario([f"population.villages_csv={path}"])
    assert [v.village_id for v in sc.population.villages] == ["A", "B"]


# ---------------------------------------------------------------- experiments

SCEN = [{"name": "a", "overrides": []}, {"name": "b", "overrides": ["governance=shared_data"]}]
EXPERIMENT_CASES: list[tuple[str, dict[str, object], str, str]] = [
    ("no_scenarios", {"scenarios": []}, "scenarios", "[]"),
    ("unknown_baseline", {"scenarios": SCEN, "baseline": "zzz"}, "baseline", "'zzz'"),
    ("duplicate_names", {"scenarios": [SCEN[0], SCEN[0]]}, "scenarios", "'a'"),
    ("replications_zero", {"scenarios": SCEN, "replications": 0}, "replications", "0"),
    ("unknown_key", {"scenarios": SCEN, "replicatoins": 3}, "replicatoins", "3"),
    ("overrides_not_strings", {"scenarios": [{"name": "a", "overrides": [1]}]}, "scenarios.a", "[1]"),
    ("halfwidth_above_1", {"scenarios": SCEN, "kpis": ["trips_mean"], "target_rel_halfwidth": 2},
     "target_rel_halfwidth", "2"),
]


@pytest.mark.parametrize("data, key, value", [c[1:] for c in EXPERIMENT_CASES],
                         ids=[c[0] for c in EXPERIMENT_CASES])
def test_bad_experiment_is_rejected_clearly(data, key, value):
    with pytest.raises(govsim.ScenarioError) as exc:
        spec_from_dict(dict(data))
    check_message(exc.value, key, value)


# ---------------------------------------------------------------- the command

CLI_CASES = ["horizon_text", "share_level_above_1", "misspelled_key", "misspelled_preset",
             "unknown_key_added", "unknown_document", "target_run", "builtin_traversal", "items_empty"]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory) -> dict[str, tuple[int, str, Path]]:
    """Run every CLI case at once (each start costs a few seconds of imports)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    root = tmp_path_factory.mktemp("cli")
    bad_csv = root / "bad.csv"
    bad_csv.write_bytes(b"\xff\xfe\x00garbage")
    args = {c: next(o for i, o, _, _ in CASES if i == c) for c in CLI_CASES}
    args["bad_csv"] = [f"population.villages_csv={bad_csv}"]
    procs = {}
    for case, overrides in args.items():
        out = root / case
        procs[case] = (subprocess.Popen([sys.executable, "-m", "govsim", *overrides, f"hydra.run.dir={out}"],
                                        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True), out)
    return {case: (p.wait(timeout=300), p.communicate()[1], out) for case, (p, out) in procs.items()}


@pytest.mark.parametrize("case", CLI_CASES)
def test_cli_exits_2_with_one_line(case, cli_runs):
    _, _, key, value = next(c for c in CASES if c[0] == case)
    code, stderr, out = cli_runs[case]
    assert code == 2, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert key in lines[0] and value in lines[0]
    assert not out.exists()


def test_cli_bad_csv_exits_2(cli_runs):
    code, stderr, _ = cli_runs["bad_csv"]
    assert code == 2 and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1 and "UTF-8" in stderr
