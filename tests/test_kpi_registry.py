"""The KPI registry declares every KPI a run reports, with a unit, a population and both languages."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import govsim
from govsim.kpi_registry import KPIS, POPULATIONS, UNITS, kpi
from govsim.kpi_table import kpi_table

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def short_run() -> govsim.RunResult:
    sc = govsim.load_scenario(["run.horizon_days=30", "channels=inclusive", "proactive=on",
                               "governance=shared_data"])
    return govsim.simulate(sc, seed=3)


def test_every_reported_kpi_is_declared_and_nothing_else(short_run: govsim.RunResult) -> None:
    assert sorted(short_run.kpis.index) == sorted(KPIS)


def test_entries_are_complete() -> None:
    for k in KPIS.values():
        assert k.unit in UNITS and k.population in POPULATIONS, k.name
        assert k.label_en and k.description_en and not CJK.search(k.label_en.split("(")[0]), k.name
        assert CJK.search(k.label_zh) and CJK.search(k.description_zh), k.name
        if k.unit == "share":
            assert k.scale == 100.0 and k.diff_unit("en") == "percentage points"
        assert k.relative_change_ok == (k.kind == "level" and k.unit != "share")


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="trips_mean"):
        kpi("no_such_kpi")


def test_table_shows_unit_and_population(short_run: govsim.RunResult) -> None:
    text = kpi_table(short_run.kpis)
    line = next(x for x in text.splitlines() if x.strip().startswith("completion_rate"))
    assert "%" in line and "needs" in line
    value = float(line.split()[1])
    assert value == pytest.approx(100 * short_run.kpis["completion_rate"], rel=1e-3)


def test_fresh_interpreter_sees_every_kpi_without_importing_the_model() -> None:
    code = "import govsim; print(len(govsim.KPI_DESCRIPTIONS))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == len(KPIS)


def test_completion_and_open_rates_say_they_count_after_the_run_out() -> None:
    # runs continue after the horizon until every request ends or run.runout_days pass:
    # neither share is counted "at the horizon"
    for name in ("completion_rate", "open_rate"):
        k = kpi(name)
        assert "horizon" not in k.label_en and "期末" not in k.label_zh, name
        assert "run.runout_days" in k.description_en and "run.runout_days" in k.description_zh, name
