"""The experiment runner, store, spec validation and CLIs, on a fake model (fast)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_experiment_fakes import fake_load, fake_simulate, fake_spec

from govsim.errors import ScenarioError
from govsim.experiment import cli as exp_cli
from govsim.experiment import (
    executors,
    load_spec,
    merge_overrides,
    replication_seed,
    run_experiment,
    runner,
)
from govsim.experiment.compare_cli import main as compare_main
from govsim.experiment.manifest import scenario_config
from govsim.store import RunStore


def run(spec: dict[str, Any], out: Path, **kw: Any) -> Any:
    kw.setdefault("progress", False)
    return run_experiment(spec, out_dir=out, simulate=fake_simulate, load=fake_load, **kw)


def test_seeds_are_deterministic_and_common() -> None:
    assert replication_seed(11, 3) == replication_seed(11, 3)
    assert len({replication_seed(11, r) for r in range(50)}) == 50
    assert replication_seed(11, 0, stream=1) != replication_seed(11, 0)


def test_merge_overrides_later_wins() -> None:
    got = merge_overrides(["a=1", "b=2"], ["+a=3"], ["c=4"])
    assert got == ["b=2", "+a=3", "c=4"]


@pytest.mark.parametrize(("change", "key"), [
    ({"scenarios": []}, "scenarios"),
    ({"baseline": "nope"}, "baseline"),
    ({"replications": 0}, "replications"),
    ({"scenarios": [{"name": "a"}, {"name": "a"}]}, "scenarios"),
    ({"target_rel_halfwidth": 2.0}, "target_rel_halfwidth"),
    ({"bogus": 1}, "bogus"),
])
def test_bad_specs_raise_one_line_errors(change: dict[str, Any], key: str) -> None:
    spec = {**fake_spec(), **change}
    if change.get("scenarios") and "baseline" not in change:
        spec["baseline"] = "a"
    with pytest.raises(ScenarioError) as err:
        load_spec(spec)
    assert err.value.key == key and "\n" not in str(err.value)


def test_unknown_executor_and_size(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="executor"):
        run(fake_spec(), tmp_path, executor="gpu")
    with pytest.raises(ScenarioError, match=r"experiment\.size"):
        run(fake_spec(), tmp_path, size="huge")


def test_all_scenarios_validated_before_any_run(tmp_path: Path) -> None:
    spec = fake_spec()
    spec["scenarios"][2]["overrides"].append("bad=1")
    with pytest.raises(ScenarioError, match="bad"):
        run(spec, tmp_path / "out")
    assert not (tmp_path / "out" / "runs").exists()


def test_shipped_example_loads_and_has_a_question() -> None:
    spec = load_spec("example_pairs")
    assert spec.question.endswith("?") and spec.baseline in spec.scenario_names
    smoke = spec.sized("smoke")
    assert smoke.replications < spec.replications
    assert smoke.base[-1].startswith("run.horizon_days=")


def test_run_store_layout_manifest_and_rerun_skips(tmp_path: Path) -> None:
    res = run(fake_spec(), tmp_path)
    assert (res.runs_run, res.runs_skipped) == (12, 0)
    for name in ("summary.parquet", "summary.csv", "comparison.csv", "manifest.json"):
        assert (tmp_path / name).is_file()
    run_dirs = list((tmp_path / "runs").iterdir())
    assert len(run_dirs) == 12
    assert {p.name for p in run_dirs[0].iterdir()} == {
        "requests.parquet", "kpis.parquet", "config.json", "meta.json"}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seeds"]["base"] == manifest["seeds"]["better"]  # common random numbers
    assert manifest["scenarios"]["better"]["config_changes"] == {"effect": -0.3}
    assert scenario_config(manifest, "better")["effect"] == -0.3
    assert scenario_config(manifest, "base") == manifest["scenarios"]["base"]["config"]
    assert {"commit", "dirty"} <= set(manifest["git"]) and manifest["govsim_version"]
    assert all(r["wall_seconds"] is not None for r in manifest["runs"])
    assert list(res.summary.columns) == ["scenario", "replication", "seed", "kpi", "value"]
    again = run(fake_spec(), tmp_path)
    assert (again.runs_run, again.runs_skipped) == (0, 12)
    pd.testing.assert_frame_equal(res.summary, again.summary)
    more = run(fake_spec(replications=5), tmp_path)
    assert (more.runs_run, more.runs_skipped) == (3, 12)


def test_comparison_finds_the_effect(tmp_path: Path) -> None:
    res = run(fake_spec(replications=6), tmp_path)
    row = res.comparison.set_index(["kpi", "scenario"]).loc[("trips_mean", "better")]
    assert row["diff_mean"] == pytest.approx(-0.3) and not row["inconclusive"]
    assert row["sentence"].startswith("better vs base — Trips per application: 0.30 trips fewer (95% CI")
    assert "Holm p" in res.table()


def test_independent_seeds_option(tmp_path: Path) -> None:
    res = run(fake_spec(crn=False), tmp_path)
    seeds = res.manifest["seeds"]
    assert seeds["base"] != seeds["better"]


def test_processes_match_serial(tmp_path: Path) -> None:
    a = run(fake_spec(), tmp_path / "s")
    b = run(fake_spec(), tmp_path / "p", executor="processes", workers=2)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.comparison, b.comparison)


def test_processes_match_serial_from_a_threaded_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parent with a live thread must not fork: workers come from the fork server."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert executors._worker_context().get_start_method() != "fork"
        b = run(fake_spec(), tmp_path / "p", executor="processes", workers=2)
    finally:
        stop.set()
        thread.join()
    a = run(fake_spec(), tmp_path / "s")
    pd.testing.assert_frame_equal(a.summary, b.summary)
    if sys.platform.startswith("linux"):  # a single-threaded parent forks its workers
        monkeypatch.setattr(threading, "active_count", lambda: 1)
        assert executors._worker_context().get_start_method() == "fork"


def test_sequential_rule_adds_replications_up_to_cap(tmp_path: Path) -> None:
    spec = fake_spec(replications=3, target_kpi="trips_mean", target_rel_halfwidth=0.001,
                     max_replications=7, batch=2)
    with pytest.warns(UserWarning, match="not met"):
        res = run(spec, tmp_path)
    assert res.manifest["replications"] == 7 and res.manifest["precision"]["met"] is False
    loose = run(fake_spec(replications=3, target_kpi="trips_mean", target_rel_halfwidth=0.5),
                tmp_path / "loose")
    assert loose.manifest["replications"] == 3 and loose.manifest["precision"]["met"]


def test_store_refuses_paths_outside_root(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "out")
    with pytest.raises(ScenarioError):
        store.path("..", "elsewhere.json")
    with pytest.raises(ScenarioError):
        store.run_dir("../../x")


def test_stale_tmp_files_are_cleaned_and_partial_runs_redone(tmp_path: Path) -> None:
    res = run(fake_spec(replications=2), tmp_path)
    victim = tmp_path / "runs" / res.manifest["runs"][0]["key"]
    (victim / "meta.json").unlink()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (victim / f"requests.parquet.tmp{gone}").write_bytes(b"partial")  # its writer is dead
    live = tmp_path / "runs" / res.manifest["runs"][1]["key"] / f"kpis.parquet.tmp{os.getppid()}"
    live.write_bytes(b"being written by another live process")
    again = run(fake_spec(replications=2), tmp_path)
    assert (again.runs_run, again.runs_skipped) == (1, 5)
    assert list(tmp_path.rglob("*.tmp*")) == [live]  # a live writer's file is left alone
    live.unlink()
    pd.testing.assert_frame_equal(res.summary, again.summary)


@pytest.fixture
def fake_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "_default_load", lambda: fake_load)
    monkeypatch.setattr(runner, "_default_simulate", lambda: fake_simulate)


def test_cli_runs_and_reports_user_errors(tmp_path: Path, fake_core: None,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o"
    argv = ["experiment=example_pairs", "experiment.size=smoke", f"out={out}", "effect=0",
            "experiment.kpis=[trips_mean]"]
    assert exp_cli.run_experiment_cli(argv) == 0
    assert "trips_mean" in capsys.readouterr().out
    assert (out / "manifest.json").is_file()
    for bad in (["experiment=nope"], ["experiment=example_pairs", "executor=gpu"],
                ["experiment=example_pairs", "executor.workers=x"],
                ["experiment=example_pairs", "experiment.replications=0"], ["effect=1"]):
        assert exp_cli.run_experiment_cli([*bad, f"out={out}"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("govsim: error:") and err.count("\n") == 1


def test_cli_interrupt_exits_130(tmp_path: Path, fake_core: None, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*a: Any, **k: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(exp_cli, "run_experiment", boom)
    assert exp_cli.run_experiment_cli(["experiment=example_pairs", f"out={tmp_path}"]) == 130
    assert "Rerun the same command" in capsys.readouterr().err


def test_compare_cli_reads_experiment_dirs(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    run(fake_spec(), tmp_path / "e")
    assert compare_main([str(tmp_path / "e"), "--kpi", "trips_mean",
                         "--out", str(tmp_path / "c.csv")]) == 0
    assert "better vs base — Trips per application: 0.30 trips fewer" in capsys.readouterr().out
    assert pd.read_csv(tmp_path / "c.csv")["scenario"].tolist() == ["base", "better", "same"]
    assert compare_main([str(tmp_path / "missing")]) == 2


def test_compare_cli_reads_a_multirun_dir(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    jobs = [("siloed", 1, 3.0), ("siloed", 2, 3.2), ("shared", 1, 1.1), ("shared", 2, 1.2),
            ("siloed", 3, 3.1), ("shared", 3, 1.0)]
    for i, (gov, seed, trips) in enumerate(jobs):
        job = tmp_path / "multirun" / str(i)
        (job / ".hydra").mkdir(parents=True)
        (job / "config.yaml").write_text(f"governance: {gov}\nrun:\n  seed: {seed}\n")
        (job / ".hydra" / "overrides.yaml").write_text(
            f"- run.horizon_days=5\n- governance={gov}\n- run.seed={seed}\n")
        pd.Series({"trips_mean": trips}).to_csv(job / "kpis.csv")
    assert compare_main([str(tmp_path / "multirun")]) == 0  # baseline: first job's scenario
    out = capsys.readouterr().out
    assert "governance=shared vs governance=siloed — Trips per application: 2.0 trips fewer" in out


def test_every_shipped_experiment_has_a_one_sentence_question() -> None:
    from govsim.experiment import list_experiments

    for name in list_experiments():
        spec = load_spec(name)
        assert spec.question.strip().endswith("?"), name
        assert spec.question.count("?") == 1 and "\n" not in spec.question.strip(), name


def test_unknown_kpi_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="must be a KPI the model reports"):
        run(fake_spec(kpis=["trips_mean", "tripz"]), tmp_path)


def _failing_spec(flag: Path, baseline: str = "base") -> dict[str, Any]:
    return fake_spec(replications=3, baseline=baseline, scenarios=[
        {"name": "base", "overrides": ["effect=0"]},
        {"name": "broken", "overrides": ["effect=-0.3", f"fail={flag}"]}])


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_a_failing_run_is_recorded_and_the_experiment_goes_on(tmp_path: Path,
                                                              executor: str) -> None:
    flag = tmp_path / "fail-now"
    flag.touch()
    res = run(_failing_spec(flag), tmp_path / "o", executor=executor, workers=2)
    assert [(r["scenario"], r["replication"]) for r in res.failed] == [("broken", r)
                                                                       for r in range(3)]
    assert all(r["error"].startswith("RuntimeError: fake model failure") for r in res.failed)
    assert res.runs_run == 3 and set(res.summary["scenario"]) == {"base"}
    assert res.manifest["runs_failed"] == 3
    assert [r["status"] for r in res.manifest["runs"]] == ["run"] * 3 + ["failed"] * 3
    store = RunStore(tmp_path / "o")
    assert not any(store.is_done(r["key"]) for r in res.failed), "a failed run is not stored"
    flag.unlink()  # the model is fixed: a rerun retries exactly the failed runs
    again = run(_failing_spec(flag), tmp_path / "o", executor=executor, workers=2)
    assert (again.runs_run, again.runs_skipped, again.failed) == (3, 3, [])
    assert set(again.summary["scenario"]) == {"base", "broken"}


def test_cli_and_report_data_list_failed_runs(tmp_path: Path, fake_core: None,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from govsim.report.data import load_experiment

    flag = tmp_path / "fail-now"
    flag.touch()
    spec = tmp_path / "failing.yaml"
    spec.write_text(json.dumps({**_failing_spec(flag, baseline="broken"),  # JSON is YAML
                                "kpis": ["trips_mean"]}))
    out = tmp_path / "o"
    assert exp_cli.run_experiment_cli([f"experiment={spec}", f"out={out}", "--no-report"]) == 1
    err = capsys.readouterr().err
    assert err.count("govsim: run failed: scenario broken") == 3 and "Traceback" not in err
    assert "3 runs done (0 replacing damaged stored runs, 0 recomputed because the model changed), " \
        "0 stored runs reused, 3 failed" in err
    assert pd.read_csv(out / "comparison.csv").empty  # the baseline has no runs to compare with
    assert [r["replication"] for r in load_experiment(out).failed_runs()] == [0, 1, 2]
    flag.unlink()
    assert exp_cli.run_experiment_cli([f"experiment={spec}", f"out={out}", "--no-report"]) == 0
    assert load_experiment(out).failed_runs() == []


def test_the_empty_comparison_has_the_comparison_columns(tmp_path: Path) -> None:
    res = run(fake_spec(replications=2), tmp_path / "o")
    assert list(res.comparison.columns) == runner.COMPARISON_COLUMNS


def _multirun(root: Path, jobs: list[tuple[str, int, float]]) -> Path:
    for i, (gov, seed, trips) in enumerate(jobs):
        job = root / str(i)
        (job / ".hydra").mkdir(parents=True)
        (job / "config.yaml").write_text(f"governance: {gov}\nrun:\n  seed: {seed}\n")
        (job / ".hydra" / "overrides.yaml").write_text(f"- governance={gov}\n")
        pd.DataFrame({"kpi": ["trips_mean", "completion_rate"],
                      "value": [trips, 0.9]}).to_csv(job / "kpis.csv", index=False)
    return root


def test_compare_without_replications_says_so_and_prints_means(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = _multirun(tmp_path / "multirun", [("siloed", 1, 3.0), ("shared_data", 1, 1.25)])
    assert compare_main([str(sweep), "--out", str(tmp_path / "m.csv")]) == 0
    out = capsys.readouterr().out
    assert "No replications" in out and "n/a" not in out and "cannot be compared" not in out
    assert "govsim -m governance=siloed,shared_data run.seed=1,2,3" in out
    row = next(ln for ln in out.splitlines() if ln.lstrip().startswith("trips_mean"))
    assert row.split()[1:] == ["trips", "3.0", "1.2"]
    share = next(ln for ln in out.splitlines() if ln.lstrip().startswith("completion_rate"))
    assert share.split()[1:] == ["%", "90.0", "90.0"]  # a share in percent, from the registry
    means = pd.read_csv(tmp_path / "m.csv").set_index("kpi")
    assert means.loc["trips_mean", "governance=shared_data"] == 1.25


def test_compare_an_experiment_of_one_replication_names_the_option(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(fake_spec(replications=1), tmp_path / "e")
    assert compare_main([str(tmp_path / "e"), "--kpi", "trips_mean"]) == 0
    out = capsys.readouterr().out
    assert "No replications" in out and "experiment.replications=3" in out
    assert out.splitlines()[-1].split()[:2] == ["trips_mean", "trips"]
