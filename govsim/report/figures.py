"""Figures for a stored experiment (matplotlib, Agg backend; PNG files).

Each figure function takes tables and a target path, writes one PNG and returns the
path, or returns None when the data it needs is absent (it never raises for that).
:func:`build_figures` makes the figures a spec declares (kinds in :data:`FIGURE_KINDS`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govsim.experiment.spec import FIGURE_KINDS
from govsim.report.data import StoredExperiment

__all__ = [
    "DEFAULT_FIGURES",
    "FIGURE_KINDS",
    "Figure",
    "build_figures",
    "distribution_figure",
    "kpi_axis",
    "means_figure",
    "ranking_figure",
    "scatter_figure",
    "timeseries_figure",
]

DEFAULT_FIGURES = ("means", "distributions", "timeseries")
DPI = 110
COLOURS: list[Any] = list(plt.get_cmap("tab10")(range(10)))

# kpi -> (short label, unit, scale applied before plotting)
_AXES: dict[str, tuple[str, str, float]] = {
    "requests": ("requests", "requests", 1.0),
    "trips_mean": ("mean trips per request", "trips", 1.0),
    "turnaround_days_mean": ("mean turnaround", "days", 1.0),
    "turnaround_days_p90": ("90th percentile turnaround", "days", 1.0),
    "window_wait_min_mean": ("mean window wait", "minutes", 1.0),
    "documents_mean": ("documents per request", "documents", 1.0),
    "certificates_mean": ("certificates fetched per request", "certificates", 1.0),
    "elderly_trips_gap": ("trips gap, 60+ minus rest", "trips", 1.0),
    "elderly_turnaround_gap": ("turnaround gap, 60+ minus rest", "days", 1.0),
    "elderly_completion_gap": ("completion gap, rest minus 60+", "percentage points", 100.0),
    "time_cost_gini": ("Gini of villagers' time cost", "Gini (0-1)", 1.0),
    "villager_time_hours_mean": ("villager time per request", "hours", 1.0),
    "villager_cost_mean": ("villager cost per request", "yuan", 1.0),
    "online_attempts_mean": ("online attempts per request", "attempts", 1.0),
    "gov_cost": ("government cost", "yuan", 1.0),
    "gov_cost_per_request": ("government cost per request", "yuan", 1.0),
    "villager_cost": ("villagers' total cost", "yuan", 1.0),
    "records_exposed": ("records exposed", "records", 1.0),
}


def kpi_axis(kpi: str) -> tuple[str, str, float]:
    """(short label, unit, scale) for plotting ``kpi``; shares and rates become percent."""
    if kpi in _AXES:
        return _AXES[kpi]
    label = kpi.replace("_", " ")
    if kpi.endswith(("_share", "_rate", "_share_60plus", "_share_under60")) or "_share_" in kpi:
        return (label, "% of requests", 100.0)
    if "_days" in kpi:
        return (label, "days", 1.0)
    if "_min" in kpi:
        return (label, "minutes", 1.0)
    if "cost" in kpi:
        return (label, "yuan", 1.0)
    return (label, "value", 1.0)


@dataclass(frozen=True)
class Figure:
    """A figure written to disk, with what a reader needs to know about it."""

    kind: str
    path: Path
    title: str
    caption: str


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return path


def _colour(i: int) -> Any:
    return COLOURS[i % len(COLOURS)]


def means_figure(comparison: pd.DataFrame, path: Path, kpis: Sequence[str] | None = None,
                 baseline: str | None = None) -> Path | None:
    """Scenario means with 95% CI error bars, one panel per KPI."""
    need = {"kpi", "scenario", "mean", "ci_low", "ci_high"}
    if comparison.empty or not need <= set(comparison.columns):
        return None
    kpis = [k for k in (kpis or pd.unique(comparison["kpi"])) if k in set(comparison["kpi"])]
    if not kpis:
        return None
    scenarios = list(pd.unique(comparison["scenario"]))
    ncol = min(3, len(kpis))
    nrow = math.ceil(len(kpis) / ncol)
    width = max(4.2, 0.9 * len(scenarios) + 1.8)
    fig, axes = plt.subplots(nrow, ncol, figsize=(width * ncol, 3.6 * nrow), squeeze=False)
    n = int(comparison["n"].max()) if "n" in comparison else 0
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        label, unit, scale = kpi_axis(kpi)
        rows = comparison[comparison["kpi"] == kpi].set_index("scenario").reindex(scenarios)
        x = np.arange(len(scenarios))
        mean = rows["mean"].to_numpy(dtype=float) * scale
        lo = rows["ci_low"].to_numpy(dtype=float) * scale
        hi = rows["ci_high"].to_numpy(dtype=float) * scale
        err = np.vstack([np.nan_to_num(mean - lo), np.nan_to_num(hi - mean)])
        colours = ["0.45" if s == baseline else _colour(i) for i, s in enumerate(scenarios)]
        ax.bar(x, mean, color=colours, alpha=0.35, width=0.6)
        ax.errorbar(x, mean, yerr=err, fmt="o", color="black", capsize=5, lw=1.2, ms=4)
        ax.set_xticks(x, [f"{s}\n(baseline)" if s == baseline else s for s in scenarios],
                      rotation=20 if len(scenarios) > 4 else 0, fontsize=8)
        ax.set_title(label, fontsize=10)
        ax.set_ylabel(unit)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(kpis):]:
        ax.set_visible(False)
    fig.suptitle(f"Scenario means with 95% confidence intervals ({n} replications each)",
                 fontsize=12)
    fig.tight_layout()
    return _save(fig, path)


def _trip_shares(req: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    bins = req["trips"].clip(upper=4).astype(int)
    tab = pd.crosstab(req["scenario"], bins, normalize="index") * 100
    tab = tab.reindex(index=scenarios, columns=range(5), fill_value=0.0)
    tab.columns = ["0", "1", "2", "3", "4+"]
    return tab


def distribution_figure(requests: pd.DataFrame, path: Path,
                        scenarios: Sequence[str] | None = None) -> Path | None:
    """Trips and turnaround days per request by scenario and by age band, pooled over runs."""
    if requests.empty or "trips" not in requests or "scenario" not in requests:
        return None
    req = requests
    scenarios = [s for s in (scenarios or pd.unique(req["scenario"]))
                 if s in set(req["scenario"])]
    has_turn = "turnaround_days" in req
    has_age = "age_band" in req
    if has_turn and "outcome" in req:
        done = req[req["outcome"] == "completed"]
    else:
        done = req[req["turnaround_days"].notna()] if has_turn else req.iloc[0:0]
    panels = 1 + int(has_turn) + int(has_age) + int(has_age and has_turn)
    ncol = 2 if panels > 1 else 1
    nrow = math.ceil(panels / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.2 * ncol, 3.9 * nrow), squeeze=False)
    flat = list(axes.flat)
    k = 0
    # (1) share of requests by number of trips
    ax = flat[k]
    k += 1
    shares = _trip_shares(req, scenarios)
    width = 0.8 / max(1, len(scenarios))
    x = np.arange(shares.shape[1])
    for i, s in enumerate(scenarios):
        ax.bar(x + (i - (len(scenarios) - 1) / 2) * width, shares.loc[s], width, label=s,
               color=_colour(i))
    ax.set_xticks(x, list(shares.columns))
    ax.set_xlabel("trips to an office for one request")
    ax.set_ylabel("% of requests")
    ax.set_title("How many trips a request took, by scenario", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    bands = sorted(pd.unique(req["age_band"].astype(str))) if has_age else []
    if has_turn:  # (2) turnaround by scenario
        ax = flat[k]
        k += 1
        data = [done.loc[done["scenario"] == s, "turnaround_days"].dropna().to_numpy()
                for s in scenarios]
        _box(ax, data, scenarios)
        ax.set_ylabel("days from need to decision")
        ax.set_title("Turnaround of completed requests, by scenario", fontsize=10)
    if has_age:  # (3) mean trips by age band
        ax = flat[k]
        k += 1
        mean = req.groupby(["age_band", "scenario"], observed=True)["trips"].mean()
        for i, s in enumerate(scenarios):
            vals = [float(mean.get((b, s), np.nan)) for b in bands]
            ax.bar(np.arange(len(bands)) + (i - (len(scenarios) - 1) / 2) * width, vals,
                   width, label=s, color=_colour(i))
        ax.set_xticks(np.arange(len(bands)), bands)
        ax.set_xlabel("age band (years)")
        ax.set_ylabel("mean trips per request")
        ax.set_title("Trips per request by age band", fontsize=10)
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    if has_age and has_turn:  # (4) turnaround by age band and scenario
        ax = flat[k]
        k += 1
        for i, s in enumerate(scenarios):
            sub = done[done["scenario"] == s]
            data = [sub.loc[sub["age_band"].astype(str) == b, "turnaround_days"].dropna()
                    .to_numpy() for b in bands]
            pos = np.arange(len(bands)) + (i - (len(scenarios) - 1) / 2) * width
            _box(ax, data, None, positions=pos, width=width * 0.9, colour=_colour(i))
        ax.set_xticks(np.arange(len(bands)), bands)
        ax.set_xlabel("age band (years)")
        ax.set_ylabel("days from need to decision")
        ax.set_title("Turnaround of completed requests by age band", fontsize=10)
    for ax in flat[k:]:
        ax.set_visible(False)
    runs = req.groupby("scenario")["replication"].nunique().max() if "replication" in req else 0
    fig.suptitle(f"Distributions per request, pooled over {runs} replications", fontsize=12)
    fig.tight_layout()
    return _save(fig, path)


def _box(ax: Any, data: list[np.ndarray], labels: Sequence[str] | None, *,
         positions: Sequence[float] | np.ndarray | None = None, width: float = 0.6,
         colour: Any = None) -> None:
    data = [d if len(d) else np.array([np.nan]) for d in data]
    pos = list(positions) if positions is not None else list(range(1, len(data) + 1))
    bp = ax.boxplot(data, positions=pos, widths=width, showfliers=False, patch_artist=True,
                    manage_ticks=False)
    for median in bp["medians"]:
        median.set_color("black")
    for i, patch in enumerate(bp["boxes"]):
        patch.set_facecolor(colour if colour is not None else _colour(i))
        patch.set_alpha(0.5)
    if labels is not None:
        ax.set_xticks(pos, list(labels))
    ax.grid(axis="y", alpha=0.3)


# timeseries: office rows hold queue / in_service / backlog; rows whose office starts with
# "platform:" hold the online platform (queue = attempts in the interval, in_service = 1 if up)
PLATFORM_PREFIX = "platform:"
_TS_COLS = {"time_day", "office", "queue", "in_service", "backlog", "scenario", "replication"}


def _ts_panels(ts: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame, str, str]]:
    """(title, unit, rows, column, aggregation over rows at one time) for each panel."""
    office = ts["office"].astype(str) if "office" in ts else pd.Series("", index=ts.index)
    is_plat = office.str.startswith(PLATFORM_PREFIX)
    offices, plat = ts[~is_plat], ts[is_plat]
    panels: list[tuple[str, str, pd.DataFrame, str, str]] = []
    if "backlog" in ts and len(offices):
        panels.append(("Back-office backlog (all offices)", "requests waiting", offices,
                       "backlog", "sum"))
    if "queue" in ts and len(offices):
        panels.append(("Counter queues (all offices)", "villagers queuing", offices, "queue",
                       "sum"))
    if len(plat) and "in_service" in plat:
        panels.append(("Online platform availability", "share of apps up (1 = all up)", plat,
                       "in_service", "mean"))
    if len(plat) and "queue" in plat:
        panels.append(("Online attempts per sampling interval", "attempts (all apps)", plat,
                       "queue", "sum"))
    for col in ts.columns:  # any other numeric state, e.g. a platform_up column
        if col not in _TS_COLS and (pd.api.types.is_numeric_dtype(ts[col])
                                    or pd.api.types.is_bool_dtype(ts[col])):
            title = "Online platform availability" if col.startswith("platform") else \
                col.replace("_", " ")
            panels.append((title, "value (mean over rows)", ts, col, "mean"))
    return panels


def timeseries_figure(ts: pd.DataFrame, path: Path,
                      scenarios: Sequence[str] | None = None) -> Path | None:
    """Backlog, queues and platform state over time: mean line and min-max band over runs."""
    if ts.empty or "time_day" not in ts or "scenario" not in ts:
        return None
    scenarios = [s for s in (scenarios or pd.unique(ts["scenario"])) if s in set(ts["scenario"])]
    panels = _ts_panels(ts)
    if not panels:
        return None
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 3.1 * len(panels)), squeeze=False)
    for ax, (title, unit, rows, col, how) in zip(axes[:, 0], panels, strict=True):
        per_run = (rows.groupby(["scenario", "replication", "time_day"], observed=True)[col]
                   .agg(how).astype(float).reset_index())
        for i, s in enumerate(scenarios):
            wide = per_run[per_run["scenario"] == s].pivot_table(
                index="time_day", columns="replication", values=col)
            if wide.empty:
                continue
            t = wide.index.to_numpy(dtype=float)
            ax.fill_between(t, wide.min(axis=1), wide.max(axis=1), color=_colour(i), alpha=0.2,
                            lw=0)
            ax.plot(t, wide.mean(axis=1), color=_colour(i), lw=1.4,
                    label=f"{s} (mean of {wide.shape[1]} runs; band: min-max)")
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    axes[-1, 0].set_xlabel("simulated time (days)")
    fig.suptitle("Over time, by scenario: mean over replications with min-max band",
                 fontsize=12)
    fig.tight_layout()
    return _save(fig, path)


def scatter_figure(comparison: pd.DataFrame, x_kpi: str, y_kpi: str, path: Path,
                   baseline: str | None = None, title: str | None = None) -> Path | None:
    """One KPI against another across scenarios (means with 95% CI in both directions)."""
    if comparison.empty or not {x_kpi, y_kpi} <= set(comparison.get("kpi", [])):
        return None
    xs = comparison[comparison["kpi"] == x_kpi].set_index("scenario")
    ys = comparison[comparison["kpi"] == y_kpi].set_index("scenario")
    scenarios = [s for s in pd.unique(comparison["scenario"]) if s in xs.index and s in ys.index]
    (xl, xu, xsc), (yl, yu, ysc) = kpi_axis(x_kpi), kpi_axis(y_kpi)
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    for i, s in enumerate(scenarios):
        x, y = xs.loc[s], ys.loc[s]
        xm, ym = float(x["mean"]) * xsc, float(y["mean"]) * ysc
        xerr = [[xm - float(x["ci_low"]) * xsc], [float(x["ci_high"]) * xsc - xm]]
        yerr = [[ym - float(y["ci_low"]) * ysc], [float(y["ci_high"]) * ysc - ym]]
        ax.errorbar(xm, ym, xerr=np.nan_to_num(xerr), yerr=np.nan_to_num(yerr), fmt="o",
                    color="0.3" if s == baseline else _colour(i), capsize=4, ms=7)
        ax.annotate(f"{s} (baseline)" if s == baseline else s, (xm, ym),
                    textcoords="offset points", xytext=(6, 6), fontsize=8)
    ax.set_xlabel(f"{xl} ({xu})")
    ax.set_ylabel(f"{yl} ({yu})")
    ax.set_title(title or f"{yl} against {xl}, by scenario (95% CI bars)", fontsize=11)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _save(fig, path)


def ranking_figure(df: pd.DataFrame, value_col: str, label_col: str, title: str,
                   path: str | Path, *, xlabel: str | None = None,
                   top: int | None = 30) -> Path | None:
    """Horizontal bars of ``value_col`` per ``label_col``, largest at the top."""
    if df.empty or value_col not in df or label_col not in df:
        return None
    d = df[[label_col, value_col]].dropna().sort_values(value_col, ascending=False)
    if top:
        d = d.head(top)
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(d) + 1.6))
    y = np.arange(len(d))[::-1]
    ax.barh(y, d[value_col].to_numpy(dtype=float), color=_colour(0), alpha=0.8)
    ax.set_yticks(y, [str(v) for v in d[label_col]], fontsize=9)
    ax.set_xlabel(xlabel or value_col.replace("_", " "))
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return _save(fig, Path(path))


def _item(entry: Any) -> dict[str, Any]:
    return {"kind": entry} if isinstance(entry, str) else dict(entry)


def build_figures(exp: StoredExperiment, fig_dir: str | Path,
                  declared: Sequence[Any] | None = None) -> list[Figure]:
    """Make the declared figures (default :data:`DEFAULT_FIGURES`) under ``fig_dir``.

    A declared entry is a kind name or a mapping with ``kind`` and options:
    ``means`` (kpis), ``distributions``, ``timeseries``, ``scatter`` (x, y, title),
    ``ranking`` (table: a CSV/Parquet file in the experiment dir, value, label, title).
    Figures whose data is absent are skipped.
    """
    fig_dir = Path(fig_dir)
    entries = [_item(e) for e in (declared or DEFAULT_FIGURES)]
    out: list[Figure] = []
    counts: dict[str, int] = {}
    for e in entries:
        kind = str(e.get("kind"))
        counts[kind] = counts.get(kind, 0) + 1
        stem = kind if counts[kind] == 1 else f"{kind}_{counts[kind]}"
        path = fig_dir / f"{stem}.png"
        made = _make(exp, kind, e, path)
        if made is not None:
            out.append(made)
    return out


def _make(exp: StoredExperiment, kind: str, e: dict[str, Any], path: Path) -> Figure | None:
    scen, base = exp.scenarios, exp.baseline
    if kind == "means":
        kpis = e.get("kpis") or exp.kpis
        if means_figure(exp.comparison, path, kpis, base):
            return Figure(kind, path, "Scenario means with 95% confidence intervals",
                          "Each panel is one KPI: bar and dot are the mean over replications, "
                          "whiskers the 95% t confidence interval; the baseline is grey.")
    elif kind == "distributions":
        req = exp.frame("requests", ["trips", "turnaround_days", "outcome", "age_band"])
        if distribution_figure(req, path, scen):
            return Figure(kind, path, "Distributions per request",
                          "All requests of all replications pooled. Turnaround counts "
                          "completed requests only; boxes span the middle half, whiskers "
                          "1.5 times that range.")
    elif kind == "timeseries":
        if timeseries_figure(exp.frame("timeseries"), path, scen):
            return Figure(kind, path, "Queues and backlog over time",
                          "Summed over offices at each sampling time; line: mean over "
                          "replications, shaded band: lowest to highest replication.")
    elif kind == "scatter":
        x, y = str(e.get("x", "")), str(e.get("y", ""))
        if scatter_figure(exp.comparison, x, y, path, base, e.get("title")):
            return Figure(kind, path, e.get("title") or f"{y} against {x}",
                          "Each point is one scenario's mean; bars are 95% confidence "
                          "intervals. Points towards the better corner dominate.")
    elif kind == "ranking":
        table = exp.out_dir / str(e.get("table", ""))
        if table.is_file() and e.get("value") and e.get("label"):
            df = pd.read_parquet(table) if table.suffix == ".parquet" else pd.read_csv(table)
            title = str(e.get("title") or f"Ranking by {e['value']}")
            if ranking_figure(df, str(e["value"]), str(e["label"]), title, path,
                              xlabel=e.get("xlabel")):
                return Figure(kind, path, title, str(e.get("caption") or
                                                     f"Sorted by {e['value']}, largest first."))
    return None
