"""Invariants that hold for every valid scenario (issue 9, part 2).

Scenarios are drawn at random (hypothesis, bounded) from sensible ranges with a
tiny population and a short horizon, run once, and checked:

* every request has exactly one outcome among completed / abandoned / open, and
  the three rates sum to 1;
* no time or cost column is negative; trips >= 0 and failed_trips <= trips;
* a completed request ends within the horizon, and its turnaround covers its
  own work: ``turnaround_days * 1440 >= counter_min + backoffice_min / P``,
  where P bounds how many of its back-office stages can run at the same time
  (1 + the number of its steps marked ``parallel`` when hand-offs are
  electronic, else 1). Counter visits of one request never overlap each other
  or its back-office stages (the journey is visits, then stages, then
  pickup); back-office work in working time takes at least its minutes of
  wall time; only stages of one parallel group overlap, and at most P of them;
* window and back-office utilisation are in [0, 1];
* the core KPIs are finite (group gaps may be NaN by design and are not checked);
* the same seed gives an identical requests table;
* Little's law on ``scenario=mmc``: time-average queue length ≈ arrival rate ×
  mean window wait.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim

TIME_COLUMNS = ["travel_min", "window_wait_min", "counter_min", "backoffice_min", "handoff_days",
                "turnaround_days", "fare", "online_min"]
# finite whenever there is a request
CORE_KPIS = ["requests", "trips_mean", "window_wait_min_mean", "completion_rate", "abandon_rate", "open_rate",
             "documents_mean", "certificates_mean", "villager_time_hours_mean", "villager_cost_mean",
             "gov_cost", "villager_cost"]
# shares and means over completed requests: finite whenever one request is completed
DONE_KPIS = ["at_most_one_trip_share", "zero_trip_share", "turnaround_days_mean", "turnaround_days_p90",
             "online_share"]
EPS_MIN = 1e-6   # minutes of floating-point slack


@st.composite
def scenarios(draw: st.DrawFn) -> list[str]:
    """Override strings for a small, valid scenario."""
    handoff = draw(st.sampled_from(["paper", "electronic"]))
    o = [
        f"governance={draw(st.sampled_from(['siloed', 'shared_data', 'one_window']))}",
        f"channels={draw(st.sampled_from(['offline_only', 'online_first', 'inclusive', 'digital_only']))}",
        f"governance.share_level={draw(st.floats(0, 1)):.3f}",
        f"governance.handoff={handoff}",
        f"departments.social_security.windows={draw(st.integers(1, 4))}",
        f"departments.civil_affairs.windows={draw(st.integers(1, 3))}",
        f"departments.village_committee.backoffice_staff={draw(st.integers(1, 3))}",
        "services.items.medical_insurance.schedule=poisson",   # a rate other than once a year
        f"services.items.medical_insurance.rate_per_year={draw(st.floats(0, 4)):.3f}",
        f"services.items.dibao.rate_per_year={draw(st.floats(0, 0.5)):.3f}",
        f"behaviour.max_failed_trips={draw(st.integers(1, 5))}",
        f"run.horizon_days={draw(st.integers(10, 40))}",
        f"run.start_weekday={draw(st.integers(0, 6))}",
        f"run.start_month={draw(st.integers(1, 12))}",
        f"run.seed={draw(st.integers(0, 2**31))}",
        f"population.residents_per_township={draw(st.integers(300, 4000))}",
        "population.villages_min=2", f"population.villages_max={draw(st.integers(2, 6))}",
    ]
    if draw(st.booleans()):
        o.append("calendar=always_open")
    if handoff == "electronic" and draw(st.booleans()):
        o += ["+services.items.dibao.steps.1.parallel=true", "+services.items.dibao.steps.2.parallel=true"]
    return o


def _parallel_bound(sc: govsim.Scenario) -> dict[str, int]:
    """Per item, the most back-office stages of one request that can run at the same time."""
    electronic = sc.governance.handoff == "electronic"
    return {it.key: 1 + (sum(s.parallel for s in it.steps) if electronic else 0) for it in sc.items}


def check_invariants(result: govsim.RunResult) -> None:
    sc, df, k = result.scenario, result.requests, result.kpis
    horizon = sc.run.horizon_days + sc.run.runout_days   # needs arise in the horizon, end by the run-out
    # one outcome per request
    assert df["request_id"].is_unique and (df["request_id"].to_numpy() == np.arange(len(df))).all()
    assert df["outcome"].notna().all()
    assert set(df["outcome"].astype(str)) <= {"completed", "abandoned", "open"}
    assert k["requests"] == len(df)
    if len(df):
        abandoned = float((df["outcome"] == "abandoned").mean())   # abandon_rate is over applications
        assert k["completion_rate"] + abandoned + k["open_rate"] == pytest.approx(1.0)
        assert k["unmet_need_rate"] == pytest.approx(1.0 - k["completion_rate"])
    done = (df["outcome"] == "completed").to_numpy()
    # no negative times or costs
    for col in TIME_COLUMNS:
        values = df[col].to_numpy(dtype=float)
        assert not (values < 0).any(), f"negative {col}: {values[values < 0][:5]}"
    assert df.loc[done, "turnaround_days"].notna().all()
    assert df.loc[~done, "turnaround_days"].isna().all()
    # trips
    assert (df["trips"] >= 0).all() and (df["failed_trips"] >= 0).all()
    assert (df["failed_trips"] <= df["trips"]).all()
    assert (df["counter_visits"] >= 0).all()
    # completed requests: within the horizon, and long enough for their own work
    c = df.loc[done]
    assert (c["t_need_day"] + c["turnaround_days"] <= horizon + 1e-9).all()
    p = c["item"].astype(str).map(_parallel_bound(sc)).to_numpy(dtype=float)
    need = c["counter_min"].to_numpy() + c["backoffice_min"].to_numpy() / p
    have = c["turnaround_days"].to_numpy() * 1440.0
    bad = have + EPS_MIN < need
    assert not bad.any(), c.loc[bad, ["item", "turnaround_days", "counter_min", "backoffice_min"]].head()
    # utilisation
    u = result.utilisation
    u = u[u["capacity_min"] > 0]
    assert ((u["utilisation"] >= 0) & (u["utilisation"] <= 1 + 1e-9)).all(), u
    # KPIs
    if len(df):
        core = k[CORE_KPIS]
        assert np.isfinite(core.to_numpy(dtype=float)).all(), core[~np.isfinite(core)]
    if done.any():
        core = k[DONE_KPIS]
        assert np.isfinite(core.to_numpy(dtype=float)).all(), core[~np.isfinite(core)]
        assert 0 <= k["at_most_one_trip_share"] <= 1 and 0 <= k["zero_trip_share"] <= 1
        assert 0 <= k["online_share"] <= 1 and k["turnaround_days_mean"] >= 0
    # time series
    ts = result.timeseries
    assert (ts[["queue", "in_service", "backlog"]] >= 0).all().all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True, print_blob=True)
@given(overrides=scenarios())
def test_invariants_on_random_scenarios(overrides):
    check_invariants(govsim.simulate(govsim.load_scenario(overrides)))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True, print_blob=True)
@given(overrides=scenarios(), seed=st.integers(0, 2**31))
def test_same_seed_same_requests(overrides, seed):
    sc = govsim.load_scenario(overrides)
    a, b = govsim.simulate(sc, seed), govsim.simulate(sc, seed)
    pd.testing.assert_frame_equal(a.requests, b.requests)
    pd.testing.assert_series_equal(a.kpis, b.kpis)


def test_a_busy_scenario_keeps_the_invariants():
    """One crowded run (long queues, parallel electronic stages, one window) on top of the random ones."""
    sc = govsim.load_scenario([
        "governance.handoff=electronic", "+services.items.dibao.steps.1.parallel=true",
        "+services.items.dibao.steps.2.parallel=true", "services.items.dibao.rate_per_year=2",
        "services.items.medical_insurance.schedule=poisson",
        "services.items.medical_insurance.rate_per_year=4",
        "departments.social_security.windows=1",
        "population.residents_per_township=3000", "run.horizon_days=30", "run.sample_interval_min=30"])
    r = govsim.simulate(sc, 7)
    assert (r.requests["outcome"] == "completed").sum() > 50
    check_invariants(r)


# ---------------------------------------------------------------- Little's law

LITTLE_REL = 0.05    # tolerance; the sample-path identity is exact up to edge effects and 5-min sampling


@settings(max_examples=4, deadline=None, derandomize=True, print_blob=True)
@given(windows=st.integers(1, 4), load=st.floats(0.5, 0.85), seed=st.integers(0, 2**31))
def test_littles_law_on_mmc(windows, load, seed):
    service = 10.0
    arrivals = load * windows * 60.0 / service
    days = 30
    sc = govsim.load_scenario(["scenario=mmc", f"mmc.windows={windows}",
                               f"mmc.arrivals_per_hour={arrivals:.4f}", f"run.horizon_days={days}",
                               "run.sample_interval_min=5", "run.warmup_days=0", "run.runout_days=0"])
    r = govsim.simulate(sc, seed)
    lq = r.timeseries["queue"].mean()                # time average (equally spaced samples)
    lam = len(r.requests) / (days * 1440.0)          # arrivals per minute
    wq = r.requests["window_wait_min"].mean()         # minutes, including waits cut by the horizon
    assert lam > 0 and wq > 0
    assert lq == pytest.approx(lam * wq, rel=LITTLE_REL)
