"""govsim benchmark harness: the one command (issues 8 and 20).

    python benchmarks/run.py [--quick] [--reps N] [--sections mmc,township,...]
                             [--baseline /path/to/other/checkout]

Every measured case runs in a fresh subprocess (`case.py`) so that peak memory is per case;
only the simulation is timed. With `--baseline`, the county and CLI cases also run against
that checkout (same interpreter and dependencies), interleaved round by round, for the A/B
targets. Prints the tables and targets and writes benchmarks/out/results.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mmc_theory
from targets import evaluate_targets

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SECTIONS = ("mmc", "township", "county", "cli", "scaling", "experiment")
CHANNEL_PRESETS = ("offline_only", "online_first", "digital_only", "inclusive")
SCALING_RESIDENTS = (50_000, 100_000, 200_000, 400_000)
# Every scaling point has townships of exactly this size (50k = 4 townships ... 400k = 32), so
# that per-township queues are alike and only the number of townships grows.
RESIDENTS_PER_TOWNSHIP = 12_500

# M/M/3 at utilisation 0.8, mean service 10 min (the reference case of the brief).
MMC = {"servers": 3, "arrivals_per_hour": 14.4, "mean_service": 10.0}
MMC_SMALL = ", small"   # label suffix of the 50,000-customer runs (a quarter of the large ones)
BASELINE = " [baseline]"  # label suffix of a case run against --baseline


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_case(case: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one case in a fresh interpreter; return its result dict (or {'error': ...})."""
    cmd = [sys.executable, str(HERE / "case.py"), json.dumps(case)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    load = os.getloadavg()[0]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=HERE.parent
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH_RESULT "):
            return {**json.loads(line[len("BENCH_RESULT ") :]), "load_before": load}
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"exit {proc.returncode}: {tail[:300]}"}


def repeat(label: str, case: dict[str, Any], reps: int, timeout: float) -> dict[str, Any]:
    """Run `case` `reps` times (seed 1..reps); summarise medians, min and max."""
    return interleaved([(label, case)], reps, timeout)[0]


def interleaved(
    cases: list[tuple[str, dict[str, Any]]], reps: int, timeout: float
) -> list[dict[str, Any]]:
    """Run every case once per round, `reps` rounds (so drifting load hits all alike)."""
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in cases}
    errors: dict[str, str] = {}
    for rep in range(reps):
        for label, case in cases:
            if label in errors:
                continue
            res = run_case({**case, "seed": case.get("seed", 0) + rep + 1}, timeout)
            if "error" in res:
                errors[label] = res["error"]
                log(f"  {label}: not available ({res['error']})")
                continue
            runs[label].append(res)
            log(
                f"  {label} rep {rep + 1}/{reps}: {res['wall_s']:.2f} s, n={res['n']:,}, "
                f"peak {res['peak_rss_mib']:.0f} MiB"
            )
    out = []
    for label, case in cases:
        if label in errors:
            out.append({"label": label, "case": case, "error": errors[label], "runs": runs[label]})
        else:
            out.append(
                {"label": label, "case": case, "runs": runs[label], **summarise(runs[label])}
            )
    return out


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in runs]
    rates = [r["n"] / r["wall_s"] for r in runs if r["wall_s"] > 0]
    per_item = [r["wall_s"] / r["n"] for r in runs if r["n"]]
    out: dict[str, Any] = {
        "wall_median": statistics.median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "n_median": statistics.median(r["n"] for r in runs),
        "rate_median": statistics.median(rates) if rates else math.nan,
        "s_per_item_median": statistics.median(per_item) if per_item else math.nan,
        "cpu_median": statistics.median(r.get("cpu_s", math.nan) for r in runs),
        "peak_rss_mib_max": max(r["peak_rss_mib"] for r in runs),
        "sim_rss_mib_median": statistics.median(r["sim_rss_mib"] for r in runs),
        "child_peak_rss_mib_max": max(r.get("child_peak_rss_mib", 0.0) for r in runs),
    }
    events = [r["events"] / r["n"] for r in runs if r.get("events") and r["n"]]
    if events:
        out["events_per_item"] = statistics.median(events)
    for key in ("overhead_cpu_s", "overhead_wall_s", "sim_cpu_s", "pending_mean"):
        vals = [r[key] for r in runs if key in r]
        if vals:
            out[key] = statistics.median(vals)
    waits = [r["mean_wait"] for r in runs if "mean_wait" in r]
    if waits:
        ses = [r.get("wait_se", math.nan) for r in runs if "mean_wait" in r]
        out["mean_wait"] = statistics.fmean(waits)
        # Independent replications: the SE of their average.
        out["wait_se"] = (
            statistics.stdev(waits) / math.sqrt(len(waits)) if len(waits) > 1 else ses[0]
        )
    return out


