"""Does time per request grow with the number of requests in flight, at a fixed county size?

The scaling target (time per request flat from 10k to 400k residents) is not met, while the
work per request is constant. This probe separates the two: it runs the same county (same
needs, same SimPy events) twice, once as is and once with every request lingering
``--linger`` days as a suspended process after its outcome is recorded, which multiplies
the requests in flight by about eight at 50k residents without adding work per request
(both variants add one timeout per request). If the lingering run is slower per request,
the cost comes from the size of the live state (memory hierarchy), not from the model.

    /work/venv/bin/python benchmarks/inflight_probe.py [--residents 50000] [--linger 60] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Generator
from typing import Any


def one_run(residents: int, linger_days: float) -> dict[str, float]:
    """Run one county year in this process; time only the event loop."""
    from run import scaling_overrides  # the scaling series' county of this size

    import govsim
    from govsim.model.calendar import DAY
    from govsim.model.engine import start
    from govsim.model.plan import plan_run
    from govsim.model.request import request_process
    from govsim.model.state import Ctx, new_context
    from govsim.run import _rare_gc

    plan = plan_run(govsim.load_scenario(scaling_overrides(residents)), 1)
    c = new_context(plan)
    base = request_process(c)

    def lingering(c: Ctx, i: int) -> Generator[Any, Any, Any]:
        yield from base(c, i)
        yield c.env.timeout(linger_days * DAY)

    t0 = time.perf_counter()
    start(c, lingering)
    with _rare_gc():
        c.env.run(until=plan.horizon)
    wall = time.perf_counter() - t0
    n = len(plan.needs)
    return {"us_per_request": wall / n * 1e6, "pending_at_end": len(c.env._queue)}


def main() -> None:
    """Run both variants interleaved, each in a fresh interpreter, and print medians."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--residents", type=int, default=50_000)
    ap.add_argument("--linger", type=float, default=60.0, help="days each request lingers")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--child", nargs=2, type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(one_run(int(args.child[0]), args.child[1])))
        return
    runs: dict[float, list[dict[str, float]]] = {0.0: [], args.linger: []}
    for _ in range(args.reps):
        for linger in runs:
            out = subprocess.run([sys.executable, __file__, "--child", str(args.residents), str(linger)],
                                 check=True, capture_output=True, text=True).stdout
            runs[linger].append(json.loads(out))
    for linger, rs in runs.items():
        us = [r["us_per_request"] for r in rs]
        print(f"{args.residents:,} residents, linger {linger:g} d: "
              f"{statistics.median(us):.1f} us/request [{min(us):.1f}-{max(us):.1f}], "
              f"{rs[0]['pending_at_end']:,.0f} events pending at the end")


if __name__ == "__main__":
    main()
