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
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from govsim.errors import ScenarioError

__all__ = ["ExperimentSpec", "ScenarioSpec", "SizeSpec", "list_experiments", "load_spec"]

_TOP_KEYS = {
    "name", "question", "base", "scenarios", "baseline", "replications", "base_seed", "kpis",
    "sizes", "crn", "target_kpi", "target_rel_halfwidth", "max_replications", "batch",
    "figures", "description", "levers", "uncertainties", "findings", "kind", "morris",
    "headline",
}
KINDS = ("scenarios", "morris")
_MORRIS_KEYS = {"trajectories", "num_levels", "seed", "outputs", "inputs"}
_INPUT_KEYS = {"name", "key", "keys", "bounds", "integer", "note"}
# figure kinds a spec may declare under ``figures:`` (drawn by govsim.report.figures)
FIGURE_KINDS = ("means", "distributions", "timeseries", "scatter", "ranking")
_FIGURE_NEEDS = {"scatter": ("x", "y"), "ranking": ("table", "value", "label")}


@dataclass(frozen=True)
class ScenarioSpec:
    """One scenario of an experiment: a name and override strings on the base config."""

    name: str
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class SizeSpec:
    """A named size (e.g. ``smoke``): fewer replications and extra overrides."""

    replications: int | None = None
    overrides: tuple[str, ...] = ()
    trajectories: int | None = None  # Morris trajectories (kind: morris only)


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment: what to run and how to compare it."""

    name: str
    question: str
    scenarios: tuple[ScenarioSpec, ...]
    baseline: str
    replications: int = 10
    base_seed: int = 12345
    kpis: tuple[str, ...] = ()
    base: tuple[str, ...] = ()
    sizes: dict[str, SizeSpec] = field(default_factory=dict)
    crn: bool = True
    target_kpi: str | None = None
    target_rel_halfwidth: float | None = None
    max_replications: int | None = None
    batch: int | None = None
    description: str = ""
    figures: tuple[Any, ...] = ()  # kind names or {kind: ..., options}; () = report default
    findings: Any = None  # hints for the report: KPI names / "scenario:kpi", or {kpis, max}
    kind: str = "scenarios"  # or "morris": scenarios come from the morris design
    morris: dict[str, Any] | None = None
    headline: str | None = None  # "scenario:kpi", the report's and index's headline finding

    def __post_init__(self) -> None:
        validate(self)

    @property
    def scenario_names(self) -> tuple[str, ...]:
        """Scenario names in declaration order."""
        return tuple(s.name for s in self.scenarios)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-able dict (for manifests)."""
        return dataclasses.asdict(self)

    def sized(self, size: str) -> ExperimentSpec:
        """This spec at a named size; ``full`` is the spec as written unless declared."""
        if size not in self.sizes:
            if size == "full":
                return self
            allowed = sorted({"full", *self.sizes})
            raise ScenarioError("experiment.size", size, f"must be one of {allowed}")
        s = self.sizes[size]
        reps = s.replications or self.replications
        morris = self.morris
        if s.trajectories is not None and morris is not None:
            morris = {**morris, "trajectories": s.trajectories}
        return dataclasses.replace(self, replications=reps, base=self.base + s.overrides,
                                   morris=morris)

    def with_options(self, **options: Any) -> ExperimentSpec:
        """A copy with top-level fields replaced (e.g. ``replications=5``); validated."""
        unknown = sorted(set(options) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            allowed = sorted(f.name for f in dataclasses.fields(self))
            raise ScenarioError(f"experiment.{unknown[0]}", options[unknown[0]],
                                f"unknown option; allowed: {allowed}")
        return dataclasses.replace(self, **options)


def validate(spec: ExperimentSpec) -> None:
    """Raise :class:`ScenarioError` for an experiment that cannot be run."""
    if spec.kind not in KINDS:
        raise ScenarioError("kind", spec.kind, f"must be one of {list(KINDS)}")
    if spec.kind == "morris":
        _check_morris(spec.morris)
        if not spec.scenarios:  # scenarios are generated from the design
            _check_int("replications", spec.replications, 1)
            _check_figures(spec.figures)
            return
    names = [s.name for s in spec.scenarios]
    if not names:
        raise ScenarioError("scenarios", [], "must list at least one scenario")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError("scenarios", dupes[0], "scenario names must be unique")
    if spec.baseline not in names:
        raise ScenarioError("baseline", spec.baseline, f"must be one of the scenarios {names}")
    _check_int("replications", spec.replications, 1)
    if spec.max_replications is not None:
        _check_int("max_replications", spec.max_replications, 1)
    if spec.batch is not None:
        _check_int("batch", spec.batch, 1)
    _check_figures(spec.figures)
    _check_headline(spec.headline, names, spec.baseline, spec.kpis)
    if not isinstance(spec.base_seed, int) or spec.base_seed < 0:
        raise ScenarioError("base_seed", spec.base_seed, "must be an integer >= 0")
    t = spec.target_rel_halfwidth
    if t is not None and (not isinstance(t, int | float) or not 0 < t < 1):
        raise ScenarioError("target_rel_halfwidth", t, "must be a number in (0, 1)")
    if t is not None and spec.target_kpi is None and not spec.kpis:
        raise ScenarioError("target_kpi", None, "must name a KPI when target_rel_halfwidth is set")


def _check_morris(morris: Any) -> None:
    if not isinstance(morris, dict):
        raise ScenarioError("morris", morris, "a kind: morris spec needs a morris: mapping")
    unknown = sorted(set(morris) - _MORRIS_KEYS)
    if unknown:
        raise ScenarioError(f"morris.{unknown[0]}", morris[unknown[0]],
                            f"unknown key; allowed: {sorted(_MORRIS_KEYS)}")
    _check_int("morris.trajectories", morris.get("trajectories", 10), 2)
    _check_int("morris.num_levels", morris.get("num_levels", 4), 2)
    _check_int("morris.seed", morris.get("seed", 0), 0)
    outputs = morris.get("outputs")
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        raise ScenarioError("morris.outputs", outputs, "must be a non-empty list of KPI names")
    inputs = morris.get("inputs")
    if not isinstance(inputs, list) or len(inputs) < 2:
        raise ScenarioError("morris.inputs", inputs, "must list at least two uncertain inputs")
    names = []
    for i, item in enumerate(inputs):
        where = f"morris.inputs[{i}]"
        if not isinstance(item, dict) or "name" not in item:
            raise ScenarioError(where, item, "must be a mapping with a name")
        bad = sorted(set(item) - _INPUT_KEYS)
        if bad:
            raise ScenarioError(f"{where}.{bad[0]}", item[bad[0]],
                                f"unknown key; allowed: {sorted(_INPUT_KEYS)}")
        keys = item.get("keys", [item["key"]] if "key" in item else None)
        if not isinstance(keys, list) or not keys or not all(
                isinstance(k, str) and k and "=" not in k for k in keys):
            raise ScenarioError(where, item, "needs key: <override key> or keys: [<key>, ...]")
        b = item.get("bounds")
        if (not isinstance(b, list) or len(b) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in b)
                or not b[0] < b[1]):
            raise ScenarioError(f"{where}.bounds", b, "must be [low, high] numbers with low < high")
        names.append(str(item["name"]))
    if len(set(names)) != len(names):
        raise ScenarioError("morris.inputs", names, "input names must be unique")


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


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if not value:
        return ()
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _check_int(key: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ScenarioError(key, value, f"must be an integer >= {low}")


def _overrides(key: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(key, value, "must be a list of override strings like 'a.b=1'")
    return tuple(value)


def _scenarios(value: object) -> tuple[ScenarioSpec, ...]:
    if isinstance(value, dict):
        return tuple(ScenarioSpec(str(k), _overrides(f"scenarios.{k}", v))
                     for k, v in value.items())
    if not isinstance(value, list):
        raise ScenarioError("scenarios", value, "must be a list of {name, overrides}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or "name" not in item:
            raise ScenarioError(f"scenarios[{i}]", item, "must be a mapping with a name")
        out.append(ScenarioSpec(str(item["name"]),
                                _overrides(f"scenarios.{item['name']}", item.get("overrides"))))
    return tuple(out)


def spec_from_dict(data: dict[str, Any], name: str = "experiment") -> ExperimentSpec:
    """Build and validate a spec from a parsed YAML mapping."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ScenarioError(unknown[0], data[unknown[0]],
                            f"unknown key; allowed: {sorted(_TOP_KEYS)}")
    scenarios = _scenarios(data.get("scenarios", []))
    sizes = {
        str(k): SizeSpec(v.get("replications"), _overrides(f"sizes.{k}.overrides",
                                                           v.get("overrides")),
                         v.get("trajectories"))
        for k, v in (data.get("sizes") or {}).items()
    }
    kpis = data.get("kpis") or []
    kind = str(data.get("kind", "scenarios"))
    morris = data.get("morris")
    if kind == "morris" and not kpis and isinstance(morris, dict):
        kpis = morris.get("outputs") or []
    return ExperimentSpec(
        name=str(data.get("name", name)),
        question=str(data.get("question", "")),
        scenarios=scenarios,
        baseline=str(data.get("baseline", scenarios[0].name if scenarios else "")),
        replications=data.get("replications", 1 if kind == "morris" else 10),
        base_seed=data.get("base_seed", 12345),
        kpis=tuple(str(k) for k in kpis),
        base=_overrides("base", data.get("base")),
        sizes=sizes,
        crn=bool(data.get("crn", True)),
        target_kpi=data.get("target_kpi"),
        target_rel_halfwidth=data.get("target_rel_halfwidth"),
        max_replications=data.get("max_replications"),
        batch=data.get("batch"),
        description=str(data.get("description") or ""),
        figures=_as_tuple(data.get("figures")),
        findings=data.get("findings"),
        kind=kind,
        morris=dict(morris) if isinstance(morris, dict) else morris,
        headline=None if data.get("headline") is None else str(data["headline"]),
    )


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
    path = Path(spec)
    if path.suffix in {".yaml", ".yml"} and path.is_file():
        text, name = path.read_text(encoding="utf-8"), path.stem
    else:
        name = str(spec)
        res = resources.files("govsim.experiment_specs") / f"{name}.yaml"
        if not res.is_file():
            raise ScenarioError("experiment", name, f"must be one of {list_experiments()}")
        text = res.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ScenarioError("experiment", name, "file must hold a YAML mapping")
    return spec_from_dict(data, name=name)
