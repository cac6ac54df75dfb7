"""The request log's declaration is the requests frame's schema; the fast offline path is exact."""

from __future__ import annotations

import pandas as pd
import pytest

import govsim
from govsim.model.engine import start
from govsim.model.journey import offline_request
from govsim.model.log import SCHEMA
from govsim.model.plan import plan_run
from govsim.model.request import apply, request, request_process
from govsim.model.state import new_context
from govsim.run import _requests_frame

SHORT = ["run.horizon_days=30"]


def test_the_frame_has_the_declared_columns_dtypes_and_units() -> None:
    req = govsim.simulate(govsim.load_scenario([*SHORT, "channels=inclusive"]), seed=3).requests
    assert list(req.columns) == [c.name for c in SCHEMA]
    for c in SCHEMA:
        assert str(req[c.name].dtype) == c.dtype, c.name
        assert c.unit and c.description, c.name
        if c.categories:
            assert tuple(req[c.name].cat.categories) == c.categories, c.name


def test_outcomes_are_exclusive_and_end_times_follow_the_outcome() -> None:
    req = govsim.simulate(govsim.load_scenario([*SHORT, "proactive=on", "governance=shared_data"]),
                          seed=3).requests
    assert set(req["outcome"]) <= {"open", "completed", "abandoned"}
    done = req["outcome"] == "completed"
    assert req.loc[done, "turnaround_days"].notna().all()
    assert req.loc[~done, "turnaround_days"].isna().all()


@pytest.mark.parametrize(("extra", "process"), [([], offline_request), (["channels=inclusive"], apply)])
def test_the_fast_paths_equal_the_composed_request(extra: list[str], process: object) -> None:
    """Without risk rules ``apply`` starts (offline only ``offline_request``): same frame as ``request``."""
    sc = govsim.load_scenario([*SHORT, *extra])
    plan = plan_run(sc, 4)
    fast, full = new_context(plan), new_context(plan)
    assert request_process(fast) is process
    start(fast)
    start(full, request)
    for c in (fast, full):
        c.env.run(until=plan.horizon)
    pd.testing.assert_frame_equal(_requests_frame(fast), _requests_frame(full))
    assert len(_requests_frame(fast)) > 100


def test_without_reaction_delay_the_application_time_is_the_need_time() -> None:
    """No reaction delay: the villager applies when the need arises (t_apply_day was left NaN)."""
    for extra in (["scenario=mmc", "run.horizon_days=5"], ["behaviour.reaction_days_max=0"]):
        req = govsim.simulate(govsim.load_scenario([*SHORT, *extra]), seed=2).requests
        assert len(req) > 100
        pd.testing.assert_series_equal(req["t_apply_day"], req["t_need_day"], check_names=False)
