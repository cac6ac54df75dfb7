"""Statistics over replications: t confidence intervals, paired differences, Holm.

All functions take the tidy summary (columns scenario, replication, seed, kpi,
value). NaN values (a KPI undefined in a run) are dropped, per KPI and scenario
for intervals and per replication pair for differences; they never raise.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

__all__ = [
    "InconclusiveWarning",
    "describe",
    "holm",
    "paired_differences",
    "relative_halfwidths",
    "replications_for_precision",
    "t_interval",
]

LEVEL = 0.95


class InconclusiveWarning(UserWarning):
    """Some paired differences have a confidence interval that includes zero."""


def t_interval(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> dict[str, float]:
    """Mean, sd, n and the two-sided Student t interval of the non-NaN values."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    mean = float(x.mean()) if n else math.nan
    sd = float(x.std(ddof=1)) if n > 1 else math.nan
    half = float(st.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n)) if n > 1 else math.nan
    return {"n": float(n), "mean": mean, "sd": sd, "ci_low": mean - half,
            "ci_high": mean + half, "halfwidth": half}


def _rel(half: float, mean: float) -> float:
    if mean == 0.0 or math.isnan(mean):
        return math.nan
    return abs(half / mean)


def describe(summary: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """Per scenario and KPI: n, mean, sd, t CI and relative half-width, in input order."""
    rows = []
    for (scenario, kpi), grp in summary.groupby(["scenario", "kpi"], sort=False):
        ci = t_interval(grp["value"].to_numpy(), level)
        rows.append({"scenario": scenario, "kpi": kpi, **ci,
                     "rel_halfwidth": _rel(ci["halfwidth"], ci["mean"])})
    out = pd.DataFrame(rows)
    if not out.empty:
        out["n"] = out["n"].astype(int)
    return out


def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values; NaN stays NaN and is not counted."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 0.0
    for i, idx in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[idx]))
        out[idx] = running
    return out


def _paired_p(diff: np.ndarray) -> float:
    n = len(diff)
    if n < 2:
        return math.nan
    sd = float(diff.std(ddof=1))
    mean = float(diff.mean())
    if sd == 0.0:
        return 1.0 if mean == 0.0 else 0.0
    t = mean / (sd / math.sqrt(n))
    return float(2 * st.t.sf(abs(t), n - 1))


def paired_differences(summary: pd.DataFrame, baseline: str, level: float = LEVEL,
                       warn: bool = True) -> pd.DataFrame:
    """Each scenario minus the baseline, paired on replication, per KPI, Holm-corrected.

    Columns: kpi, scenario, baseline, n, diff_mean, diff_sd, diff_ci_low, diff_ci_high,
    rel_change (difference / baseline mean), p, p_holm, inconclusive (CI includes 0).
    """
    wide = summary.pivot_table(index=["kpi", "replication"], columns="scenario",
                               values="value", dropna=False, sort=False)
    scenarios = [s for s in pd.unique(summary["scenario"]) if s != baseline]
    rows = []
    for kpi in pd.unique(summary["kpi"]):
        block = wide.loc[kpi]
        for scenario in scenarios:
            pair = block[[scenario, baseline]].dropna()
            diff = (pair[scenario] - pair[baseline]).to_numpy(dtype=float)
            ci = t_interval(diff, level)
            base_mean = float(pair[baseline].mean()) if len(pair) else math.nan
            rel = ci["mean"] / base_mean if base_mean and not math.isnan(base_mean) else math.nan
            rows.append({"kpi": kpi, "scenario": scenario, "baseline": baseline,
                         "n": len(diff), "diff_mean": ci["mean"], "diff_sd": ci["sd"],
                         "diff_ci_low": ci["ci_low"], "diff_ci_high": ci["ci_high"],
                         "rel_change": rel, "p": _paired_p(diff)})
    out = pd.DataFrame(rows, columns=["kpi", "scenario", "baseline", "n", "diff_mean", "diff_sd",
                                      "diff_ci_low", "diff_ci_high", "rel_change", "p"])
    out["p_holm"] = holm(out["p"].to_numpy()) if len(out) else []
    low, high = out["diff_ci_low"], out["diff_ci_high"]
    out["inconclusive"] = ~((low > 0) | (high < 0))
    if warn and out["inconclusive"].any():
        names = [f"{r.scenario}/{r.kpi}" for r in out[out["inconclusive"]].itertuples()]
        warnings.warn(f"{len(names)} comparison(s) inconclusive (95% CI of the difference "
                      f"includes 0): {', '.join(names[:6])}{' ...' if len(names) > 6 else ''}",
                      InconclusiveWarning, stacklevel=2)
    return out


def relative_halfwidths(summary: pd.DataFrame, kpi: str, level: float = LEVEL) -> pd.Series:
    """Relative CI half-width of ``kpi`` per scenario (NaN where undefined)."""
    d = describe(summary[summary["kpi"] == kpi], level)
    return pd.Series(d["rel_halfwidth"].to_numpy(), index=d["scenario"].to_numpy(), dtype=float)


def replications_for_precision(values: Sequence[float] | np.ndarray, target_rel_halfwidth: float,
                               level: float = LEVEL) -> int:
    """Estimated total replications for a relative CI half-width of ``target_rel_halfwidth``.

    Uses the sample mean and sd of ``values`` (at least 2 non-NaN) and the t quantile
    of the current sample size: n = (t * sd / (target * |mean|))**2, at least len(values).
    Returns len(values) when the mean is 0 or undefined (precision cannot be judged).
    """
    ci = t_interval(values, level)
    n = int(ci["n"])
    if n < 2 or not ci["mean"] or math.isnan(ci["mean"]) or math.isnan(ci["sd"]):
        return n
    tq = float(st.t.ppf(0.5 + level / 2, n - 1))
    need = (tq * ci["sd"] / (target_rel_halfwidth * abs(ci["mean"]))) ** 2
    return max(n, math.ceil(need))
