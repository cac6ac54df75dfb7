"""Columnar per-request records: plain lists filled in place, one DataFrame at the end."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["OUTCOMES", "Records", "categorical", "outcome_categorical"]

OUTCOMES = ("open", "completed", "abandoned")
OPEN, COMPLETED, ABANDONED = 0, 1, 2

_COUNTS = ("trips", "failed_trips", "certificates_fetched", "exchange_calls", "exchange_failures",
           "documents_required", "counter_visits")
_MINUTES = ("travel_min", "window_wait_min", "counter_min", "backoffice_min", "handoff_min", "fare")


class Records:
    """One slot per request in each column; the model writes by request index."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.trips = [0] * n
        self.failed_trips = [0] * n
        self.certificates_fetched = [0] * n
        self.exchange_calls = [0] * n
        self.exchange_failures = [0] * n
        self.documents_required = [0] * n
        self.counter_visits = [0] * n
        self.travel_min = [0.0] * n
        self.window_wait_min = [0.0] * n
        self.counter_min = [0.0] * n
        self.backoffice_min = [0.0] * n
        self.handoff_min = [0.0] * n
        self.fare = [0.0] * n
        self.outcome = [OPEN] * n
        self.t_end = [math.nan] * n

    def columns(self) -> dict[str, np.ndarray]:
        """The dynamic columns as arrays."""
        out: dict[str, np.ndarray] = {k: np.asarray(getattr(self, k), dtype=np.int32) for k in _COUNTS}
        out.update({k: np.asarray(getattr(self, k), dtype=float) for k in _MINUTES})
        out["outcome_code"] = np.asarray(self.outcome, dtype=np.int8)
        out["t_end"] = np.asarray(self.t_end, dtype=float)
        return out


def categorical(codes: object, categories: Sequence[str]) -> pd.Categorical[str]:
    """Integer codes as a categorical with the given category names."""
    codes_arr = np.asarray(codes, dtype=np.int64)
    return pd.Categorical.from_codes(codes_arr, categories=pd.Index(list(categories)))


def outcome_categorical(codes: np.ndarray) -> pd.Categorical[str]:
    """Outcome codes as a categorical of ``open``, ``completed``, ``abandoned``."""
    return categorical(codes, OUTCOMES)
