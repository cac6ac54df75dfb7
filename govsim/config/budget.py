"""What a scenario will cost before it runs: requests, memory, events; refuse what cannot finish.

The estimate is an upper bound from the scenario alone (no draws): every resident
counts as eligible for every item. Per-request and per-resident costs were measured
on the default township (16,674 requests in a year in 1.5 s, 0.1 ms a request) and
on a 100-year run (3.4 GB for 1.7 million requests, 2 KB a request). A run is refused, with one
line naming the estimate and ``run.allow_large=true`` to force it, when it would
need more than 80 % of the memory available, make more than :data:`MAX_REQUESTS`
requests (tens of minutes of simulation), sample its time series more than
:data:`MAX_SAMPLES` times or break its platform down more than :data:`MAX_OUTAGES`
times.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from govsim.config.scenario import Scenario
from govsim.errors import ScenarioError

__all__ = ["Estimate", "available_memory", "check_budget", "estimate"]

BYTES_PER_REQUEST = 2_000
BYTES_PER_RESIDENT = 200
BYTES_PER_SAMPLE = 64 * 16     # one row of about 16 series
MAX_REQUESTS = 5_000_000       # about ten minutes at 0.1 ms a request
MAX_SAMPLES = 2_000_000
MAX_OUTAGES = 1_000_000
_FORCE = "set run.allow_large=true to run it anyway"


@dataclass(frozen=True)
class Estimate:
    """Upper bounds for one run of a scenario."""

    residents: int
    requests: float
    samples: float
    outages: float

    @property
    def memory_bytes(self) -> float:
        """Peak memory the run's own data may need."""
        return (self.requests * BYTES_PER_REQUEST + self.residents * BYTES_PER_RESIDENT
                + self.samples * BYTES_PER_SAMPLE)


def estimate(sc: Scenario) -> Estimate:
    """Upper bounds on the requests, time-series samples and outages of one run."""
    pop = sc.population
    if pop.villages:
        residents = sum(v.residents for v in pop.villages)
    else:
        residents = pop.townships * pop.residents_per_township
    persons = residents * pop.adult_share
    households = residents / pop.household_size
    years = sc.run.horizon_days / 365.0
    requests = 0.0
    for item in sc.items:
        if item.total_per_hour is not None:
            requests += item.total_per_hour * 24.0 * sc.run.horizon_days
        else:
            units = persons if item.unit == "person" else households
            requests += item.rate_per_year * units * item.eligible_share * years
    samples = sc.run.horizon_days * 1440.0 / sc.run.sample_interval_min
    cycle = sc.platform.mtbf_hours + sc.platform.mttr_hours
    outages = sc.run.horizon_days * 24.0 / cycle if sc.channels.online else 0.0
    return Estimate(residents, requests, samples, outages)


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable on Linux, else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * 1024**3


def check_budget(sc: Scenario, allow_large: bool = False) -> Estimate:
    """Raise :class:`ScenarioError` if the run would not fit or not finish (unless forced)."""
    est = estimate(sc)
    if allow_large:
        return est
    if est.requests > MAX_REQUESTS:
        raise ScenarioError("run.horizon_days", sc.run.horizon_days,
                            f"the run would make about {est.requests:.3g} requests (more than "
                            f"{MAX_REQUESTS:,}, tens of minutes); shorten it, lower the rates or "
                            f"residents, or {_FORCE}")
    if est.samples > MAX_SAMPLES:
        raise ScenarioError("run.sample_interval_min", sc.run.sample_interval_min,
                            f"must give at most {MAX_SAMPLES:,} samples over the horizon "
                            f"(it gives {est.samples:.3g}); raise it, or {_FORCE}")
    if est.outages > MAX_OUTAGES:
        raise ScenarioError("platform.mtbf_hours", sc.platform.mtbf_hours,
                            f"the platform would fail about {est.outages:.3g} times (more than "
                            f"{MAX_OUTAGES:,}); raise mtbf_hours and mttr_hours, or {_FORCE}")
    free = available_memory()
    if est.memory_bytes > 0.8 * free:
        raise ScenarioError("population.residents_per_township", sc.population.residents_per_township,
                            f"the run would need about {est.memory_bytes / 1e9:.3g} GB "
                            f"({est.residents:,} residents, {est.requests:.3g} requests) and "
                            f"{free / 1e9:.3g} GB is available; make it smaller, or {_FORCE}")
    return est
