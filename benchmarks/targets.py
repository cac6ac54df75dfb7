"""The harness's targets (issues 8 and 20): each measured value with a verdict.

`evaluate_targets(results, quick)` turns the summarised cases of `run.py` into rows of
(target, measured, verdict, note). A target whose cases are missing (a section not run,
no `--baseline`) is listed as "n/a" with the reason, never dropped.
"""

from __future__ import annotations

import statistics
from typing import Any, TypeGuard

GIB = 1024.0
BASELINE = " [baseline]"
SMALL = ", small"
PRESETS = ("offline_only", "online_first", "digital_only", "inclusive")


def _ok(row: dict[str, Any] | None) -> TypeGuard[dict[str, Any]]:
    """A measured row without an error."""
    return row is not None and "error" not in row


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "not met")


class _Rows:
    """The target rows, added one by one."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(self, target: str, measured: str, ok: bool | None, note: str = "") -> None:
        self.rows.append(
            {"target": target, "measured": measured, "verdict": _verdict(ok), "note": note}
        )


def evaluate_targets(results: dict[str, list[dict[str, Any]]], quick: bool) -> list[dict[str, str]]:
    """Every target of the harness with its measured value and verdict."""
    by = {r["label"]: r for rs in results.values() for r in rs}
    out = _Rows()
    if "mmc" in results:
        _mmc(out, by)
    if "township" in results:
        row = results["township"][0]
        if _ok(row):
            wall = row["wall_median"]
            out.add("township year < 5 s", f"{wall:.2f} s", None if quick else wall < 5.0,
                    "quick run: not a full year" if quick else "")
        else:
            out.add("township year < 5 s", "not available", None, row.get("error", ""))
    if "county" in results:
        _county(out, by, quick)
    if "cli" in results:
        _cli(out, by)
    if "scaling" in results:
        _scaling(out, results["scaling"])
    if "experiment" in results:
        _experiment(out, results["experiment"])
    return out.rows


def _mmc(out: _Rows, by: dict[str, dict[str, Any]]) -> None:
    for suffix, size in (("", "200,000"), (SMALL, "50,000")):
        plain, gov = by.get("plain SimPy M/M/3" + suffix), by.get("govsim scenario=mmc" + suffix)
        name = f"mmc <= 1.25x plain SimPy per customer, {size} customers"
        if _ok(plain) and _ok(gov):
            ratio = gov["s_per_item_median"] / plain["s_per_item_median"]
            cpu = (gov["cpu_median"] / gov["n_median"]) / (plain["cpu_median"] / plain["n_median"])
            ev = (f"events/customer {gov.get('events_per_item', 0):.2f} vs "
                  f"{plain.get('events_per_item', 0):.2f}")
            out.add(name, f"{ratio:.2f}x", ratio <= 1.25, f"wall; CPU-time ratio {cpu:.2f}x; {ev}")
        else:
            out.add(name, "not available", None)
    ciw, gov = by.get("Ciw M/M/3"), by.get("govsim scenario=mmc")
    if _ok(ciw) and _ok(gov):
        ratio = ciw["s_per_item_median"] / gov["s_per_item_median"]
        small_c, small_g = by.get("Ciw M/M/3" + SMALL), by.get("govsim scenario=mmc" + SMALL)
        note = ""
        if _ok(small_c) and _ok(small_g):
            note = f"50,000 customers: {small_c['s_per_item_median'] / small_g['s_per_item_median']:.2f}x"
        out.add("mmc >= 1.5x faster than Ciw (200,000 customers)", f"{ratio:.2f}x", ratio >= 1.5, note)
    else:
        out.add("mmc >= 1.5x faster than Ciw (200,000 customers)", "not available", None)
    plain = by.get("plain SimPy M/M/3")
    if _ok(plain) and _ok(gov):
        ratio = gov["peak_rss_mib_max"] / plain["peak_rss_mib_max"]
        out.add("mmc peak memory <= 2x plain SimPy's (200,000 customers)", f"{ratio:.2f}x", ratio <= 2.0,
                f"peak RSS {gov['peak_rss_mib_max']:.0f} vs {plain['peak_rss_mib_max']:.0f} MiB; "
                f"added by the run {gov['sim_rss_mib_median']:.0f} vs {plain['sim_rss_mib_median']:.0f} MiB")


def _county(out: _Rows, by: dict[str, dict[str, Any]], quick: bool) -> None:
    for preset in PRESETS:
        label = f"county, channels={preset}"
        row, base = by.get(label), by.get(label + BASELINE)
        if not _ok(row):
            out.add(f"{label}: < 90 s and < 2 GiB", "not available", None,
                    (row or {}).get("error", "not run")[:120])
            continue
        wall, mem = row["wall_median"], row["peak_rss_mib_max"] / GIB
        out.add(f"{label}: < 90 s and < 2 GiB", f"{wall:.1f} s, {mem:.2f} GiB",
                None if quick else (wall < 90.0 and mem < 2.0))
        if not _ok(base):
            why = "run with --baseline" if base is None else base.get("error", "")[:120]
            for what in ("events per request", "CPU time", "peak memory"):
                out.add(f"{label}: {what} A/B", "not available", None, why)
            continue
        ev, ev0 = row.get("events_per_item", 0.0), base.get("events_per_item", 0.0)
        cut = 1.0 - ev / ev0 if ev0 else 0.0
        out.add(f"{label}: events per request down >= 25%", f"{cut:+.1%}", cut >= 0.25,
                f"{ev:.2f} vs {ev0:.2f} events/request")
        ratio = row["cpu_median"] / base["cpu_median"]
        rounds = [a["cpu_s"] / b["cpu_s"] for a, b in zip(row["runs"], base["runs"], strict=False)]
        out.add(f"{label}: CPU time <= 0.65x baseline", f"{ratio:.2f}x", ratio <= 0.65,
                f"{row['cpu_median']:.1f} vs {base['cpu_median']:.1f} s; paired rounds "
                + ", ".join(f"{r:.2f}" for r in rounds))
        mratio = row["peak_rss_mib_max"] / base["peak_rss_mib_max"]
        out.add(f"{label}: peak memory <= 0.5x baseline", f"{mratio:.2f}x", mratio <= 0.5,
                f"peak RSS {row['peak_rss_mib_max']:.0f} vs {base['peak_rss_mib_max']:.0f} MiB; "
                f"added by the run {row['sim_rss_mib_median']:.0f} vs {base['sim_rss_mib_median']:.0f} MiB")


def _cli(out: _Rows, by: dict[str, dict[str, Any]]) -> None:
    row, base = by.get("govsim command, default run"), by.get("govsim command, default run" + BASELINE)
    name = "govsim command overhead (all but the simulation) < 1.5 s"
    if not _ok(row):
        out.add(name, "not available", None, (row or {}).get("error", "not run")[:120])
        return
    note = f"CPU seconds of the whole process minus the simulation's; wall {row['overhead_wall_s']:.2f} s"
    if _ok(base):
        note += f"; baseline {base['overhead_cpu_s']:.2f} s"
    out.add(name, f"{row['overhead_cpu_s']:.2f} s", row["overhead_cpu_s"] < 1.5, note)


def _scaling(out: _Rows, rows: list[dict[str, Any]]) -> None:
    name = "time per request within 25%, 50k to 400k residents, equal townships (max/min)"
    per = [r["s_per_item_median"] for r in rows if _ok(r)]
    if len(per) != len(rows) or len(per) < 2:
        out.add(name, "not available", None)
        return
    ratio = max(per) / min(per)
    span = " / ".join(f"{x * 1e6:.0f}" for x in per)
    cpu = [r["cpu_median"] / r["n_median"] for r in rows]
    ev = " / ".join(f"{r.get('events_per_item', 0):.2f}" for r in rows)
    pend = " / ".join(f"{r.get('pending_mean', 0):,.0f}" for r in rows)
    out.add(name, f"{ratio:.2f}", ratio <= 1.25,
            f"µs per request (wall) {span}; CPU max/min {max(cpu) / min(cpu):.2f}; events per request "
            f"{ev}; pending SimPy events (mean of 30-day marks) {pend}")


def _experiment(out: _Rows, rows: list[dict[str, Any]]) -> None:
    name = "processes >= 1.85x faster than serial (2 cores)"
    ser, par = rows
    if not (_ok(ser) and _ok(par)):
        out.add(name, "not available", None, (ser.get("error") or par.get("error") or "")[:120])
        return
    # Serial and processes run back to back in each round: the median of the per-round ratios is
    # robust to load that drifts between rounds.
    rounds = [a["wall_s"] / b["wall_s"] for a, b in zip(ser["runs"], par["runs"], strict=False)]
    speedup = statistics.median(rounds)
    loads = [r["load_before"] for r in (*ser["runs"], *par["runs"])]
    out.add(name, f"{speedup:.2f}x", speedup >= 1.85,
            "median of paired rounds (" + ", ".join(f"{r:.2f}" for r in rounds)
            + f"); ratio of medians {ser['wall_median'] / par['wall_median']:.2f}x; "
            f"1-min load before the runs {min(loads):.1f}-{max(loads):.1f}")
