"""Killing an experiment part-way and rerunning it completes it without redoing runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from test_experiment_fakes import fake_load, fake_simulate, fake_spec

from govsim.experiment import run_experiment

SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_experiment_fakes import fake_load, fake_simulate, fake_spec
from govsim.experiment import run_experiment
spec = fake_spec(replications=6, base=["sleep=0.1"])
run_experiment(spec, out_dir={out!r}, simulate=fake_simulate, load=fake_load, progress=False)
"""


def stored(out: Path) -> int:
    return len(list((out / "runs").glob("*/meta.json"))) if (out / "runs").is_dir() else 0


def test_sigkill_then_rerun_resumes(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    code = SCRIPT.format(tests=str(Path(__file__).parent), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while stored(out) < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = stored(out)
    assert 4 <= done_before < 18, "the experiment should have been killed part-way"
    # a torn write from the killed process: a temp file in a run directory without meta.json
    torn = out / "runs" / "0123456789abcdef"
    torn.mkdir(parents=True, exist_ok=True)
    (torn / f"requests.parquet.tmp{proc.pid}").write_bytes(b"half a file")  # the killed writer

    spec = fake_spec(replications=6, base=["sleep=0.1"])
    res = run_experiment(spec, out_dir=out, simulate=fake_simulate, load=fake_load,
                         progress=False)
    assert res.runs_skipped == done_before
    assert res.runs_run == 18 - done_before
    assert not list(out.rglob("*.tmp*"))
    clean = run_experiment(fake_spec(replications=6), out_dir=tmp_path / "clean", simulate=fake_simulate,
                           load=fake_load, progress=False)
    pd.testing.assert_frame_equal(res.summary, clean.summary)
