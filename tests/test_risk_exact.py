"""Exact event times of the risk paths (appeal after a wrong denial, resubmission of a lost
application) on a tiny hand-made case with fixed draws.

Calendar: Monday-Friday, open 08:30 (510 min) to 17:30 (1050 min); day 0 is a
Monday. The village is 30 minutes from the township. One item: a 20-minute
counter step at social security, needing the residence certificate held by
the village committee, which is on the data exchange (2 minutes per call).
"""

from __future__ import annotations

import dataclasses

import pytest

from govsim.config.scenario import Scenario
from tests.helpers import FixedDraws, dept, end_minute, item, run_requests, step, tiny_scenario

DEPTS = (dept("social_security"), dept("village_committee", level="village"))


def _scenario(proactive: dict[str, object] | None = None,
              security: dict[str, object] | None = None) -> Scenario:
    sc = tiny_scenario(
        departments=DEPTS,
        items=(item("x", [step("social_security", counter=20)], ("residence_cert",)),),
        governance={"shared_documents": ("residence_cert",), "front_office": "per_department"},
        horizon_days=60)
    return dataclasses.replace(sc, proactive=dataclasses.replace(sc.proactive, **(proactive or {})),
                               security=dataclasses.replace(sc.security, **(security or {})))


def _uni(purpose: str, i: int, k: int) -> float:
    return 0.99 if purpose == "exchange" else 0.0   # exchange calls succeed; arrivals at opening


def test_wrong_denial_appeal_exact_times():
    r = run_requests(_scenario({"automated_checks": True, "false_negative": 0.5, "appeal_delay_days": 5.0,
                                "appeal_review_days": 5.0}), [0.0], draws=FixedDraws(_uni))
    # Monday: arrives 510, intake 20 min + 2 min exchange call: decision (a wrong denial) at 532.
    # Appeal 5 days later (Saturday 08:52): the hall is closed, so Monday (day 7) at opening,
    # 7*1440 + 510 = 10590, served 20 min to 10610; review 5 working days: Monday day 14, 08:50.
    assert end_minute(r, 0) == pytest.approx(14 * 1440.0 + 530.0)
    assert r.appeal_days[0] * 1440.0 == pytest.approx(14 * 1440.0 + 530.0 - 532.0)
    assert r.wrong_denial[0] and r.auto_checked[0]
    assert (r.trips[0], r.counter_visits[0], r.outcome[0], r.exchange_calls[0]) == (2, 2, "completed", 1)


def test_no_wrong_denial_when_false_negative_is_zero():
    r = run_requests(_scenario({"automated_checks": True, "false_negative": 0.0}), [0.0],
                     draws=FixedDraws(_uni))
    assert end_minute(r, 0) == pytest.approx(532.0) and not r.wrong_denial[0] and r.auto_checked[0]
    assert r.trips[0] == 1


def test_lost_application_resubmitted_exact_times():
    r = run_requests(_scenario(security={"application_loss_prob": 0.5, "resubmit_delay_days": 10.0}),
                     [0.0], draws=FixedDraws(_uni))
    # decision due at 532; noticed lost 10 days later (Thursday day 10, 08:52, past opening),
    # so the villager comes Friday (day 11) at opening: 11*1440 + 510, served 20 min.
    assert end_minute(r, 0) == pytest.approx(11 * 1440.0 + 530.0)
    assert (r.resubmissions[0], r.trips[0], r.outcome[0]) == (1, 2, "completed")


@pytest.mark.parametrize("loss", [0.0])
def test_no_resubmission_without_losses(loss: float):
    r = run_requests(_scenario(security={"application_loss_prob": loss}), [0.0], draws=FixedDraws(_uni))
    assert r.resubmissions[0] == 0 and end_minute(r, 0) == pytest.approx(532.0)
