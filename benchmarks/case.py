"""Run one measured benchmark case in this (fresh) process and print its result as JSON.

`run.py` starts one subprocess per case and repetition so that peak memory is per case.
Only the simulation is timed: imports, config composition and result summaries are not.
A case with `"root": "<checkout>"` imports govsim from that checkout (A/B against another
commit with the same dependencies); otherwise from this repository.
Every SimPy environment the case creates is counted, so `events` is the number of SimPy
events scheduled (`Environment._eid`), read after the run: it costs nothing while timing.
Usage: python benchmarks/case.py '<json case>'  (see `run.py` for the case kinds).
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_STARTED = time.time()
MARKER = "BENCH_RESULT "
MIB = 1024.0 * 1024.0


def _status_kib(field: str) -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) so the peak covers only the simulation."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mib(reset_ok: bool) -> float:
    hwm = _status_kib("VmHWM") if reset_ok else None
    if hwm is None:
        hwm = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return hwm / 1024.0


_ENVS: list[Any] = []


def _count_environments() -> None:
    """Remember every SimPy environment created from now on (to read its event count later)."""
    import simpy

    init = simpy.Environment.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        _ENVS.append(self)

    simpy.Environment.__init__ = counted  # type: ignore[method-assign]


def events_scheduled() -> int:
    """SimPy events scheduled so far by the environments of this case."""
    return sum(next(env._eid) for env in _ENVS)


def measured(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Call `fn` once; return its value, wall and CPU time, baseline RSS and peak RSS (MiB)."""
    base = (_status_kib("VmRSS") or 0.0) / 1024.0
    reset_ok = _reset_peak_rss()
    c0 = time.process_time()
    t0 = time.perf_counter()
    value = fn()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak = _peak_rss_mib(reset_ok)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return value, {
        "wall_s": wall,
        "cpu_s": cpu,
        "base_rss_mib": base,
        "peak_rss_mib": peak,
        "sim_rss_mib": max(peak - base, 0.0),
        "child_peak_rss_mib": children,
    }


