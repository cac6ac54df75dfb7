"""Comparison of scenarios against a baseline: a table and plain-language sentences."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import pandas as pd

from govsim.experiment.stats import InconclusiveWarning, describe, paired_differences

__all__ = ["comparison_table", "fmt", "format_comparison", "sentence"]

# kpi -> (label, scale, phrase when lower, phrase when higher); {x} is the magnitude.
_PHRASES: dict[str, tuple[str, float, str, str]] = {
    "trips_mean": ("trips per request", 1.0, "{x} fewer trips per request",
                   "{x} more trips per request"),
    "turnaround_days_mean": ("mean turnaround", 1.0, "turnaround {x} days shorter",
                             "turnaround {x} days longer"),
    "turnaround_days_p90": ("p90 turnaround", 1.0, "p90 turnaround {x} days shorter",
                            "p90 turnaround {x} days longer"),
    "window_wait_min_mean": ("mean window wait", 1.0, "window wait {x} minutes shorter",
                             "window wait {x} minutes longer"),
    "at_most_one_trip_share": ("share done in at most one trip", 100.0,
                               "{x} percentage points fewer requests done in at most one trip",
                               "{x} percentage points more requests done in at most one trip"),
    "completion_rate": ("completion rate", 100.0, "completion rate {x} percentage points lower",
                        "completion rate {x} percentage points higher"),
}


def fmt(x: float) -> str:
    """A number with a sensible number of digits for tables and sentences."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 1:
        return f"{x:.1f}"
    return f"{x:.2g}"


def _phrase(kpi: str) -> tuple[str, float, str, str]:
    if kpi in _PHRASES:
        return _PHRASES[kpi]
    if kpi.endswith(("_share", "_rate")):
        return (kpi, 100.0, f"{kpi} {{x}} percentage points lower",
                f"{kpi} {{x}} percentage points higher")
    return (kpi, 1.0, f"{kpi} {{x}} lower", f"{kpi} {{x}} higher")


def sentence(scenario: str, baseline: str, kpi: str, diff: float, ci_low: float,
             ci_high: float) -> str:
    """One plain-language sentence for a paired difference (scenario minus baseline).

    >>> sentence("shared_data", "siloed", "trips_mean", -1.9, -2.0, -1.8)
    'shared_data: 1.9 fewer trips per request than siloed (95% CI 1.8 to 2.0)'
    """
    label, scale, lower, higher = _phrase(kpi)
    d, lo, hi = diff * scale, ci_low * scale, ci_high * scale
    if any(math.isnan(v) for v in (d, lo, hi)):
        return f"{scenario}: {label} cannot be compared with {baseline} (too few values)"
    if lo <= 0 <= hi:
        return (f"{scenario}: no clear difference in {label} from {baseline} "
                f"(difference {fmt(d)}, 95% CI {fmt(lo)} to {fmt(hi)})")
    if d < 0:
        return f"{scenario}: {lower.format(x=fmt(-d))} than {baseline} " \
               f"(95% CI {fmt(-hi)} to {fmt(-lo)})"
    return f"{scenario}: {higher.format(x=fmt(d))} than {baseline} (95% CI {fmt(lo)} to {fmt(hi)})"


def comparison_table(summary: pd.DataFrame, baseline: str,
                     kpis: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per (KPI, scenario): mean and CI, paired difference from baseline, Holm p."""
    if kpis:
        summary = summary[summary["kpi"].isin(list(kpis))]
    desc = describe(summary)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconclusiveWarning)
        diffs = paired_differences(summary, baseline, warn=False)
    table = desc.merge(diffs.drop(columns=["n"]), on=["kpi", "scenario"], how="left")
    table["baseline"] = baseline
    kpi_order = list(kpis) if kpis else list(pd.unique(summary["kpi"]))
    kpi_order = [k for k in kpi_order if k in set(table["kpi"])]
    scen_order = list(pd.unique(summary["scenario"]))
    table["_k"] = table["kpi"].map({k: i for i, k in enumerate(kpi_order)})
    table["_s"] = table["scenario"].map({s: i for i, s in enumerate(scen_order)})
    table = table.sort_values(["_k", "_s"]).drop(columns=["_k", "_s"]).reset_index(drop=True)
    table["sentence"] = [
        "" if r["scenario"] == baseline else
        sentence(str(r["scenario"]), baseline, str(r["kpi"]), float(r["diff_mean"]),
                 float(r["diff_ci_low"]), float(r["diff_ci_high"]))
        for r in table.to_dict("records")
    ]
    is_base = table["scenario"] == baseline
    table["inconclusive"] = table["inconclusive"].where(~is_base, pd.NA).astype("boolean")
    cols = ["kpi", "scenario", "baseline", "n", "mean", "sd", "ci_low", "ci_high",
            "rel_halfwidth", "diff_mean", "diff_ci_low", "diff_ci_high", "rel_change", "p",
            "p_holm", "inconclusive", "sentence"]
    return table[cols]


def _p(p: float) -> str:
    if math.isnan(p):
        return ""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison as a fixed-width text table followed by its sentences."""
    if table.empty:
        return "(no results)"
    baseline = str(table["baseline"].iloc[0])
    rows = []
    for r in table.to_dict("records"):
        is_base = r["scenario"] == baseline
        rows.append({
            "KPI": r["kpi"], "scenario": r["scenario"], "n": r["n"],
            "mean (95% CI)": f"{fmt(r['mean'])} ({fmt(r['ci_low'])} to {fmt(r['ci_high'])})",
            f"diff vs {baseline} (95% CI)": "" if is_base else
            f"{fmt(r['diff_mean'])} ({fmt(r['diff_ci_low'])} to {fmt(r['diff_ci_high'])})",
            "Holm p": "" if is_base else _p(float(r["p_holm"])),
        })
    text = pd.DataFrame(rows).to_string(index=False)
    sentences = [s for s in table["sentence"] if s]
    inconclusive = int(table["inconclusive"].fillna(False).sum())
    lines = [text, "", *sentences]
    if inconclusive:
        lines.append(f"Warning: {inconclusive} comparison(s) inconclusive (95% CI of the "
                     "difference includes 0); more replications may help.")
    return "\n".join(lines)
