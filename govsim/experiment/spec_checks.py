"""The rules an experiment spec must satisfy before anything runs.

:func:`validate` is called by every :class:`~govsim.experiment.spec.ExperimentSpec`
as it is built (from YAML, a dict or ``with_options``); each failure is a
:class:`~govsim.errors.ScenarioError` whose one line names the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govsim.errors import ScenarioError
from govsim.experiment.discover_spec import DiscoverSpec
from govsim.experiment.morris_spec import MorrisSpec
from govsim.experiment.optimise_spec import OptimiseSpec
from govsim.experiment.sobol_spec import SobolSpec

if TYPE_CHECKING:
    from govsim.experiment.spec_model import ExperimentSpec

__all__ = ["FIGURE_KINDS", "KINDS", "MAX_REPLICATIONS", "MAX_RUNS", "check_int", "validate"]

KINDS = ("scenarios", "morris", "optimise", "discover", "sobol")
MAX_REPLICATIONS = 10_000
MAX_RUNS = 100_000   # scenarios x replications of one experiment
# figure kinds a spec may declare under ``figures:`` (drawn by govsim.report.figures)
FIGURE_KINDS = ("means", "distributions", "timeseries", "scatter", "ranking", "pareto", "levers",
                "prim", "sobol")
_FIGURE_NEEDS = {"scatter": ("x", "y"), "ranking": ("table", "value", "label")}


def validate(spec: ExperimentSpec) -> None:
    """Raise :class:`ScenarioError` for an experiment that cannot be run."""
    if spec.kind not in KINDS:
        raise ScenarioError("kind", spec.kind, f"must be one of {list(KINDS)}")
    if spec.kind in ("morris", "discover", "sobol"):
        block, typ = getattr(spec, spec.kind), {"morris": MorrisSpec, "discover": DiscoverSpec,
                                                "sobol": SobolSpec}[spec.kind]
        if not isinstance(block, typ):
            raise ScenarioError(spec.kind, block, f"a kind: {spec.kind} spec needs a "
                                f"{spec.kind}: mapping")
        if not spec.scenarios:  # scenarios are generated from the design
            check_int("replications", spec.replications, 1, MAX_REPLICATIONS)
            _check_figures(spec.figures)
            return
    if spec.kind == "optimise":
        if not isinstance(spec.optimise, OptimiseSpec):
            raise ScenarioError("optimise", spec.optimise, "a kind: optimise spec needs an "
                                "optimise: mapping")
        check_int("replications", spec.replications, 1, MAX_REPLICATIONS)
        _check_figures(spec.figures)
        if spec.crn is not True:  # candidates are compared, and stored, on shared seeds
            raise ScenarioError("crn", spec.crn, "kind: optimise always uses common random numbers")
        return
    names = [s.name for s in spec.scenarios]
    if not names:
        raise ScenarioError("scenarios", [], "must list at least one scenario")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError("scenarios", dupes[0], "scenario names must be unique")
    if spec.baseline not in names:
        raise ScenarioError("baseline", spec.baseline, f"must be one of the scenarios {names}")
    check_int("replications", spec.replications, 1, MAX_REPLICATIONS)
    if spec.max_replications is not None:
        check_int("max_replications", spec.max_replications, 1, MAX_REPLICATIONS)
    if spec.batch is not None:
        check_int("batch", spec.batch, 1, MAX_REPLICATIONS)
    if not isinstance(spec.crn, bool):
        raise ScenarioError("crn", spec.crn, "must be true or false")
    if len(spec.scenarios) * spec.replications > MAX_RUNS:
        raise ScenarioError("replications", spec.replications, f"scenarios x replications must be "
                            f"at most {MAX_RUNS:,} runs (is {len(spec.scenarios) * spec.replications:,})")
    _check_figures(spec.figures)
    _check_headline(spec.headline, names, spec.baseline, spec.kpis)
    if not isinstance(spec.base_seed, int) or spec.base_seed < 0:
        raise ScenarioError("base_seed", spec.base_seed, "must be an integer >= 0")
    t = spec.target_rel_halfwidth
    if t is not None and (not isinstance(t, int | float) or not 0 < t < 1):
        raise ScenarioError("target_rel_halfwidth", t, "must be a number in (0, 1)")
    if t is not None and spec.target_kpi is None and not spec.kpis:
        raise ScenarioError("target_kpi", None, "must name a KPI when target_rel_halfwidth is set")


def _check_headline(headline: str | None, names: list[str], baseline: str,
                    kpis: tuple[str, ...]) -> None:
    if headline is None:
        return
    scen, sep, kpi = str(headline).rpartition(":")
    if not sep or scen not in names or scen == baseline:
        raise ScenarioError("headline", headline,
                            f"must be 'scenario:kpi' with a scenario other than the baseline "
                            f"among {names}")
    if kpis and kpi not in kpis:
        raise ScenarioError("headline", headline, f"the KPI must be one of kpis {list(kpis)}")


def _check_figures(figures: tuple[Any, ...]) -> None:
    for i, fig in enumerate(figures):
        kind = fig.get("kind") if isinstance(fig, dict) else fig
        if kind not in FIGURE_KINDS:
            raise ScenarioError(f"figures[{i}]", fig, f"kind must be one of {list(FIGURE_KINDS)}")
        missing = [k for k in _FIGURE_NEEDS.get(str(kind), ()) if not isinstance(fig, dict)
                   or k not in fig]
        if missing:
            raise ScenarioError(f"figures[{i}]", fig, f"a {kind} figure needs {missing}")


def check_int(key: str, value: object, low: int, high: int | None = None) -> None:
    """Raise :class:`ScenarioError` unless ``value`` is an integer in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low \
            or (high is not None and value > high):
        allowed = f"in [{low}, {high:,}]" if high is not None else f">= {low}"
        raise ScenarioError(key, value, f"must be an integer {allowed}")
