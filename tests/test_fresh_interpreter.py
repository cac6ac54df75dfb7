"""Shipped experiments run in a fresh interpreter (no module imported first by accident).

The model once added its risk KPI names to ``KPI_DESCRIPTIONS`` when
govsim.model.risk was imported; only the CLI imported it early enough, so
``run_experiment("e7_openness_security")`` failed in a plain Python process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXPERIMENTS = sorted(p.stem for p in (Path(__file__).parents[1] / "experiments").glob("e*.yaml"))

_SCRIPT = """
import sys
import govsim
res = govsim.run_experiment(sys.argv[1], size="smoke", out_dir=sys.argv[2], progress=False)
print("OK", type(res).__name__)
"""


def _run_fresh(name: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _SCRIPT, name, str(out)],
                          capture_output=True, text=True, timeout=600, check=False)


def test_e7_runs_in_a_fresh_interpreter(tmp_path: Path) -> None:
    proc = _run_fresh("e7_openness_security", tmp_path / "e7")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "OK" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_shipped_experiment_runs_in_a_fresh_interpreter(name: str, tmp_path: Path) -> None:
    proc = _run_fresh(name, tmp_path / name)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "OK" in proc.stdout
