"""The working calendar's fast methods give exactly what their plain definitions give.

``WorkCalendar`` inlines ``is_workday`` and ``closing_time`` into its other
methods (fewer Python calls in the request path). The reference functions
here are those methods as first written, calling the helpers; every result
must be the same float, not merely close.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.config.scenario import CalendarSpec
from govsim.model.calendar import DAY, WorkCalendar


def _next_open(cal: WorkCalendar, t: float) -> float:
    day = int(t // DAY)
    tod = t - day * DAY
    if cal.is_workday(day) and tod < cal.close:
        return day * DAY + max(tod, cal.open)
    day += 1
    while not cal.is_workday(day):
        day += 1
    return day * DAY + cal.open


def _add_working(cal: WorkCalendar, t: float, minutes: float) -> float:
    t = _next_open(cal, t)
    remaining = minutes
    while True:
        left_today = cal.closing_time(t) - t
        if remaining <= left_today:
            return t + remaining
        remaining -= left_today
        t = _next_open(cal, cal.closing_time(t))


def _arrival_time(cal: WorkCalendar, t: float, travel: float, u: float, spread: float) -> float:
    offset = cal.open + u * spread * cal.day_len
    day = int(t // DAY)
    while True:
        if cal.is_workday(day):
            arrive = day * DAY + offset
            if arrive - travel >= t:
                return arrive
        day += 1


calendars = st.builds(
    lambda o, length, w, first: WorkCalendar(CalendarSpec(o, o + length, w), first),
    st.integers(0, 720), st.integers(60, 600), st.integers(1, 7), st.integers(0, 6))
times = st.floats(0.0, 400 * DAY, allow_nan=False)


@settings(max_examples=400, deadline=None)
@given(calendars, times, st.floats(0.0, 30 * 600.0, allow_nan=False))
def test_next_open_and_add_working_match_the_plain_definitions(cal: WorkCalendar, t: float,
                                                               minutes: float) -> None:
    assert cal.next_open(t) == _next_open(cal, t)
    assert cal.add_working(t, minutes) == _add_working(cal, t, minutes)
    day = int(t // DAY)
    tod = t - day * DAY
    assert cal.is_open(t) == (cal.is_workday(day) and cal.open <= tod < cal.close)
    assert cal.closing_time(t) == math.floor(t / DAY) * DAY + cal.close


@settings(max_examples=300, deadline=None)
@given(calendars, times, st.floats(0.0, 180.0), st.floats(0.0, 1.0, exclude_max=True), st.floats(0.0, 1.0))
def test_arrival_time_matches_the_plain_definition(cal: WorkCalendar, t: float, travel: float, u: float,
                                                   spread: float) -> None:
    assert cal.arrival_time(t, travel, u, spread) == _arrival_time(cal, t, travel, u, spread)


def test_a_friday_afternoon_job_runs_over_the_weekend() -> None:
    cal = WorkCalendar(CalendarSpec(480.0, 1020.0, 5), 0)   # Mon-Fri 8:00-17:00
    friday_4pm = 4 * DAY + 960.0
    assert cal.add_working(friday_4pm, 120.0) == 7 * DAY + 480.0 + 60.0   # Monday 9:00
    assert not cal.is_open(5 * DAY + 600.0)                                # Saturday 10:00
    assert cal.next_open(5 * DAY + 600.0) == 7 * DAY + 480.0
