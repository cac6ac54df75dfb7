"""The manifest stores one whole config and each other scenario's changes; any rebuilds."""

from __future__ import annotations

import json

from govsim.experiment.manifest import scenario_config, scenario_records


def test_every_scenario_config_is_rebuilt_exactly() -> None:
    base = {"a": {"b": 1, "c": [1, 2], "d": None, "e": {}}, "f": "x", "gone": {"k": 2}}
    other = {"a": {"b": 2, "c": [1, 2], "d": None, "e": {}}, "f": "x", "new": {"k": {"m": 3}}}
    third = {"a": {"b": 1, "c": [3], "d": 5, "e": {"z": 1}}, "f": None, "gone": {"k": 2}}
    plans = [("other", ["a.b=2"], other), ("base", [], base), ("third", [], third)]
    manifest = json.loads(json.dumps({"scenarios": scenario_records(plans, "base")}))
    assert "config" in manifest["scenarios"]["base"]
    assert manifest["scenarios"]["other"]["config_changes"] == {"a.b": 2, "new.k.m": 3}
    assert manifest["scenarios"]["other"]["config_removed"] == ["gone.k"]
    for name, _, cfg in plans:
        assert scenario_config(manifest, name) == cfg
    assert scenario_config(manifest, "missing") == {}


def test_without_the_baseline_the_first_scenario_holds_the_config() -> None:
    plans = [("p000", [], {"x": 1}), ("p001", [], {"x": 2})]
    records = scenario_records(plans, None)
    assert records["p000"]["config"] == {"x": 1}
    assert records["p001"]["config_changes"] == {"x": 2}
