"""No configuration value leads to importing or running code (issue 9, part 5).

A canary module on ``sys.path`` writes a marker file when it is imported and
another when one of its callables is called; every test names it wherever a
config could name code and checks that neither marker appears.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim
from govsim.config.compose import compose_config, scenario_from_config
from govsim.experiment.spec import load_spec

CANARY = '''
import os, pathlib
pathlib.Path(os.environ["GOVSIM_CANARY"]).write_text("imported")
def boom(*args, **kwargs):
    pathlib.Path(os.environ["GOVSIM_CANARY"] + ".called").write_text("called")
class Callback:
    def __init__(self, *args, **kwargs):
        boom()
'''


@pytest.fixture
def canary(tmp_path, monkeypatch) -> Path:
    """A module ``govsim_canary`` that leaves marker files; returns the marker path."""
    mod = tmp_path / "canary_mod"
    mod.mkdir()
    (mod / "govsim_canary.py").write_text(CANARY, "utf-8")
    marker = tmp_path / "CANARY"
    monkeypatch.syspath_prepend(str(mod))
    monkeypatch.setenv("GOVSIM_CANARY", str(marker))
    monkeypatch.delitem(sys.modules, "govsim_canary", raising=False)
    yield marker
    assert "govsim_canary" not in sys.modules, "a config value imported the canary module"


def _untouched(marker: Path) -> None:
    assert not marker.exists(), "canary module imported"
    assert not Path(f"{marker}.called").exists(), "canary code called"


# ---------------------------------------------------------------- code by name

TARGET_OVERRIDES = [
    "+_target_=govsim_canary.boom",
    "+run._target_=govsim_canary.boom",
    "+governance._target_=govsim_canary.Callback",
    "+population._target_=govsim_canary.boom",
    "+services.items.dibao._target_=govsim_canary.boom",
    "+services.items.dibao.steps.0._target_=govsim_canary.boom",
    "+departments.civil_affairs._target_=govsim_canary.boom",
    "+channels.choice._target_=govsim_canary.boom",
    "+new_block._target_=govsim_canary.boom",
    "+run._partial_=true",
    "+run._args_=[govsim_canary]",
]


@pytest.mark.parametrize("override", TARGET_OVERRIDES)
def test_target_keys_are_rejected_without_import(override, canary):
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([override])
    assert "not allowed" in str(exc.value) and "\n" not in str(exc.value)
    _untouched(canary)


def _mappings(node: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every mapping inside a composed config (lists by index)."""
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        out.append(path)
        for k, v in node.items():
            out += _mappings(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _mappings(v, (*path, i))
    return out


@pytest.fixture(scope="module")
def composed() -> dict[str, Any]:
    from omegaconf import OmegaConf

    data = OmegaConf.to_container(compose_config(["channels=inclusive", "interventions=literacy_training"]),
                                  resolve=True)
    assert isinstance(data, dict)
    return data


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), key=st.sampled_from(["_target_", "_partial_", "_args_"]))
def test_target_anywhere_in_the_config_is_rejected(composed, canary, data, key):
    import copy

    cfg = copy.deepcopy(composed)
    path = data.draw(st.sampled_from(_mappings(cfg)))
    node: Any = cfg
    for p in path:
        node = node[p]
    node[key] = "govsim_canary.boom"
    with pytest.raises(govsim.ScenarioError) as exc:
        scenario_from_config(cfg)
    assert exc.value.key.endswith(key) and exc.value.value == "govsim_canary.boom"
    _untouched(canary)


def test_interpolation_cannot_evaluate_code(canary):
    for override in ["name=${eval:1+1}", "name=${python:govsim_canary.boom}"]:
        with pytest.raises(govsim.ScenarioError):
            govsim.load_scenario([override])
    _untouched(canary)


