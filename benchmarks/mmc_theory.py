"""Erlang C: the exact steady-state mean wait in queue of an M/M/c queue."""

from __future__ import annotations


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arriving customer waits (offered_load = lambda / mu, in Erlangs)."""
    if offered_load >= servers:
        raise ValueError(f"unstable queue: offered load {offered_load} >= servers {servers}")
    term = 1.0
    total = 1.0
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    last = term * offered_load / servers * servers / (servers - offered_load)
    return last / (total + last)


def mean_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean time in queue W_q, in the time unit of `mean_service` (rate per same unit)."""
    load = arrival_rate * mean_service
    service_rate = 1.0 / mean_service
    return erlang_c(servers, load) / (servers * service_rate - arrival_rate)


if __name__ == "__main__":
    # M/M/3 at rho=0.8, mean service 10 min: lambda = 0.24 / min.
    print(f"P(wait)={erlang_c(3, 2.4):.4f}  Wq={mean_wait(3, 0.24, 10.0):.3f} min")
