"""Experiment specifications: scenarios, replications, baseline, KPIs, sizes.

An experiment is declared in YAML under ``experiments/<name>.yaml`` (installed as
the package ``govsim.experiment_specs``)::

    question: Does sharing data between departments cut villagers' trips?
    base: [run.horizon_days=60]
    scenarios:
      - {name: siloed, overrides: [governance=siloed]}
      - {name: shared_data, overrides: [governance=shared_data]}
    baseline: siloed
    replications: 20
    base_seed: 20260601
    kpis: [trips_mean, turnaround_days_mean]
    sizes:
      smoke: {replications: 3, overrides: [run.horizon_days=10]}
    figures: [means, distributions, timeseries,           # optional; these three by default
              {kind: scatter, x: records_exposed, y: trips_mean},
              {kind: ranking, table: morris.csv, value: mu_star, label: parameter}]
    findings: [trips_mean, "shared_data:completion_rate"]  # optional report hints
    headline: "shared_data:trips_mean"     # optional; else the largest standardised effect

A spec with ``kind: morris`` lists no scenarios; it declares a ``morris:`` block of
uncertain inputs (override keys with ranges) and output KPIs, and
:mod:`govsim.experiment.sensitivity` turns the Morris design into scenarios::

    kind: morris
    replications: 1
    morris:
      trajectories: 10          # r; design points = r * (inputs + 1)
      num_levels: 4
      seed: 7                   # seed of the design (runs use base_seed, the same for all points)
      outputs: [turnaround_days_mean]
      inputs:
        - {name: staff, keys: [departments.social_security.windows], bounds: [2, 4], integer: true}
    sizes:
      smoke: {trajectories: 2, overrides: [run.horizon_days=20]}

``figures`` and ``findings`` are read by :mod:`govsim.report` (``report.html``).

This module finds and loads specs; the spec itself is in ``spec_model``, its rules in
``spec_checks``, named sizes in ``spec_sizes`` and the YAML parser in ``spec_parse``
(all re-exported here).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from govsim.errors import ScenarioError
from govsim.experiment.spec_checks import FIGURE_KINDS, KINDS, MAX_REPLICATIONS, MAX_RUNS, validate
from govsim.experiment.spec_model import ExperimentSpec, ScenarioSpec
from govsim.experiment.spec_parse import spec_from_dict
from govsim.experiment.spec_sizes import SizeSpec

__all__ = ["FIGURE_KINDS", "KINDS", "MAX_REPLICATIONS", "MAX_RUNS", "ExperimentSpec", "ScenarioSpec",
           "SizeSpec", "list_experiments", "load_spec", "spec_from_dict", "validate"]


def list_experiments() -> list[str]:
    """Names of the shipped experiments."""
    root = resources.files("govsim.experiment_specs")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def load_spec(spec: ExperimentSpec | dict[str, Any] | str | Path) -> ExperimentSpec:
    """A spec given as itself, a dict, a YAML path or the name of a shipped experiment."""
    if isinstance(spec, ExperimentSpec):
        return spec
    if isinstance(spec, dict):
        return spec_from_dict(spec)
    if not isinstance(spec, str | Path) or not str(spec).strip():
        raise ScenarioError("experiment", spec, "must be a shipped experiment's name, a .yaml "
                            "path, a mapping or an ExperimentSpec")
    path = Path(spec)
    if path.suffix in {".yaml", ".yml"} or path.parent != Path(".") or path.is_file():
        from govsim.config.safety import load_yaml_file

        if not path.is_file():
            raise ScenarioError("experiment", str(spec), f"file not found ({path.resolve()})")
        data, name = load_yaml_file(path, "experiment", max_bytes=1_000_000), path.stem
    else:
        name = str(spec)
        res = resources.files("govsim.experiment_specs") / f"{name}.yaml"
        if not res.is_file():
            raise ScenarioError("experiment", name, f"must be one of {list_experiments()} "
                                "or the path of a .yaml spec file")
        data = yaml.safe_load(res.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ScenarioError("experiment", name, "file must hold a YAML mapping")
    return spec_from_dict(data, name=name)
