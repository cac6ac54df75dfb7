"""Exact event times on tiny hand-made cases (deterministic draws, default calendar).

Calendar: Monday-Friday, open 08:30 (510 min) to 17:30 (1050 min); day 0 is a
Monday. The village is 30 minutes from the township and 90 from the county.
"""

from __future__ import annotations

import pytest

from tests.helpers import FixedDraws, dept, end_minute, item, run_requests, step, tiny_scenario

ONE_DEPT = (dept("a"),)


def _arrive_at(minute_of_day: float):
    """Uniform draws that put every arrival at ``minute_of_day`` (spread 1, day 540 min)."""
    u = (minute_of_day - 510.0) / 540.0
    return lambda purpose, i, k: u if purpose == "arrival" else 0.99


def test_one_villager_one_window_exact_times():
    sc = tiny_scenario(departments=ONE_DEPT, items=(item("x", [step("a", counter=20)]),))
    r = run_requests(sc, [0.0], draws=FixedDraws(_arrive_at(510)))
    # sets off at 480, arrives 510 (opening), served 510-530: decision at 530
    assert (r.trips[0], r.travel_min[0], r.window_wait_min[0], r.counter_min[0]) == (1, 60.0, 0.0, 20.0)
    assert end_minute(r, 0) == pytest.approx(530.0)
    assert r.outcome[0] == "completed"


def test_closing_time_sends_the_second_villager_home_and_back_next_day():
    sc = tiny_scenario(departments=ONE_DEPT, items=(item("x", [step("a", counter=20)]),))
    r = run_requests(sc, [0.0, 0.0], draws=FixedDraws(_arrive_at(1040)))
    # villager 0 is served 1040-1060 (the clerk finishes after closing)
    assert end_minute(r, 0) == pytest.approx(1060.0) and r.trips[0] == 1
    # villager 1 queues 1040-1050, the hall closes, home at 1080; Tuesday arrives
    # 1440 + 1040 = 2480, served 2480-2500
    assert r.window_wait_min[1] == 10.0
    assert (r.trips[1], r.failed_trips[1]) == (2, 1)
    assert end_minute(r, 1) == pytest.approx(2500.0)
    assert r.travel_min[1] == 120.0


def test_missing_document_costs_a_return_trip():
    sc = tiny_scenario(departments=ONE_DEPT,
                       items=(item("x", [step("a", counter=20)], ("id_card",), missing=0.5),))

    def uni(purpose: str, i: int, k: int) -> float:
        if purpose == "missing":
            return 0.0 if k == 0 else 0.99     # the ID card is missing on the first visit only
        return 0.0                             # arrivals at opening time

    r = run_requests(sc, [0.0], draws=FixedDraws(uni))
    # Monday 510: turned away after reject_min (5); home 545; Tuesday 1440+510=1950,
    # served 1950-1970
    assert (r.trips[0], r.failed_trips[0]) == (2, 1)
    assert r.counter_min[0] == 25.0
    assert end_minute(r, 0) == pytest.approx(1970.0)


def test_gives_up_after_max_failed_trips():
    sc = tiny_scenario(departments=ONE_DEPT,
                       items=(item("x", [step("a", counter=20)], ("id_card",), missing=1.0),),
                       behaviour={"max_failed_trips": 2})
    r = run_requests(sc, [0.0], draws=FixedDraws())
    assert (r.trips[0], r.failed_trips[0], r.outcome[0]) == (2, 2, "abandoned")
    assert r.counter_min[0] == 10.0   # turned away twice (reject_min, 5 minutes each)


TWO_LEVELS = (dept("a"), dept("b", level="county"))
TWO_STEP = item("x", [step("a", counter=10, back=60), step("b", back=60)])


def test_paper_handoff_to_the_county_waits_for_the_weekly_courier():
    sc = tiny_scenario(departments=TWO_LEVELS, items=(TWO_STEP,), overrides=["governance=siloed"])
    r = run_requests(sc, [0.0], draws=FixedDraws())
    # intake 510-520; township back office 520-580 (Monday); courier leaves on day 7
    # (Monday) at 10080 + 510 = 10590; two working days of transfer end at day 8 closing
    # (11520 + 1050 = 12570); the county starts day 9 at 12960 + 510 and works 60 min.
    assert r.handoff_days[0] * 1440.0 == pytest.approx(12570.0 - 580.0)
    assert end_minute(r, 0) == pytest.approx(12960.0 + 510.0 + 60.0)
    assert r.backoffice_min[0] == 120.0


def test_electronic_handoff_takes_minutes():
    sc = tiny_scenario(departments=TWO_LEVELS, items=(TWO_STEP,), overrides=["governance=shared_data"])
    r = run_requests(sc, [0.0], draws=FixedDraws())
    # one window at the township pool: intake 510-520, back office 520-580, 10 min hand-off,
    # county back office 590-650
    assert r.handoff_days[0] * 1440.0 == pytest.approx(10.0)
    assert end_minute(r, 0) == pytest.approx(650.0)


def test_parallel_steps_run_together_with_electronic_handoffs():
    par = item("x", [step("a", counter=10), step("a", back=120), step("b", back=60, parallel=True)])
    sc = tiny_scenario(departments=TWO_LEVELS, items=(par,), overrides=["governance=shared_data"])
    r = run_requests(sc, [0.0], draws=FixedDraws())
    # after intake at 520, step 2 (120 min, same department: no hand-off) and step 3
    # (10 min hand-off + 60 min) run side by side: done at 520 + 120 = 640
    assert end_minute(r, 0) == pytest.approx(640.0)


@pytest.mark.parametrize("review, notice, end", [(1.0, 0.0, 1440.0 + 530.0), (0.0, 2.0, 530.0 + 2880.0)])
def test_review_in_working_days_and_notice_in_calendar_days(review, notice, end):
    it = item("x", [step("a", counter=20, review=review, notice=notice)])
    sc = tiny_scenario(departments=ONE_DEPT, items=(it,))
    r = run_requests(sc, [0.0], draws=FixedDraws())
    # review: one working day (540 working minutes) from 530 ends Tuesday 530 (1440 + 530)
    assert end_minute(r, 0) == pytest.approx(end)


def test_certificate_from_another_department_on_the_same_trip():
    docs_item = item("x", [step("a", counter=20)], ("household_register_cert",))
    depts = (dept("a"), dept("public_security"))
    sc = tiny_scenario(departments=depts, items=(docs_item,), overrides=["governance=siloed"])
    r = run_requests(sc, [0.0], draws=FixedDraws())
    # knows the rules: certificate at public security 510-518, then department a 518-538
    assert (r.trips[0], r.certificates_fetched[0], r.documents_required[0]) == (1, 1, 1)
    assert end_minute(r, 0) == pytest.approx(538.0)
