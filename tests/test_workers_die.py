"""Worker processes die with their parent; signals stop an experiment cleanly and it resumes.

A parent holding a processes pool is killed with SIGKILL, SIGTERM and SIGINT: no
worker may outlive it. The slow test kills the ``govsim`` command over and over
part-way through an experiment (SIGKILL, SIGTERM, SIGINT in turn), checks that no
worker survives each kill and that SIGTERM/SIGINT exit 143/130 with a resume
message, and that the finished experiment equals an uninterrupted serial one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

POOL = """
import os, sys, time
sys.path.insert(0, {here!r})
from test_workers_die import worker_pid
from govsim.experiment.executors import make_executor
with make_executor("processes", 2) as run:
    pids = set(run(worker_pid, [0.3] * 6))
    print(" ".join(map(str, sorted(pids))), flush=True)
    list(run(worker_pid, [60.0] * 2))   # busy workers when the parent is killed
"""


def worker_pid(sleep: float) -> int:
    """A task: sleep, return the worker's pid."""
    time.sleep(sleep)
    return os.getpid()


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return "\nState:\tZ" not in f.read()
    except OSError:
        return False


def wait_gone(pids: list[int], seconds: float = 5.0) -> list[int]:
    """The pids still alive after waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def descendants(pid: int) -> list[int]:
    """All processes below ``pid`` (Linux /proc)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")


@pytest.mark.parametrize("sig", [signal.SIGKILL, pytest.param(signal.SIGTERM, marks=pytest.mark.slow),
                                 pytest.param(signal.SIGINT, marks=pytest.mark.slow)])
def test_no_worker_outlives_its_parent(sig):
    code = POOL.format(here=str(Path(__file__).parent))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids and all(alive(p) for p in pids)
    time.sleep(0.3)
    proc.send_signal(sig)
    proc.wait(timeout=30)
    assert wait_gone(pids) == [], f"workers outlived their parent after signal {sig}"


# ---------------------------------------------------------------- the command, killed and resumed

SPEC = """question: kill cycles
base: [run.horizon_days=20, population.residents_per_township=3000]
scenarios:
  - {name: siloed, overrides: []}
  - {name: shared, overrides: [governance=shared_data]}
replications: 8
base_seed: 5
kpis: [trips_mean]
"""


def _stored(out: Path) -> int:
    return len(list((out / "runs").glob("*/meta.json"))) if (out / "runs").is_dir() else 0


@pytest.mark.slow
def test_kill_cycles_lose_nothing_and_leave_no_orphan(tmp_path):
    spec = tmp_path / "kills.yaml"
    spec.write_text(SPEC, "utf-8")
    out = tmp_path / "exp"
    cmd = [sys.executable, "-m", "govsim", f"experiment={spec}", f"out={out}", "executor=processes",
           "executor.workers=2", "--quiet", "--no-report"]
    cycles = 0
    for sig in [signal.SIGKILL, signal.SIGTERM, signal.SIGINT] * 2:
        before = _stored(out)
        if before >= 14:
            break
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while _stored(out) < before + 2 and proc.poll() is None and time.monotonic() < deadline:
            workers |= set(descendants(proc.pid))
            time.sleep(0.05)
        workers |= set(descendants(proc.pid))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        assert wait_gone(sorted(workers)) == [], f"orphans after {sig!r}"
        if sig != signal.SIGKILL:
            assert proc.returncode == (143 if sig == signal.SIGTERM else 130), err
            assert "Rerun the same command to resume" in err and "Traceback" not in err
        cycles += 1
    final = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    assert not list(out.rglob("*.tmp*")) and not list((out / "runs").glob("*.claim"))
    from govsim.experiment.runner import run_experiment

    serial = run_experiment(str(spec), out_dir=tmp_path / "serial", progress=False)
    got = pd.read_parquet(out / "summary.parquet")
    pd.testing.assert_frame_equal(got, serial.summary)
    assert cycles >= 3
    print(f"kill cycles: {cycles}, runs stored: {_stored(out)}")
