"""The M/M/c preset against Erlang C and Little's law (fixed seeds, stated tolerances)."""

from __future__ import annotations

import numpy as np
import pytest

import govsim
from govsim.theory import erlang_c, mmc_mean_wait

REPS = 4
HORIZON = 300  # days: about 100,000 customers per replication at 14.4 an hour


@pytest.fixture(scope="module")
def runs():
    sc = govsim.load_scenario(["scenario=mmc", f"run.horizon_days={HORIZON}"])
    return [govsim.simulate(sc, seed) for seed in range(REPS)]


def test_erlang_c_formula_known_value():
    # M/M/3 with a = 2.4: C = 11.52 / 17.8 (hand computed)
    assert erlang_c(3, 2.4) == pytest.approx(11.52 / 17.8)
    assert mmc_mean_wait(3, 0.24, 10.0) == pytest.approx(11.52 / 17.8 / 0.06)


def test_mean_wait_matches_erlang_c(runs):
    theory = mmc_mean_wait(3, 14.4 / 60.0, 10.0)          # 10.79 minutes
    # only requests that have been served count; all but a handful are
    waits = [r.requests.loc[r.requests.outcome == "completed", "window_wait_min"].mean() for r in runs]
    # replication means vary by about 3% at this length; their mean must be within 5%
    assert np.mean(waits) == pytest.approx(theory, rel=0.05)


def test_probability_of_waiting_matches_erlang_c(runs):
    p = np.mean([(r.requests.window_wait_min > 0).mean() for r in runs])
    assert p == pytest.approx(erlang_c(3, 2.4), abs=0.015)


def test_utilisation_matches_offered_load(runs):
    util = np.mean([r.utilisation.query("kind == 'counter'").utilisation.iloc[0] for r in runs])
    assert util == pytest.approx(0.8, abs=0.01)


def test_littles_law_on_the_queue(runs):
    r = runs[0]
    lq = r.timeseries["queue"].mean()                     # sampled every 60 minutes
    lam = len(r.requests) / (HORIZON * 1440.0)
    wq = r.requests["window_wait_min"].mean()
    assert lq == pytest.approx(lam * wq, rel=0.08)


def test_windows_and_rates_come_from_the_mmc_block():
    sc = govsim.load_scenario(["scenario=mmc", "mmc.windows=5", "mmc.arrivals_per_hour=20",
                               "mmc.mean_service_minutes=12"])
    assert sc.departments[0].windows == 5
    assert sc.items[0].total_per_hour == 20.0
    assert sc.items[0].steps[0].counter_min == 12.0
