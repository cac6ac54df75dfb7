"""Statistics of the experiment engine against hand-computed values."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from govsim.experiment.compare import (
    comparison_table,
    fmt,
    fmt_interval,
    format_comparison,
    relative_note,
    sentence,
)
from govsim.experiment.stats import (
    InconclusiveWarning,
    describe,
    holm,
    paired_differences,
    replications_for_precision,
    t_interval,
)


def tidy(data: dict[str, list[float]], kpi: str = "trips_mean") -> pd.DataFrame:
    rows = [{"scenario": s, "replication": r, "seed": r, "kpi": kpi, "value": v}
            for s, values in data.items() for r, v in enumerate(values)]
    return pd.DataFrame(rows)


def test_t_interval_matches_hand_computation() -> None:
    ci = t_interval([1, 2, 3, 4, 5])
    # mean 3, sd sqrt(2.5), t(0.975, 4) = 2.7764451, half = 2.7764451 * sqrt(2.5) / sqrt(5)
    assert ci["n"] == 5 and ci["mean"] == 3.0
    assert ci["sd"] == pytest.approx(1.5811388, abs=1e-7)
    assert ci["halfwidth"] == pytest.approx(1.9632432, abs=1e-6)
    assert (ci["ci_low"], ci["ci_high"]) == pytest.approx((1.0367568, 4.9632432), abs=1e-6)


def test_t_interval_ignores_nan_and_handles_tiny_samples() -> None:
    assert t_interval([1, float("nan"), 3])["mean"] == 2.0
    one = t_interval([4.0])
    assert one["mean"] == 4.0 and math.isnan(one["halfwidth"])
    assert math.isnan(t_interval([])["mean"])


def test_holm_hand_computed() -> None:
    # sorted 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1 -> max(0.06, 0.04)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    out = holm([0.01, float("nan"), 0.04])
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.04)
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])


def test_paired_difference_hand_computed() -> None:
    data = tidy({"base": [1, 2, 3, 4], "new": [1.5, 2.4, 3.6, 4.3]})
    row = paired_differences(data, "base").iloc[0]
    # diffs 0.5 0.4 0.6 0.3: mean 0.45, sd sqrt(0.05/3), t(0.975, 3) = 3.1824463
    assert row["diff_mean"] == pytest.approx(0.45)
    assert row["diff_sd"] == pytest.approx(math.sqrt(0.05 / 3))
    assert row["diff_ci_low"] == pytest.approx(0.45 - 0.2054254, abs=1e-6)
    assert row["diff_ci_high"] == pytest.approx(0.45 + 0.2054254, abs=1e-6)
    assert row["rel_change"] == pytest.approx(0.18)
    expected_p = st.ttest_rel([1.5, 2.4, 3.6, 4.3], [1, 2, 3, 4]).pvalue
    assert row["p"] == pytest.approx(expected_p) and row["p_holm"] == pytest.approx(expected_p)
    assert not row["inconclusive"]


def test_inconclusive_is_flagged_and_warned() -> None:
    data = tidy({"base": [1, 2, 3, 4], "new": [1.1, 1.9, 3.1, 3.9]})
    with pytest.warns(InconclusiveWarning):
        out = paired_differences(data, "base")
    assert bool(out["inconclusive"].iloc[0])


def test_nan_kpis_do_not_crash() -> None:
    nan = float("nan")
    data = pd.concat([tidy({"base": [nan, nan, nan], "new": [nan, nan, nan]}, "undefined"),
                      tidy({"base": [1, nan, 3], "new": [2, 2, nan]}, "partial")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconclusiveWarning)
        out = paired_differences(data, "base")
    assert out["n"].tolist() == [0, 1]
    assert describe(data)["n"].tolist() == [0, 0, 2, 2]
    table = comparison_table(data, "base")
    assert "cannot be compared" in table["sentence"].iloc[1]
    assert "n/a" in format_comparison(table)


def test_replications_for_precision() -> None:
    # mean 10, sd sqrt(2), t(0.975, 1) = 12.7062047: n = (12.7062 * 1.41421 / 0.5)^2 = 1291.6
    assert replications_for_precision([9.0, 11.0], 0.05) == 1292
    assert replications_for_precision(np.full(10, 5.0), 0.05) == 10  # no spread: met
    assert replications_for_precision([0.0, 0.0, 0.0], 0.05) == 3  # mean 0: cannot judge


def test_sentence_wording() -> None:
    assert sentence("shared_data", "siloed", "trips_mean", -1.9, -2.0, -1.8) == (
        "shared_data vs siloed — Trips per application: 1.9 trips fewer (95% CI 1.8 to 2.0)")
    assert sentence("a", "b", "completion_rate", 0.05, 0.02, 0.08) == (
        "a vs b — Needs completed (with the run-out): 5.0 percentage points higher (95% CI 2.0 to 8.0)")
    assert sentence("a", "b", "zero_trip_share", -0.1, -0.2, -0.05) == (
        "a vs b — Done with no trip: 10.0 percentage points lower (95% CI 5.0 to 20.0)")
    assert sentence("a", "b", "turnaround_days_mean", 0.1, -0.2, 0.4) == (
        "a vs b — Days from need to decision: no clear difference (0.10 days, "
        "95% CI -0.20 to 0.40)")
    assert sentence("a", "b", "window_wait_min_mean", 66.7, 60.1, 73.3).endswith(
        "66.7 minutes longer (95% CI 60.1 to 73.3)")


def test_sentences_put_shares_and_gaps_in_percentage_points() -> None:
    # a share and a gap of shares read the same way, in percentage points (never "0.48 higher")
    share = sentence("p", "r", "take_up_rate", 0.397, 0.393, 0.401)
    gap = sentence("p", "r", "elderly_completion_gap", 0.485, 0.47, 0.50)
    assert "39.7 percentage points higher (95% CI 39.3 to 40.1)" in share
    assert "48.5 percentage points higher (95% CI 47.0 to 50.0)" in gap


def test_sentences_in_chinese_use_registry_names_and_units() -> None:
    zh = sentence("p", "r", "trips_mean", -0.17, -0.18, -0.16, lang="zh")
    assert zh == "p 对比 r — 每件申请出行趟数:少0.17趟(95%置信区间 0.16 至 0.18)"
    pp = sentence("p", "r", "take_up_rate", 0.397, 0.393, 0.401, lang="zh")
    assert "高39.7个百分点" in pp


def test_intervals_have_digits_enough_to_differ_from_the_estimate() -> None:
    assert fmt_interval(0.19, 0.184, 0.196) == ("0.19", "0.18", "0.20")
    p, lo, hi = fmt_interval(0.2, 0.196, 0.204)
    assert len({p, lo, hi}) == 3 and (p, lo, hi) == ("0.200", "0.196", "0.204")
    text = sentence("a", "b", "trips_mean", -0.2, -0.204, -0.196)
    assert "0.200 trips fewer (95% CI 0.196 to 0.204)" in text
    assert fmt(-0.0001, 1) == "0.0"  # never "-0.0"


def test_zero_by_construction_is_not_inconclusive() -> None:
    data = tidy({"base": [1.0, 2.0, 3.0], "same": [1.0, 2.0, 3.0], "noisy": [1.1, 1.9, 3.0]})
    table = comparison_table(data, "base")
    same = table.set_index("scenario").loc["same"]
    noisy = table.set_index("scenario").loc["noisy"]
    assert bool(same["same_by_construction"]) and not bool(same["inconclusive"])
    assert same["sentence"].endswith("no change (same by construction)")
    assert not bool(noisy["same_by_construction"]) and bool(noisy["inconclusive"])
    text = format_comparison(table)
    assert "1 comparison(s) inconclusive" in text and "0 (by construction)" in text


def test_relative_change_only_for_levels_far_from_zero() -> None:
    # a level with a baseline well away from zero
    assert relative_note("turnaround_days_mean", 1.0, 10.0, 9.0, 11.0) == (
        "10.0% higher than the baseline mean")
    # never for gaps or shares, whatever the numbers
    assert relative_note("elderly_completion_gap", 0.48, 0.00089, 0.0005, 0.0013) == ""
    assert relative_note("take_up_rate", 0.397, 0.58, 0.57, 0.59) == ""
    # not when the baseline's interval includes zero, nor for a change of 1000% or more
    assert relative_note("records_exposed", 5.0, 1.0, -1.0, 3.0) == ""
    assert relative_note("records_exposed", 50.0, 1.0, 0.5, 1.5) == ""
    assert relative_note("unknown_kpi", 1.0, 10.0, 9.0, 11.0) == ""
    assert relative_note("trips_mean", -0.17, 0.6, 0.59, 0.61, lang="zh") == "比基准均值低28.3%"
