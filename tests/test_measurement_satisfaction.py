"""The satisfaction rule, one criterion at a time, and its KPIs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim.satisfaction import satisfaction_kpis, satisfied


def _frame(**changes: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {
        "item": ["pension_recert"] * 6, "outcome": ["completed"] * 6, "trips": [1] * 6,
        "window_wait_min": [10.0] * 6, "fallbacks": [0] * 6, "t_need_day": [0.0] * 6,
        "t_apply_day": [2.0] * 6, "turnaround_days": [6.0] * 6, "elderly": [True, False] * 3,
    }
    base.update(changes)
    df = pd.DataFrame(base)
    df["item"] = df["item"].astype("category")
    return df


def test_each_criterion_dissatisfies_on_its_own() -> None:
    sc = govsim.load_scenario([])          # pension_recert: promised 5 days; rule 2 trips, 60 min
    df = _frame(outcome=["completed", "abandoned", "completed", "completed", "completed", "completed"],
                trips=[1, 0, 3, 1, 1, 1], window_wait_min=[10.0, 0.0, 10.0, 61.0, 10.0, 10.0],
                turnaround_days=[7.0, np.nan, 6.0, 6.0, 7.5, 6.0], fallbacks=[0, 0, 0, 0, 0, 1])
    # 7 days from need is 5 from application: on time; 7.5 is 5.5: late
    assert satisfied(df, sc).tolist() == [True, False, False, False, False, False]
    loose = dataclasses.replace(sc, satisfaction=dataclasses.replace(
        sc.satisfaction, max_trips=5, max_wait_min=100.0, late_factor=2.0, fallback_dissatisfies=False))
    assert satisfied(df, loose).tolist() == [True, False, True, True, True, True]


def test_proactive_grant_counts_from_the_need() -> None:
    sc = govsim.load_scenario([])
    df = _frame(t_apply_day=[np.nan] * 6, turnaround_days=[5.0, 5.5, 5.0, 5.0, 5.0, 5.0])
    assert satisfied(df, sc).tolist() == [True, False, True, True, True, True]
    k = satisfaction_kpis(df, sc)
    assert k["satisfaction_share"] == pytest.approx(5 / 6)
    assert k["satisfaction_share_60plus"] == 1.0


def test_digital_only_satisfies_fewer_than_inclusive() -> None:
    short = ["run.horizon_days=60"]
    dig = govsim.simulate(govsim.load_scenario(["channels=digital_only", *short]), 1).kpis
    inc = govsim.simulate(govsim.load_scenario(["channels=inclusive", *short]), 1).kpis
    assert dig["satisfaction_share_60plus"] < inc["satisfaction_share_60plus"] - 0.2