# ---------------------------------------------------------------------------- sections


def mmc_cases(customers: int, suffix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Plain SimPy, govsim's mmc preset and Ciw on the same M/M/3 with `customers` customers."""
    rate = MMC["arrivals_per_hour"]
    horizon_days = customers / (rate * 24.0)
    base = {**MMC, "customers": customers}
    govsim_overrides = [
        "scenario=mmc",
        f"mmc.windows={MMC['servers']}",
        f"mmc.arrivals_per_hour={rate}",
        f"mmc.mean_service_minutes={MMC['mean_service']}",
        f"run.horizon_days={horizon_days:.4f}",
        "run.warmup_days=0",   # every customer counted, as in plain SimPy and Ciw
    ]
    return [
        ("plain SimPy M/M/3" + suffix, {"kind": "plain_mmc", **base}),
        ("govsim scenario=mmc" + suffix, {"kind": "govsim", "overrides": govsim_overrides,
                                          "waits": True}),
        ("Ciw M/M/3" + suffix, {"kind": "ciw_mmc", **base}),
    ]


def section_mmc(args: argparse.Namespace) -> list[dict[str, Any]]:
    """M/M/3 at 200,000 customers, and at 50,000 (where fixed costs weigh more)."""
    cases = [*mmc_cases(args.customers), *mmc_cases(args.customers // 4, MMC_SMALL)]
    return interleaved(cases, args.reps, args.timeout)


def _year_overrides(args: argparse.Namespace) -> list[str]:
    return [f"run.horizon_days={args.horizon_days:g}"]


def section_township(args: argparse.Namespace) -> list[dict[str, Any]]:
    case = {"kind": "govsim", "overrides": ["population=township", *_year_overrides(args)]}
    return [repeat("township, default, 1 year", case, args.reps, args.timeout)]


def with_baseline(
    args: argparse.Namespace, label: str, case: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """The case, and with --baseline the same case against the baseline checkout."""
    out = [(label, case)]
    if args.baseline:
        out.append((label + BASELINE, {**case, "root": args.baseline}))
    return out


def section_county(args: argparse.Namespace) -> list[dict[str, Any]]:
    """A county-year under every channel preset (A/B with --baseline, interleaved)."""
    out = []
    for preset in CHANNEL_PRESETS:
        overrides = ["population=county", f"channels={preset}", *_year_overrides(args)]
        case = {"kind": "govsim", "overrides": overrides}
        cases = with_baseline(args, f"county, channels={preset}", case)
        out += interleaved(cases, args.county_reps, args.timeout)
    return out


def section_cli(args: argparse.Namespace) -> list[dict[str, Any]]:
    """`govsim` with no overrides (the default run), whole process: CPU outside the simulation."""
    overrides = [] if not args.quick else ["run.horizon_days=30"]
    case = {"kind": "cli", "overrides": overrides, "out_dir": str(OUT / "cli_run")}
    cases = with_baseline(args, "govsim command, default run", case)
    return interleaved(cases, min(args.reps, 3), args.timeout)


def scaling_overrides(residents: int) -> list[str]:
    """Scale like a real county: more townships of equal size, not one huge township."""
    townships = max(1, math.ceil(residents / RESIDENTS_PER_TOWNSHIP))
    return [
        "population=county",
        f"population.townships={townships}",
        f"population.residents_per_township={round(residents / townships)}",
    ]


def section_scaling(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every size once per round (interleaved), so that drifting load hits all sizes alike."""
    cases = [
        (
            f"scaling, {residents:,} residents",
            {"kind": "govsim", "overrides": [*scaling_overrides(residents), *_year_overrides(args)],
             "pending": True},
        )
        for residents in args.scaling
    ]
    out = interleaved(cases, args.county_reps, args.timeout)
    for res, residents in zip(out, args.scaling, strict=True):
        res["residents"] = residents
    return out


def section_experiment(args: argparse.Namespace) -> list[dict[str, Any]]:
    cases = []
    for executor in ("serial", "processes"):
        case = {
            "kind": "experiment",
            "executor": executor,
            "workers": 2,
            "replications": 8,
            "overrides": ["population=township", *_year_overrides(args)],
            "out_dir": str(OUT / f"experiment_{executor}"),
        }
        cases.append((f"experiment 8 reps, {executor}", case))
    return interleaved(cases, args.exp_reps, args.timeout * 4)


SECTION_FUNCS: dict[str, Callable[[argparse.Namespace], list[dict[str, Any]]]] = {
    "mmc": section_mmc,
    "township": section_township,
    "county": section_county,
    "cli": section_cli,
    "scaling": section_scaling,
    "experiment": section_experiment,
}


# ---------------------------------------------------------------------------- correctness


def correctness(results: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Mean waits of the three M/M/c implementations against Erlang C."""
    theory = mmc_theory.mean_wait(
        int(MMC["servers"]), MMC["arrivals_per_hour"] / 60.0, MMC["mean_service"]
    )
    rows = []
    for row in results.get("mmc", []):
        if "error" in row or "mean_wait" not in row:
            rows.append({"label": row["label"], "theory": theory, "verdict": "n/a"})
            continue
        err = row["mean_wait"] / theory - 1.0
        se = row.get("wait_se", math.nan)
        tol = max(0.05, 3.0 * se / theory) if not math.isnan(se) else 0.05
        rows.append(
            {
                "label": row["label"],
                "theory": theory,
                "mean_wait": row["mean_wait"],
                "se": se,
                "rel_err": err,
                "tolerance": tol,
                "verdict": "PASS" if abs(err) <= tol else "FAIL",
            }
        )
    return rows


# ---------------------------------------------------------------------------- output


def _fmt_rate(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:,.0f}"


def measurement_table(results: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = [
        "| case | items (median) | wall s median [min-max] | CPU s | items/s | events/item | "
        "peak RSS MiB | sim RSS MiB | bytes/item |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows in results.values():
        for r in rows:
            if "error" in r:
                lines.append(f"| {r['label']} | not available | | | | | | | |")
                continue
            mem = r["peak_rss_mib_max"]
            if r["case"].get("executor") == "processes":
                mem_s = f"{mem:.0f} (workers {r['child_peak_rss_mib_max']:.0f})"
            else:
                mem_s = f"{mem:.0f}"
            per_item = r["sim_rss_mib_median"] * 1024 * 1024 / r["n_median"] if r["n_median"] else 0
            per_item_s = "-" if r["case"]["kind"] in ("experiment", "cli") else f"{per_item:,.0f}"
            ev = r.get("events_per_item")
            lines.append(
                f"| {r['label']} | {r['n_median']:,.0f} | {r['wall_median']:.2f} "
                f"[{r['wall_min']:.2f}-{r['wall_max']:.2f}] | {r['cpu_median']:.2f} | "
                f"{_fmt_rate(r['rate_median'])} | {'-' if ev is None else f'{ev:.2f}'} | "
                f"{mem_s} | {r['sim_rss_mib_median']:.0f} | {per_item_s} |"
            )
    return lines


def target_table(targets: list[dict[str, str]]) -> list[str]:
    lines = ["| target | measured | verdict | note |", "|---|---:|:---:|---|"]
    lines += [
        f"| {t['target']} | {t['measured']} | {t['verdict']} | {t['note']} |" for t in targets
    ]
    return lines


def correctness_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| implementation | mean wait min | Erlang C min | rel. error | tolerance | check |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        if "mean_wait" not in r:
            lines.append(f"| {r['label']} | - | {r['theory']:.3f} | - | - | n/a |")
            continue
        lines.append(
            f"| {r['label']} | {r['mean_wait']:.3f} ± {r['se']:.3f} | {r['theory']:.3f} | "
            f"{r['rel_err']:+.1%} | {r['tolerance']:.1%} | {r['verdict']} |"
        )
    return lines


def git_state() -> str:
    """The commit measured, with '+dirty' when govsim/ or configs/ have uncommitted edits."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "govsim", "configs"],
            capture_output=True,
            text=True,
            cwd=HERE,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return head + ("+dirty" if dirty else "")


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kib = 0
    versions: dict[str, str] = {"python": platform.python_version()}
    for mod in ("simpy", "numpy", "pandas", "ciw", "govsim"):
        try:
            versions[mod] = str(__import__(mod).__version__)
        except Exception:  # the version table must never stop the run
            versions[mod] = "not available"
    return {
        "git": git_state(),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "load_avg_at_start": os.getloadavg(),
        "versions": versions,
    }


def render(report: dict[str, Any]) -> str:
    m = report["machine"]
    vers = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    loads = [
        run["load_before"]
        for rows in report["results"].values()
        for r in rows
        for run in r.get("runs", [])
    ]
    load_s = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "-"
    lines = [
        f"Benchmark run {report['started']} ({'quick' if report['args']['quick'] else 'full'}, "
        f"reps={report['args']['reps']}, county reps={report['args']['county_reps']})",
        f"govsim at {m['git']}; {m['nproc']} CPUs, {m['cpu']}, {m['ram_gib']} GiB RAM",
        f"Versions: {vers}",
        f"1-min load average before each case: {load_s} (the harness's previous case keeps it "
        "near 1; over 1.5: another job shared the CPUs)",
        "",
        "### Measurements (medians over repetitions; each run in a fresh process)",
        "",
        *measurement_table(report["results"]),
        "",
        "### Targets",
        "",
        *target_table(report["targets"]),
    ]
    if report["correctness"]:
        lines += [
            "",
            "### M/M/3 mean wait vs Erlang C",
            "",
            *correctness_table(report["correctness"]),
        ]
    return "\n".join(lines) + "\n"


def update_readme(path: Path, text: str) -> None:
    """Replace the body of the README's '## Latest results' section with `text`."""
    readme = path.read_text()
    head = "## Latest results\n"
    start = readme.index(head) + len(head)
    end = readme.find("\n## ", start)
    end = len(readme) if end < 0 else end + 1
    readme = readme[:start] + "\n" + text.replace("### ", "#### ") + "\n" + readme[end:]
    path.write_text(readme)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, one repetition: a smoke run")
    p.add_argument(
        "--reps", type=int, default=None, help="repetitions per case (default 5; quick 1)"
    )
    p.add_argument(
        "--county-reps", type=int, default=None, help="repetitions of county/scaling cases"
    )
    p.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated subset")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per case")
    p.add_argument(
        "--baseline", default=None,
        help="another checkout of govsim (e.g. the commit before a change) for the A/B cases",
    )
    p.add_argument(
        "--update-readme", action="store_true", help="paste the tables into benchmarks/README.md"
    )
    args = p.parse_args(argv)
    if args.reps is None:
        args.reps = 1 if args.quick else 5
    if args.county_reps is None:
        args.county_reps = 1 if args.quick else min(args.reps, 3)
    args.exp_reps = 1 if args.quick else args.reps
    args.customers = 20_000 if args.quick else 200_000
    args.horizon_days = 30.0 if args.quick else 365.0
    args.scaling = SCALING_RESIDENTS[:2] if args.quick else SCALING_RESIDENTS
    if args.baseline:
        args.baseline = str(Path(args.baseline).resolve())
        if not (Path(args.baseline) / "govsim" / "__init__.py").is_file():
            p.error(f"--baseline {args.baseline}: not a govsim checkout (no govsim/__init__.py)")
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    results: dict[str, list[dict[str, Any]]] = {}
    for name in args.sections:
        log(f"== {name}")
        results[name] = SECTION_FUNCS[name](args)
        partial = {"started": started, "partial": True, "results": results}
        (OUT / "results.partial.json").write_text(json.dumps(partial, indent=2, default=str))
    report = {
        "started": started,
        "args": {k: v for k, v in vars(args).items()},
        "machine": machine(),
        "results": results,
        "targets": evaluate_targets(results, args.quick),
        "correctness": correctness(results),
    }
    text = render(report)
    print(text)
    (OUT / "results.json").write_text(json.dumps(report, indent=2, default=str))
    (OUT / "results.md").write_text(text)
    log(f"wrote {OUT / 'results.json'} and {OUT / 'results.md'}")
    if args.update_readme:
        update_readme(HERE / "README.md", text)
        log("updated benchmarks/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
