"""The single-visit request process does exactly what the offline request does on its plans.

``single_visit`` replaces ``offline_request`` when every request is one visit to
an always-open counter (the M/M/c preset); the records, KPIs, time series and
utilisation must be identical to the last digit, with and without fares, and
it must not be chosen for a plan it does not cover.
"""

from __future__ import annotations

import pandas as pd
import pytest

import govsim
import govsim.model.request as request_module
from govsim.model.journey import offline_request
from govsim.model.plan import plan_run
from govsim.model.request import request_process
from govsim.model.single_visit import one_visit_each, single_visit
from govsim.model.state import new_context

MMC = ["scenario=mmc", "run.horizon_days=20"]


def _process(overrides: list[str]):  # type: ignore[no-untyped-def]
    c = new_context(plan_run(govsim.load_scenario(overrides), 1))
    return request_process(c), one_visit_each(c)


def _both(overrides: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[govsim.RunResult, govsim.RunResult]:
    sc = govsim.load_scenario(overrides)
    fast = govsim.simulate(sc, 5)
    with monkeypatch.context() as m:
        m.setattr(request_module, "one_visit_each", lambda c: False)
        general = govsim.simulate(sc, 5)
    return fast, general


FARES = ["mmc.windows=4", "population.distance_km_min=2", "population.distance_km_max=3",
         "behaviour.fare_per_km=1.5"]   # a fare to pay, still no travel time


@pytest.mark.parametrize("extra", [[], FARES])
def test_same_records_as_the_offline_request(extra: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast, general = _both([*MMC, *extra], monkeypatch)
    assert len(fast.requests) > 1000
    assert (fast.requests["fare"] > 0).all() == bool(extra)
    pd.testing.assert_frame_equal(fast.requests, general.requests, check_exact=True)
    pd.testing.assert_series_equal(fast.kpis, general.kpis, check_exact=True)
    pd.testing.assert_frame_equal(fast.timeseries, general.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(fast.utilisation, general.utilisation, check_exact=True)


def test_chosen_for_the_mmc_preset_only() -> None:
    assert _process(MMC) == (single_visit, True)
    # a reaction delay, a closing office, documents and stages each need the whole journey
    assert _process([*MMC, "behaviour.reaction_days_max=1"]) == (offline_request, False)
    assert _process([*MMC, "calendar=default"]) == (offline_request, False)
    assert _process(["population=township", "channels=offline_only"])[1] is False
