"""Findings of a Morris screening name the most influential input, computed from the table."""

from __future__ import annotations

import pandas as pd

from govsim.report.findings import sensitivity_findings


def _table(a: float, b: float) -> pd.DataFrame:
    return pd.DataFrame({"input": ["demand", "staff"], "kpi": ["trips_mean"] * 2,
                         "mu_star": [a, b], "mu_star_conf": [0.01, 0.01]})


def test_the_top_input_and_ratio_come_from_the_numbers():
    (f,) = sensitivity_findings(_table(0.4, 0.1))
    assert f.text.startswith("Trips per application (trips_mean): demand matters most")
    assert "4.0 times" in f.text and "demand影响最大" in f.text_zh
    (g,) = sensitivity_findings(_table(0.1, 0.4))
    assert g.text.startswith("Trips per application (trips_mean): staff matters most")
    assert g.scenario == "staff"


def test_effects_of_a_share_are_in_percentage_points():
    table = pd.DataFrame({"input": ["demand", "staff"], "kpi": ["completion_rate"] * 2,
                          "mu_star": [0.14, 0.035], "mu_star_conf": [0.01, 0.01]})
    (f,) = sensitivity_findings(table)
    assert "mu* = 14.0 percentage points, 95% CI half-width 1.0 percentage points" in f.text
    assert "4.0 times the next input, staff (mu* = 3.5 percentage points)" in f.text
