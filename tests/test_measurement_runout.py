"""Run-out after the horizon, warm-up for steady state, and Erlang C at load 0.95."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

import govsim
from govsim.steady_state import SteadyStateWarning, relaxation_minutes
from govsim.theory import erlang_c, mmc_mean_wait


def test_run_out_completes_the_cohort_and_no_need_arises_after_the_horizon() -> None:
    short = ["run.horizon_days=60"]
    cut = govsim.simulate(govsim.load_scenario([*short, "run.runout_days=0"]), 3)
    out = govsim.simulate(govsim.load_scenario(short), 3)
    assert len(cut.requests) == len(out.requests)                 # same needs, same cohort
    assert out.requests["t_need_day"].max() < 60.0
    assert cut.kpis["completion_rate"] < 0.9                       # censored at day 60
    assert out.kpis["completion_rate"] > 0.99                      # near 1 once they may finish
    assert out.kpis["open_rate"] == 0.0
    # the utilisation table stays over the horizon (the run-out does not dilute or inflate it)
    pd_cut, pd_out = cut.utilisation["utilisation"], out.utilisation["utilisation"]
    assert np.allclose(pd_cut.to_numpy(), pd_out.to_numpy())


def test_warm_up_needs_are_left_out_and_validation_names_the_key() -> None:
    sc = govsim.load_scenario(["scenario=mmc", "run.horizon_days=6", "run.warmup_days=2"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SteadyStateWarning)
        r = govsim.simulate(sc, 1)
    assert r.requests["t_need_day"].min() >= 2.0
    with pytest.raises(govsim.ScenarioError, match=r"^run\.warmup_days = 6"):
        govsim.load_scenario(["run.horizon_days=6", "run.warmup_days=6"])


def test_short_steady_state_run_at_high_load_warns() -> None:
    sc = govsim.load_scenario(["scenario=mmc", "mmc.arrivals_per_hour=17.1", "run.horizon_days=10",
                               "run.warmup_days=1"])
    with pytest.warns(SteadyStateWarning, match="counter desk"):
        govsim.simulate(sc, 1)
    # 3 windows of 10 minutes at load 0.95: relaxation about 3.6 days
    assert relaxation_minutes(0.95, 3, 10.0) / 1440.0 == pytest.approx(3.6, abs=0.05)


@pytest.mark.slow
def test_mmc_at_load_095_with_warm_up_within_its_confidence_interval_of_erlang_c() -> None:
    # load 0.95: 17.1 arrivals an hour, 3 windows, 10 minutes; relaxation 3.6 days, so a
    # 25-day warm-up and 475 measured days (130 relaxation times) per replication.
    # Bias or noise? Over 45 replications (seeds 0-44) the mean wait was 61.4 min (SE 0.9;
    # 99% CI 59.0-63.7) against Erlang C's 60.5, and P(wait) 0.9077 (SE 0.0008) against
    # 0.9070: no bias that size can see. A replication's mean spreads by about 10 % (SD
    # 5.8 min), so five replications (the first version of this test: 68.2 min for seeds
    # 0-4, 2.5 standard errors high by chance) gave a +-23 % interval; twelve give about
    # +-11 %. Fixed seeds 0-11.
    sc = govsim.load_scenario(["scenario=mmc", "mmc.arrivals_per_hour=17.1", "run.horizon_days=500",
                               "run.warmup_days=25"])
    waits = [govsim.simulate(sc, seed).requests["window_wait_min"] for seed in range(12)]
    for name, values, theory in (
            ("mean wait", np.array([w.mean() for w in waits]), mmc_mean_wait(3, 17.1 / 60.0, 10.0)),
            ("P(wait)", np.array([(w > 0).mean() for w in waits]), erlang_c(3, 2.85))):
        half = stats.t.ppf(0.995, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
        assert abs(values.mean() - theory) <= half, (name, values, theory, half)   # 99% CI of the mean
        # the interval must be narrow enough to be a test: the wait's is about +-11 %
        assert half < 0.15 * theory, (name, half)
