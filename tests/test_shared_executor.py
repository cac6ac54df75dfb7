"""SharedExecutor: one executor for many batches, started lazily, closed once (also on errors).

The optimisation test counts the executors opened while a whole ``kind: optimise``
search, certification and final table run: one, where each candidate used to open its own.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from govsim.experiment import run_experiment, runner, shared_executor
from govsim.experiment.optimisation import OptimiseResult
from govsim.experiment.shared_executor import SharedExecutor
from govsim.processes import pid_running
from tests.optimise_fakes import lever_load, lever_simulate, lever_spec


def _pid(_: object) -> int:
    return os.getpid()


def test_starts_at_the_first_nonempty_batch_and_only_once():
    with SharedExecutor("serial") as ex:
        assert list(ex(_pid, [])) == [] and ex.started == 0
        assert list(ex(lambda t: t * 2, [1, 2])) == [2, 4]
        assert list(ex(lambda t: t + 1, [3])) == [4]
        assert ex.started == 1
    with pytest.raises(RuntimeError, match="closed"):
        ex(_pid, [1])


def test_worker_processes_are_reused_and_stopped_when_the_block_fails():
    with pytest.raises(ZeroDivisionError), SharedExecutor("processes", workers=1) as ex:
        first = set(ex(_pid, [0, 1]))
        second = set(ex(_pid, [2]))
        assert first == second and len(first) == 1 and os.getpid() not in first
        1 / 0  # noqa: B018 - an error inside the block
    worker = first.pop()
    for _ in range(50):  # terminated: gone within a few seconds at most
        if not pid_running(worker):
            break
        time.sleep(0.1)
    assert not pid_running(worker)


def test_an_optimisation_opens_one_executor_for_all_its_candidates(tmp_path: Path, monkeypatch):
    opened: list[str] = []

    def counting(make: Any) -> Any:
        def wrapped(name: str, *args: Any, **kwargs: Any) -> Any:
            opened.append(name)
            return make(name, *args, **kwargs)
        return wrapped

    monkeypatch.setattr(runner, "make_executor", counting(runner.make_executor))
    monkeypatch.setattr(shared_executor, "make_executor", counting(shared_executor.make_executor))
    res = run_experiment(lever_spec(trials=4, replications=2), executor="processes", workers=1,
                         out_dir=tmp_path / "o", progress=False, simulate=lever_simulate,
                         load=lever_load)
    assert isinstance(res, OptimiseResult) and len(res.trials) == 4 and res.runs_run > 0
    assert opened == ["processes"]
