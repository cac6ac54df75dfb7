"""Interrupted experiments resume without loss; results do not depend on hash seeds or executors.

Real model (the M/M/c preset, short horizons), real CLI, real signals.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

import govsim

ARGS = ["experiment=example_pairs", "experiment.size=smoke", "experiment.replications=8",
        "scenario=mmc", "run.horizon_days=150", "--quiet"]


def _cmd(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "govsim", *ARGS, f"out={out}", *extra]


def _stored(out: Path) -> dict[str, float]:
    """meta.json modification times of the stored runs (a run stored twice would change)."""
    return {p.parent.name: p.stat().st_mtime_ns for p in (out / "runs").glob("*/meta.json")} \
        if (out / "runs").is_dir() else {}


def _interrupt_at_random(out: Path, sig: int, rng: random.Random, *extra: str) -> tuple[int, str]:
    proc = subprocess.Popen(_cmd(out, *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    before = len(_stored(out))
    deadline = time.monotonic() + 120
    target = before + rng.randint(1, 3)
    while len(_stored(out)) < target and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(rng.uniform(0.0, 0.3))   # somewhere inside the next run
    if proc.poll() is None:
        os.killpg(proc.pid, sig)        # the whole group, as a terminal's Ctrl-C would
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.slow  # 5 CLI runs killed at random moments and a clean one: 45-160 s each, busy machine
@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_kill_and_interrupt_then_resume_equals_an_uninterrupted_run(tmp_path, executor):
    rng = random.Random(7)
    out = tmp_path / "interrupted"
    seen: dict[str, float] = {}
    interrupted = 0
    for sig in (signal.SIGKILL, signal.SIGINT, signal.SIGKILL, signal.SIGINT):
        code, err = _interrupt_at_random(out, sig, rng, f"executor={executor}")
        if sig == signal.SIGINT:
            assert code == 130, (code, err)
            assert "resume" in err.lower() and "Traceback" not in err
        interrupted += code != 0
        now = _stored(out)
        assert all(now[k] == t for k, t in seen.items()), "a stored run was written again"
        seen = now
        assert not list(out.rglob("*.tmp*")) or sig == signal.SIGKILL
    done = subprocess.run(_cmd(out, f"executor={executor}"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert all(_stored(out)[k] == t for k, t in seen.items())
    assert len(_stored(out)) == 16 and not list(out.rglob("*.tmp*"))
    clean = tmp_path / "clean"
    assert subprocess.run(_cmd(clean), capture_output=True, timeout=300).returncode == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "summary.parquet"),
                                  pd.read_parquet(clean / "summary.parquet"))
    assert interrupted == 4, "every cycle should have been cut short"


@pytest.mark.slow  # two 16-run experiments through the CLI
def test_results_do_not_depend_on_the_hash_seed(tmp_path):
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        p = subprocess.run(_cmd(out), capture_output=True, text=True, timeout=300, env=env)
        assert p.returncode == 0, p.stderr
        outs.append((out / "summary.csv").read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.slow
def test_ten_year_soak_keeps_memory_to_the_records():
    """Memory per request of a 10-year run is no larger than of a 2-year run (25% slack)."""
    per_request = []
    for years in (2, 10):
        sc = govsim.load_scenario([f"run.horizon_days={365 * years}"])
        tracemalloc.start()
        r = govsim.simulate(sc, seed=1)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        per_request.append(peak / len(r.requests))
    assert per_request[1] <= 1.25 * per_request[0], per_request
