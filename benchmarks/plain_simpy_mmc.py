"""Hand-written SimPy M/M/c: the baseline govsim's `scenario=mmc` is compared with.

One process per customer, a `simpy.Resource` used with `with res.request() as req: yield req`,
and exponential draws from a `numpy.random.Generator`. Times are in minutes.
"""

from __future__ import annotations

import argparse
from collections.abc import Generator

import numpy as np
import simpy


def _customer(
    env: simpy.Environment, counter: simpy.Resource, service: float, waits: list[float]
) -> Generator[simpy.Event, None, None]:
    arrived = env.now
    with counter.request() as req:
        yield req
        waits.append(env.now - arrived)
        yield env.timeout(service)


def _source(
    env: simpy.Environment,
    counter: simpy.Resource,
    rng: np.random.Generator,
    customers: int,
    mean_interarrival: float,
    mean_service: float,
    waits: list[float],
) -> Generator[simpy.Event, None, None]:
    for _ in range(customers):
        yield env.timeout(rng.exponential(mean_interarrival))
        env.process(_customer(env, counter, rng.exponential(mean_service), waits))


def simulate(
    servers: int, arrivals_per_hour: float, mean_service_minutes: float, customers: int, seed: int
) -> list[float]:
    """Run until `customers` have arrived and been served; return each customer's wait (min)."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=servers)
    waits: list[float] = []
    env.process(
        _source(env, counter, rng, customers, 60.0 / arrivals_per_hour, mean_service_minutes, waits)
    )
    env.run()
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--arrivals-per-hour", type=float, default=14.4)
    parser.add_argument("--mean-service", type=float, default=10.0)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    waits = simulate(
        args.servers, args.arrivals_per_hour, args.mean_service, args.customers, args.seed
    )
    print(f"customers={len(waits)} mean_wait={np.mean(waits):.3f} min")


if __name__ == "__main__":
    main()
