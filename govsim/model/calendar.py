"""Working calendar arithmetic in minutes of simulated time.

Time 0 is midnight at the start of day 0. Offices are open from ``open_min``
to ``close_min`` on working days (the first ``workdays_per_week`` days of each
week, counted from Monday). Back-office work advances only in working time.
"""

from __future__ import annotations

import math

from govsim.config.scenario import CalendarSpec

__all__ = ["DAY", "YEAR_DAYS", "YEAR_MIN", "WorkCalendar"]

DAY = 1440.0
YEAR_DAYS = 365.0          # the model's year: rates per year and horizons in years use it
YEAR_MIN = YEAR_DAYS * DAY


class WorkCalendar:
    """Opening hours and working-time arithmetic for one scenario."""

    def __init__(self, spec: CalendarSpec, start_weekday: int = 0) -> None:
        self.open = float(spec.open_min)
        self.close = float(spec.close_min)
        self.day_len = self.close - self.open
        self.workdays = spec.workdays_per_week
        self.start_weekday = start_weekday
        self.always_open = spec.always_open

    def is_workday(self, day: int) -> bool:
        """Whether day number ``day`` is a working day."""
        return (self.start_weekday + day) % 7 < self.workdays

    # The methods below test ``(start_weekday + day) % 7 < workdays`` in place of
    # calling ``is_workday`` and compute the closing time once per day in
    # ``add_working``: the same arithmetic with fewer Python calls (a county-year
    # calls ``is_workday`` about 4 million times, ``closing_time`` 2 million);
    # tests/test_calendar.py checks them against the plain definitions.

    def is_open(self, t: float) -> bool:
        """Whether offices are open at time ``t``."""
        if self.always_open:
            return True
        day = int(t // DAY)
        tod = t - day * DAY
        return (self.start_weekday + day) % 7 < self.workdays and self.open <= tod < self.close

    def closing_time(self, t: float) -> float:
        """Closing time of the day containing ``t`` (infinite when always open)."""
        if self.always_open:
            return math.inf
        return math.floor(t / DAY) * DAY + self.close

    def next_open(self, t: float) -> float:
        """The earliest time >= ``t`` at which offices are open."""
        if self.always_open:
            return t
        day = int(t // DAY)
        tod = t - day * DAY
        first, workdays = self.start_weekday, self.workdays
        if (first + day) % 7 < workdays and tod < self.close:
            return day * DAY + max(tod, self.open)
        day += 1
        while (first + day) % 7 >= workdays:
            day += 1
        return day * DAY + self.open

    def add_working(self, t: float, minutes: float) -> float:
        """The time at which ``minutes`` of working time started at ``t`` are done."""
        if self.always_open:
            return t + minutes
        t = self.next_open(t)
        remaining, close = minutes, self.close
        while True:
            closing = math.floor(t / DAY) * DAY + close   # closing_time(t)
            left_today = closing - t
            if remaining <= left_today:
                return t + remaining
            remaining -= left_today
            t = self.next_open(closing)

    def add_working_days(self, t: float, days: float) -> float:
        """``t`` advanced by ``days`` working days (of ``day_len`` working minutes each)."""
        if days <= 0:
            return t
        if self.always_open:
            return t + days * DAY
        return self.add_working(t, days * self.day_len)

    def next_batch(self, t: float, interval_days: int) -> float:
        """Departure of the next batch (courier): the next opening on a day divisible by the interval."""
        day = int(t // DAY) + 1
        while day % interval_days:
            day += 1
        return self.next_open(day * DAY)

    def arrival_time(self, t: float, travel: float, u: float, spread: float) -> float:
        """When a villager who sets off no earlier than ``t`` arrives at an office.

        Villagers arrive on the first working day on which they can still set
        off in time, at ``open + u * spread * day_len`` (``u`` uniform in [0, 1)).
        With offices always open they arrive after the travel time.
        """
        if self.always_open:
            return t + travel
        offset = self.open + u * spread * self.day_len
        day = int(t // DAY)
        first, workdays = self.start_weekday, self.workdays
        while True:
            if (first + day) % 7 < workdays:   # is_workday(day)
                arrive = day * DAY + offset
                if arrive - travel >= t:
                    return arrive
            day += 1
