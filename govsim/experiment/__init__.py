"""The experiment engine: scenarios x replications on an executor, stored and compared.

Main entry point: :func:`run_experiment`. Experiments are declared in YAML under
``experiments/`` (package ``govsim.experiment_specs``); see :mod:`govsim.experiment.spec`.
"""

from govsim.experiment.compare import comparison_table, format_comparison, sentence
from govsim.experiment.runner import ExperimentResult, merge_overrides, run_experiment
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

__all__ = [
    "ExperimentResult",
    "ExperimentSpec",
    "InconclusiveWarning",
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
