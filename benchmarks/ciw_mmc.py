"""The same M/M/c in Ciw (https://ciw.readthedocs.io), as a peer library to compare with.

Times are in minutes. Ciw draws from Python's global `random`, seeded by `ciw.seed`.
"""

from __future__ import annotations

import argparse

import ciw


def build(servers: int, arrivals_per_hour: float, mean_service_minutes: float) -> ciw.Simulation:
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrivals_per_hour / 60.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / mean_service_minutes)],
        number_of_servers=[servers],
    )
    return ciw.Simulation(network)


def simulate(
    servers: int, arrivals_per_hour: float, mean_service_minutes: float, customers: int, seed: int
) -> list[float]:
    """Run until `customers` have finished service; return each customer's wait (min)."""
    ciw.seed(seed)
    sim = build(servers, arrivals_per_hour, mean_service_minutes)
    sim.simulate_until_max_customers(customers, method="Finish")
    return [r.waiting_time for r in sim.get_all_records()]


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
    print(f"customers={len(waits)} mean_wait={sum(waits) / len(waits):.3f} min")


if __name__ == "__main__":
    main()
