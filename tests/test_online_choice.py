"""Channel choice logit and learning (pure functions, no SimPy)."""

from __future__ import annotations

import math

import pytest

from govsim.decisions.channel import (
    ASSISTED,
    OFFLINE,
    ONLINE,
    choice_probabilities,
    pick,
    update_propensity,
    utility,
)


def test_probabilities_sum_to_one_and_skip_unavailable() -> None:
    p = choice_probabilities([-1.0, 0.5, 2.0], [True, True, False])
    assert math.isclose(sum(p), 1.0, abs_tol=1e-12)
    assert p[ASSISTED] == 0.0
    assert math.isclose(p[ONLINE], 1.0 / (1.0 + math.exp(-1.5)), rel_tol=1e-12)
    p3 = choice_probabilities([0.0, 0.0, 0.0], [True, True, True])
    assert all(math.isclose(x, 1 / 3) for x in p3)
    assert math.isclose(sum(choice_probabilities([700.0, -700.0, 0.0], [True] * 3)), 1.0)


def test_no_channel_available_raises() -> None:
    with pytest.raises(ValueError):
        choice_probabilities([0.0, 0.0, 0.0], [False, False, False])


def test_pick_is_the_inverse_cdf() -> None:
    probs = [0.2, 0.0, 0.8]
    assert pick(probs, 0.0) == OFFLINE
    assert pick(probs, 0.1999) == OFFLINE
    assert pick(probs, 0.2) == ASSISTED
    assert pick(probs, 0.999999) == ASSISTED
    assert pick([0.0, 1.0, 0.0], 0.5) == ONLINE


def test_utility_is_linear() -> None:
    assert utility(1.0, 2.0, 10.0, 0.5, -0.6, -0.04, -2.0) == pytest.approx(1.0 - 1.2 - 0.4 - 1.0)


def test_experience_moves_propensity_and_choice() -> None:
    up = update_propensity(0.0, True, 0.3, 0.6, -3.0, 2.0)
    down = update_propensity(0.0, False, 0.3, 0.6, -3.0, 2.0)
    assert up == pytest.approx(0.3)
    assert down == pytest.approx(-0.6)
    assert update_propensity(1.9, True, 0.3, 0.6, -3.0, 2.0) == 2.0      # clipped
    assert update_propensity(-2.9, False, 0.3, 0.6, -3.0, 2.0) == -3.0
    base = [0.0, -0.5, 0.0]
    p0 = choice_probabilities(base, [True, True, False])[ONLINE]
    p_up = choice_probabilities([0.0, -0.5 + up, 0.0], [True, True, False])[ONLINE]
    p_down = choice_probabilities([0.0, -0.5 + down, 0.0], [True, True, False])[ONLINE]
    assert p_down < p0 < p_up
