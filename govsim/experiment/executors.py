"""Executors: run independent tasks in process, on local processes or on a Dask cluster.

Every executor yields results in completion order; the runner sorts them. Local
worker processes ignore SIGINT: Ctrl-C reaches the parent, which stops them. With
the ``dask`` executor and a remote ``address``, ``out_dir`` must be on a file
system the workers share.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from govsim.errors import ScenarioError

__all__ = ["EXECUTORS", "MapFn", "check_executor", "make_executor"]

EXECUTORS = ("serial", "processes", "dask")

T = TypeVar("T")
R = TypeVar("R")
# What a worker imports to run a task (a fork server preloads them).
_WORKER_MODULES = ("govsim.experiment.tasks", "govsim.run")
MapFn = Callable[[Callable[[Any], Any], list[Any]], Iterator[Any]]


def check_executor(name: str, workers: int | None = None, address: str | None = None) -> None:
    """Raise :class:`ScenarioError` for an unknown executor or bad options."""
    if name not in EXECUTORS:
        raise ScenarioError("executor", name, f"must be one of {list(EXECUTORS)}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise ScenarioError("executor.workers", workers, "must be an integer >= 1")
    if address is not None and name != "dask":
        raise ScenarioError("executor.address", address, "is only used with executor=dask")


def _serial(fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
    for task in tasks:
        yield fn(task)


def _worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: fork if that is safe, else a fork server, else spawn.

    A forked worker inherits the parent's imported modules, so it starts in milliseconds
    rather than importing numpy, pandas and the model (about 0.5 s a worker, 10 % of an
    8-run township experiment on 2 cores). Forking is safe only from a single-threaded
    parent on Linux; otherwise (a notebook, a threaded host, macOS) a fork server is used
    and it preloads the worker's modules once (``_WORKER_MODULES``).
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", *_WORKER_MODULES])
    return ctx


@contextmanager
def _processes(workers: int | None) -> Iterator[MapFn]:
    ctx = _worker_context()
    pool = ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=ctx,
                               initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))

    def run(fn: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        futures = [pool.submit(fn, t) for t in tasks]
        for fut in as_completed(futures):
            yield fut.result()

    try:
        if ctx.get_start_method() == "fork":
            # The first task forks every worker, now, while this process still has one
            # thread: the progress bar's monitor thread starts later.
            pool.submit(os.getpid).result()
        yield run
    except BaseException:  # e.g. Ctrl-C: stop now; stored runs are complete, temp files cleaned
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.terminate()
        raise
    pool.shutdown(wait=True)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _dask(workers: int | None, address: str | None) -> Iterator[MapFn]:
    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    if address:
        client = Client(address)
    else:
        with _sigint_ignored():  # worker processes inherit it: Ctrl-C reaches only the parent
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                   threads_per_worker=1, processes=True, dashboard_address=None,
                                   host="127.0.0.1", silence_logs=logging.ERROR)
        client = Client(cluster)

    def run(fn: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        futures = client.map(fn, tasks, pure=False)
        try:
            for fut in dask_completed(futures):
                yield fut.result()
        finally:
            client.cancel([f for f in futures if not f.done()])

    try:
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def make_executor(name: str, workers: int | None = None,
                  address: str | None = None) -> AbstractContextManager[MapFn]:
    """A context manager giving ``map(fn, tasks) -> iterator of results`` (any order)."""
    check_executor(name, workers, address)
    if name == "processes":
        return _processes(workers)
    if name == "dask":
        return _dask(workers, address)

    @contextmanager
    def serial() -> Iterator[MapFn]:
        yield _serial

    return serial()
