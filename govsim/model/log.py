"""The request log: every per-request column declared once, filled by index, one DataFrame at the end.

``SCHEMA`` declares each column of the requests frame in order: its name,
dtype, unit and description, and where it comes from (an array the model fills
while the run goes on, or the plan: who, where, which item, when). The model
writes ``log.<field>[i]`` for request ``i``; the outcome and the end time are
written only by :func:`RequestLog.finish`.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govsim.decisions.channel import CHANNELS, OFFLINE

__all__ = ["ABANDONED", "CHANNEL_LABELS", "COMPLETED", "FAILURES", "NO_CHANNEL", "OPEN", "OUTCOMES", "SCHEMA",
           "Column", "RequestLog", "categorical"]

OUTCOMES = ("open", "completed", "abandoned")
OPEN, COMPLETED, ABANDONED = 0, 1, 2
FAILURES = ("none", "no_access", "app_not_found", "outage", "connection", "form")
CHANNEL_LABELS = (*CHANNELS, "none")   # "none": no channel was usable (failure_reason says why)
NO_CHANNEL = len(CHANNELS)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the requests frame."""

    name: str
    dtype: str                 # int64 | int32 | int8 | float64 | bool | category
    unit: str                  # count | minutes | days | yuan | share | label | flag
    description: str
    field: str | None = None   # the list the model fills (None: taken from the plan)
    initial: Any = None        # the field's value before the request starts
    per: float = 1.0           # the field is divided by this (1440: minutes to days)
    categories: tuple[str, ...] = ()


_D = 1440.0
SCHEMA: tuple[Column, ...] = (
    Column("request_id", "int64", "label", "position of the request, in need order"),
    Column("villager_id", "int64", "label", "the villager (index into the population)"),
    Column("township", "category", "label", "the villager's township"),
    Column("village", "category", "label", "the villager's village"),
    Column("age_band", "category", "label", "the villager's age band"),
    Column("elderly", "bool", "flag", "the villager is aged 60+"),
    Column("item", "category", "label", "the service item"),
    Column("channel_first", "category", "label", "channel chosen when the need arose", "channel_first",
           OFFLINE, categories=CHANNEL_LABELS),
    Column("channel_final", "category", "label", "channel of the last attempt", "channel_final", OFFLINE,
           categories=CHANNEL_LABELS),
    Column("t_need_day", "float64", "days", "when the need arose"),
    Column("turnaround_days", "float64", "days", "need to decision, completed requests (NaN otherwise)"),
    Column("outcome", "category", "label", "open, completed or abandoned", "outcome", OPEN,
           categories=OUTCOMES),
    Column("handoff_days", "float64", "days", "time cases spent between departments", "handoff_min", 0.0,
           per=_D),
    Column("trips", "int32", "count", "trips to an office outside the village", "trips", 0),
    Column("failed_trips", "int32", "count", "trips that did not get the task done", "failed_trips", 0),
    Column("certificates_fetched", "int32", "count", "certificates fetched in person (or by a proxy)",
           "certificates_fetched", 0),
    Column("exchange_calls", "int32", "count", "documents verified on the data exchange", "exchange_calls",
           0),
    Column("exchange_failures", "int32", "count", "exchange checks that failed", "exchange_failures", 0),
    Column("documents_required", "int32", "count", "documents the villager must provide",
           "documents_required", 0),
    Column("counter_visits", "int32", "count", "times served at a counter", "counter_visits", 0),
    Column("travel_min", "float64", "minutes", "travel, both ways", "travel_min", 0.0),
    Column("window_wait_min", "float64", "minutes", "queuing at counters", "window_wait_min", 0.0),
    Column("counter_min", "float64", "minutes", "being served at counters", "counter_min", 0.0),
    Column("backoffice_min", "float64", "minutes", "back-office staff work", "backoffice_min", 0.0),
    Column("fare", "float64", "yuan", "fares paid", "fare", 0.0),
    Column("online_attempts", "int32", "count", "online attempts (own or by a proxy)", "online_attempts", 0),
    Column("fallbacks", "int32", "count", "channel changes after a failed online session", "fallbacks", 0),
    Column("proxy_used", "bool", "flag", "a village proxy agent handled the case", "proxy_used", False),
    Column("submitted_online", "bool", "flag", "the application was submitted online", "submitted_online",
           False),
    Column("failure_reason", "category", "label", "why the last online attempt failed", "failure_reason", 0,
           categories=FAILURES),
    Column("online_min", "float64", "minutes", "the villager's own online minutes", "online_min", 0.0),
    Column("t_submit_day", "float64", "days", "when the application was submitted online", "t_submit",
           math.nan, per=_D),
    Column("trained", "bool", "flag", "the villager had literacy training"),
    Column("applied", "bool", "flag", "the need became an application (or a proactive grant)", "applied",
           True),
    Column("granted_proactively", "bool", "flag", "granted from shared data without an application",
           "granted_proactively", False),
    Column("auto_checked", "bool", "flag", "eligibility checked automatically", "auto_checked", False),
    Column("wrong_denial", "bool", "flag", "wrongly denied (or missed) by an automated check",
           "wrong_denial", False),
    Column("appeal_days", "float64", "days", "extra time from a wrong denial to the decision", "appeal_min",
           0.0, per=_D),
    Column("resubmissions", "int32", "count", "resubmissions after a lost application", "resubmissions", 0),
    Column("hotline", "bool", "flag", "a complaint made by telephone", "hotline", False),
    # the mechanisms of back-office review, fragmentation, proxies and choice (issue 16)
    Column("sent_back", "int32", "count", "online submissions sent back as incomplete (an online round trip)",
           "sent_back", 0),
    Column("no_channel", "bool", "flag", "no channel was usable (channel_final is 'none')", "no_channel",
           False),
    # --- measurement (populations, turnaround from application) ---
    Column("t_apply_day", "float64", "days", "when the villager acted on the need, after the reaction delay "
           "(NaN: never applied, or granted without an application)", "t_apply", math.nan, per=_D),
)
_FIELDS = tuple(c for c in SCHEMA if c.field is not None)
_EXTRA = (("t_end", math.nan),)   # the end time, from which turnaround_days is derived


