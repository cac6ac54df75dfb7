"""Exact event times of the mechanisms: online review work, the proxy's in-person step, closing time.

Calendar: Monday-Friday, open 08:30 (510 min) to 17:30 (1050 min); day 0 is a
Monday. The village is 30 minutes from the township. Exponential draws are 1
(means exactly); uniform draws as each test says.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import govsim
from govsim.config.scenario import DocumentSpec, ItemSpec
from govsim.model.demand import Needs
from govsim.model.plan import plan_run
from tests.helpers import FixedDraws, dept, end_minute, item, run_requests, step, tiny_scenario

ONE_DEPT = (dept("a"),)


def _online_item(online_review: float | None = None, in_person: bool = False) -> ItemSpec:
    return dataclasses.replace(item("x", [step("a", counter=20, back=60, online_review=online_review)],
                                    ("id_card",)), online=True, in_person_step=in_person)


def _success(purpose: str, i: int, k: int) -> float:
    """Arrivals and online sessions at the start of their window; attempts and documents succeed."""
    return 0.0 if purpose in ("arrival", "online_time") else 0.99


ONLINE_ONLY = ["channels=online_first", "channels.counters_open=false"]


@pytest.mark.parametrize(("review", "back_min", "end"), [(None, 80.0, 590.0), (0.0, 60.0, 570.0)])
def test_online_submission_adds_review_work_in_the_back_office(review, back_min, end):
    sc = tiny_scenario(departments=ONE_DEPT, items=(_online_item(review),), overrides=ONLINE_ONLY)
    r = run_requests(sc, [0.0], draws=FixedDraws(_success))
    # online 07:00 (420), one 20-minute attempt: submitted 440; the back office opens at
    # 510 and works 60 minutes plus the intake check the counter would have done (20,
    # online_review_min unless given): 510-590. With online_review_min=0 the check vanishes.
    assert r["channel_final"][0] == "online" and r["submitted_online"][0]
    assert r["t_submit_day"][0] * 1440.0 == pytest.approx(440.0)
    assert (r.trips[0], r.counter_visits[0]) == (0, 0)
    assert r.backoffice_min[0] == pytest.approx(back_min)
    assert end_minute(r, 0) == pytest.approx(end)


@pytest.mark.parametrize(("staff", "ends"), [("cut", [590.0, 670.0]), ("redeployed", [590.0, 590.0])])
def test_closed_counters_clerks_redeployed_to_the_back_office_add_capacity(staff, ends):
    sc = tiny_scenario(departments=(dept("a", windows=2),), items=(_online_item(),),
                       overrides=[*ONLINE_ONLY, f"channels.closed_counter_staff={staff}"])
    r = run_requests(sc, [0.0, 0.0], draws=FixedDraws(_success))
    # two submissions at 440; the closed counters keep one window. Posts cut: one
    # back-office clerk works 510-590 and 590-670; redeployed: two clerks, both 510-590.
    assert [end_minute(r, 0), end_minute(r, 1)] == pytest.approx(ends)


def test_incomplete_online_submission_is_sent_back_online():
    sc = tiny_scenario(departments=ONE_DEPT,
                       items=(dataclasses.replace(_online_item(), missing_doc_prob=0.5),),
                       overrides=ONLINE_ONLY)

    def uni(purpose: str, i: int, k: int) -> float:
        return 0.0 if purpose == "missing_online" else _success(purpose, i, k)

    r = run_requests(sc, [0.0], draws=FixedDraws(uni))
    # submitted 440; the back office turns it away at 510-515 (reject_min 5); resubmitted
    # online 4 hours later (retry_delay_hours) at 755 with one more attempt's 20 minutes;
    # then the 80-minute review and work: 755-835. No trip.
    assert r["sent_back"][0] == 1 and r.trips[0] == 0
    assert r.online_min[0] == pytest.approx(40.0)
    assert r.backoffice_min[0] == pytest.approx(85.0)
    assert end_minute(r, 0) == pytest.approx(835.0)


PROXY_ONLY = ["channels=inclusive", "channels.counters_open=false", "channels.proxy_mode=paper"]


def _no_phone(sc):
    """Nobody has a smartphone: the proxy is the only channel open."""
    bands = (dataclasses.replace(sc.population.bands[0], smartphone=0.0),)
    return dataclasses.replace(sc, population=dataclasses.replace(sc.population, bands=bands))


@pytest.mark.parametrize(("remote", "trips", "end"), [(False, 1, 12115.0), (True, 0, 10700.0)])
def test_proxy_case_with_an_in_person_step_needs_the_villager_at_the_counter(remote, trips, end):
    sc = tiny_scenario(departments=ONE_DEPT, items=(_online_item(in_person=True),),
                       overrides=PROXY_ONLY, governance={"remote_identity": remote})
    r = run_requests(_no_phone(sc), [0.0], draws=FixedDraws(_success))
    # The proxy works 60 minutes at 510-570 and carries the case with the weekly batch
    # (day 7, 10590), riding 30 minutes to the township (10620). The identity step needs
    # the villager: setting off by 10560 is too
    # late, so Tuesday 11520 + 510 = 12030, served 12030-12035 (identity_min 5); the back
    # office works 60 + 20 (review of the proxy's submission) = 12035-12115. With remote
    # identity verification no trip: the work is 10620-10700.
    assert bool(r.proxy_used[0]) and r["channel_final"][0] == "assisted"
    assert (r.trips[0], r.counter_visits[0]) == (trips, trips)
    assert end_minute(r, 0) == pytest.approx(end)


def test_no_channel_is_recorded_as_none_with_a_reason():
    sc = tiny_scenario(departments=ONE_DEPT, items=(_online_item(),), overrides=ONLINE_ONLY)
    r = run_requests(_no_phone(sc), [0.0], draws=FixedDraws(_success))
    assert (r["channel_first"][0], r["channel_final"][0]) == ("none", "none")
    assert r["failure_reason"][0] == "no_access" and bool(r["no_channel"][0])
    assert r.outcome[0] == "abandoned" and r.trips[0] == 0


def test_a_task_reached_after_closing_is_not_served_out_of_hours():
    cert = DocumentSpec("permit", "b")   # a certificate from another township department
    x = item("x", [step("a", counter=20)], ("permit",))
    sc = tiny_scenario(departments=(dept("a"), dept("b")), items=(x,))
    sc = dataclasses.replace(sc, documents=(*sc.documents, cert))
    u = (1045.0 - 510.0) / 540.0   # arrive at 17:25, five minutes before closing
    r = run_requests(sc, [0.0], draws=FixedDraws(lambda p, i, k: u if p == "arrival" else 0.99))
    # Monday: the certificate is issued 1045-1053 (certificate_min 8); the intake window
    # is reached at 1053, after closing, and does not serve. Tuesday arrival 1440 + 1045 =
    # 2485, intake 2485-2505.
    assert (r.trips[0], r.failed_trips[0], r.counter_visits[0]) == (2, 1, 2)
    assert end_minute(r, 0) == pytest.approx(2505.0)


def test_one_window_pools_only_departments_with_counter_work_and_cross_training_slows_clerks():
    x = item("x", [step("a", counter=20)])
    depts = (dept("a"), dept("b", windows=2), dept("c"))   # b has no counter work; c issues a permit
    sc = tiny_scenario(departments=depts, items=(x,), overrides=["governance=one_window"])
    sc = dataclasses.replace(sc, documents=(*sc.documents, DocumentSpec("permit", "c")),
                             items=(dataclasses.replace(x, documents=("permit",)),))
    r = run_requests(sc, [0.0], draws=FixedDraws(_success))
    pool = plan_run(sc, 1).offices.counters
    assert [(c.name, c.capacity) for c in pool] == [("general@township", 2)]   # a and c, not b
    # a's intake and c's certificate at a pooled window: a general clerk is one of the
    # department's own with chance 1/2, the other takes 1.2 times as long (default factor)
    assert r.counter_min[0] == pytest.approx(20.0 * 1.1 + 8.0 * 1.1)
    one = tiny_scenario(departments=depts, items=(x,),
                        overrides=["governance=one_window", "governance.cross_training_factor=1.0"])
    assert run_requests(one, [0.0], draws=FixedDraws(_success)).counter_min[0] == pytest.approx(20.0)


@pytest.mark.parametrize(("governance", "county_visits"),
                         [("siloed", 1), ("one_window", 0), ("shared_data", 0)])
def test_the_county_step_is_a_county_counter_visit_only_in_the_siloed_township(governance, county_visits):
    plan = plan_run(govsim.load_scenario([f"governance={governance}"]), 1)
    k = [it.key for it in plan.scenario.items].index("dibao")
    for row in plan.items[k]:
        visits = [s.visit for g in row.groups for s in g if s.visit is not None]
        assert sum(t.place[0] == "county" for t in visits) == county_visits
        # siloed the intake is at the village committee; pooled, the township's windows take
        # in every step's counter work, the county's included
        assert row.intake.place[0] == ("village" if governance == "siloed" else "township")


def test_certificates_a_proxy_fetches_are_served_at_the_issuing_counter():
    x = dataclasses.replace(item("x", [step("a", counter=20, back=60)], ("permit",)),
                            online=True, in_person_step=False)
    sc = tiny_scenario(departments=(dept("a"), dept("b")), items=(x,), overrides=PROXY_ONLY)
    sc = _no_phone(dataclasses.replace(sc, documents=(*sc.documents, DocumentSpec("permit", "b"))))
    needs = Needs(np.zeros(1), np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int16))
    res = govsim.simulate(sc, seed=1, needs=needs, draws=FixedDraws(_success))
    r = res.requests
    # proxy 510-570, batch on day 7 at 10590, riding to the township (10620); on the same
    # trip the proxy is served at b's counter 10620-10628 (certificate_min 8); the back
    # office works 60 + 20 (review): 10628-10708. The villager makes no trip.
    assert (r.trips[0], r.certificates_fetched[0]) == (0, 1)
    assert end_minute(r, 0) == pytest.approx(10708.0)
    u = res.utilisation.set_index(["kind", "office"])
    counters = u.loc["counter"]
    assert int(counters["served"].sum()) == 1 and float(counters["busy_min"].sum()) == pytest.approx(8.0)


def test_a_proxy_carrying_paper_rides_to_the_office_and_the_ride_takes_the_agent():
    """The paper batch reaches the office after the village's travel time; the agent rides both ways."""
    x = dataclasses.replace(item("x", [step("a", counter=20, back=60)]), online=True, in_person_step=False)
    sc = tiny_scenario(departments=(dept("a", staff=2),), items=(x,), overrides=PROXY_ONLY)
    r = run_requests(_no_phone(sc), [0.0, 0.0], draws=FixedDraws(_success))
    # One agent: the proxy works case 0 at 510-570 and case 1 at 570-630; both go with the
    # weekly batch (day 7, 10590). Case 0's ride takes the agent 10590-10650 (30 minutes
    # each way): it reaches the office at 10620, back office 60 + 20 (review) = 10620-10700.
    # Case 1's ride waits for the agent: 10650-10680, back office 10680-10760. The
    # villagers make no trip.
    assert list(r.channel_final) == ["assisted", "assisted"] and list(r.trips) == [0, 0]
    assert [end_minute(r, 0), end_minute(r, 1)] == pytest.approx([10700.0, 10760.0])
