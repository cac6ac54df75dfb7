"""``run_experiment``: load a spec, size it, and run it with the design its kind names.

The layers, bottom up: the scenario engine (:mod:`govsim.experiment.runner`) runs
declared scenarios; designs that generate scenarios sit on top of it (``kind: morris``,
:mod:`govsim.experiment.sensitivity`); this module picks one by the spec's kind. The
report (:mod:`govsim.report`) reads what they stored and is imported by none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govsim.experiment.executors import check_executor
from govsim.experiment.runner import ExperimentResult, LoadFn, SimulateFn, run_scenarios
from govsim.experiment.spec import ExperimentSpec, load_spec

__all__ = ["run_experiment"]


def run_experiment(
    spec_or_name: ExperimentSpec | dict[str, Any] | str | Path,
    executor: str = "serial",
    out_dir: str | Path | None = None,
    size: str = "full",
    base_overrides: Sequence[str] = (),
    progress: bool = True,
    *,
    workers: int | None = None,
    address: str | None = None,
    options: dict[str, Any] | None = None,
    simulate: SimulateFn | None = None,
    load: LoadFn | None = None,
    oversubscribe: bool = False,
) -> ExperimentResult:
    """Run every (scenario, replication) not yet stored, then summarise and compare.

    Replication r of every scenario uses the same seed (common random numbers).
    ``options`` replaces spec fields (e.g. ``{"replications": 5}``). ``simulate`` and
    ``load`` default to :func:`govsim.simulate` and :func:`govsim.load_scenario`.
    A ``kind: morris`` spec runs its design points and returns a
    :class:`~govsim.experiment.sensitivity.MorrisResult` (with ``sensitivity``), a
    ``kind: discover`` one a :class:`~govsim.experiment.discover.DiscoverResult` and a
    ``kind: sobol`` one a :class:`~govsim.experiment.sobol_run.SobolResult`.
    Raises :class:`ScenarioError` for a bad spec, executor or scenario, before any run;
    a run that raises is listed in the result's ``failed`` and the others go on.
    """
    spec = load_spec(spec_or_name).sized(size).with_options(**(options or {}))
    check_executor(executor, workers, address, oversubscribe=oversubscribe)
    kwargs: dict[str, Any] = {
        "executor": executor, "out_dir": out_dir, "base_overrides": base_overrides,
        "progress": progress, "workers": workers, "address": address, "simulate": simulate,
        "load": load, "oversubscribe": oversubscribe}
    if spec.kind == "morris":
        from govsim.experiment.sensitivity import run_morris

        return run_morris(spec, size, **kwargs)
    if spec.kind == "discover":
        from govsim.experiment.discover import run_discover

        return run_discover(spec, size, **kwargs)
    if spec.kind == "sobol":
        from govsim.experiment.sobol_run import run_sobol

        return run_sobol(spec, size, **kwargs)
    if spec.kind == "optimise":
        from govsim.experiment.optimisation import run_optimise

        return run_optimise(spec, size, **kwargs)
    return run_scenarios(spec, size=size, **kwargs)
