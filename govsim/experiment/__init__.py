"""The experiment engine: scenarios x replications on an executor, stored and compared.

Main entry point: :func:`run_experiment`. Experiments are declared in YAML under
``experiments/`` (package ``govsim.experiment_specs``); see :mod:`govsim.experiment.spec`.
Public names are imported on first use (PEP 562): a worker that imports only
:mod:`govsim.experiment.tasks` does not load SciPy or Hydra.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govsim.experiment.compare import comparison_table, format_comparison, sentence
    from govsim.experiment.designs import run_experiment
    from govsim.experiment.optimisation import OptimiseResult
    from govsim.experiment.runner import ExperimentResult, merge_overrides
    from govsim.experiment.seeds import replication_seed
    from govsim.experiment.spec import ExperimentSpec, ScenarioSpec, list_experiments, load_spec
    from govsim.experiment.stats import (
        InconclusiveWarning,
        describe,
        holm,
        paired_differences,
        replications_for_precision,
        t_interval,
    )

_LAZY = {
    "ExperimentResult": "runner",
    "ExperimentSpec": "spec",
    "InconclusiveWarning": "stats",
    "OptimiseResult": "optimisation",
    "ScenarioSpec": "spec",
    "comparison_table": "compare",
    "describe": "stats",
    "format_comparison": "compare",
    "holm": "stats",
    "list_experiments": "spec",
    "load_spec": "spec",
    "merge_overrides": "runner",
    "paired_differences": "stats",
    "replication_seed": "seeds",
    "replications_for_precision": "stats",
    "run_experiment": "designs",
    "sentence": "compare",
    "t_interval": "stats",
}

__all__ = [
    "ExperimentResult",
    "ExperimentSpec",
    "InconclusiveWarning",
    "OptimiseResult",
    "ScenarioSpec",
    "comparison_table",
    "describe",
    "format_comparison",
    "holm",
    "list_experiments",
    "load_spec",
    "merge_overrides",
    "paired_differences",
    "replication_seed",
    "replications_for_precision",
    "run_experiment",
    "sentence",
    "t_interval",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first access."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'govsim.experiment' has no attribute {name!r}")
    value = getattr(import_module(f"govsim.experiment.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
