"""Online, assisted and digital-only channels in the default township (fast, fixed seed).

Runs are 90 days of the default township with seed 7; tolerances are stated
per test. Where two runs are compared they share a seed (common random numbers).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim.config.scenario import Scenario
from govsim.errors import ScenarioError

SEED = 7
SHORT = ["run.horizon_days=90"]


def _scenario(*overrides: str) -> Scenario:
    return govsim.load_scenario([*SHORT, *overrides])


def _ideal(sc: Scenario) -> Scenario:
    """Everyone literate, with a smartphone and coverage; no outages; eager to go online."""
    pop = dataclasses.replace(
        sc.population, coverage_min=1.0, coverage_max=1.0,
        bands=tuple(dataclasses.replace(b, literacy_mean=0.99, smartphone=1.0) for b in sc.population.bands))
    ch = sc.channels
    assert ch.choice is not None
    choice = dataclasses.replace(ch.choice, online_intercept=(3.0,) * len(pop.bands))
    return dataclasses.replace(
        sc, population=pop, channels=dataclasses.replace(ch, choice=choice, giveup_base=0.0),
        platform=dataclasses.replace(sc.platform, mtbf_hours=1e9, mttr_hours=1e-6))


def test_coverage_zero_means_no_online_success() -> None:
    sc = _scenario("channels=inclusive", "population.coverage_min=0", "population.coverage_max=0")
    r = govsim.simulate(sc, SEED)
    req = r.requests
    assert not req["submitted_online"].any()
    assert (req["channel_final"] != "online").all()
    assert r.kpis["online_share"] == 0.0
    assert r.kpis["online_able_share"] == 0.0
    # proxies tried online for some cases and fell back to paper batches
    assert req.loc[req["proxy_used"], "online_attempts"].sum() > 0


def test_ideal_online_dominates_and_trips_fall() -> None:
    base = _ideal(_scenario("governance=shared_data"))
    offline = govsim.simulate(base, SEED)
    online = govsim.simulate(_ideal(_scenario("governance=shared_data", "channels=online_first")), SEED)
    assert online.kpis["online_share"] > 0.9          # tolerance: online dominates
    assert online.kpis["trips_mean"] < 0.5 * offline.kpis["trips_mean"]
    assert online.kpis["completion_rate"] >= offline.kpis["completion_rate"] - 0.01


def test_no_online_submission_during_an_outage() -> None:
    sc = _scenario("channels=online_first", "platform.mtbf_hours=20", "platform.mttr_hours=10")
    r = govsim.simulate(sc, SEED)
    outages = r.extra["outages"]
    assert isinstance(outages, pd.DataFrame) and len(outages) > 20
    t = r.requests["t_submit_day"].to_numpy()
    t = t[~np.isnan(t)]
    assert len(t) > 100
    for start, end in zip(outages["start_day"], outages["end_day"], strict=True):
        assert not ((t > start) & (t < end)).any()
    assert (r.requests["failure_reason"] == "outage").sum() > 0      # some attempts failed on an outage


def test_proxies_cut_the_elderly_trips() -> None:
    first = govsim.simulate(_scenario("channels=online_first"), SEED).requests
    inclusive = govsim.simulate(_scenario("channels=inclusive"), SEED).requests
    old_first = first.loc[first["elderly"], "trips"].mean()
    old_incl = inclusive.loc[inclusive["elderly"], "trips"].mean()
    assert old_incl < 0.7 * old_first                  # tolerance: at least a 30% cut
    assert inclusive.loc[inclusive["elderly"], "proxy_used"].mean() > 0.3


def test_training_raises_online_share_among_the_trained() -> None:
    trained = govsim.simulate(_scenario(
        "channels=online_first", "interventions=literacy_training",
        "interventions.training_share=0.6", "interventions.training_literacy_gain=0.3"), SEED).requests
    base = govsim.simulate(_scenario("channels=online_first"), SEED).requests
    who = set(trained.loc[trained["trained"], "villager_id"])
    assert len(who) > 100

    def share(req):  # type: ignore[no-untyped-def]
        sel = req[req["villager_id"].isin(who) & (req["outcome"] == "completed")]
        return sel["submitted_online"].mean()

    assert share(trained) > share(base) + 0.05         # tolerance: 5 points


def test_digital_only_serves_no_application_at_a_closed_counter() -> None:
    sc = _scenario("channels=digital_only")
    req = govsim.simulate(sc, SEED).requests
    online_items = [i.key for i in sc.items if i.online]
    on = req[req["item"].isin(online_items)]
    assert len(on) > 100
    assert (on["channel_first"] != "offline").all()
    assert (on["channel_final"] != "offline").all()
    left = on[on["outcome"] == "abandoned"]
    assert (left["failure_reason"] != "none").all()
    offline_items = req[~req["item"].isin(online_items)]
    assert (offline_items["channel_final"] == "offline").all()


def test_platform_state_in_timeseries_and_proxy_utilisation() -> None:
    r = govsim.simulate(_scenario("channels=inclusive", "platform=fragmented"), SEED)
    plat = r.timeseries[r.timeseries["office"].astype(str).str.startswith("platform:")]
    assert set(plat["office"].astype(str)) == {f"platform:app{k}" for k in range(1, 7)}
    assert plat["in_service"].isin([0, 1]).all()
    u = r.utilisation.set_index("kind").loc["proxy"]
    assert 0 < u["utilisation"] < 1
    assert r.kpis["gov_cost"] > 0 and r.kpis["villager_cost"] > 0


@pytest.mark.parametrize("overrides, key", [
    (["channels.counters_open=false"], "channels.counters_open"),
    (["channels=online_first", "channels.fallback=[retry,walk]"], "channels.fallback"),
    (["channels=online_first", "channels.assisted=true"], "channels.proxies_per_village"),
    (["platform.apps=0"], "platform.apps"),
    (["interventions.training_bands=[90+]"], "interventions.training_bands"),
])
def test_bad_channel_settings_are_rejected(overrides: list[str], key: str) -> None:
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
        govsim.load_scenario(overrides)
