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
# Indexing an array is as fast as indexing a list; a county-year's log falls from 51-79 MB to 43.
_TYPECODE = {"float64": "d", "int32": "i", "int64": "q", "int8": "b", "bool": "b", "category": "b"}


class _Unwritten:
    """A log column no request has written yet: reads give the initial value, no array is held.

    The first write makes the column's array, puts it on the log in this object's
    place and forwards to it from then on (a reference taken earlier stays right).
    So a run whose channel or risk models are off holds no array for their columns
    (in an offline run 19 of the 44 columns are never written: 9 MB of a county-year).
    """

    __slots__ = ("_arr", "_initial", "_log", "_name", "_typecode")

    def __init__(self, log: RequestLog, name: str, typecode: str, initial: Any) -> None:
        self._log, self._name, self._typecode, self._initial = log, name, typecode, initial
        self._arr: array[Any] | None = None

    def __getitem__(self, i: int) -> Any:
        if self._arr is not None:
            return self._arr[i]
        if not -self._log.n <= i < self._log.n:
            raise IndexError(f"request {i} out of range")
        return self._initial

    def __setitem__(self, i: int, value: Any) -> None:
        if self._arr is None:
            self._arr = array(self._typecode, [self._initial]) * self._log.n
            setattr(self._log, self._name, self._arr)
        self._arr[i] = value

    def __len__(self) -> int:
        return self._log.n

    def __contains__(self, value: object) -> bool:
        return value in self._arr if self._arr is not None else bool(self._log.n) and value == self._initial

    def values(self) -> Any:
        """The column as a numpy array (the initial value everywhere if never written)."""
        if self._arr is not None:
            return self._arr
        dtype = np.float64 if self._typecode == "d" else np.int64
        return np.full(self._log.n, self._initial, dtype=dtype)


class RequestLog:
    """One typed ``array`` per logged column (``SCHEMA``), one slot per request; written by request index.

    Flags read back as 0/1 and categories as their integer codes. A column is
    made on its first write (:class:`_Unwritten` until then).
    """

    __slots__ = (*(str(c.field) for c in _FIELDS), *(name for name, _ in _EXTRA), "n")

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> array[Any]: ...   # the fields declared in SCHEMA

    def __init__(self, n: int) -> None:
        self.n = n
        for c in _FIELDS:
            setattr(self, str(c.field), _Unwritten(self, str(c.field), _TYPECODE[c.dtype], c.initial))
        for name, initial in _EXTRA:
            setattr(self, name, _Unwritten(self, name, "d", initial))

    def finish(self, i: int, outcome: int, t: float) -> None:
        """Request ``i`` ended at ``t`` with ``outcome`` (``COMPLETED`` or ``ABANDONED``)."""
        self.outcome[i] = outcome
        self.t_end[i] = t

    def frame(self, planned: dict[str, Any], t_need: np.ndarray, *, release: bool = False) -> pd.DataFrame:
        """The requests frame: logged columns from the arrays, the others from ``planned``.

        Every column is a new array and the frame is built without copying them
        again (``copy=False``: one block per column instead of a consolidated copy).
        With ``release`` (the run is over) each logged array is dropped as soon as
        its column is made, so the log and the frame are never both held: 75 MB
        less at the peak of a county-year. The log is empty afterwards.
        """
        outcome = np.asarray(self._values("outcome"), dtype=np.int8)
        turnaround = (np.asarray(self._values("t_end"), dtype=float) - t_need) / _D
        turnaround[outcome != COMPLETED] = np.nan
        given = {**planned, "turnaround_days": turnaround}
        columns: dict[str, Any] = {}
        for c in SCHEMA:
            if c.field is None:
                columns[c.name] = given[c.name]
                continue
            columns[c.name] = self._column(c)
            if release:
                setattr(self, c.field, array(_TYPECODE[c.dtype]))
        if release:
            self.release()
        return pd.DataFrame(columns, copy=False)

    def release(self) -> None:
        """Drop every column (the run is over and its frame built)."""
        for c in _FIELDS:
            setattr(self, str(c.field), array(_TYPECODE[c.dtype]))
        for name, _ in _EXTRA:
            setattr(self, name, array("d"))
        self.n = 0

    def _values(self, name: str) -> Any:
        values = getattr(self, name)
        return values.values() if isinstance(values, _Unwritten) else values

    def _column(self, c: Column) -> Any:
        values = self._values(str(c.field))
        if c.categories:
            return categorical(values, c.categories)
        arr = np.array(values, dtype=c.dtype)   # a copy: the frame never shares the log's memory
        return arr / c.per if c.per != 1.0 else arr


def categorical(codes: object, categories: Sequence[str]) -> pd.Categorical[str]:
    """Integer codes as a categorical with the given category names."""
    codes_arr = np.asarray(codes, dtype=np.int64)
    return pd.Categorical.from_codes(codes_arr, categories=pd.Index(list(categories)))
