"""Every shipped experiment spec loads and validates; e1..e6 run at smoke size via the CLI.

The six smoke runs (about 35 s together on the idle 2-core machine) are marked slow.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import govsim
from govsim.cli import main as govsim_main
from govsim.experiment import list_experiments, load_spec

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.stem for p in (ROOT / "experiments").glob("*.yaml")
                 if p.stem != "example_pairs")
RUNNABLE = ("e1_data_sharing", "e2_channels_divide", "e3_inclusive_interventions",
            "e4_fragmentation", "e5_outages", "e6_back_office")


def test_the_shipped_experiments_are_there() -> None:
    for name in (*RUNNABLE, "e9_sensitivity"):
        assert name in SHIPPED
    assert set(SHIPPED) <= set(list_experiments())


@pytest.mark.parametrize("name", SHIPPED)
def test_spec_loads_validates_and_has_a_smoke_size(name: str) -> None:
    spec = load_spec(name)
    assert spec.question.strip().endswith("?"), "a spec states its question in one sentence"
    assert "smoke" in spec.sizes
    smoke = spec.sized("smoke")
    assert smoke.replications <= 2
    known = set(govsim.KPI_DESCRIPTIONS)
    assert set(spec.kpis) <= known
    # every scenario composes and validates (the model's own checks)
    for sc in spec.scenarios:
        govsim.load_scenario([*smoke.base, *sc.overrides])


def _run_cli(name: str, out: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        govsim_main([f"experiment={name}", "experiment.size=smoke", f"out={out}", "--quiet"])
    assert exc.value.code == 0
    for f in ("summary.csv", "comparison.csv", "manifest.json", "report.html"):
        assert (out / f).is_file(), f
    spec = load_spec(name)
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["scenario"]) == set(spec.scenario_names)
    assert summary["replication"].nunique() == spec.sized("smoke").replications
    comparison = pd.read_csv(out / "comparison.csv")
    assert set(spec.kpis) <= set(comparison["kpi"])


@pytest.mark.slow  # 5-15 s each; test_experiment_runner covers the CLI on a fake model
@pytest.mark.parametrize("name", RUNNABLE)
def test_smoke_run_through_cli(name: str, tmp_path: Path) -> None:
    _run_cli(name, tmp_path / name)
