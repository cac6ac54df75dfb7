"""Run one measured benchmark case in this (fresh) process and print its result as JSON.

`run.py` starts one subprocess per case and repetition so that peak memory is per case.
Only the simulation is timed: imports, config composition and result summaries are not.
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


def measured(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Call `fn` once; return its value and wall time, baseline RSS and peak RSS (MiB)."""
    base = (_status_kib("VmRSS") or 0.0) / 1024.0
    reset_ok = _reset_peak_rss()
    t0 = time.perf_counter()
    value = fn()
    wall = time.perf_counter() - t0
    peak = _peak_rss_mib(reset_ok)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return value, {
        "wall_s": wall,
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
    return {**m, "n": len(waits), **wait_stats(waits)}


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
    result, m = measured(lambda: simulate(scenario, int(case["seed"])))
    requests = result.requests
    out: dict[str, Any] = {**m, "n": len(requests), "compose_s": compose}
    out["govsim_wall_s"] = float(getattr(result, "wall_seconds", math.nan))
    if case.get("waits"):
        col = _wait_column(list(requests.columns))
        if col is not None:
            out.update(wait_stats(requests[col].to_numpy(dtype=float)))
            out["wait_column"] = col
    return out


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
}


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    # The benchmark helpers, then the repository's own govsim (whether or not it is installed).
    sys.path[:0] = [str(here), str(here.parent)]
    case = json.loads(argv[1])
    try:
        out = KINDS[case["kind"]](case)
    except Exception as exc:
        traceback.print_exc()
        print(MARKER + json.dumps({"error": f"{type(exc).__name__}: {exc}"[:400]}), flush=True)
        return 1
    out["pid"] = os.getpid()
    print(MARKER + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
