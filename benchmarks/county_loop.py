"""Run the event loop of one county for a few days: the unit the cache measurements difference.

Prints the residents, the horizon, the requests that arose in it, time per request and the
events still pending. Under ``valgrind --tool=cachegrind`` run it at two horizons (30 and
60 days) and take the difference of the counters, so that imports and building the world
drop out and what is left is the cost of the requests of days 30-60 (see benchmarks/README.md,
"Time per request").

    /work/venv/bin/python benchmarks/county_loop.py 400000 60
    /work/venv/bin/python benchmarks/county_loop.py 400000 365 --gc off   # collector off

``--gc``: ``raised`` is govsim's own setting for the event loop, ``off`` disables the
cyclic collector for the run, ``default`` keeps Python's thresholds.
"""

from __future__ import annotations

import argparse
import gc
import time


def main() -> None:
    """Build the county (townships of about 20,000, as in the scaling series) and run it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("residents", type=int)
    ap.add_argument("days", type=float)
    ap.add_argument("--gc", choices=("raised", "off", "default"), default="raised",
                    help="the cyclic collector during the run (default: govsim's raised threshold)")
    args = ap.parse_args()

    from run import scaling_overrides  # the scaling series' county of this size

    import govsim
    from govsim.model.calendar import DAY
    from govsim.model.engine import start
    from govsim.model.plan import plan_run
    from govsim.model.state import new_context
    from govsim.run import _rare_gc

    scenario = govsim.load_scenario([*scaling_overrides(args.residents), f"run.horizon_days={args.days:g}"])
    plan = plan_run(scenario, 1)
    c = new_context(plan)
    t0 = time.perf_counter()
    start(c)
    if args.gc == "raised":
        with _rare_gc():
            c.env.run(until=plan.horizon)
    else:
        if args.gc == "off":
            gc.disable()
        c.env.run(until=plan.horizon)
        gc.enable()
    wall = time.perf_counter() - t0
    n = int((plan.needs.time < args.days * DAY).sum())
    print(f"{args.residents} residents, {args.days:g} days, gc {args.gc}: {n} requests, "
          f"{wall / max(n, 1) * 1e6:.1f} us/request, {len(c.env._queue)} events pending")


if __name__ == "__main__":
    main()
