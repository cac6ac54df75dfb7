"""Morris screening (govsim.experiment.sensitivity): design, analysis, runner and CLI hooks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsim.errors import ScenarioError
from govsim.experiment import load_spec, run_experiment
from govsim.experiment.sensitivity import analyze_design, design, expand, inputs_of

MMC_SPEC = {
    "name": "mmc_morris",
    "question": "Does the arrival rate move the M/M/c wait more than the sampling interval?",
    "kind": "morris",
    "base": ["scenario=mmc", "run.horizon_days=8"],
    "replications": 1,
    "base_seed": 11,
    "morris": {
        "trajectories": 3,
        "num_levels": 4,
        "seed": 3,
        "outputs": ["window_wait_min_mean"],
        "inputs": [
            {"name": "arrivals", "key": "mmc.arrivals_per_hour", "bounds": [6.0, 15.0]},
            {"name": "sampling", "key": "run.sample_interval_min", "bounds": [30, 120],
             "integer": True},
        ],
    },
}


def test_analytic_function_ranks_the_input_that_matters_first() -> None:
    spec = load_spec({**MMC_SPEC, "morris": {**MMC_SPEC["morris"], "trajectories": 6}})
    problem, x = design(spec)
    assert x.shape == (6 * 3, 2)
    y = 10.0 * x[:, 0] + 0.0 * x[:, 1]
    table = analyze_design(problem, x, {"y": y}, seed=1)
    assert list(table["input"]) == ["arrivals", "sampling"]
    # SALib scales elementary effects to the whole range: 10 per unit x 9 units
    assert table.loc[0, "mu_star"] == pytest.approx(10.0 * (15.0 - 6.0), rel=1e-9)
    assert table.loc[1, "mu_star"] == 0.0


def test_design_is_seeded_and_expands_to_one_scenario_per_point() -> None:
    spec = load_spec(MMC_SPEC)
    assert np.array_equal(design(spec)[1], design(spec)[1])
    ex = expand(spec)
    assert len(ex.scenarios) == 3 * 3 and ex.baseline == "p000"
    assert len(set(ex.scenario_names)) == len(ex.scenarios)
    for sc in ex.scenarios:
        assert sc.overrides[0].startswith("mmc.arrivals_per_hour=")
        assert sc.overrides[1].split("=")[1].isdigit()  # integer input rounded
    assert [i.name for i in inputs_of(spec)] == ["arrivals", "sampling"]


def test_morris_on_mmc_ranks_arrival_rate_above_sampling_interval(tmp_path: Path) -> None:
    out = tmp_path / "mmc_morris"
    res = run_experiment(MMC_SPEC, out_dir=out, progress=False)
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table.columns[:5]) == ["input", "kpi", "mu_star", "mu_star_conf", "sigma"]
    rank = table[table["kpi"] == "window_wait_min_mean"].set_index("input")["mu_star"]
    assert rank["arrivals"] > 1.0          # minutes of waiting over the range
    assert rank["sampling"] == 0.0         # sampling does not touch the queue (same seed)
    assert (out / "sensitivity_window_wait_min_mean.csv").is_file()
    from govsim.report import build_report  # the report draws the ranking from that table

    build_report(out)
    assert (out / "figures" / "ranking.png").is_file()
    assert res.sensitivity is not None and "Morris screening" in res.table()
    assert res.manifest["morris"]["problem"]["names"] == ["arrivals", "sampling"]
    again = run_experiment(MMC_SPEC, out_dir=out, progress=False)  # resume: all stored
    assert again.runs_run == 0 and again.runs_skipped == 9
    pd.testing.assert_frame_equal(again.sensitivity, res.sensitivity)


def test_shipped_e9_spec_and_its_smoke_size() -> None:
    spec = load_spec("e9_sensitivity")
    assert spec.kind == "morris" and len(inputs_of(spec)) == 6
    assert spec.morris is not None and 8 <= spec.morris.trajectories <= 10
    smoke = spec.sized("smoke")
    assert smoke.morris is not None and smoke.morris.trajectories == 2
    assert len(expand(smoke).scenarios) == 2 * 7
    assert "run.horizon_days=20" in smoke.base


def test_morris_defaults_are_written_once_and_options_are_typed() -> None:
    from govsim.experiment.morris_spec import MorrisSpec

    block = {k: v for k, v in MMC_SPEC["morris"].items()
             if k not in ("trajectories", "num_levels", "seed")}
    spec = load_spec({**MMC_SPEC, "morris": block})
    assert isinstance(spec.morris, MorrisSpec)
    defaults = MorrisSpec(spec.morris.inputs, spec.morris.outputs)
    assert (spec.morris.trajectories, spec.morris.num_levels, spec.morris.seed) == \
        (defaults.trajectories, defaults.num_levels, defaults.seed) == (10, 4, 0)
    assert design(spec)[1].shape == (10 * 3, 2)
    wider = spec.with_options(morris={**block, "trajectories": 4})  # e.g. from the CLI
    assert isinstance(wider.morris, MorrisSpec) and wider.morris.trajectories == 4
    with pytest.raises(ScenarioError, match=r"morris\.trajectories"):
        spec.with_options(morris={**block, "trajectories": 1})


@pytest.mark.parametrize("morris", [
    None,
    {"outputs": ["trips_mean"], "inputs": []},
    {"outputs": [], "inputs": [{"name": "a", "key": "x.y", "bounds": [0, 1]}] * 2},
    {"outputs": ["t"], "inputs": [{"name": "a", "key": "x.y", "bounds": [1, 0]},
                                  {"name": "b", "key": "x.z", "bounds": [0, 1]}]},
    {"outputs": ["t"], "inputs": [{"name": "a", "bounds": [0, 1]},
                                  {"name": "b", "key": "x.z", "bounds": [0, 1]}]},
    {"outputs": ["t"], "trajectories": 1,
     "inputs": [{"name": "a", "key": "x.y", "bounds": [0, 1]},
                {"name": "b", "key": "x.z", "bounds": [0, 1]}]},
])
def test_bad_morris_blocks_are_rejected(morris: object) -> None:
    with pytest.raises(ScenarioError):
        load_spec({"question": "q?", "kind": "morris", "morris": morris})


@pytest.mark.slow
def test_smoke_e9_through_the_cli(tmp_path: Path) -> None:
    from govsim.cli import main as govsim_main

    out = tmp_path / "e9"
    with pytest.raises(SystemExit) as exc:
        govsim_main(["experiment=e9_sensitivity", "experiment.size=smoke", "executor=processes",
                     f"out={out}", "--quiet"])
    assert exc.value.code == 0
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["kpi"]) == {"at_most_one_trip_share", "turnaround_days_mean",
                                 "elderly_completion_gap"}
    assert len(table) == 3 * 6
    assert (out / "report.html").is_file() and (out / "summary.csv").is_file()