def test_yaml_tags_in_a_config_file_do_not_run_code(tmp_path, canary):
    group = tmp_path / "cfg" / "governance"
    group.mkdir(parents=True)
    (group / "evil.yaml").write_text(
        "defaults:\n  - siloed\n  - _self_\n"
        "share_level: !!python/object/apply:govsim_canary.boom [1]\n", "utf-8")
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"hydra.searchpath=[file://{tmp_path / 'cfg'}]", "governance=evil"])
    assert "evil.yaml, line 4" in str(exc.value) and "\n" not in str(exc.value)
    _untouched(canary)


def test_experiment_yaml_tags_do_not_run_code(tmp_path, canary):
    path = tmp_path / "evil.yaml"
    path.write_text("question: !!python/object/apply:govsim_canary.boom [1]\n"
                    "scenarios: [{name: a, overrides: []}]\n", "utf-8")
    with pytest.raises(govsim.ScenarioError) as exc:
        load_spec(path)
    assert "line 1" in str(exc.value) and "\n" not in str(exc.value)
    _untouched(canary)


def _cli(args: list[str], cwd: Path, marker: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVSIM_CANARY": str(marker),
           "PYTHONPATH": os.pathsep.join([str(marker.parent / "canary_mod"),
                                          os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "govsim", *args, f"hydra.run.dir={cwd / 'out'}"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_cli_rejects_target_without_import(tmp_path, canary):
    proc = _cli(["+run._target_=govsim_canary.boom"], tmp_path, canary)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    _untouched(canary)


# ---------------------------------------------------------------- files named in configs

def test_villages_csv_is_read_not_executed(tmp_path, canary):
    script = tmp_path / "villages.csv"
    script.write_text(f"#!/bin/sh\ntouch {canary}.called\n", "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    py = tmp_path / "villages.py"
    py.write_text("import govsim_canary\ngovsim_canary.boom()\n", "utf-8")
    for path in (script, py):
        before = path.read_bytes()
        with pytest.raises(govsim.ScenarioError) as exc:
            govsim.load_scenario([f"population.villages_csv={path}"])
        assert "missing columns" in str(exc.value)
        assert path.read_bytes() == before
    _untouched(canary)


def test_csv_cells_are_not_evaluated(tmp_path, canary):
    path = tmp_path / "v.csv"
    path.write_text("village_id,township,residents,distance_km,travel_min,county_travel_min,coverage\n"
                    "A,T,__import__('govsim_canary').boom(),5,20,30,0.9\n", "utf-8")
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"population.villages_csv={path}"])
    assert "column residents" in str(exc.value)
    _untouched(canary)


@pytest.mark.parametrize("name", ["builtin:../config.yaml", "builtin:../../__init__.py", "builtin:..\\x.csv",
                                  "builtin:/etc/passwd", "builtin:.hidden", "builtin:", "builtin:nope.csv",
                                  "builtin:villages/../example_villages.csv"])
def test_builtin_names_cannot_leave_the_shipped_rosters(name):
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"population.villages_csv={name}"])
    assert "builtin:example_villages.csv" in str(exc.value)     # says what is allowed


def test_builtin_roster_loads():
    sc = govsim.load_scenario(["population.villages_csv=builtin:example_villages.csv"])
    assert sc.population.villages


def test_missing_file_error_names_the_resolved_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(["population.villages_csv=data/../rosters/v.csv"])
    msg = str(exc.value)
    assert str(tmp_path.resolve() / "rosters" / "v.csv") in msg and "\n" not in msg
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(["population.villages_csv='~/nowhere.csv'"])
    assert str(tmp_path.resolve() / "nowhere.csv") in str(exc.value)


def test_relative_csv_is_resolved_against_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "v.csv").write_text(
        "village_id,township,residents,distance_km,travel_min,county_travel_min,coverage\n"
        "A,T,10,1,5,10,1\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    assert govsim.load_scenario(["population.villages_csv=v.csv"]).population.villages[0].village_id == "A"


def test_unreadable_file_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read a file without read permission")
    path = tmp_path / "v.csv"
    path.write_text("x\n", "utf-8")
    path.chmod(0)
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario([f"population.villages_csv={path}"])
    assert "readable" in str(exc.value)
