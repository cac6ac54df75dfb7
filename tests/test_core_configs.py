"""Every shipped config option composes and validates; bad configs give one clear line."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import pandas as pd
import pytest

import govsim
from govsim.errors import ScenarioError


def _options(group: str) -> list[str]:
    folder = resources.files("govsim.configs").joinpath(group)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


GROUPS = ["population", "services", "departments", "calendar", "governance", "channels", "behaviour",
          "run", "scenario"]


@pytest.mark.parametrize("group, option", [(g, o) for g in GROUPS for o in _options(g)])
def test_every_option_composes_and_validates(group, option):
    # the mmc presets go together (they read the mmc block)
    overrides = ["scenario=mmc"] if option == "mmc" else [f"{group}={option}"]
    sc = govsim.load_scenario(overrides)
    assert isinstance(sc, govsim.Scenario)


def test_default_scenario_is_a_siloed_offline_township():
    sc = govsim.load_scenario()
    assert sc.governance.front_office == "per_department" and sc.governance.share_level == 0.0
    assert sc.population.townships == 1 and sc.population.residents_per_township == 20000
    assert len(sc.items) >= 7
    assert all(i.name_zh and i.name_en for i in sc.items)


def test_county_has_twenty_townships():
    assert govsim.load_scenario(["population=county"]).population.townships == 20


@pytest.mark.parametrize("override, key", [
    ("governance.share_level=1.5", "governance.share_level"),
    ("departments.civil_affairs.windows=0", "departments.civil_affairs.windows"),
    ("services.items.dibao.rate_per_year=-1", "services.items.dibao.rate_per_year"),
    ("governance=nope", "governance"),
    ("governance.share_levl=0.5", "governance.share_levl"),
    ("+run._target_=os.system", "run._target_"),
    ("run.horizon_days=0", "run.horizon_days"),
    ("services.items.dibao.documents=[nope]", "services.items.dibao.documents"),
])
def test_bad_config_names_the_key(override, key):
    with pytest.raises(ScenarioError) as exc:
        govsim.load_scenario([override])
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(key)


def test_village_roster_from_csv(tmp_path):
    sc = govsim.load_scenario(["population.villages_csv=builtin:example_villages.csv"])
    assert [v.village_id for v in sc.population.villages][:2] == ["Dongcun", "Xicun"]
    r = govsim.simulate(govsim.load_scenario(["population.villages_csv=builtin:example_villages.csv",
                                              "run.horizon_days=20"]), seed=1)
    assert set(r.requests["village"].unique()) <= {"Dongcun", "Xicun", "Nanshan", "Beiling", "Shuikou"}
    bad = tmp_path / "v.csv"
    bad.write_text("village_id,township\nA,T\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="missing columns"):
        govsim.load_scenario([f"population.villages_csv={bad}"])


def _govsim(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govsim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_cli_runs_end_to_end_and_writes_results(tmp_path):
    out = tmp_path / "run"
    p = _govsim("governance=shared_data", "run.horizon_days=20", "run.seed=5",
                f"hydra.run.dir={out}", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "at_most_one_trip_share" in p.stdout
    # the header names the scenario by its overrides (not the seed, not Hydra's settings)
    assert p.stdout.startswith("KPIs: scenario governance=shared_data run.horizon_days=20, seed 5,")
    for name in ("requests.parquet", "kpis.csv", "config.yaml", "manifest.json"):
        assert (out / name).is_file(), name
    req = pd.read_parquet(out / "requests.parquet")
    kpis = pd.read_csv(out / "kpis.csv").set_index("kpi")["value"]
    assert kpis["requests"] == len(req)


def test_cli_bad_config_exits_2_with_one_line(tmp_path):
    p = _govsim("governance.share_level=1.5", cwd=tmp_path)
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "governance.share_level" in p.stderr
    assert "Traceback" not in p.stderr
