"""KPIs of one run, computed from the request records (pure pandas/numpy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.kpi_registry import kpi_descriptions

__all__ = ["KPI_DESCRIPTIONS", "channel_kpis", "compute_kpis", "gini", "group_kpis"]

#: name -> one-line description of every KPI a run reports (from the KPI registry).
KPI_DESCRIPTIONS: dict[str, str] = kpi_descriptions()


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one holds all)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return 0.0 if n else float("nan")
    ranks = np.arange(1, n + 1)
    return float((2.0 * (ranks * x).sum()) / (n * x.sum()) - (n + 1.0) / n)


def _mean(s: pd.Series) -> float:
    return float(s.mean()) if len(s) else float("nan")


def compute_kpis(req: pd.DataFrame, time_value_per_hour: float = 15.0) -> pd.Series:
    """The run's KPIs (see ``KPI_DESCRIPTIONS``) as a Series of floats."""
    done = req[req["outcome"] == "completed"]
    elderly = req["elderly"].to_numpy(dtype=bool)
    hours = (req["travel_min"] + req["window_wait_min"] + req["counter_min"]) / 60.0
    per_villager = hours.groupby(req["villager_id"].to_numpy()).sum()
    completed = (req["outcome"] == "completed").to_numpy()
    k = {
        "requests": float(len(req)),
        "trips_mean": _mean(req["trips"]),
        "at_most_one_trip_share": _mean(done["trips"] <= 1),
        "zero_trip_share": _mean(done["trips"] == 0),
        "turnaround_days_mean": _mean(done["turnaround_days"]),
        "turnaround_days_p90": float(done["turnaround_days"].quantile(0.9)) if len(done) else float("nan"),
        "window_wait_min_mean": _mean(req["window_wait_min"]),
        "completion_rate": _mean(req["outcome"] == "completed"),
        "abandon_rate": _mean(req["outcome"] == "abandoned"),
        "open_rate": _mean(req["outcome"] == "open"),
        "documents_mean": _mean(req["documents_required"]),
        "certificates_mean": _mean(req["certificates_fetched"]),
        "elderly_trips_gap": _gap(req["trips"].to_numpy(), elderly),
        "elderly_turnaround_gap": _gap(req["turnaround_days"].to_numpy(), elderly & completed,
                                       ~elderly & completed),
        "elderly_completion_gap": -_gap(completed.astype(float), elderly),
        "time_cost_gini": gini(per_villager.to_numpy()),
        "villager_time_hours_mean": _mean(hours),
        "villager_cost_mean": _mean(hours * time_value_per_hour + req["fare"]),
    }
    return pd.Series(k, dtype=float, name="value")


def _gap(values: np.ndarray, a: np.ndarray, b: np.ndarray | None = None) -> float:
    """Mean over ``a`` minus mean over ``b`` (default: not ``a``); NaN if a side is empty."""
    b = ~a if b is None else b
    if not a.any() or not b.any():
        return float("nan")
    return float(np.nanmean(values[a]) - np.nanmean(values[b]))


def group_kpis(req: pd.DataFrame, by: str) -> pd.DataFrame:
    """Main KPIs broken down by a column (``item``, ``age_band``, ...)."""
    g = req.groupby(by, observed=True)
    out = pd.DataFrame({
        "requests": g.size(),
        "trips_mean": g["trips"].mean(),
        "at_most_one_trip_share": (req["trips"] <= 1).where(req["outcome"] == "completed")
        .groupby(req[by], observed=True).mean(),
        "turnaround_days_mean": g["turnaround_days"].mean(),
        "window_wait_min_mean": g["window_wait_min"].mean(),
        "completion_rate": g["outcome"].apply(lambda s: (s == "completed").mean()),
        "documents_mean": g["documents_required"].mean(),
        "certificates_mean": g["certificates_fetched"].mean(),
    })
    if "submitted_online" in req:
        done = req["outcome"] == "completed"
        out["online_share"] = req["submitted_online"].where(done).astype(float).groupby(
            req[by], observed=True).mean()
        out["proxy_share"] = req["proxy_used"].astype(float).groupby(req[by], observed=True).mean()
    return out


def channel_kpis(req: pd.DataFrame) -> dict[str, float]:
    """Channel KPIs from the request records (``channel_final``, ``submitted_online`` ...)."""
    done = req["outcome"] == "completed"
    elderly = req["elderly"].to_numpy(dtype=bool)
    online = req["submitted_online"].where(done)
    return {
        "online_share": _mean(online.dropna()),
        "online_share_60plus": _mean(online[elderly].dropna()),
        "online_share_under60": _mean(online[~elderly].dropna()),
        "self_online_share": _mean((req["channel_final"] == "online")[done]),
        "assisted_share": _mean((req["channel_final"] == "assisted")[done]),
        "online_attempts_mean": _mean(req["online_attempts"]),
        "fallback_rate": _mean(req["fallbacks"] > 0),
    }