# The typecode of the ``array`` that holds each dtype: 8 bytes per float, 4 per count, 1 per flag or
# category code, instead of a list slot (8 bytes) plus a float object (24 bytes) per value written.
# Indexing an array is as fast as indexing a list; a county-year's log falls from 51-79 MB to 15.
_TYPECODE = {"float64": "d", "int32": "i", "int64": "q", "int8": "b", "bool": "b", "category": "b"}


class RequestLog:
    """One typed ``array`` per logged column (``SCHEMA``), one slot per request; written by request index.

    Flags read back as 0/1 and categories as their integer codes.
    """

    __slots__ = (*(str(c.field) for c in _FIELDS), *(name for name, _ in _EXTRA), "n")

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> array[Any]: ...   # the fields declared in SCHEMA

    def __init__(self, n: int) -> None:
        self.n = n
        for c in _FIELDS:
            setattr(self, str(c.field), array(_TYPECODE[c.dtype], [c.initial]) * n)
        for name, initial in _EXTRA:
            setattr(self, name, array("d", [initial]) * n)

    def finish(self, i: int, outcome: int, t: float) -> None:
        """Request ``i`` ended at ``t`` with ``outcome`` (``COMPLETED`` or ``ABANDONED``)."""
        self.outcome[i] = outcome
        self.t_end[i] = t

    def frame(self, planned: dict[str, Any], t_need: np.ndarray) -> pd.DataFrame:
        """The requests frame: logged columns from the lists, the others from ``planned``."""
        outcome = np.asarray(self.outcome, dtype=np.int8)
        turnaround = (np.asarray(self.t_end, dtype=float) - t_need) / _D
        turnaround[outcome != COMPLETED] = np.nan
        given = {**planned, "turnaround_days": turnaround}
        return pd.DataFrame({c.name: self._column(c) if c.field else given[c.name] for c in SCHEMA})

    def _column(self, c: Column) -> Any:
        values = getattr(self, str(c.field))
        if c.categories:
            return categorical(values, c.categories)
        arr = np.asarray(values, dtype=c.dtype)
        return arr / c.per if c.per != 1.0 else arr


def categorical(codes: object, categories: Sequence[str]) -> pd.Categorical[str]:
    """Integer codes as a categorical with the given category names."""
    codes_arr = np.asarray(codes, dtype=np.int64)
    return pd.Categorical.from_codes(codes_arr, categories=pd.Index(list(categories)))
