"""Intervention costs, structural interventions and channel breakdowns (30-day runs, seed 3)."""

from __future__ import annotations

import math

import pytest

import govsim
from govsim.model.plan import plan_run

SEED = 3
SHORT = ["run.horizon_days=30"]


def _run(*overrides: str) -> govsim.RunResult:
    return govsim.simulate(govsim.load_scenario([*SHORT, *overrides]), SEED)


def test_offline_only_ignores_online_knobs() -> None:
    a = _run()
    b = _run("channels.attempt_min=99", "platform=fragmented", "channels.choice.beta_effort=-9")
    assert a.kpis.drop(["gov_cost", "gov_cost_per_request", "gov_cost_platform"]).equals(
        b.kpis.drop(["gov_cost", "gov_cost_per_request", "gov_cost_platform"]))
    assert (a.requests["channel_final"] == "offline").all()
    assert a.kpis["gov_cost_platform"] == 0.0


def test_intervention_costs_add_up() -> None:
    base = _run("channels=inclusive")
    k = base.kpis
    parts = ["gov_cost_staff", "gov_cost_platform", "gov_cost_transactions", "gov_cost_interventions"]
    assert math.isclose(k["gov_cost"], sum(k[p] for p in parts), rel_tol=1e-12)
    sc = base.scenario
    villages = base.requests["village"].cat.categories.size
    stipend = villages * sc.channels.proxies_per_village * sc.costs.proxy_stipend_per_year * 30 / 365
    assert k["gov_cost_interventions"] == pytest.approx(stipend)
    trained = _run("channels=inclusive", "interventions=literacy_training")
    trainees = int(plan_run(trained.scenario, SEED).trained.sum())   # adults trained, with or without needs
    extra = trainees * trained.scenario.interventions.training_cost_per_trainee
    assert extra > 0
    assert trained.kpis["gov_cost_interventions"] == pytest.approx(stipend + extra)
    upgraded = _run("channels=online_first", "interventions.coverage_min=1.0")
    assert upgraded.kpis["gov_cost_interventions"] == pytest.approx(
        villages * upgraded.scenario.interventions.infrastructure_cost_per_village)


def test_structural_interventions() -> None:
    sc = govsim.load_scenario([*SHORT, "platform=fragmented", "interventions.unify_apps=true",
                               "interventions.staff_to_backoffice=1"])
    planned = plan_run(sc, SEED).scenario
    assert planned.platform.apps == 1 and sc.platform.apps == 6
    for before, after in zip(sc.departments, planned.departments, strict=True):
        assert before.windows + before.backoffice_staff == after.windows + after.backoffice_staff
        assert after.windows >= 1


def test_breakdowns_by_age_band_have_channel_shares() -> None:
    r = _run("channels=inclusive")
    by = r.by("age_band")
    assert {"online_share", "proxy_share"} <= set(by.columns)
    assert by["proxy_share"].between(0, 1).all()
    assert r.kpis["online_share_60plus"] > r.kpis["online_share_under60"]   # proxies serve the old
