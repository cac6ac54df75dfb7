"""govsim: discrete-event simulation of rural grassroots governance.

Public API::

    import govsim
    scenario = govsim.load_scenario(["governance=shared_data"])
    result = govsim.simulate(scenario, seed=1)
    result.kpis, result.requests, result.timeseries
"""

from __future__ import annotations

from importlib import metadata

from govsim.config.compose import load_scenario
from govsim.config.scenario import Scenario
from govsim.errors import ScenarioError
from govsim.experiment import run_experiment
from govsim.kpis import KPI_DESCRIPTIONS, compute_kpis
from govsim.run import RunResult, simulate

try:
    __version__ = metadata.version("govsim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "KPI_DESCRIPTIONS",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compute_kpis",
    "load_scenario",
    "run_experiment",
    "simulate",
]
