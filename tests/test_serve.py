"""The workbench's state and actions, without a browser (``govsim serve``)."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

import govsim
from govsim.errors import ScenarioError
from govsim.experiment.spec import load_spec
from govsim.kpi_registry import kpi
from govsim.report.data import load_experiment
from govsim.serve import results as res
from govsim.serve.cli import parse_args
from govsim.serve.jobs import JobManager
from govsim.serve.levers import option_overrides, presets
from govsim.serve.state import MAX_OPTIONS, MAX_ROSTER_BYTES, Workbench, slug


def _cli_message(capsys: pytest.CaptureFixture[str], overrides: list[str]) -> str:
    from govsim.cli import main

    with pytest.raises(SystemExit) as exc:
        main(overrides)
    assert exc.value.code == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("govsim: error: ")
    return line.removeprefix("govsim: error: ")


def test_levers_become_overrides() -> None:
    assert option_overrides({}) == []
    assert option_overrides({"proxies_per_village": 0, "training_share": 0.0, "counters": "kept"}) == []
    assert option_overrides({"proxies_per_village": 2, "counters": "closed", "proactive": True}) == [
        "channels.assisted=true", "channels.proxies_per_village=2",
        "channels.online=true", "channels.counters_open=false", "proactive=on"]
    assert option_overrides({"training_share": 0.25, "share_level": 0.5}) == [
        "interventions=literacy_training", "interventions.training_share=0.25",
        "governance.share_level=0.5"]


def test_presets_are_read_from_the_package() -> None:
    assert "shared_data" in presets("governance")
    assert "mmc" not in presets("population")


def test_names_typed_in_the_page_are_slugged() -> None:
    assert slug("a/b; rm -rf ~", "x") == "a_b_rm_-rf"
    assert slug("代办员 方案", "x") == "代办员_方案"
    assert slug("../..", "fallback") == "fallback"


def test_spec_runs_unchanged_through_the_spec_loader(tmp_path: Path) -> None:
    bench = Workbench(tmp_path, replications=3, seed=7, horizon_days=30)
    bench.add_option("proxies", {"proxies_per_village": 1})
    bench.add_option("proxies", {"training_share": 0.3})      # a duplicate name is made unique
    spec = load_spec(bench.spec())
    assert spec.scenario_names == ("baseline", "proxies", "proxies_2")
    assert spec.baseline == "baseline" and spec.replications == 3 and spec.base_seed == 7
    assert "run.horizon_days=30" in spec.base
    path = tmp_path / "spec.yaml"
    path.write_text(bench.spec_yaml(), encoding="utf-8")
    assert load_spec(path).scenarios == spec.scenarios
    assert bench.spec_id() == Workbench(tmp_path, replications=3, seed=7, horizon_days=30,
                                        options=bench.options).spec_id()


def test_at_most_five_options(tmp_path: Path) -> None:
    bench = Workbench(tmp_path)
    for _ in range(MAX_OPTIONS):
        bench.add_option()
    with pytest.raises(ScenarioError, match="at most"):
        bench.add_option()


def test_bad_values_get_the_clis_message_beside_their_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = Workbench(tmp_path)
    assert bench.validate() == {}
    bench.add_option("t", {"training_share": 1.5})
    errors = bench.validate()
    assert errors == {"option0.training_share": _cli_message(
        capsys, ["interventions=literacy_training", "interventions.training_share=1.5"])}
    bench.horizon_days = -3
    bench.replications = 0
    errors = bench.validate()
    assert errors["horizon"] == _cli_message(capsys, ["run.horizon_days=-3"])
    assert errors["replications"] == "replications = 0: must be an integer >= 1"


def test_roster_upload_is_validated_like_the_cli_and_kept_in_the_workdir(tmp_path: Path) -> None:
    good = resources.files("govsim.configs").joinpath("villages", "example_villages.csv").read_bytes()
    bench = Workbench(tmp_path / "wd")
    n, error = bench.save_roster(good)
    assert error is None and n == good.decode().count("\n") - 1
    assert bench.roster is not None and bench.roster.is_relative_to((tmp_path / "wd").resolve())
    assert f"population.villages_csv={bench.roster}" in bench.base_overrides()
    assert bench.validate() == {}

    bad = b"village_id,township,residents\nA,T,10\n"
    n, error = Workbench(tmp_path / "wd").save_roster(bad)
    other = tmp_path / "bad.csv"
    other.write_bytes(bad)
    with pytest.raises(ScenarioError) as cli:
        govsim.load_scenario([f"population.villages_csv={other}"])
    assert n == 0 and error is not None and error.split(": ", 1)[1] == str(cli.value).split(": ", 1)[1]
    assert len(list((tmp_path / "wd" / "uploads").iterdir())) == 1   # the rejected file is gone

    n, error = Workbench(tmp_path / "wd").save_roster(b"x" * (MAX_ROSTER_BYTES + 1))
    assert n == 0 and error is not None and "at most" in error


def test_serve_binds_localhost_by_default() -> None:
    args = parse_args([])
    assert args.host == "127.0.0.1" and args.port == 5006
    assert parse_args(["--host", "0.0.0.0", "--port", "8000"]).port == 8000


def test_govsim_serve_never_reaches_hydra(capsys: pytest.CaptureFixture[str]) -> None:
    from govsim.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--help"])
    assert exc.value.code == 0
    assert "--port" in capsys.readouterr().out


# --- a stored smoke experiment, run once through the job manager ---------------------------

@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("wd")
    bench = Workbench(workdir, horizon_days=8, replications=2, seed=3)
    bench.add_option("proxies", {"proxies_per_village": 3})
    roster = resources.files("govsim.configs").joinpath("villages", "example_villages.csv")
    assert bench.save_roster(roster.read_bytes())[1] is None
    jobs = JobManager(workdir, executor="serial")
    job = jobs.start(bench.spec_yaml(), bench.spec_id(), total=4)
    assert job is not None and jobs.start(bench.spec_yaml(), "other", 4) is None  # one at a time
    deadline = time.time() + 120
    while job.status == "running" and time.time() < deadline:
        time.sleep(0.2)
    assert job.status == "done", job.error
    assert job.done == 4 and job.out_dir.is_relative_to(workdir.resolve())
    return job.out_dir


def test_cards_use_the_registry_and_colour_only_clear_differences(stored: Path) -> None:
    exp = load_experiment(stored)
    cards = res.cards(exp, "zh")
    assert cards and {c.option for c in cards} == {"proxies"}
    trips = next(c for c in cards if c.kpi == "trips_mean")
    assert trips.label == kpi("trips_mean").label("zh")
    assert trips.diff_unit == kpi("trips_mean").diff_unit("zh")
    row = exp.comparison.query("kpi == 'trips_mean' and scenario == 'proxies'").iloc[0]
    assert (trips.diff, trips.low, trips.high) == (row["diff_mean"], row["diff_ci_low"], row["diff_ci_high"])
    share = next(c for c in res.cards(exp, "en") if c.kpi == "completion_rate")
    assert share.diff == pytest.approx(100 * exp.comparison.query(
        "kpi == 'completion_rate' and scenario == 'proxies'")["diff_mean"].iloc[0])
    for c in cards:
        assert (c.tone == "unclear") == (c.low <= 0 <= c.high)


def test_tone_follows_better_if() -> None:
    assert res._tone("lower", -1, -2, -0.5, 3, 2) == "better"
    assert res._tone("higher", -1, -2, -0.5, 3, 2) == "worse"
    assert res._tone("zero", -1, -2, -0.5, 3, 2) == "better"     # a gap closing
    assert res._tone("zero", -1, -2, -0.5, 0.5, -0.5) == "worse"  # overshooting the other way
    assert res._tone(None, -1, -2, -0.5, 3, 2) == "clear"
    assert res._tone("lower", -1, -2, 0.5, 3, 2) == "unclear"


def test_findings_left_behind_and_costs(stored: Path) -> None:
    exp = load_experiment(stored)
    for lang in ("en", "zh"):
        sentences = res.findings(exp, lang)
        assert 3 <= len(sentences) <= 5
    assert any("基线" in s for s in res.findings(exp, "zh"))
    band = res.unmet_by(exp, "age_band", "en")
    assert list(band.columns) == ["baseline", "proxies"] and "80+" in band.index
    items = res.unmet_by(exp, "item", "zh")
    assert "养老金资格认证" in items.index
    by_km = res.unmet_by_distance(exp, "en")   # the roster gives the villages' distances
    assert list(by_km.columns) == ["baseline", "proxies"] and len(by_km) >= 2
    assert ((by_km >= 0) & (by_km <= 100)).all().all()
    costs = res.cost_rows(exp, "en")
    assert list(costs["Option"]) == ["proxies"]
    assert set(res.gap_kpis(exp)) >= {"elderly_trips_gap"}


def test_figures_draw_in_both_languages(stored: Path) -> None:
    from govsim.serve.figures import distribution_figure, timeseries_figure

    exp = load_experiment(stored)
    fig = distribution_figure(exp, "zh")
    assert kpi("trips_mean").label("zh") in fig.axes[0].get_title()
    assert timeseries_figure(exp, "en") is not None


def test_page_relabels_and_refuses_to_run_with_errors(tmp_path: Path, stored: Path) -> None:
    from govsim.serve.app import WorkbenchPage, stored_experiments

    page = WorkbenchPage(tmp_path, JobManager(tmp_path), [stored.parent])
    page.set_lang("zh")
    assert page.run_btn.label == "运行比较"
    page.horizon.value = -1
    page.run()
    assert page.jobs.job is None and "修正" in page.status.object
    assert page._field_errors["horizon"].visible
    found = stored_experiments([stored.parent])
    assert list(found.values()) == [stored]
    page.show(load_experiment(stored))
    assert any("kpi-card" in str(getattr(o, "object", "")) for o in page.results.objects)


def test_cancel_stops_the_job_and_keeps_finished_runs(tmp_path: Path) -> None:
    bench = Workbench(tmp_path, horizon_days=120, replications=6, seed=1)
    jobs = JobManager(tmp_path, executor="serial")
    job = jobs.start(bench.spec_yaml(), bench.spec_id(), total=6)
    assert job is not None
    time.sleep(1.0)
    jobs.cancel()
    assert job.status == "cancelled" and job.process.poll() is not None
    assert not list(job.out_dir.rglob("*.tmp*"))
    assert pd.isna(job.error) or job.error == ""


SHIPPED = Path(__file__).resolve().parents[1] / "results"


@pytest.mark.skipif(not (SHIPPED / "e3_inclusive_interventions").is_dir(), reason="no shipped results")
def test_shipped_results_open_without_rerunning(tmp_path: Path) -> None:
    from govsim.serve.app import WorkbenchPage, stored_experiments

    found = stored_experiments([SHIPPED])
    assert "results/e3_inclusive_interventions" in found
    assert not any("e9_sensitivity" in k for k in found)   # a screening has no baseline to compare
    exp = load_experiment(found["results/e3_inclusive_interventions"])
    assert res.unmet_by_distance(exp, "en").empty          # no roster, no stored distances
    assert {c.option for c in res.cards(exp, "en")} == set(exp.scenarios) - {exp.baseline}
    page = WorkbenchPage(tmp_path, JobManager(tmp_path), [SHIPPED])
    page.stored.value = found["results/e3_inclusive_interventions"]
    page.open_stored()
    assert page.exp is not None and page.exp.name == "e3_inclusive_interventions"
    assert not list(SHIPPED.glob("*/uploads")) and not (SHIPPED / "experiments").exists()
