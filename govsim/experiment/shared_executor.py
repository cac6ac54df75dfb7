"""One executor kept open across many batches of runs (e.g. every candidate of an optimisation).

:func:`~govsim.experiment.runner.run_scenarios` opens an executor per call, which is
right for one experiment but not for a design that calls it once per candidate: on
the ``dask`` executor each call would start (and stop) a local cluster. A
:class:`SharedExecutor` is passed to every such call instead (``mapper=``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from types import TracebackType
from typing import Any

from govsim.experiment.executors import MapFn, check_executor, make_executor

__all__ = ["SharedExecutor"]


class SharedExecutor:
    """One executor serving many batches (e.g. every candidate of an optimisation).

    Call it as a :data:`MapFn`. The executor (worker processes, or a local Dask cluster
    or a client of a remote one) starts at the first non-empty batch, not before, and
    is closed once, when the ``with`` block ends, whether it ends normally, on an
    error or on Ctrl-C (the executor's own clean-up runs with that exception).
    """

    def __init__(self, name: str, workers: int | None = None, address: str | None = None,
                 *, oversubscribe: bool = False) -> None:
        check_executor(name, workers, address, oversubscribe=oversubscribe)
        self.name, self.workers, self.address = name, workers, address
        self.oversubscribe = oversubscribe
        self.started = 0  # how many times an executor was started (at most once)
        self._stack = ExitStack()
        self._map: MapFn | None = None
        self._closed = False

    def __call__(self, fn: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        if self._closed:
            raise RuntimeError("this SharedExecutor is closed")
        if not tasks:
            return iter(())
        if self._map is None:
            self._map = self._stack.enter_context(make_executor(
                self.name, self.workers, self.address, oversubscribe=self.oversubscribe))
            self.started += 1
        return self._map(fn, tasks)

    def __enter__(self) -> SharedExecutor:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._map, self._closed = None, True
        self._stack.__exit__(kind, exc, tb)  # our executors never swallow an exception
