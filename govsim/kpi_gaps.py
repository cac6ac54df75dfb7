"""Populations and equity gaps of the request records (pure numpy/pandas).

Populations (as declared in :mod:`govsim.kpi_catalogue`): *needs* are all
request records; *applications* are needs that became an application (or a
proactive grant) through a channel the villager could use, i.e. neither
never applied for (``applied`` false) nor left with no usable channel
(``failure_reason == "no_access"``); *completed* are completed records.

Item-standardised gaps (direct standardisation): the 60+ minus the rest,
computed within each item and averaged with the whole population's item
mix as weights (the items where both groups have cases; weights rescaled
to sum to one). Where age acts only through which services people need,
this gap is about zero while the raw gap is not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["application_mask", "gap", "no_access_mask", "std_gap", "within_gaps"]


def no_access_mask(req: pd.DataFrame) -> np.ndarray:
    """Needs left with no channel the villager could use (abandoned before any attempt)."""
    return ((req["failure_reason"] == "no_access") & (req["outcome"] == "abandoned")).to_numpy()


def application_mask(req: pd.DataFrame) -> np.ndarray:
    """Needs that became applications (or proactive grants) through a usable channel."""
    return req["applied"].to_numpy(dtype=bool) & ~no_access_mask(req)


def gap(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Mean of ``values`` over ``a`` minus mean over ``b``; NaN if a side is empty."""
    if not a.any() or not b.any():
        return float("nan")
    return float(np.nanmean(values[a]) - np.nanmean(values[b]))


def std_gap(values: np.ndarray, elderly: np.ndarray, within: np.ndarray, item: np.ndarray) -> float:
    """Item-standardised gap (60+ minus the rest) over the records in ``within``."""
    num = den = 0.0
    for k in np.unique(item[within]):
        sel = within & (item == k)
        a, b = sel & elderly, sel & ~elderly
        if not a.any() or not b.any():
            continue
        w = float(sel.sum())
        num += w * (np.nanmean(values[a]) - np.nanmean(values[b]))
        den += w
    return num / den if den else float("nan")


def within_gaps(req: pd.DataFrame, by: str) -> pd.DataFrame:
    """Raw 60+ gaps within each group of ``by`` (for ``item``: gaps within each item)."""
    elderly = req["elderly"].to_numpy(dtype=bool)
    app = application_mask(req)
    completed = (req["outcome"] == "completed").to_numpy()
    trips = req["trips"].to_numpy(dtype=float)
    days = req["turnaround_days"].to_numpy(dtype=float)
    keys = req[by].to_numpy()
    rows = {}
    for k in pd.unique(keys):
        g = keys == k
        rows[k] = {
            "elderly_trips_gap": gap(trips, g & app & elderly, g & app & ~elderly),
            "elderly_turnaround_gap": gap(days, g & completed & elderly, g & completed & ~elderly),
            "elderly_completion_gap": -gap(completed.astype(float), g & elderly, g & ~elderly),
            "unmet_need_gap": gap((~completed).astype(float), g & elderly, g & ~elderly),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
