"""Turn the composed configuration (a plain dict) into a validated :class:`Scenario`.

This is the only place where configuration values are checked. Every error is
a :class:`~govsim.errors.ScenarioError` whose one-line message names the key,
the value and what is allowed. Nothing here imports or runs code by name.

:func:`build_scenario` reads the sections in a fixed order (so the first error
reported is always the same one); each section has its reader in a module beside
this one: ``validate_population`` (departments, population), ``validate_services``
(documents, items, steps), ``validate_channels`` (channels, choice, platform),
``validate_policy`` (governance, security, proactive, interventions, costs) and
``validate_run`` (calendar, behaviour, satisfaction, run).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from govsim.config.budget import check_budget
from govsim.config.reader import Reader
from govsim.config.scenario import Scenario
from govsim.config.validate_channels import FALLBACKS, read_channels, read_platform
from govsim.config.validate_policy import (
    read_costs,
    read_governance,
    read_interventions,
    read_proactive,
    read_security,
)
from govsim.config.validate_population import read_departments, read_population
from govsim.config.validate_run import read_behaviour, read_calendar, read_run, read_satisfaction
from govsim.config.validate_services import read_documents, read_items
from govsim.errors import ScenarioError

__all__ = ["FALLBACKS", "build_scenario"]


def build_scenario(cfg: Mapping[str, Any]) -> Scenario:
    """Validate a composed, resolved config dict and return the frozen scenario."""
    root = Reader(cfg, "")
    _forbid_targets(cfg, "")
    if "mmc" in cfg:
        _check_mmc(root.child("mmc"))
    departments = read_departments(root.child("departments"))
    dept_keys = {d.key for d in departments}
    population = read_population(root.child("population"))
    band_names = {b.name for b in population.bands}
    services = root.child("services")
    documents = read_documents(services.child("documents"), dept_keys)
    items = read_items(services.child("items"), dept_keys, {d.key for d in documents}, band_names)
    services.done()
    governance = read_governance(root.child("governance"), {d.key for d in documents})
    scenario = Scenario(
        name=root.text("name"),
        population=population,
        items=items,
        documents=documents,
        departments=departments,
        calendar=read_calendar(root.child("calendar")),
        governance=governance,
        channels=read_channels(root.child("channels"), population.bands),
        behaviour=read_behaviour(root.child("behaviour")),
        run=read_run(root.child("run")),
        platform=read_platform(root.child("platform"), {it.key for it in items}),
        interventions=read_interventions(root.child("interventions"), band_names),
        costs=read_costs(root.child("costs")),
        security=read_security(root.child("security")),
        proactive=read_proactive(root.child("proactive")),
        satisfaction=read_satisfaction(root.child("satisfaction")),
    )
    root.done()
    check_budget(scenario, allow_large=cfg["run"].get("allow_large") is True)
    return scenario


def _forbid_targets(node: object, path: str) -> None:
    """Reject Hydra's ``_target_`` (instantiate-by-name) anywhere in user config."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            key = f"{path}.{k}" if path else str(k)
            if str(k) in ("_target_", "_partial_", "_args_"):
                raise ScenarioError(key, v, "is not allowed: configs may not name code to run")
            _forbid_targets(v, key)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _forbid_targets(v, f"{path}[{i}]")


def _check_mmc(r: Reader) -> None:
    r.number("arrivals_per_hour", 0.0, lo_open=True)
    r.number("mean_service_minutes", 0.0, lo_open=True)
    r.integer("windows", 1, 10_000)
    r.done()
