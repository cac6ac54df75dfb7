"""A real Dask scheduler and workers on 127.0.0.1 (subprocesses): failures end in one line.

A wrong address is one line; a worker killed mid-run loses nothing (the result equals
a serial run); a cluster whose workers are all gone ends with ExecutorError in
bounded time instead of hanging.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_experiment_fakes import fake_load, fake_simulate, fake_spec

from govsim.errors import ExecutorError, ScenarioError
from govsim.experiment import executors
from govsim.experiment.runner import run_experiment

pytest.importorskip("distributed")
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:notaport", "127.0.0.1:8786", "tcp://:8786",
                                     "tcp://127.0.0.1:99999", "http://127.0.0.1:8786", ""])
def test_malformed_address_is_one_line(address):
    with pytest.raises(ScenarioError) as exc:
        run_experiment(fake_spec(1), executor="dask", address=address, simulate=fake_simulate,
                       load=fake_load, progress=False, out_dir="unused")
    assert str(exc.value).startswith("executor.address") and "\n" not in str(exc.value)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_nothing_listening_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "CONNECT_SECONDS", 1.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    with pytest.raises(ScenarioError) as exc:
        run_experiment(fake_spec(1), executor="dask", address=address, simulate=fake_simulate,
                       load=fake_load, progress=False, out_dir=tmp_path / "out")
    assert time.monotonic() - start < 20
    msg = str(exc.value)
    assert msg.startswith("executor.address") and "could not connect" in msg and "\n" not in msg
    assert not (tmp_path / "out").exists()


class Cluster:
    """A scheduler and ``n`` single-threaded workers as subprocesses."""

    def __init__(self, n: int, tmp: Path) -> None:
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                                            os.environ.get("PYTHONPATH", "")])}
        log = open(tmp / "dask.log", "w")  # noqa: SIM115 - closed in stop()
        self.log = log
        self.scheduler = subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-dashboard"], env=env, stdout=log, stderr=log)
        self.workers = [subprocess.Popen(
            [str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-nanny",
             "--no-dashboard", "--name", f"w{i}"], env=env, stdout=log, stderr=log)
            for i in range(n)]
        from distributed import Client

        with Client(self.address, timeout=60) as c:
            c.wait_for_workers(n, timeout=60)

    def stop(self) -> None:
        for p in [*self.workers, self.scheduler]:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=30)
        self.log.close()


@pytest.fixture
def cluster2(tmp_path: Path) -> Iterator[Cluster]:
    c = Cluster(2, tmp_path)
    yield c
    c.stop()


def _kill_after(out: Path, runs: int, proc: subprocess.Popen[bytes]) -> threading.Thread:
    def kill() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (out / "runs").is_dir() and len(list((out / "runs").glob("*/meta.json"))) >= runs:
                break
            time.sleep(0.02)
        proc.kill()

    t = threading.Thread(target=kill, daemon=True)
    t.start()
    return t


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_nothing(cluster2, tmp_path):
    out = tmp_path / "dask"
    spec = fake_spec(4, base=["sleep=0.3"])
    killer = _kill_after(out, 2, cluster2.workers[0])
    res = run_experiment(spec, executor="dask", address=cluster2.address, out_dir=out,
                         simulate=fake_simulate, load=fake_load, progress=False)
    killer.join()
    assert cluster2.workers[0].poll() is not None, "the worker was not killed mid-run"
    serial = run_experiment(fake_spec(4), out_dir=tmp_path / "serial", simulate=fake_simulate,
                            load=fake_load, progress=False)
    pd.testing.assert_frame_equal(res.summary, serial.summary)
    assert res.runs_run + res.runs_skipped == 12   # a result lost with its worker is reused from the store


@pytest.mark.slow
def test_no_workers_left_ends_in_bounded_time(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "NO_WORKERS_SECONDS", 3.0)
    c = Cluster(1, tmp_path)
    try:
        out = tmp_path / "dask"
        killer = _kill_after(out, 1, c.workers[0])
        start = time.monotonic()
        with pytest.raises(ExecutorError) as exc:
            run_experiment(fake_spec(4, base=["sleep=0.3"]), executor="dask", address=c.address,
                           out_dir=out, simulate=fake_simulate, load=fake_load, progress=False)
        killer.join()
        assert time.monotonic() - start < 60
        assert "no Dask workers" in str(exc.value) and "\n" not in str(exc.value)
    finally:
        c.stop()


@pytest.mark.slow
def test_a_lost_scheduler_ends_in_bounded_time(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "NO_WORKERS_SECONDS", 3.0)
    c = Cluster(1, tmp_path)
    try:
        out = tmp_path / "dask"
        killer = _kill_after(out, 1, c.scheduler)
        start = time.monotonic()
        with pytest.raises(ExecutorError) as exc:
            run_experiment(fake_spec(4, base=["sleep=0.3"]), executor="dask", address=c.address,
                           out_dir=out, simulate=fake_simulate, load=fake_load, progress=False)
        killer.join()
        assert time.monotonic() - start < 90
        assert "Dask" in str(exc.value) and "\n" not in str(exc.value)
    finally:
        c.stop()
