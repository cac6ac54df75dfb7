"""Governance modes: certificates, the data exchange and pooled windows (issue: governance)."""

from __future__ import annotations

import dataclasses

import pytest

import govsim
from govsim.config.scenario import CalendarSpec, DepartmentSpec
from govsim.decisions.documents import exchange_documents, route_documents
from govsim.theory import mmc_mean_wait

SHORT = ["run.horizon_days=60"]


@pytest.fixture(scope="module")
def siloed():
    return govsim.simulate(govsim.load_scenario([*SHORT, "governance=siloed"]), seed=11)


@pytest.fixture(scope="module")
def shared():
    return govsim.simulate(govsim.load_scenario([*SHORT, "governance=shared_data"]), seed=11)


def test_shared_data_never_needs_more_certificates_for_the_same_request(siloed, shared):
    a, b = siloed.requests, shared.requests
    both = (a.outcome == "completed") & (b.outcome == "completed")
    assert both.sum() > 500
    assert (b.loc[both, "certificates_fetched"] <= a.loc[both, "certificates_fetched"]).all()
    assert b["certificates_fetched"].sum() < a["certificates_fetched"].sum()


def test_full_sharing_without_failures_fetches_no_certificate():
    sc = govsim.load_scenario([*SHORT, "governance=shared_data", "governance.exchange_fail_prob=0"])
    r = govsim.simulate(sc, seed=11)
    assert r.requests["certificates_fetched"].sum() == 0
    assert r.requests["exchange_calls"].sum() > 0 and r.requests["exchange_failures"].sum() == 0


def test_no_sharing_costs_a_certificate_for_every_document_held_elsewhere(siloed):
    sc = siloed.scenario
    none = exchange_documents(sc.governance, sc.documents)
    expected = {it.key: len(route_documents(it, sc.documents, none).certificate) for it in sc.items}
    done = siloed.requests[siloed.requests.outcome == "completed"]
    assert (done["certificates_fetched"] == done["item"].map(expected).astype(int)).all()
    assert siloed.requests["exchange_calls"].sum() == 0


def test_partial_sharing_puts_half_the_document_types_on_the_exchange():
    sc = govsim.load_scenario(["governance=shared_data", "governance.share_level=0.5"])
    held = [d for d in sc.documents if d.holder != "villager"]
    assert len(exchange_documents(sc.governance, sc.documents)) == round(0.5 * len(held))


def test_modes_move_kpis_in_the_expected_direction(siloed, shared):
    one = govsim.simulate(govsim.load_scenario([*SHORT, "governance=one_window"]), seed=11)
    s, o, d = siloed.kpis, one.kpis, shared.kpis
    assert o["window_wait_min_mean"] < s["window_wait_min_mean"]
    assert d["trips_mean"] < s["trips_mean"]
    assert d["at_most_one_trip_share"] > s["at_most_one_trip_share"]
    assert d["documents_mean"] < s["documents_mean"]
    assert d["turnaround_days_mean"] < s["turnaround_days_mean"]


def _two_queues(front_office: str, rho: float) -> govsim.Scenario:
    """Two departments with one window each, Poisson arrivals at each; always open."""
    base = govsim.load_scenario(["scenario=mmc", f"governance.front_office={front_office}",
                                 "governance.cross_training_factor=1.0"])   # identical clerks, as in theory
    item = base.items[0]
    lam = rho * 60.0 / item.steps[0].counter_min
    items = tuple(dataclasses.replace(item, key=k, total_per_hour=lam,
                                      steps=(dataclasses.replace(item.steps[0], dept=k),))
                  for k in ("a", "b"))
    depts = tuple(DepartmentSpec(k, k, k, "township", 1, 1) for k in ("a", "b"))
    run = dataclasses.replace(base.run, horizon_days=250)
    return dataclasses.replace(base, items=items, departments=depts, run=run,
                               calendar=CalendarSpec(0, 1440, 7))


def test_pooled_windows_match_mmc_theory_and_beat_separate_queues():
    rho, mean = 0.7, 10.0
    separate = [govsim.simulate(_two_queues("per_department", rho), s).requests.window_wait_min.mean()
                for s in (1, 2)]
    pooled = [govsim.simulate(_two_queues("one_window", rho), s).requests.window_wait_min.mean()
              for s in (1, 2)]
    # two M/M/1 queues: Wq = rho/(mu - lambda) = 23.3 min; one M/M/2 with both streams: 9.6 min
    assert sum(separate) / 2 == pytest.approx(mmc_mean_wait(1, rho / mean, mean), rel=0.12)
    assert sum(pooled) / 2 == pytest.approx(mmc_mean_wait(2, 2 * rho / mean, mean), rel=0.12)
