"""From a parsed YAML mapping to a checked :class:`~govsim.experiment.spec.ExperimentSpec`.

Unknown keys, malformed scenarios, override lists, KPI lists and sizes are refused
here with one line naming the key; the design blocks (``morris``, ``optimise``,
``discover``, ``sobol``) are parsed by their own modules.
"""

from __future__ import annotations

from typing import Any

from govsim.errors import ScenarioError
from govsim.experiment.discover_spec import parse_discover
from govsim.experiment.morris_spec import parse_morris
from govsim.experiment.optimise_spec import parse_optimise
from govsim.experiment.sobol_spec import parse_sobol
from govsim.experiment.spec_checks import MAX_REPLICATIONS, check_int
from govsim.experiment.spec_model import ExperimentSpec, ScenarioSpec
from govsim.experiment.spec_sizes import SizeSpec

__all__ = ["spec_from_dict"]

_TOP_KEYS = {
    "name", "question", "question_zh", "base", "scenarios", "baseline", "replications", "base_seed", "kpis",
    "sizes", "crn", "target_kpi", "target_rel_halfwidth", "max_replications", "batch",
    "figures", "description", "levers", "uncertainties", "findings", "kind", "morris",
    "headline", "optimise", "discover", "sobol",
}


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if not value:
        return ()
    return tuple(value) if isinstance(value, list | tuple) else (value,)


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
            check_int(f"{key}.replications", v["replications"], 1, MAX_REPLICATIONS)
        for k, low in (("trajectories", 2), ("trials", 1), ("points", 4), ("n_base", 2)):
            if v.get(k) is not None:
                check_int(f"{key}.{k}", v[k], low, MAX_REPLICATIONS)
        out[str(name)] = SizeSpec(v.get("replications"), _overrides(f"{key}.overrides",
                                                                    v.get("overrides")),
                                  v.get("trajectories"), v.get("trials"), v.get("points"),
                                  v.get("n_base"))
    return out
