"""The discover and sobol kinds end to end: shipped e11/e12 at smoke size from the CLI in a
subprocess, and both kinds on a local Dask cluster (all slow)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from govsim.experiment import load_spec, run_experiment
from tests import test_experiment_discover as disc
from tests import test_experiment_sobol as sob
from tests.fakes_decide import decide_load, decide_simulate

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("name", "table"), [("e11_discover_digital_only", "discover.csv"),
                                             ("e12_sobol", "sobol.csv")])
def test_shipped_smoke_size_runs_from_the_cli(name: str, table: str, tmp_path: Path) -> None:
    out = tmp_path / name
    proc = subprocess.run([sys.executable, "-m", "govsim", f"experiment={name}",
                           "experiment.size=smoke", f"out={out}", "--quiet"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (out / table).is_file() and (out / "report.html").is_file()
    assert (out / "report.zh.html").is_file()
    from govsim.report.artefacts import text_problems

    assert text_problems((out / "report.html").read_text(encoding="utf-8"), "report") == []
    spec = load_spec(name).sized("smoke")
    summary = pd.read_csv(out / "summary.csv")
    runs = summary[["scenario", "replication"]].drop_duplicates()
    points = spec.discover.points * len(spec.discover.policies) if spec.discover else \
        spec.sobol.points  # type: ignore[union-attr]
    assert len(runs) == points * spec.replications


def test_both_kinds_run_on_a_local_dask_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    spec = copy.deepcopy(disc.SPEC)
    spec["discover"]["points"] = 16
    kw = {"progress": False, "simulate": decide_simulate, "load": decide_load}
    serial = run_experiment(spec, out_dir=tmp_path / "ds", **kw)
    dask = run_experiment(spec, out_dir=tmp_path / "dd", executor="dask", workers=2, **kw)
    pd.testing.assert_frame_equal(serial.discovery, dask.discovery)
    spec = copy.deepcopy(sob.SPEC)
    spec["sobol"]["n_base"] = 8
    serial = run_experiment(spec, out_dir=tmp_path / "ss", **kw)
    dask = run_experiment(spec, out_dir=tmp_path / "sd", executor="dask", workers=2, **kw)
    pd.testing.assert_frame_equal(serial.indices, dask.indices)
