"""Executors: run independent tasks in process, on local processes or on a Dask cluster.

Every executor yields results in completion order; the runner sorts them. Local
worker processes ignore SIGINT: Ctrl-C reaches the parent, which stops them. They
also die with their parent, whatever ends it (SIGKILL included): on Linux the
kernel sends them SIGKILL when the parent dies (``PR_SET_PDEATHSIG``), and
everywhere a watchdog thread exits when the parent process is gone. With
the ``dask`` executor and a remote ``address``, ``out_dir`` must be on a file
system the workers share; a wrong address, a lost scheduler or a cluster with no
workers left ends the run with one line (:class:`~govsim.errors.ExecutorError`)
within :data:`NO_WORKERS_SECONDS`, never a hang.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from govsim.errors import ExecutorError, ScenarioError
from govsim.processes import pid_running

__all__ = ["EXECUTORS", "MapFn", "check_address", "check_executor", "cores", "make_executor"]

EXECUTORS = ("serial", "processes", "dask")

T = TypeVar("T")
R = TypeVar("R")
# What a worker imports to run a task (a fork server preloads them).
_WORKER_MODULES = ("govsim.experiment.tasks", "govsim.run")
MapFn = Callable[[Callable[[Any], Any], list[Any]], Iterator[Any]]


def cores() -> int:
    """CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def check_executor(name: str, workers: int | None = None, address: str | None = None,
                   *, oversubscribe: bool = False) -> None:
    """Raise :class:`ScenarioError` for an unknown executor or bad options.

    Local workers (processes, or a local Dask cluster) are capped at the cores
    available unless ``oversubscribe`` is set.
    """
    if name not in EXECUTORS:
        raise ScenarioError("executor", name, f"must be one of {list(EXECUTORS)}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise ScenarioError("executor.workers", workers, "must be an integer >= 1")
    if address is not None and name != "dask":
        raise ScenarioError("executor.address", address, "may only be given with executor=dask")
    if address is not None:
        check_address(address)
    if workers is not None and name != "serial" and address is None and workers > cores() \
            and not oversubscribe:
        raise ScenarioError("executor.workers", workers, f"must be at most {cores()} (the cores "
                            "available; executor.oversubscribe=true forces more)")


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


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Worker initializer: ignore Ctrl-C and exit as soon as the ``parent`` process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watchdog below still works
            pass

    def watch() -> None:
        while True:
            if os.getppid() != parent and not pid_running(parent):
                os._exit(1)
            time.sleep(0.5)

    if os.getppid() != parent and not pid_running(parent):  # died before prctl took effect
        os._exit(1)
    threading.Thread(target=watch, name="govsim-parent-watchdog", daemon=True).start()


@contextmanager
def _processes(workers: int | None) -> Iterator[MapFn]:
    ctx = _worker_context()
    # the parent to watch: this process (fork, spawn) or the fork server, whose workers
    # are its children and which exits when this process dies
    pool = ProcessPoolExecutor(max_workers=workers or cores(), mp_context=ctx,
                               initializer=_die_with_parent, initargs=(os.getpid(),))

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


NO_WORKERS_SECONDS = 60.0  # a Dask cluster without workers (or scheduler) this long is given up
CONNECT_SECONDS = 10.0
_ADDRESS = re.compile(r"^(tcp|tls|ws|wss|ucx)://\[?[A-Za-z0-9_.:\-]+\]?:(\d{1,5})$")


def check_address(address: str) -> None:
    """Raise :class:`ScenarioError` unless ``address`` looks like ``tcp://host:port``."""
    m = _ADDRESS.match(address) if isinstance(address, str) else None
    if m is None or not 0 < int(m.group(2)) < 65536:
        raise ScenarioError("executor.address", address,
                            "must be a Dask scheduler address like tcp://127.0.0.1:8786")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _connect(address: str) -> Any:
    from distributed import Client

    check_address(address)
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # a refused connection is reported in one line below
    try:
        return Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError("executor.address", address,
                            f"could not connect to a Dask scheduler there ({_first_line(exc)})") from None
    finally:
        logger.setLevel(level)


@contextmanager
def _dask(workers: int | None, address: str | None) -> Iterator[MapFn]:
    from distributed import Client, LocalCluster

    cluster = None
    if address:
        client = _connect(address)
    else:
        with _sigint_ignored():  # worker processes inherit it: Ctrl-C reaches only the parent
            cluster = LocalCluster(n_workers=workers or cores(),
                                   threads_per_worker=1, processes=True, dashboard_address=None,
                                   host="127.0.0.1", silence_logs=logging.ERROR)
        client = Client(cluster)

    def run(fn: Callable[[Any], Any], tasks: list[Any]) -> Iterator[Any]:
        futures = client.map(fn, tasks, pure=False)
        try:
            yield from _collect(client, futures)
        finally:
            client.cancel([f for f in futures if not f.done()])

    quiet = {name: logging.getLogger(name).level for name in ("distributed.client", "asyncio")}
    for name in quiet:  # lost workers are handled (and reported in one line) by _collect
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        yield run
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)


def _collect(client: Any, futures: list[Any]) -> Iterator[Any]:
    """Results as they finish; ExecutorError when no worker or scheduler is left for too long."""
    from distributed import wait
    from distributed.client import FutureCancelledError

    pending = set(futures)
    stalled_since: float | None = None
    while pending:
        try:
            done, pending = wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        except Exception as exc:  # e.g. every future cancelled: the scheduler connection is lost
            if type(exc).__module__.split(".")[0] != "distributed":
                raise
            raise ExecutorError(f"lost the Dask scheduler ({_first_line(exc)})") from None
        got = 0
        for fut in done:
            try:
                value = fut.result(timeout=5.0)  # a result lost with its worker is recomputed
            except TimeoutError:
                pending.add(fut)
                continue
            except FutureCancelledError as exc:
                raise ExecutorError(f"a Dask task was cancelled ({_first_line(exc)})") from None
            except Exception as exc:
                if type(exc).__module__.split(".")[0] != "distributed":
                    raise
                raise ExecutorError(f"the Dask cluster failed a run ({_first_line(exc)})") from None
            got += 1
            yield value
        if got or _workers_up(client):
            stalled_since = None
            continue
        stalled_since = stalled_since or time.monotonic()
        if time.monotonic() - stalled_since > NO_WORKERS_SECONDS:
            what = "no Dask workers" if client.status == "running" else "no Dask scheduler"
            raise ExecutorError(f"{what} for {NO_WORKERS_SECONDS:g} s with {len(pending)} "
                                "runs left")


def _workers_up(client: Any) -> bool:
    """Whether the scheduler is reachable and has at least one worker."""
    if client.status != "running":
        return False
    try:
        return bool(client.nthreads())
    except (OSError, TimeoutError):
        return False


def make_executor(name: str, workers: int | None = None, address: str | None = None,
                  *, oversubscribe: bool = False) -> AbstractContextManager[MapFn]:
    """A context manager giving ``map(fn, tasks) -> iterator of results`` (any order)."""
    check_executor(name, workers, address, oversubscribe=oversubscribe)
    if name == "processes":
        return _processes(workers)
    if name == "dask":
        return _dask(workers, address)

    @contextmanager
    def serial() -> Iterator[MapFn]:
        yield _serial

    return serial()