def wait_stats(waits: Sequence[float], batches: int = 30) -> dict[str, float]:
    """Mean wait and its standard error by batch means (waits are autocorrelated)."""
    import numpy as np

    arr = np.asarray(waits, dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size < batches * 10:
        return {"mean_wait": float(arr.mean()) if arr.size else math.nan, "wait_se": math.nan}
    means = np.array([b.mean() for b in np.array_split(arr, batches)])
    return {
        "mean_wait": float(arr.mean()),
        "wait_se": float(means.std(ddof=1) / math.sqrt(batches)),
    }


def _mmc_args(case: dict[str, Any]) -> tuple[int, float, float, int, int]:
    return (
        int(case["servers"]),
        float(case["arrivals_per_hour"]),
        float(case["mean_service"]),
        int(case["customers"]),
        int(case["seed"]),
    )


def run_plain(case: dict[str, Any]) -> dict[str, Any]:
    import plain_simpy_mmc

    waits, m = measured(lambda: plain_simpy_mmc.simulate(*_mmc_args(case)))
    return {**m, "n": len(waits), "events": events_scheduled(), **wait_stats(waits)}


def run_ciw(case: dict[str, Any]) -> dict[str, Any]:
    import ciw_mmc

    waits, m = measured(lambda: ciw_mmc.simulate(*_mmc_args(case)))
    return {**m, "n": len(waits), **wait_stats(waits)}


WAIT_COLUMNS = ("window_wait_minutes", "window_wait_min", "wait_minutes", "window_wait")


def _wait_column(columns: Sequence[str]) -> str | None:
    for name in WAIT_COLUMNS:
        if name in columns:
            return name
    found = [c for c in columns if "wait" in c.lower()]
    return found[0] if found else None


def run_govsim(case: dict[str, Any]) -> dict[str, Any]:
    import govsim

    t0 = time.perf_counter()
    scenario = govsim.load_scenario(list(case["overrides"]))
    compose = time.perf_counter() - t0
    simulate = govsim.simulate  # resolved (imported) before the clock starts
    pending = _watch_pending() if case.get("pending") else None
    result, m = measured(lambda: simulate(scenario, int(case["seed"])))
    requests = result.requests
    out: dict[str, Any] = {**m, "n": len(requests), "compose_s": compose, "events": events_scheduled()}
    if pending:
        out["pending_mean"] = sum(pending) / len(pending)
    out["govsim_wall_s"] = float(getattr(result, "wall_seconds", math.nan))
    if case.get("waits"):
        col = _wait_column(list(requests.columns))
        if col is not None:
            out.update(wait_stats(requests[col].to_numpy(dtype=float)))
            out["wait_column"] = col
    return out


def _watch_pending() -> list[int] | None:
    """Run the horizon in 30-day steps and note the pending SimPy events after each (in flight).

    A measurement of the live state a county keeps (each request in flight holds
    a pending event); 13 extra `run` calls a year, nothing else changes.
    """
    import govsim.run as gr

    loop = getattr(gr, "_run_loop", None)
    if loop is None:
        return None
    seen: list[int] = []

    def stepped(c: Any, progress: bool) -> None:
        horizon = c.plan.scenario.run.horizon_days
        day = 0.0
        while day < horizon:
            day = min(day + 30.0, horizon)
            c.env.run(until=day * 1440.0)
            seen.append(len(c.env._queue))

    gr._run_loop = stepped
    return seen


def run_cli(case: dict[str, Any]) -> dict[str, Any]:
    """The `govsim` command's default run, in this process: CPU outside the simulation.

    `os.times()` covers the whole process (interpreter start, imports, Hydra
    composition, the run, writing the run directory, the table); the simulation's
    own CPU time (`govsim.run.simulate`) is subtracted.
    """
    import shutil

    import govsim.run as gr

    out_dir = Path(case["out_dir"])
    shutil.rmtree(out_dir, ignore_errors=True)
    inner = gr.simulate
    spent: dict[str, float] = {}

    def timed(*args: Any, **kwargs: Any) -> Any:
        c0, t0 = time.process_time(), time.perf_counter()
        value = inner(*args, **kwargs)
        spent["cpu"], spent["wall"] = time.process_time() - c0, time.perf_counter() - t0
        return value

    gr.simulate = timed
    from govsim.cli import main as cli_main

    saved = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the KPI table is not the point here
    try:
        cli_main([*case.get("overrides", []), f"hydra.run.dir={out_dir}"])
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise RuntimeError(f"govsim exited with {exc.code}") from None
    finally:
        sys.stdout.close()
        sys.stdout = saved
    t = os.times()
    total = t.user + t.system
    wall = time.time() - _STARTED
    shutil.rmtree(out_dir, ignore_errors=True)
    return {
        "wall_s": wall, "cpu_s": total, "sim_cpu_s": spent["cpu"], "sim_wall_s": spent["wall"],
        "overhead_cpu_s": total - spent["cpu"], "overhead_wall_s": wall - spent["wall"],
        "peak_rss_mib": _peak_rss_mib(False), "sim_rss_mib": 0.0, "n": 1,
    }


def run_experiment_case(case: dict[str, Any]) -> dict[str, Any]:
    import experiment_adapter

    spec = experiment_adapter.build_spec(case)
    out_dir = Path(case["out_dir"])
    n, m = measured(
        lambda: experiment_adapter.run(spec, case["executor"], out_dir, int(case["workers"]))
    )
    return {**m, "n": n}


KINDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "plain_mmc": run_plain,
    "ciw_mmc": run_ciw,
    "govsim": run_govsim,
    "experiment": run_experiment_case,
    "cli": run_cli,
}


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    case = json.loads(argv[1])
    # The benchmark helpers, then govsim from the case's checkout (whether or not it is installed).
    root = Path(case.get("root") or here.parent).resolve()
    sys.path[:0] = [str(here), str(root)]
    try:
        _count_environments()
        out = KINDS[case["kind"]](case)
        if case["kind"] in ("govsim", "cli"):
            import govsim

            out["govsim_from"] = str(Path(govsim.__file__).resolve().parent.parent)
    except Exception as exc:
        traceback.print_exc()
        print(MARKER + json.dumps({"error": f"{type(exc).__name__}: {exc}"[:400]}), flush=True)
        return 1
    out["pid"] = os.getpid()
    print(MARKER + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
