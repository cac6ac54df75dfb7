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

__all__ = [
    "ASSISTED",
    "CHANNELS",
    "OFFLINE",
    "ONLINE",
    "choice_probabilities",
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
