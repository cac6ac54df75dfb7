"""Profile govsim's simulation with cProfile (imports and config composition excluded).

    /work/venv/bin/python benchmarks/profile_govsim.py [mmc|township|county] [--top 30]

Writes benchmarks/out/profile_<name>.prof (open with snakeviz or pstats) and a text
summary sorted by cumulative and by own time. For a sampling view, py-spy also works:
py-spy record -o out/flame.svg -- python benchmarks/case.py '<case json>'.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

PRESETS: dict[str, list[str]] = {
    "mmc": [
        "scenario=mmc",
        "mmc.windows=3",
        "mmc.arrivals_per_hour=14.4",
        "mmc.mean_service_minutes=10",
        "run.horizon_days=578.7",
    ],
    "township": ["population=township", "run.horizon_days=365"],
    "county": ["population=county", "run.horizon_days=365"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("preset", choices=sorted(PRESETS), nargs="?", default="mmc")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("overrides", nargs="*", help="extra Hydra overrides")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent))
    import govsim

    scenario = govsim.load_scenario([*PRESETS[args.preset], *args.overrides])
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    result = govsim.simulate(scenario, args.seed)
    profiler.disable()
    wall = time.perf_counter() - t0
    OUT.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(OUT / f"profile_{args.preset}.prof")
    buf = io.StringIO()
    buf.write(f"{args.preset}: {len(result.requests):,} requests, {wall:.2f} s under cProfile\n")
    stats = pstats.Stats(profiler, stream=buf)
    for key in ("cumulative", "tottime"):
        buf.write(f"\n===== sorted by {key}\n")
        stats.sort_stats(key).print_stats(args.top)
    text = buf.getvalue()
    (OUT / f"profile_{args.preset}.txt").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
