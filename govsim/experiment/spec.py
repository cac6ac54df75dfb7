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
from govsim.experiment.discover_spec import DiscoverSpec, parse_discover
from govsim.experiment.morris_spec import MorrisSpec, parse_morris
from govsim.experiment.optimise_spec import OptimiseSpec, parse_optimise
from govsim.experiment.sobol_spec import SobolSpec, parse_sobol

__all__ = ["ExperimentSpec", "ScenarioSpec", "SizeSpec", "list_experiments", "load_spec"]

_TOP_KEYS = {
    "name", "question", "question_zh", "base", "scenarios", "baseline", "replications", "base_seed", "kpis",
    "sizes", "crn", "target_kpi", "target_rel_halfwidth", "max_replications", "batch",
    "figures", "description", "levers", "uncertainties", "findings", "kind", "morris",
    "headline", "optimise", "discover", "sobol",
}
KINDS = ("scenarios", "morris", "optimise", "discover", "sobol")
MAX_REPLICATIONS = 10_000
MAX_RUNS = 100_000   # scenarios x replications of one experiment
# figure kinds a spec may declare under ``figures:`` (drawn by govsim.report.figures)
FIGURE_KINDS = ("means", "distributions", "timeseries", "scatter", "ranking", "pareto", "levers",
                "prim", "sobol")
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
    trials: int | None = None  # optimisation trials (kind: optimise only)
    points: int | None = None  # Latin hypercube points (kind: discover only)
    n_base: int | None = None  # Saltelli base sample (kind: sobol only)


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
    morris: MorrisSpec | None = None  # the design of a kind: morris spec
    headline: str | None = None  # "scenario:kpi", the report's and index's headline finding
    optimise: OptimiseSpec | None = None  # levers, budget, objectives of a kind: optimise spec
    discover: DiscoverSpec | None = None  # the design of a kind: discover spec
    sobol: SobolSpec | None = None  # the design of a kind: sobol spec
    question_zh: str = ""  # the question in Chinese ("" = the Chinese report shows English)

    def __post_init__(self) -> None:
        if isinstance(self.morris, dict):  # e.g. with_options(morris={...}): parse and check
            object.__setattr__(self, "morris", parse_morris(self.morris))
        if isinstance(self.optimise, dict):
            object.__setattr__(self, "optimise", parse_optimise(self.optimise))
        for key, parse in (("discover", parse_discover), ("sobol", parse_sobol)):
            if isinstance(getattr(self, key), dict):
                object.__setattr__(self, key, parse(getattr(self, key)))
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
            morris = dataclasses.replace(morris, trajectories=s.trajectories)
        optimise, discover, sobol = self.optimise, self.discover, self.sobol
        if s.trials is not None and optimise is not None:
            optimise = dataclasses.replace(optimise, trials=s.trials)
        if s.points is not None and discover is not None:
            discover = dataclasses.replace(discover, points=s.points)
        if s.n_base is not None and sobol is not None:
            sobol = dataclasses.replace(sobol, n_base=s.n_base)
        return dataclasses.replace(self, replications=reps, base=self.base + s.overrides,
                                   morris=morris, optimise=optimise, discover=discover,
                                   sobol=sobol)

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
    if spec.kind in ("morris", "discover", "sobol"):
        block, typ = getattr(spec, spec.kind), {"morris": MorrisSpec, "discover": DiscoverSpec,
                                                "sobol": SobolSpec}[spec.kind]
        if not isinstance(block, typ):
            raise ScenarioError(spec.kind, block, f"a kind: {spec.kind} spec needs a "
                                f"{spec.kind}: mapping")
        if not spec.scenarios:  # scenarios are generated from the design
            _check_int("replications", spec.replications, 1, MAX_REPLICATIONS)
            _check_figures(spec.figures)
            return
    if spec.kind == "optimise":
        if not isinstance(spec.optimise, OptimiseSpec):
            raise ScenarioError("optimise", spec.optimise, "a kind: optimise spec needs an "
                                "optimise: mapping")
        _check_int("replications", spec.replications, 1, MAX_REPLICATIONS)
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
    _check_int("replications", spec.replications, 1, MAX_REPLICATIONS)
    if spec.max_replications is not None:
        _check_int("max_replications", spec.max_replications, 1, MAX_REPLICATIONS)
    if spec.batch is not None:
        _check_int("batch", spec.batch, 1, MAX_REPLICATIONS)
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


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if not value:
        return ()
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _check_int(key: str, value: object, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low \
            or (high is not None and value > high):
        allowed = f"in [{low}, {high:,}]" if high is not None else f">= {low}"
        raise ScenarioError(key, value, f"must be an integer {allowed}")


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
    sizes = _sizes(data.get("sizes"))
    kpis = data.get("kpis") or []
    if not isinstance(kpis, list) or not all(isinstance(k, str) and k for k in kpis):
        raise ScenarioError("kpis", kpis, "must be a list of KPI names")
    kind = str(data.get("kind", "scenarios"))
    morris = parse_morris(data.get("morris")) if kind == "morris" or "morris" in data else None
    if morris is not None and not kpis:
        kpis = list(morris.outputs)
    optimise = parse_optimise(data.get("optimise")) if kind == "optimise" or "optimise" in data \
        else None
    discover = parse_discover(data.get("discover")) if kind == "discover" or "discover" in data else None
    sobol = parse_sobol(data.get("sobol")) if kind == "sobol" or "sobol" in data else None
    return ExperimentSpec(
        name=str(data.get("name", name)),
        question=str(data.get("question", "")),
        question_zh=str(data.get("question_zh", "")),
        scenarios=scenarios,
        baseline=str(data.get("baseline", scenarios[0].name if scenarios else "")),
        replications=data.get("replications", 1 if kind in ("morris", "sobol") else 10),
        base_seed=data.get("base_seed", 12345),
        kpis=tuple(str(k) for k in kpis),
        base=_overrides("base", data.get("base")),
        sizes=sizes,
        crn=data.get("crn", True),
        target_kpi=data.get("target_kpi"),
        target_rel_halfwidth=data.get("target_rel_halfwidth"),
        max_replications=data.get("max_replications"),
        batch=data.get("batch"),
        description=str(data.get("description") or ""),
        figures=_as_tuple(data.get("figures")),
        findings=data.get("findings"),
        kind=kind,
        morris=morris,
        optimise=optimise,
        headline=None if data.get("headline") is None else str(data["headline"]),
        discover=discover,
        sobol=sobol,
    )


_SIZE_KEYS = {"replications", "overrides", "trajectories", "trials", "points", "n_base"}


def _sizes(value: object) -> dict[str, SizeSpec]:
    """The ``sizes:`` mapping: name -> {replications, overrides, trajectories}, each checked."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError("sizes", value, "must be a mapping of size names to settings")
    out = {}
    for name, v in value.items():
        key = f"sizes.{name}"
        if not isinstance(v, dict):
            raise ScenarioError(key, v, "must be a mapping like {replications: 3, overrides: [...]}")
        bad = sorted(set(v) - _SIZE_KEYS)
        if bad:
            raise ScenarioError(f"{key}.{bad[0]}", v[bad[0]], f"unknown key; allowed: {sorted(_SIZE_KEYS)}")
        if v.get("replications") is not None:
            _check_int(f"{key}.replications", v["replications"], 1, MAX_REPLICATIONS)
        for k, low in (("trajectories", 2), ("trials", 1), ("points", 4), ("n_base", 2)):
            if v.get(k) is not None:
                _check_int(f"{key}.{k}", v[k], low, MAX_REPLICATIONS)
        out[str(name)] = SizeSpec(v.get("replications"), _overrides(f"{key}.overrides",
                                                                    v.get("overrides")),
                                  v.get("trajectories"), v.get("trials"), v.get("points"),
                                  v.get("n_base"))
    return out


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
