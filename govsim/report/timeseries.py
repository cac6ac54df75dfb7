"""Queues, backlog and platform state over time, one line style and colour per scenario.

The sampled state (every few hours) is averaged into days, or weeks for horizons over
60 days, so that daily rhythm does not hide the difference between scenarios; the
legend sits above the panels, outside the data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from govsim.kpi_registry import Lang
from govsim.report.style import LINESTYLES, colour, figure_lang, fonts_for, save
from govsim.report.text import tr

__all__ = ["PLATFORM_PREFIX", "timeseries_figure", "ts_panels"]

# office rows hold queue / in_service / backlog; rows whose office starts with
# "platform:" hold the online platform (queue = attempts in the interval, in_service = 1 if up)
PLATFORM_PREFIX = "platform:"
_TS_COLS = {"time_day", "office", "queue", "in_service", "backlog", "scenario", "replication"}
WEEKLY_FROM_DAYS = 60


def ts_panels(ts: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame, str, str]]:
    """(title, unit, rows, column, aggregation over rows at one time) for each panel."""
    office = ts["office"].astype(str) if "office" in ts else pd.Series("", index=ts.index)
    is_plat = office.str.startswith(PLATFORM_PREFIX)
    offices, plat = ts[~is_plat], ts[is_plat]
    panels: list[tuple[str, str, pd.DataFrame, str, str]] = []
    if "backlog" in ts and len(offices):
        panels.append(("Back-office backlog (all offices)", "applications waiting in back offices",
                       offices, "backlog", "sum"))
    if "queue" in ts and len(offices):
        panels.append(("Counter queues (all offices)", "villagers queuing at counters", offices,
                       "queue", "sum"))
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


def _binned(rows: pd.DataFrame, col: str, how: str, width: float) -> pd.DataFrame:
    """Per scenario and time bin: the mean over replications of each run's bin mean."""
    per_time = (rows.groupby(["scenario", "replication", "time_day"], observed=True)[col]
                .agg(how).astype(float).reset_index())
    per_time["bin"] = (per_time["time_day"] // width) * width
    per_run = per_time.groupby(["scenario", "replication", "bin"])[col].mean().reset_index()
    return per_run.groupby(["scenario", "bin"])[col].mean().reset_index()


def timeseries_figure(ts: pd.DataFrame, path: Path, scenarios: Sequence[str] | None = None,
                      lang: Lang = "en") -> Path | None:
    """Backlog, queues and platform state over time: one line per scenario."""
    if ts.empty or "time_day" not in ts or "scenario" not in ts:
        return None
    panels = ts_panels(ts)
    if not panels:
        return None
    lang = figure_lang(lang)
    scen = [s for s in (scenarios or pd.unique(ts["scenario"])) if s in set(ts["scenario"])]
    width = 7.0 if float(ts["time_day"].max()) > WEEKLY_FROM_DAYS else 1.0
    with fonts_for(lang):
        return _draw(panels, scen, width, path, lang)


def _draw(panels: list[tuple[str, str, pd.DataFrame, str, str]], scen: list[str],
          width: float, path: Path, lang: Lang) -> Path:
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 2.8 * len(panels)), squeeze=False,
                             sharex=True)
    handles: list[Any] = []
    for ax, (title, unit, rows, col, how) in zip(axes[:, 0], panels, strict=True):
        data = _binned(rows, col, how, width)
        for i, s in enumerate(scen):
            d = data[data["scenario"] == s]
            if d.empty:
                continue
            (line,) = ax.plot(d["bin"] + width / 2, d[col], color=colour(i),
                              ls=LINESTYLES[i % len(LINESTYLES)], lw=1.6, label=s)
            if len(handles) < len(scen) and s not in [h.get_label() for h in handles]:
                handles.append(line)
        ax.set_title(tr(title, lang), fontsize=10)
        ax.set_ylabel(tr(unit, lang), fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(tr("simulated time (days)", lang))
    bin_word = tr("week" if width > 1 else "day", lang)
    fig.suptitle(tr("Over time, by scenario: mean over replications of each {bin}", lang)
                 .format(bin=bin_word), fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.97 - 0.02 * math.ceil(len(scen) / 3)))
    fig.legend(handles, [h.get_label() for h in handles], loc="upper center",
               ncol=min(3, len(scen)), fontsize=9, frameon=False,
               bbox_to_anchor=(0.5, 0.985 - 0.012 * len(panels)))
    return save(fig, path)
