"""KPIs of one run, computed from the request records (pure pandas/numpy)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.kpi_gaps import application_mask, gap, no_access_mask, std_gap, within_gaps
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


class _Masked:
    """``frame[mask]`` read one column at a time (``masked["trips"]``), without copying the frame."""

    def __init__(self, frame: pd.DataFrame, mask: np.ndarray) -> None:
        self._frame, self._mask = frame, mask

    def __getitem__(self, column: str) -> pd.Series:
        return self._frame[column][self._mask]


_COMPLETED_COLUMNS = ("trips", "turnaround_days", "t_apply_day", "t_need_day")


def compute_kpis(req: pd.DataFrame, time_value_per_hour: float = 15.0) -> pd.Series:
    """The run's KPIs (see ``KPI_DESCRIPTIONS``; populations in :mod:`govsim.kpi_gaps`) as floats."""
    app = application_mask(req)
    # One column at a time over the applications, and only the columns used over the completed:
    # masking the whole frame copied all 45 columns twice (110 MB at the peak of a county-year).
    a = _Masked(req, app)
    done = req.loc[req["outcome"] == "completed", list(_COMPLETED_COLUMNS)]
    elderly = req["elderly"].to_numpy(dtype=bool)
    item = req["item"].cat.codes.to_numpy()
    completed = (req["outcome"] == "completed").to_numpy()
    trips = req["trips"].to_numpy(dtype=float)
    days = req["turnaround_days"].to_numpy(dtype=float)
    hours = (a["travel_min"] + a["window_wait_min"] + a["counter_min"]) / 60.0
    per_villager = hours.groupby(a["villager_id"].to_numpy()).sum()
    unmet = (~completed).astype(float)
    k = {
        "requests": float(len(req)),
        "applications": float(app.sum()),
        "trips_mean": _mean(a["trips"]),
        "at_most_one_trip_share": _mean(done["trips"] <= 1),
        "zero_trip_share": _mean(done["trips"] == 0),
        "turnaround_days_mean": _mean(done["turnaround_days"]),
        "turnaround_days_p90": float(done["turnaround_days"].quantile(0.9)) if len(done) else float("nan"),
        "turnaround_from_application_days_mean": _mean(_from_application(done)),
        "window_wait_min_mean": _mean(a["window_wait_min"]),
        "completion_rate": _mean(req["outcome"] == "completed"),
        "abandon_rate": _mean(a["outcome"] == "abandoned"),
        "no_access_rate": _mean(pd.Series(no_access_mask(req))),
        "unmet_need_rate": _mean(pd.Series(unmet)),
        "unmet_need_rate_60plus": _mean(pd.Series(unmet[elderly])),
        "need_met_share_60plus": _mean(pd.Series(completed[elderly])),
        "unmet_need_gap": gap(unmet, elderly, ~elderly),
        "open_rate": _mean(req["outcome"] == "open"),
        "documents_mean": _mean(a["documents_required"]),
        "certificates_mean": _mean(a["certificates_fetched"]),
        "elderly_trips_gap": gap(trips, app & elderly, app & ~elderly),
        "elderly_turnaround_gap": gap(days, elderly & completed, ~elderly & completed),
        "elderly_completion_gap": -gap(completed.astype(float), elderly, ~elderly),
        "elderly_trips_gap_std": std_gap(trips, elderly, app, item),
        "elderly_turnaround_gap_std": std_gap(days, elderly, completed, item),
        "elderly_completion_gap_std": -std_gap(1.0 - unmet, elderly, np.isfinite(unmet), item),
        "time_cost_gini": gini(per_villager.to_numpy()),
        "villager_time_hours_mean": _mean(hours),
        "villager_cost_mean": _mean(hours * time_value_per_hour + a["fare"]),
    }
    return pd.Series(k, dtype=float, name="value")


def _from_application(done: pd.DataFrame) -> pd.Series:
    """Days from the application (the need, if granted without one) to the decision."""
    start = done["t_apply_day"].fillna(done["t_need_day"])
    return done["turnaround_days"] - (start - done["t_need_day"])


def group_kpis(req: pd.DataFrame, by: str) -> pd.DataFrame:
    """Main KPIs broken down by a column (``item``, ``age_band``, ...), same populations as the run's.

    Trips, waiting, documents: over applications; turnaround and the one-trip
    share: over completed applications; completion and unmet needs: over needs.
    The 60+ gaps are within each group (``by("item")``: gaps within each item).
    """
    app = pd.Series(application_mask(req), index=req.index)
    done = req["outcome"] == "completed"
    key = req[by]

    def over(col: str, mask: pd.Series) -> pd.Series:
        return req[col].where(mask).astype(float).groupby(key, observed=True).mean()

    g = req.groupby(by, observed=True)
    out = pd.DataFrame({
        "requests": g.size(),
        "applications": app.groupby(key, observed=True).sum(),
        "trips_mean": over("trips", app),
        "at_most_one_trip_share": (req["trips"] <= 1).where(done).groupby(key, observed=True).mean(),
        "turnaround_days_mean": g["turnaround_days"].mean(),
        "window_wait_min_mean": over("window_wait_min", app),
        "completion_rate": done.groupby(key, observed=True).mean(),
        "abandon_rate": (req["outcome"] == "abandoned").where(app).astype(float)
        .groupby(key, observed=True).mean(),
        "unmet_need_rate": (~done).groupby(key, observed=True).mean(),
        "documents_mean": over("documents_required", app),
        "certificates_mean": over("certificates_fetched", app),
    })
    if "submitted_online" in req:
        out["online_share"] = req["submitted_online"].where(done).astype(float).groupby(
            key, observed=True).mean()
        out["proxy_share"] = req["proxy_used"].astype(float).groupby(key, observed=True).mean()
    return out.join(within_gaps(req, by))


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
