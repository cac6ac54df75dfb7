"""One source of defaults: the YAML in configs/. The scenario dataclasses have none.

A default written in a dataclass or in the validator could disagree with the
YAML (it did: connection_fail_factor 0.67 vs 0.5, giveup_literacy 0.4 vs 0.6,
counter_per_visit 85 vs 86, intervention costs 0 vs the YAML's).
"""

from __future__ import annotations

import dataclasses

import pytest
from omegaconf import OmegaConf

from govsim.config import scenario as spec_module
from govsim.config.compose import compose_config, scenario_from_config
from govsim.errors import ScenarioError

SPECS = [getattr(spec_module, name) for name in spec_module.__all__ if name.endswith(("Spec", "Scenario"))]


@pytest.mark.parametrize("cls", SPECS, ids=lambda c: c.__name__)
def test_scenario_dataclasses_declare_no_defaults(cls: type) -> None:
    defaulted = [f.name for f in dataclasses.fields(cls)
                 if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING]
    assert defaulted == []


@pytest.mark.parametrize("key", ["platform.two_way", "platform.hotline_share", "governance.remote_identity",
                                 "channels.connection_fail_factor", "costs.counter_per_visit"])
def test_a_key_missing_from_the_config_is_named(key: str) -> None:
    cfg = OmegaConf.to_container(compose_config([]), resolve=True)
    assert isinstance(cfg, dict)
    group, name = key.split(".")
    del cfg[group][name]
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
        scenario_from_config(cfg)

