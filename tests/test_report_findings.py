"""Headline selection, plain sentences and zero-by-construction findings, from a comparison."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_experiment_fakes import fake_spec

from govsim.errors import ScenarioError
from govsim.experiment import load_spec
from govsim.experiment.compare import comparison_table
from govsim.report.findings import select_findings


def _summary() -> pd.DataFrame:
    """Three replications of: a tiny but very consistent trips change, a large noisy wait
    change, and a take-up identical by construction in scenario "same"."""
    values = {
        ("base", "trips_mean"): [1.00, 1.20, 1.40], ("moved", "trips_mean"): [1.01, 1.21, 1.41],
        ("base", "window_wait_min_mean"): [10.0, 30.0, 20.0],
        ("moved", "window_wait_min_mean"): [75.0, 100.0, 85.0],
        ("base", "take_up_rate"): [0.5, 0.6, 0.55], ("moved", "take_up_rate"): [0.5, 0.6, 0.55],
    }
    rows = [(s, r, 100 + r, k, v) for (s, k), vals in values.items() for r, v in enumerate(vals)]
    return pd.DataFrame(rows, columns=["scenario", "replication", "seed", "kpi", "value"])


def test_headline_is_the_largest_standardised_effect_among_the_kpis() -> None:
    table = comparison_table(_summary(), "base")
    found = select_findings(table, "base", kpis=["trips_mean", "window_wait_min_mean",
                                                 "take_up_rate"])
    # +0.01 trips is exact in every pair, but small against the spread between replications;
    # +66.7 minutes of waiting is the larger effect in standard deviations
    assert found[0].kpi == "window_wait_min_mean"
    assert "Minutes queuing at counters: 66.7 minutes longer" in found[0].text
    assert found[0].plain.startswith("Under moved, minutes queuing at counters was 86.7 minutes,"
                                     " against 20.0 minutes under base (66.7 minutes longer)")
    # restricted to designated KPIs, the headline comes from those only
    assert select_findings(table, "base", kpis=["trips_mean"])[0].kpi == "trips_mean"


def test_the_spec_headline_comes_first() -> None:
    table = comparison_table(_summary(), "base")
    found = select_findings(table, "base", ["window_wait_min_mean"],
                            headline="moved:trips_mean")
    assert [f.kpi for f in found] == ["trips_mean", "window_wait_min_mean"]


def test_same_by_construction_reads_as_no_change() -> None:
    table = comparison_table(_summary(), "base")
    (f,) = select_findings(table, "base", ["take_up_rate"], headline="moved:take_up_rate")
    assert f.text == "moved vs base — Take-up of benefits: no change (same by construction)."
    assert "the same by construction" in f.plain and "按设计相同" in f.text_zh
    assert f.conclusive is False


def test_shipped_specs_mark_their_headline() -> None:
    assert load_spec("e6_back_office").headline == "online_move_2:window_wait_min_mean"
    assert load_spec({**fake_spec(), "headline": "better:trips_mean"}).headline
    for bad in ("trips_mean", "base:trips_mean", "nope:trips_mean"):
        with pytest.raises(ScenarioError, match="headline"):
            load_spec({**fake_spec(), "headline": bad})


def test_headline_prefers_a_measured_outcome_to_a_scenario_definition() -> None:
    # "online" puts every application online by definition (no spread): the channel mix
    # is a description, not the finding; the trips it saves are
    values = {("base", "online_share"): [0.0, 0.0, 0.0], ("online", "online_share"): [1.0] * 3,
              ("base", "trips_mean"): [1.0, 1.2, 1.1], ("online", "trips_mean"): [0.5, 0.8, 0.6]}
    rows = [(s, r, r, k, v) for (s, k), vals in values.items() for r, v in enumerate(vals)]
    summary = pd.DataFrame(rows, columns=["scenario", "replication", "seed", "kpi", "value"])
    found = select_findings(comparison_table(summary, "base"), "base")
    assert found[0].kpi == "trips_mean"


def test_a_gap_of_shares_reads_in_percentage_points_in_english_and_chinese() -> None:
    rows = [(s, r, 100 + r, "elderly_completion_gap", v) for s, vals in
            (("base", [0.010, 0.012, 0.014]), ("moved", [0.030, 0.033, 0.036])) for r, v in enumerate(vals)]
    summary = pd.DataFrame(rows, columns=["scenario", "replication", "seed", "kpi", "value"])
    (f,) = select_findings(comparison_table(summary, "base"), "base", ["elderly_completion_gap"])
    # the gap is itself a difference of two completion rates: 3.3 and 1.2 points, not "3.3%"
    assert "3.3 percentage points" in f.plain and "1.2 percentage points" in f.plain
    assert "%" not in f.plain
    assert "3.3个百分点" in f.plain_zh and "1.2个百分点" in f.plain_zh


def test_large_values_read_with_thousands_separators_in_english_and_chinese() -> None:
    values = {("base", "gov_cost"): [3455968.0, 3460968.0, 3450968.0],
              ("cut", "gov_cost"): [3105968.0, 3112968.0, 3100968.0],
              ("base", "trips_mean"): [1.0, 1.2, 1.1], ("cut", "trips_mean"): [0.5, 0.8, 0.6]}
    rows = [(s, r, r, k, v) for (s, k), vals in values.items() for r, v in enumerate(vals)]
    summary = pd.DataFrame(rows, columns=["scenario", "replication", "seed", "kpi", "value"])
    cost, trips = select_findings(comparison_table(summary, "base"), "base",
                                  ["gov_cost", "trips_mean"], headline="cut:gov_cost")
    # means 3,106,635 and 3,455,968 yuan; difference 349,333 (CI 346,465 to 352,202)
    assert "against 3,455,968 yuan under base (349,333 yuan lower)" in cost.plain
    assert "3,106,635元" in cost.plain_zh and "3,455,968元" in cost.plain_zh
    assert "349,333 yuan lower (95% CI 346,465 to 352,202)" in cost.text
    assert "低349,333元(95%置信区间 346,465 至 352,202)" in cost.text_zh
    # small values, decimals and percentages are unchanged
    assert "0.63 trips, against 1.1 trips under base (0.47 trips fewer)" in trips.plain
    assert "0.63趟" in trips.plain_zh and "42.4% lower than the baseline mean" in trips.text


def test_numbers_below_ten_thousand_keep_their_digits_together() -> None:
    from govsim.experiment.compare import fmt

    assert [fmt(9999.0), fmt(10000.0), fmt(-12345.678, 2), fmt(0.0123)] == [
        "9999", "10,000", "-12,345.68", "0.012"]
