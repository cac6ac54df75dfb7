"""The clock and the villagers' behaviour: calendar, behaviour, satisfaction, run settings.

Part of :func:`govsim.config.validate.build_scenario`: each reader takes the
section's :class:`~govsim.config.reader.Reader` and returns its frozen spec, raising
:class:`~govsim.errors.ScenarioError` (one line naming the key) for a bad value.
"""

from __future__ import annotations

from govsim.config.reader import Reader
from govsim.config.scenario import (
    BehaviourSpec,
    CalendarSpec,
    RunSpec,
    SatisfactionSpec,
)
from govsim.errors import ScenarioError

__all__ = ["read_behaviour", "read_calendar", "read_run", "read_satisfaction"]


def read_calendar(r: Reader) -> CalendarSpec:
    """``calendar``: office opening and closing minutes and workdays per week."""
    open_min = r.number("open_min", 0.0, 1439.0)
    close_min = r.number("close_min", open_min, 1440.0, lo_open=True)
    spec = CalendarSpec(open_min=open_min, close_min=close_min,
                        workdays_per_week=r.integer("workdays_per_week", 1, 7))
    r.done()
    return spec


def read_behaviour(r: Reader) -> BehaviourSpec:
    """``behaviour``: reaction delays, knowledge of requirements, failed trips, fares."""
    spec = BehaviourSpec(
        reaction_days_max=r.number("reaction_days_max", 0.0, 365.0),
        arrival_spread=r.number("arrival_spread", 0.0, 1.0, lo_open=True),
        knows_requirements_base=r.probability("knows_requirements_base"),
        knows_requirements_literacy=r.probability("knows_requirements_literacy"),
        missing_doc_literacy_factor=r.number("missing_doc_literacy_factor", 0.0, 1.0),
        max_failed_trips=r.integer("max_failed_trips", 1, 10**9),
        fare_per_km=r.number("fare_per_km", 0.0, 1000.0),
        time_value_per_hour=r.number("time_value_per_hour", 0.0, 10_000.0),
    )
    r.done()
    return spec


def read_satisfaction(r: Reader) -> SatisfactionSpec:
    """``satisfaction``: the trips, wait, lateness and fallbacks a satisfied villager accepts."""
    spec = SatisfactionSpec(
        max_trips=r.integer("max_trips", 0, 1000),
        max_wait_min=r.number("max_wait_min", 0.0, 1e9),
        late_factor=r.number("late_factor", 0.0, 1e6, lo_open=True),
        fallback_dissatisfies=r.flag("fallback_dissatisfies"),
    )
    r.done()
    return spec


def read_run(r: Reader) -> RunSpec:
    """``run``: horizon, seed, start, sampling, run-out and warm-up (shorter than the horizon)."""
    spec = RunSpec(
        horizon_days=r.number("horizon_days", 0.0, 36_500.0, lo_open=True),
        seed=r.integer("seed", 0, 2**63 - 1),
        start_weekday=r.integer("start_weekday", 0, 6),
        start_month=r.integer("start_month", 1, 12),
        sample_interval_min=r.number("sample_interval_min", 0.0, 525_600.0, lo_open=True),
        runout_days=r.number("runout_days", 0.0, 36_500.0),
        warmup_days=r.number("warmup_days", 0.0, 36_500.0),
    )
    r.flag("allow_large", default=False)  # read by check_budget: force a run beyond the machine
    r.done()
    if spec.warmup_days >= spec.horizon_days:
        raise ScenarioError(r.key("warmup_days"), spec.warmup_days,
                            f"must be less than run.horizon_days ({spec.horizon_days:g})")
    return spec
