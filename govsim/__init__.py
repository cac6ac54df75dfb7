"""govsim: discrete-event simulation of rural grassroots governance.

Public API::

    import govsim
    scenario = govsim.load_scenario(["governance=shared_data"])
    result = govsim.simulate(scenario, seed=1)
    result.kpis, result.requests, result.timeseries

The public names are imported on first use (PEP 562), so that ``import govsim.run``
in an experiment worker does not pay for Hydra, SciPy and the experiment engine.
"""

from __future__ import annotations

from importlib import import_module, metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_LAZY = {
    "KPI_DESCRIPTIONS": "govsim.kpis",
    "RunResult": "govsim.run",
    "Scenario": "govsim.config.scenario",
    "ScenarioError": "govsim.errors",
    "compute_kpis": "govsim.kpis",
    "load_scenario": "govsim.config.compose",
    "run_experiment": "govsim.experiment",
    "simulate": "govsim.run",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'govsim' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
