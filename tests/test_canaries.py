"""No configuration, by any route, makes govsim import code, leak a secret or read outside its dirs.

Each route (command line, ``--config-dir``, ``--config-path``, experiment spec
files, the Python API) is tried with every way we know to name code: a canary
module that leaves a marker file when imported must never be imported, and the
refusal must be one line (exit 2 for the command) with nothing left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import govsim
from govsim.experiment.runner import run_experiment

CANARY = '''
import os, pathlib
pathlib.Path(os.environ["GOVSIM_CANARY"]).write_text("imported")
class Callback:
    def __init__(self, *args, **kwargs):
        pathlib.Path(os.environ["GOVSIM_CANARY"] + ".called").write_text("called")
'''
SECRET = "s3cr3t-value-never-printed"

# A config dir whose presets try to name code in every way Hydra would act on.
PRESETS = {
    "extra/callback.yaml": "# @package _global_\nhydra:\n  callbacks:\n    x:\n"
                           "      _target_: govsim_canary.Callback\n",
    "extra/logging.yaml": "# @package _global_\nhydra:\n  job_logging:\n    version: 1\n"
                          "    handlers:\n      x: {class: govsim_canary.Callback}\n",
    "extra/stream.yaml": "# @package _global_\nhydra:\n  job_logging:\n    version: 1\n"
                         "    handlers:\n      x: {class: logging.StreamHandler, "
                         "stream: 'ext://govsim_canary.x'}\n",
    "extra/launcher.yaml": "# @package _global_\nhydra:\n  launcher:\n"
                           "    _target_: govsim_canary.Callback\n",
    "extra/env.yaml": "# @package _global_\nhydra:\n  job:\n    env_set:\n      LD_PRELOAD: /x.so\n",
    "extra/target.yaml": "# @package _global_\nrun:\n  _target_: govsim_canary.Callback\n",
    "extra/secret.yaml": "# @package _global_\nname: ${oc.env:GOVSIM_SECRET}\n",
    "extra/traverse.yaml": "# @package _global_\ndefaults:\n  - override /governance: ../../x\n",
    "hydra/launcher/evil.yaml": "_target_: govsim_canary.Callback\n",
    "governance/hlaunch.yaml": "defaults:\n  - siloed\n  - override /hydra/launcher: evil\n"
                               "  - _self_\n",
}
PRESET_NAMES = sorted(p.split("/")[1][:-5] for p in PRESETS if p.startswith("extra/"))

API_OVERRIDES = [
    ["+hydra.callbacks.x._target_=govsim_canary.Callback"],
    ["hydra.searchpath=[pkg://govsim_canary]"],
    ["hydra.searchpath=[structured://govsim_canary]"],
    ["hydra.searchpath=[pkg://govsim_canary.sub]"],
    ["+hydra/launcher@hydra.callbacks.x=basic"],
    ["hydra/launcher=submitit_slurm@x"],
    ["+hydra.job_logging.handlers.x.class=govsim_canary.Callback"],
    ["+hydra.job.env_set.PYTHONPATH=/tmp"],
    ["hydra.launcher._target_=govsim_canary.Callback"],
    ["hydra.sweeper._target_=govsim_canary.Callback"],
    ["+run._target_=govsim_canary.Callback"],
    ["+run.x._args_=[govsim_canary]"],
    ["+run.x._recursive_=true"],
    ["name=${oc.env:GOVSIM_SECRET}"],
    ["name=${oc.decode:'1'}"],
    ["name=${ oc.env :GOVSIM_SECRET}"],
    ["run.horizon_days=${python:govsim_canary.x}"],
    ["governance=../../../../etc/passwd"],
    ["governance=/etc/passwd"],
    ["population=../config"],
    ["governance=[siloed,shared_data]"],
    ["governance=siloed,shared_data"],
    ["governance={a: 1}"],
]


@pytest.fixture
def canary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module ``govsim_canary`` importable from ``tmp_path``; returns the marker path."""
    (tmp_path / "govsim_canary.py").write_text(CANARY, "utf-8")
    (tmp_path / "govsim_canary").mkdir(exist_ok=True)
    marker = tmp_path / "CANARY"
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("GOVSIM_CANARY", str(marker))
    monkeypatch.setenv("GOVSIM_SECRET", SECRET)
    monkeypatch.delitem(sys.modules, "govsim_canary", raising=False)
    yield marker
    assert "govsim_canary" not in sys.modules, "a config value imported the canary module"
    assert not marker.exists() and not Path(f"{marker}.called").exists()


def _presets(root: Path) -> Path:
    for rel, text in PRESETS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


def _refused(overrides: list[str]) -> str:
    with pytest.raises(govsim.ScenarioError) as exc:
        govsim.load_scenario(overrides)
    msg = str(exc.value)
    assert "\n" not in msg and SECRET not in msg and "root:" not in msg
    return msg


@pytest.mark.parametrize("overrides", API_OVERRIDES, ids=lambda o: o[0][:40])
def test_api_override_cannot_name_code(canary, overrides):
    _refused(overrides)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_api_preset_in_a_search_path_cannot_name_code(canary, tmp_path, name):
    cfg = _presets(tmp_path / "cfg")
    _refused([f"hydra.searchpath=[file://{cfg}]", f"+extra={name}"])


def test_api_preset_cannot_pick_a_launcher(canary, tmp_path):
    cfg = _presets(tmp_path / "cfg")
    msg = _refused([f"hydra.searchpath=[file://{cfg}]", "governance=hlaunch"])
    assert "hydra/launcher" in msg


