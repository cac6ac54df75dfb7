"""The per-need distributions figure: trips and days to decision, by scenario and age band."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govsim.kpi_registry import Lang
from govsim.report.style import colour, figure_lang, fonts_for, save
from govsim.report.text import tr

__all__ = ["distribution_figure"]


def _trip_shares(req: pd.DataFrame, scenarios: list[str]) -> pd.DataFrame:
    bins = req["trips"].clip(upper=4).astype(int)
    tab = pd.crosstab(req["scenario"], bins, normalize="index") * 100
    tab = tab.reindex(index=scenarios, columns=range(5), fill_value=0.0)
    tab.columns = ["0", "1", "2", "3", "4+"]
    return tab


def _box(ax: Any, data: list[np.ndarray], labels: Sequence[str] | None, *,
         positions: Sequence[float] | np.ndarray | None = None, width: float = 0.6,
         col: Any = None) -> None:
    data = [d if len(d) else np.array([np.nan]) for d in data]
    pos = list(positions) if positions is not None else list(range(1, len(data) + 1))
    bp = ax.boxplot(data, positions=pos, widths=width, showfliers=False, patch_artist=True,
                    manage_ticks=False)
    for median in bp["medians"]:
        median.set_color("black")
    for i, patch in enumerate(bp["boxes"]):
        patch.set_facecolor(col if col is not None else colour(i))
        patch.set_alpha(0.5)
    if labels is not None:
        ax.set_xticks(pos, list(labels), rotation=20 if len(pos) > 4 else 0, fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def _bars(ax: Any, values: list[list[float]], groups: list[str], scenarios: list[str]) -> None:
    width = 0.8 / max(1, len(scenarios))
    x = np.arange(len(groups))
    for i, s in enumerate(scenarios):
        ax.bar(x + (i - (len(scenarios) - 1) / 2) * width, values[i], width, label=s,
               color=colour(i))
    ax.set_xticks(x, groups)
    ax.grid(axis="y", alpha=0.3)


def _by_band(ax: Any, done: pd.DataFrame, bands: list[str], scenarios: list[str]) -> None:
    width = 0.8 / max(1, len(scenarios))
    for i, s in enumerate(scenarios):
        sub = done[done["scenario"] == s]
        data = [sub.loc[sub["age_band"].astype(str) == b, "turnaround_days"].dropna().to_numpy()
                for b in bands]
        pos = np.arange(len(bands)) + (i - (len(scenarios) - 1) / 2) * width
        _box(ax, data, None, positions=pos, width=width * 0.9, col=colour(i))
    ax.set_xticks(np.arange(len(bands)), bands)


def _age_panels(flat: list[Any], k: int, req: pd.DataFrame, done: pd.DataFrame | None,
                scen: list[str], lang: Lang) -> int:
    """Trips per need by age band, and days to decision by age band if ``done`` is given."""
    bands = sorted(pd.unique(req["age_band"].astype(str)))
    ax = flat[k]
    mean = req.groupby(["age_band", "scenario"], observed=True)["trips"].mean()
    _bars(ax, [[float(mean.get((b, s), np.nan)) for b in bands] for s in scen], bands, scen)
    ax.set_xlabel(tr("age band (years)", lang))
    ax.set_ylabel(tr("mean trips per need", lang))
    ax.set_title(tr("Trips per need by age band", lang), fontsize=10)
    if done is None:
        return k + 1
    ax = flat[k + 1]
    _by_band(ax, done, bands, scen)
    ax.set_xlabel(tr("age band (years)", lang))
    ax.set_ylabel(tr("days from need to decision", lang))
    ax.set_title(tr("Days to decision by age band, completed applications", lang), fontsize=10)
    return k + 2


def distribution_figure(requests: pd.DataFrame, path: Path,
                        scenarios: Sequence[str] | None = None, lang: Lang = "en") -> Path | None:
    """Trips and days to decision per need by scenario and by age band, pooled over runs."""
    if requests.empty or "trips" not in requests or "scenario" not in requests:
        return None
    lang = figure_lang(lang)
    with fonts_for(lang):
        return _draw(requests, path, scenarios, lang)


def _draw(req: pd.DataFrame, path: Path, scenarios: Sequence[str] | None,
          lang: Lang) -> Path:
    scen = [s for s in (scenarios or pd.unique(req["scenario"])) if s in set(req["scenario"])]
    has_turn, has_age = "turnaround_days" in req, "age_band" in req
    if has_turn and "outcome" in req:
        done = req[req["outcome"] == "completed"]
    else:
        done = req[req["turnaround_days"].notna()] if has_turn else req.iloc[0:0]
    panels = 1 + int(has_turn) + int(has_age) + int(has_age and has_turn)
    ncol = 2 if panels > 1 else 1
    fig, axes = plt.subplots(math.ceil(panels / ncol), ncol, figsize=(6.2 * ncol, 4.1 *
                             math.ceil(panels / ncol)), squeeze=False)
    flat = list(axes.flat)
    shares = _trip_shares(req, scen)
    ax = flat[0]
    _bars(ax, [[float(v) for v in shares.loc[s].to_numpy()] for s in scen], list(shares.columns), scen)
    ax.set_xlabel(tr("trips to an office outside the village for one need", lang))
    ax.set_ylabel(tr("% of needs", lang))
    ax.set_title(tr("How many trips a need took, by scenario", lang), fontsize=10)
    k = 1
    if has_turn:
        ax = flat[k]
        k += 1
        _box(ax, [done.loc[done["scenario"] == s, "turnaround_days"].dropna().to_numpy()
                  for s in scen], scen)
        ax.set_ylabel(tr("days from need to decision", lang))
        ax.set_title(tr("Days from need to decision, completed applications", lang), fontsize=10)
    if has_age:
        k = _age_panels(flat, k, req, done if has_turn else None, scen, lang)
    for ax in flat[k:]:
        ax.set_visible(False)
    handles, labels = flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(scen) if len(scen) <= 5 else 3, fontsize=8,
               bbox_to_anchor=(0.5, 1.0), title=tr("scenario", lang), frameon=False)
    runs = req.groupby("scenario")["replication"].nunique().max() if "replication" in req else 0
    fig.suptitle(tr("Distributions per need, pooled over {n} replications", lang)
                 .format(n=runs), fontsize=12, y=1.0 + 0.045 * (1 if len(scen) <= 5 else 2) + 0.03)
    fig.tight_layout()
    return save(fig, path)
