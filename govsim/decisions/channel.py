"""Channel choice: a multinomial logit, and learning from experience (pure, no SimPy).

The utility of channel ``c`` (offline, online, assisted) for a villager is

    U_c = intercept_c(age band) [+ propensity, online only]
          + beta_time * expected hours_c + beta_cost * expected yuan_c
          + beta_effort * effort_c

where ``effort`` is the form effort of doing it oneself online
(``platform.complexity * (1 - literacy)``, 0 for the other channels). The
villager picks channel ``c`` with probability ``exp(U_c) / sum exp(U_k)`` over
the channels offered to them. After each online attempt the villager's online
propensity moves: up by ``learn_success`` on success, down by
``learn_failure`` on failure, clipped to ``[propensity_min, propensity_max]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from govsim.config.scenario import ChoiceSpec

__all__ = [
    "ASSISTED",
    "CHANNELS",
    "OFFLINE",
    "ONLINE",
    "choice_probabilities",
    "choose_channel",
    "fallback_channel",
    "pick",
    "update_propensity",
    "utility",
]

CHANNELS = ("offline", "online", "assisted")
OFFLINE, ONLINE, ASSISTED = 0, 1, 2


def utility(intercept: float, hours: float, yuan: float, effort: float,
            beta_time: float, beta_cost: float, beta_effort: float) -> float:
    """The systematic utility of one channel."""
    return intercept + beta_time * hours + beta_cost * yuan + beta_effort * effort


def choice_probabilities(utilities: Sequence[float], available: Sequence[bool]) -> list[float]:
    """Logit probabilities over the available channels (0 for the others); they sum to 1.

    Raises ``ValueError`` if no channel is available.
    """
    avail = [u for u, a in zip(utilities, available, strict=True) if a]
    if not avail:
        raise ValueError("no channel is available")
    top = max(avail)
    weights = [math.exp(u - top) if a else 0.0 for u, a in zip(utilities, available, strict=True)]
    total = sum(weights)
    return [x / total for x in weights]


def pick(probabilities: Sequence[float], u: float) -> int:
    """The channel chosen by a uniform draw ``u`` in [0, 1) (inverse CDF)."""
    acc = 0.0
    last = 0
    for k, p in enumerate(probabilities):
        if p <= 0.0:
            continue
        last = k
        acc += p
        if u < acc:
            return k
    return last


def update_propensity(propensity: float, success: bool, gain: float, loss: float,
                      lo: float, hi: float) -> float:
    """The online propensity after one attempt: up by ``gain`` on success, down by ``loss``."""
    value = propensity + gain if success else propensity - loss
    return min(max(value, lo), hi)


def choose_channel(available: tuple[bool, bool, bool], hours: tuple[float, float, float],
                   yuan: tuple[float, float, float], effort: float, intercepts: tuple[float, float],
                   c: ChoiceSpec, u: float) -> int | None:
    """The first channel of a villager (None if none is open to them).

    ``available`` and the expected ``hours`` and ``yuan`` are per channel
    (offline, online, assisted); ``intercepts`` are the villager's online
    (age band plus learnt propensity) and assisted intercepts; ``u`` a
    uniform draw, used only when there is a choice.

    This is ``pick(choice_probabilities(utilities, available), u)`` with the
    three utilities of :func:`utility`, written out on three floats: the same
    operations in the same order, hence the same floats and the same choice
    (tests/test_online_choice.py compares the two) in 1.0 us a call instead of
    2.1 us (the helper calls and their lists).
    """
    a0, a1, a2 = available
    if sum(available) <= 1:
        return available.index(True) if any(available) else None
    bt, bc, be = c.beta_time_per_hour, c.beta_cost_per_yuan, c.beta_effort
    u0 = 0.0 + bt * hours[0] + bc * yuan[0] + be * 0.0
    u1 = intercepts[0] + bt * hours[1] + bc * yuan[1] + be * effort
    u2 = intercepts[1] + bt * hours[2] + bc * yuan[2] + be * 0.0
    top = max([x for x, a in ((u0, a0), (u1, a1), (u2, a2)) if a])
    w0 = math.exp(u0 - top) if a0 else 0.0
    w1 = math.exp(u1 - top) if a1 else 0.0
    w2 = math.exp(u2 - top) if a2 else 0.0
    total = sum((w0, w1, w2))   # sum(), as choice_probabilities: its rounding, whatever the Python version
    return _pick3(w0 / total, w1 / total, w2 / total, u)


def _pick3(p0: float, p1: float, p2: float, u: float) -> int:
    """:func:`pick` on three probabilities."""
    acc = 0.0
    last = 0
    if p0 > 0.0:
        acc += p0
        if u < acc:
            return 0
    if p1 > 0.0:
        last = 1
        acc += p1
        if u < acc:
            return 1
    if p2 > 0.0:
        last = 2
        acc += p2
        if u < acc:
            return 2
    return last


def fallback_channel(fallback: Sequence[str], start: int, online: bool, proxy: bool,
                     counter: bool) -> tuple[int | None, int]:
    """The next channel after a failed online session, and where the next search starts.

    The ``fallback`` entries from ``start`` on are tried in order, each once:
    ``retry`` (online again), ``proxy``, ``counter``, ``give_up``; an entry
    that is not offered is skipped. None: the villager gives up.
    """
    for k in range(start, len(fallback)):
        f = fallback[k]
        if f == "retry" and online:
            return ONLINE, k + 1
        if f == "proxy" and proxy:
            return ASSISTED, k + 1
        if f == "counter" and counter:
            return OFFLINE, k + 1
        if f == "give_up":
            return None, k + 1
    return None, len(fallback)