def test_api_search_path_must_be_an_existing_dir_without_dotdot(canary, tmp_path):
    _refused([f"hydra.searchpath=[file://{tmp_path}/nope]"])
    _refused([f"hydra.searchpath=[file://{tmp_path}/../{tmp_path.name}]"])


def test_a_good_preset_in_a_search_path_still_works(tmp_path):
    group = tmp_path / "governance"
    group.mkdir()
    (group / "mine.yaml").write_text("defaults:\n  - siloed\n  - _self_\nshare_level: 0.25\n")
    sc = govsim.load_scenario([f"hydra.searchpath=[file://{tmp_path}]", "governance=mine"])
    assert sc.governance.share_level == 0.25


SPEC_ROUTES = {
    "base": {"base": ["hydra.searchpath=[pkg://govsim_canary]"],
             "scenarios": [{"name": "a", "overrides": []}]},
    "scenario": {"scenarios": [{"name": "a", "overrides": ["+hydra.callbacks.x._target_="
                                                           "govsim_canary.Callback"]}]},
    "size": {"scenarios": [{"name": "a", "overrides": []}],
             "sizes": {"smoke": {"replications": 1,
                                 "overrides": ["name=${oc.env:GOVSIM_SECRET}"]}}},
    "traverse": {"scenarios": [{"name": "a", "overrides": ["governance=../../x"]}]},
}


@pytest.mark.parametrize("route", sorted(SPEC_ROUTES))
def test_spec_file_cannot_name_code(canary, tmp_path, route):
    import yaml

    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(SPEC_ROUTES[route]), "utf-8")
    with pytest.raises(govsim.ScenarioError) as exc:
        run_experiment(str(path), size="smoke" if route == "size" else "full",
                       out_dir=tmp_path / "out", progress=False)
    assert SECRET not in str(exc.value) and "\n" not in str(exc.value)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the command, as a user runs it

CLI_ROUTES: dict[str, list[str]] = {
    "cmd_callback": ["+hydra.callbacks.x._target_=govsim_canary.Callback"],
    "cmd_searchpath": ["hydra.searchpath=[pkg://govsim_canary]"],
    "cmd_package": ["+hydra/launcher@hydra.callbacks.x=basic"],
    "cmd_after_flag": ["--cfg", "job", "hydra.searchpath=[pkg://govsim_canary]"],
    "cmd_rerun": ["--experimental-rerun", "x.pickle"],
    "config_dir": ["--config-dir=cfg", "+extra=callback"],
    "config_dir_short": ["-cd", "cfg", "+extra=launcher", "--cfg", "job"],
    "config_path": ["--config-path=primary"],
    "config_name": ["--config-dir=cfg", "--config-name=evil"],
    "spec_file": ["experiment=study.yaml", "out=exp"],
    "traverse_cfg": ["governance=../../../secret", "--cfg", "job"],
    "secret_cfg": ["name=${oc.env:GOVSIM_SECRET}", "--cfg", "job", "--resolve"],
}


SLOW_ROUTES = {"cmd_package", "cmd_rerun", "config_dir_short", "config_name", "secret_cfg",
               "cmd_after_flag"}  # each start costs seconds of imports: the rest run with -m slow


def selected(request: pytest.FixtureRequest, test: str) -> list[str]:
    """The ``case`` parameters of ``test`` selected in this session."""
    return [i.callspec.params["case"] for i in request.session.items
            if getattr(i, "originalname", None) == test and hasattr(i, "callspec")]


@pytest.fixture(scope="module")
def cli_runs(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str, Path]]:
    """Run the selected routes at once from a folder holding the canary module (on sys.path for -m)."""
    root = tmp_path_factory.mktemp("routes")
    (root / "govsim_canary.py").write_text(CANARY, "utf-8")
    _presets(root / "cfg")
    (root / "cfg" / "evil.yaml").write_text("hydra:\n  searchpath: [pkg://govsim_canary]\n")
    (root / "primary").mkdir()
    (root / "primary" / "config.yaml").write_text("hydra:\n  searchpath: [pkg://govsim_canary]\n")
    (root / "secret.yaml").write_text(f"token: {SECRET}\n")
    (root / "study.yaml").write_text("base: ['hydra.searchpath=[pkg://govsim_canary]']\n"
                                     "scenarios: [{name: a, overrides: []}]\n")
    procs = {}
    for case in selected(request, "test_cli_route_is_refused_without_import"):
        args = CLI_ROUTES[case]
        env = {**os.environ, "GOVSIM_CANARY": str(root / f"{case}.canary"),
               "GOVSIM_SECRET": SECRET, "PYTHONIOENCODING": "utf-8"}
        procs[case] = subprocess.Popen(
            [sys.executable, "-m", "govsim", *args, f"hydra.run.dir={root / case}"]
            if not args[0].startswith("experiment") else [sys.executable, "-m", "govsim", *args],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {}
    for case, p in procs.items():
        stdout, stderr = p.communicate(timeout=300)
        out[case] = (p.returncode, stdout, stderr, root)
    return out


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_ROUTES else c
                                  for c in sorted(CLI_ROUTES)])
def test_cli_route_is_refused_without_import(cli_runs, case):
    code, stdout, stderr, root = cli_runs[case]
    assert code == 2, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("govsim: error: "), stderr
    assert "Traceback" not in stderr and SECRET not in stdout + stderr
    assert not (root / f"{case}.canary").exists() and not (root / f"{case}.canary.called").exists()
    assert not (root / case).exists() and not (root / "exp").exists() and not (root / "outputs").exists()
