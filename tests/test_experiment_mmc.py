"""The experiment engine end to end on the real M/M/c scenario (``scenario=mmc``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim.experiment import run_experiment
from govsim.experiment.stats import paired_differences, t_interval

pytestmark = pytest.mark.skipif(not hasattr(govsim, "simulate"), reason="core model missing")

KPI = "window_wait_min_mean"


def mmc_spec(scenarios: dict[str, list[str]], replications: int, horizon: int = 5,
             **extra: Any) -> dict[str, Any]:
    return {"name": "mmc_test", "question": "?",
            "base": ["scenario=mmc", f"run.horizon_days={horizon}"],
            "scenarios": [{"name": k, "overrides": v} for k, v in scenarios.items()],
            "baseline": next(iter(scenarios)), "replications": replications,
            "base_seed": 2026, "kpis": [KPI, "completion_rate"], **extra}


def test_executors_give_identical_results(tmp_path: Path) -> None:
    spec = mmc_spec({"c3": ["mmc.windows=3"], "c4": ["mmc.windows=4"]}, replications=3)
    results = {ex: run_experiment(spec, executor=ex, out_dir=tmp_path / ex, progress=False,
                                  workers=2)
               for ex in ("serial", "processes", "dask")}
    serial = results["serial"]
    assert serial.runs_run == 6
    for ex in ("processes", "dask"):
        pd.testing.assert_frame_equal(serial.summary, results[ex].summary)
        pd.testing.assert_frame_equal(serial.comparison, results[ex].comparison)
        a = (tmp_path / "serial" / "summary.csv").read_bytes()
        assert a == (tmp_path / ex / "summary.csv").read_bytes()


def test_common_random_numbers_narrow_paired_intervals(tmp_path: Path) -> None:
    scen = {"s10": ["mmc.mean_service_minutes=10.0"], "s10_5": ["mmc.mean_service_minutes=10.5"]}
    widths = {}
    for crn in (True, False):
        res = run_experiment(mmc_spec(scen, replications=12, crn=crn), out_dir=tmp_path / str(crn),
                             progress=False)
        row = paired_differences(res.summary[res.summary["kpi"] == KPI], "s10", warn=False)
        widths[crn] = float((row["diff_ci_high"] - row["diff_ci_low"]).iloc[0] / 2)
    print(f"\npaired-difference 95% CI half-width of {KPI}: "
          f"CRN {widths[True]:.3f} min, independent seeds {widths[False]:.3f} min")
    assert widths[True] < widths[False]


def erlang_c_wait(servers: int, arrivals_per_min: float, mean_service: float) -> float:
    """Mean wait in queue of M/M/c (Erlang C), in minutes."""
    load = arrivals_per_min * mean_service
    terms = [load**k / np.prod(np.arange(1, k + 1)) for k in range(servers)]
    last = load**servers / np.prod(np.arange(1, servers + 1)) * servers / (servers - load)
    p_wait = last / (sum(terms) + last)
    return float(p_wait / (servers / mean_service - arrivals_per_min))


@pytest.mark.slow
def test_ci_coverage_of_erlang_c_wait(tmp_path: Path) -> None:
    """95% t intervals from 5 replications cover the Erlang C mean wait ~95% of the time."""
    groups, size = 160, 5
    spec = mmc_spec({"mmc": []}, replications=groups * size, horizon=30)
    res = run_experiment(spec, executor="processes", out_dir=tmp_path, progress=False)
    values = res.summary[res.summary["kpi"] == KPI].sort_values("replication")["value"]
    truth = erlang_c_wait(3, 14.4 / 60, 10.0)
    hits = 0
    for g in np.asarray(values, dtype=float).reshape(groups, size):
        ci = t_interval(g)
        hits += ci["ci_low"] <= truth <= ci["ci_high"]
    coverage = hits / groups
    print(f"\nErlang C Wq = {truth:.3f} min; coverage of 95% CIs = {coverage:.3f}")
    assert 0.88 <= coverage <= 0.99


@pytest.mark.slow
def test_every_shipped_experiment_runs_at_smoke_size(tmp_path: Path) -> None:
    from govsim.experiment import list_experiments

    for name in list_experiments():
        res = run_experiment(name, size="smoke", out_dir=tmp_path / name, progress=False,
                             executor="processes")
        assert not res.comparison.empty, name


def test_unknown_kpi_rejected_before_any_run(tmp_path: Path) -> None:
    from govsim.errors import ScenarioError

    spec = mmc_spec({"c3": []}, replications=2, kpis=["trips_mena"])
    with pytest.raises(ScenarioError, match="trips_mena"):
        run_experiment(spec, out_dir=tmp_path, progress=False)
    assert not (tmp_path / "runs").exists()


def test_govsim_compare_reads_a_real_hydra_multirun(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess
    import sys

    from govsim.experiment.compare_cli import main as compare_main

    sweep = tmp_path / "multirun"
    subprocess.run([sys.executable, "-m", "govsim", "-m", "scenario=mmc", "run.horizon_days=2",
                    "mmc.windows=3,4", "run.seed=1,2", f"hydra.sweep.dir={sweep}"],
                   check=True, capture_output=True, cwd=tmp_path)
    assert compare_main([str(sweep), "--kpi", KPI]) == 0
    out = capsys.readouterr().out
    assert "diff vs mmc.windows=3" in out
    assert "mmc.windows=4 vs mmc.windows=3 — " in out and "(95% CI" in out
