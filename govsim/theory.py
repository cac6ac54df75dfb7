"""Queueing formulas used to validate the model (Erlang C for M/M/c)."""

from __future__ import annotations

import math

__all__ = ["erlang_c", "mmc_mean_wait"]


def erlang_c(c: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue with offered load a = lambda/mu."""
    a = offered_load
    if a >= c:
        raise ValueError(f"offered load {a} must be below the number of servers {c}")
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def mmc_mean_wait(c: int, arrivals_per_min: float, mean_service_min: float) -> float:
    """Mean waiting time in queue (minutes) of an M/M/c queue."""
    a = arrivals_per_min * mean_service_min
    return erlang_c(c, a) * mean_service_min / (c - a)
