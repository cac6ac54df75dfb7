"""Channel choice logit and learning (pure functions, no SimPy)."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from govsim.config.scenario import ChoiceSpec
from govsim.decisions.channel import (
    ASSISTED,
    OFFLINE,
    ONLINE,
    choice_probabilities,
    choose_channel,
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


def _reference_choice(available: tuple[bool, bool, bool], hours: tuple[float, float, float],
                      yuan: tuple[float, float, float], effort: float, intercepts: tuple[float, float],
                      c: ChoiceSpec, u: float) -> int | None:
    """choose_channel as the composition of the public helpers (its definition)."""
    if sum(available) <= 1:
        return available.index(True) if any(available) else None
    bt, bc, be = c.beta_time_per_hour, c.beta_cost_per_yuan, c.beta_effort
    utils = [utility(0.0, hours[0], yuan[0], 0.0, bt, bc, be),
             utility(intercepts[0], hours[1], yuan[1], effort, bt, bc, be),
             utility(intercepts[1], hours[2], yuan[2], 0.0, bt, bc, be)]
    return pick(choice_probabilities(utils, available), u)


def _spec(rng: random.Random) -> ChoiceSpec:
    return ChoiceSpec(beta_time_per_hour=-rng.uniform(0.0, 2.0), beta_cost_per_yuan=-rng.uniform(0.0, 0.2),
                      beta_effort=-rng.uniform(0.0, 5.0), online_intercept=(0.0,), assisted_intercept=(0.0,),
                      learn_success=0.1, learn_failure=0.2, propensity_min=-3.0, propensity_max=2.0,
                      wait_prior_min=10.0, wait_smoothing=0.1)


def test_choose_channel_is_the_helpers_composition() -> None:
    """The written-out logit picks what utility/choice_probabilities/pick pick, at every draw tried.

    Random utilities over every set of open channels, with the draws at the
    cumulative probabilities themselves and next to them (where a different
    rounding would flip the choice), and utilities far apart (weights that
    underflow to 0).
    """
    rng = random.Random(20)
    checked = 0
    for _ in range(400):
        c = _spec(rng)
        scale = rng.choice([1.0, 10.0, 500.0])
        hours = (rng.uniform(0, 8), rng.uniform(0, 8), rng.uniform(0, 8))
        yuan = (rng.uniform(0, 40), rng.uniform(0, 40), 0.0)
        effort = rng.uniform(0, 1)
        intercepts = (rng.uniform(-1, 1) * scale, rng.uniform(-1, 1) * scale)
        for avail in itertools.product([False, True], repeat=3):
            probs = [0.0]
            if sum(avail) > 1:
                bt, bc, be = c.beta_time_per_hour, c.beta_cost_per_yuan, c.beta_effort
                utils = [utility(0.0, hours[0], yuan[0], 0.0, bt, bc, be),
                         utility(intercepts[0], hours[1], yuan[1], effort, bt, bc, be),
                         utility(intercepts[1], hours[2], yuan[2], 0.0, bt, bc, be)]
                probs = list(itertools.accumulate(choice_probabilities(utils, avail)))
            draws = [rng.random(), 0.0, math.nextafter(1.0, 0.0)]
            near = [x for a in probs for x in (a, math.nextafter(a, 0.0), math.nextafter(a, 1.0))]
            draws += [x for x in near if 0 <= x < 1]
            for u in draws:
                got = choose_channel(avail, hours, yuan, effort, intercepts, c, u)
                assert got == _reference_choice(avail, hours, yuan, effort, intercepts, c, u)
                checked += 1
    assert checked > 20_000
