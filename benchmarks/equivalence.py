"""Statistical equivalence of this checkout's KPIs with another checkout's, seed by seed.

    .venv/bin/python benchmarks/equivalence.py --baseline /work/wt/baseline_main [--seeds 20] [--jobs 2]

Runs a township-year of each case below (the four channel presets, shared data,
and the M/M/c preset) for seeds 1..N with this checkout and with the baseline
checkout (each in its own interpreter, ``PYTHONPATH`` pointing at the checkout)
and prints, per case and KPI, the mean of each, the mean paired difference
(this minus baseline, same seed) and its 95 % confidence interval (t
distribution). A KPI is flagged when the interval excludes 0 by more than the
tolerance: ``--tol`` times the baseline mean's magnitude (default 1 %). For the
M/M/c case it also prints the mean wait of the served customers against Erlang C.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from scipy import stats

HERE = Path(__file__).resolve().parent
CASES: dict[str, list[str]] = {
    "offline_only": ["channels=offline_only"],
    "online_first": ["channels=online_first"],
    "digital_only": ["channels=digital_only"],
    "inclusive": ["channels=inclusive"],
    "shared_data": ["governance=shared_data"],
    "mmc": ["scenario=mmc"],
}


def worker(overrides: list[str], seeds: list[int]) -> None:
    """In the checkout's interpreter: print one JSON line of KPIs per seed (and the M/M/c wait)."""
    import govsim

    sc = govsim.load_scenario(overrides)
    print(json.dumps({"govsim": govsim.__file__}), flush=True)
    for seed in seeds:
        r = govsim.simulate(sc, seed)
        row = {k: float(v) for k, v in r.kpis.items()}
        served = r.requests["outcome"] == "completed"
        row["_served_wait_min"] = float(r.requests.loc[served, "window_wait_min"].mean())
        print(json.dumps({"seed": seed, "kpis": row}), flush=True)


def run_case(checkout: Path, overrides: list[str], seeds: list[int]) -> list[dict[str, float]]:
    """The KPIs of each seed, run by ``checkout``'s govsim in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    cmd = [sys.executable, str(HERE / "equivalence.py"), "--worker", json.dumps([overrides, seeds])]
    out = subprocess.run(cmd, env=env, cwd=checkout, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"run failed in {checkout} for {overrides}: {out.stderr.strip().splitlines()[-1:]}")
    lines = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    where = Path(lines[0]["govsim"]).resolve()
    if checkout.resolve() not in where.parents:
        raise SystemExit(f"{checkout}: imported govsim from {where}, not from the checkout")
    return [x["kpis"] for x in lines[1:]]


def compare(ours: list[dict[str, float]], base: list[dict[str, float]], tol: float, every: bool) -> list[str]:
    """One line per KPI: both means, the paired difference's mean and 95 % CI, and the flag.

    Unless ``every``, KPIs equal in every seed are counted, not listed.
    """
    lines, equal, empty = [], 0, []
    for k in sorted(set(ours[0]) & set(base[0])):
        if k.startswith("_"):
            continue
        a = np.array([r[k] for r in ours])
        b = np.array([r[k] for r in base])
        ok = ~(np.isnan(a) | np.isnan(b))
        if ok.sum() < 2:
            empty.append(k)
            continue
        d = a[ok] - b[ok]
        if not every and not d.any() and (np.isnan(a) == np.isnan(b)).all():
            equal += 1
            continue
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
        lo, hi = d.mean() - half, d.mean() + half
        margin = tol * abs(b[ok].mean())
        flag = "FLAG" if lo > margin or hi < -margin else ("ci!=0" if lo > 0 or hi < 0 else "")
        lines.append(f"  {k:40s} {a[ok].mean():12.5g} {b[ok].mean():12.5g} {d.mean():+11.4g} "
                     f"[{lo:+.4g}, {hi:+.4g}] {flag}")
    if empty:
        lines.append(f"  (no values in this case: {', '.join(empty)})")
    return [*lines, f"  ({equal} more KPIs equal in every seed)"] if equal else lines


def erlang_line(ours: list[dict[str, float]], overrides: list[str]) -> str:
    """The served customers' mean wait against Erlang C (the M/M/c case)."""
    import govsim
    from govsim.theory import mmc_mean_wait

    sc = govsim.load_scenario(overrides)
    theory = mmc_mean_wait(sc.departments[0].windows, sc.items[0].total_per_hour / 60.0,
                           sc.items[0].steps[0].counter_min)
    waits = np.array([r["_served_wait_min"] for r in ours])
    half = stats.t.ppf(0.975, len(waits) - 1) * waits.std(ddof=1) / math.sqrt(len(waits))
    return (f"  Erlang C: mean wait of the served {waits.mean():.3f} min [{waits.mean() - half:.3f}, "
            f"{waits.mean() + half:.3f}] over {len(waits)} seeds; theory {theory:.3f} min "
            f"({100 * (waits.mean() / theory - 1):+.1f} %)")


def main() -> None:
    """Run every case with both checkouts (``--jobs`` interpreters at a time) and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, default=Path("/work/wt/baseline_main"))
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tol", type=float, default=0.01, help="relative tolerance (of the baseline mean)")
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--all", action="store_true", help="list the KPIs equal in every seed too")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*json.loads(args.worker))
        return
    if not (args.baseline / "govsim").is_dir():
        raise SystemExit(f"--baseline: {args.baseline} is not a govsim checkout")
    seeds = list(range(1, args.seeds + 1))
    ours_dir = HERE.parent
    jobs = [(d, c) for c in args.cases for d in (ours_dir, args.baseline)]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda j: run_case(j[0], CASES[j[1]], seeds), jobs))
    print(f"this checkout {ours_dir} vs baseline {args.baseline}; seeds 1-{args.seeds}; township-year")
    print(f"FLAG: the 95 % CI of the paired difference excludes 0 by more than {args.tol:.0%} of the "
          "baseline mean; ci!=0: it excludes 0 by less")
    print(f"  {'KPI':40s} {'this':>12s} {'baseline':>12s} {'diff':>11s} 95% CI")
    for n, case in enumerate(args.cases):
        ours, base = results[2 * n], results[2 * n + 1]
        same = sum(json.dumps(o) == json.dumps(b) for o, b in zip(ours, base, strict=True))   # NaN == NaN
        print(f"{case} ({' '.join(CASES[case])}): {same} of {len(ours)} seeds with identical KPIs")
        print("\n".join(compare(ours, base, args.tol, args.all)))
        if case == "mmc":
            print(erlang_line(ours, CASES[case]))


if __name__ == "__main__":
    main()
