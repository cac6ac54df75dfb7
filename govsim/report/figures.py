"""Figures for a stored experiment (matplotlib, Agg backend; PNG files).

Each figure function takes tables and a target path, writes one PNG and returns the
path, or returns None when the data it needs is absent (it never raises for that).
Axes take the KPI's name, unit and population from :mod:`govsim.kpi_registry`.
:func:`build_figures` makes the figures a spec declares (kinds in :data:`FIGURE_KINDS`),
in English or (``lang="zh"``, when a CJK font is installed) in Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govsim.experiment.spec import FIGURE_KINDS
from govsim.kpi_registry import Lang, find
from govsim.report.data import StoredExperiment
from govsim.report.distributions import distribution_figure
from govsim.report.style import (
    MARKERS,
    cjk_font,
    colour,
    figure_lang,
    fonts_for,
    latin_only,
    save,
    wrap,
)
from govsim.report.text import tr
from govsim.report.timeseries import timeseries_figure

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


def kpi_axis(kpi: str, lang: Lang = "en") -> tuple[str, str, float]:
    """(name, axis text "unit; population", scale) for plotting ``kpi``, from the registry.

    A KPI the registry does not know (an older stored run) keeps its identifier and scale 1.
    """
    k = find(kpi)
    if k is None:
        return kpi.replace("_", " "), "", 1.0
    label, axis = k.label(lang), f"{k.value_unit(lang)}; {k.population_label(lang)}"
    if cjk_font() is None:  # no glyphs for a Chinese term in an English label
        label, axis = latin_only(label), latin_only(axis)
    return label, axis, k.scale


@dataclass(frozen=True)
class Figure:
    """A figure written to disk, with what a reader needs to know about it."""

    kind: str
    path: Path
    title: str
    caption: str


def means_figure(comparison: pd.DataFrame, path: Path, kpis: Sequence[str] | None = None,
                 baseline: str | None = None, lang: Lang = "en") -> Path | None:
    """Scenario means with 95% CI error bars, one panel per KPI."""
    need = {"kpi", "scenario", "mean", "ci_low", "ci_high"}
    if comparison.empty or not need <= set(comparison.columns):
        return None
    kpis = [k for k in (kpis or pd.unique(comparison["kpi"])) if k in set(comparison["kpi"])]
    if not kpis:
        return None
    lang = figure_lang(lang)
    with fonts_for(lang):
        return _means(comparison, path, kpis, baseline, lang)


def _means(comparison: pd.DataFrame, path: Path, kpis: list[str], baseline: str | None,
           lang: Lang) -> Path:
    scenarios = list(pd.unique(comparison["scenario"]))
    ncol = min(3, len(kpis))
    nrow = math.ceil(len(kpis) / ncol)
    width = max(4.2, 0.9 * len(scenarios) + 1.8)
    fig, axes = plt.subplots(nrow, ncol, figsize=(width * ncol, 4.0 * nrow), squeeze=False)
    n = int(comparison["n"].max()) if "n" in comparison else 0
    base_word = tr("baseline", lang)
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        label, unit, scale = kpi_axis(kpi, lang)
        rows = comparison[comparison["kpi"] == kpi].set_index("scenario").reindex(scenarios)
        x = np.arange(len(scenarios))
        mean = rows["mean"].to_numpy(dtype=float) * scale
        lo = rows["ci_low"].to_numpy(dtype=float) * scale
        hi = rows["ci_high"].to_numpy(dtype=float) * scale
        err = np.vstack([np.nan_to_num(mean - lo), np.nan_to_num(hi - mean)])
        colours = ["0.45" if s == baseline else colour(i) for i, s in enumerate(scenarios)]
        ax.bar(x, mean, color=colours, alpha=0.35, width=0.6)
        ax.errorbar(x, mean, yerr=err, fmt="o", color="black", capsize=5, lw=1.2, ms=4)
        ax.set_xticks(x, [f"{s}\n({base_word})" if s == baseline else s for s in scenarios],
                      rotation=20 if len(scenarios) > 4 else 0, fontsize=8)
        ax.set_title(wrap(label, 40), fontsize=10)
        ax.set_ylabel(wrap(unit, 38), fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(kpis):]:
        ax.set_visible(False)
    fig.suptitle(tr("Scenario means with 95% confidence intervals ({n} replications each)",
                    lang).format(n=n), fontsize=12)
    fig.tight_layout()
    return save(fig, path)


def scatter_figure(comparison: pd.DataFrame, x_kpi: str, y_kpi: str, path: Path,
                   baseline: str | None = None, title: str | None = None,
                   lang: Lang = "en") -> Path | None:
    """One KPI against another across scenarios (means with 95% CI in both directions).

    Scenarios are told apart by colour and marker and named in a legend beside the
    axes, so labels never overprint when two scenarios land on the same point.
    """
    if comparison.empty or not {x_kpi, y_kpi} <= set(comparison.get("kpi", [])):
        return None
    lang = figure_lang(lang)
    with fonts_for(lang):
        return _scatter(comparison, x_kpi, y_kpi, path, baseline, title, lang)


def _scatter(comparison: pd.DataFrame, x_kpi: str, y_kpi: str, path: Path,
             baseline: str | None, title: str | None, lang: Lang) -> Path:
    xs = comparison[comparison["kpi"] == x_kpi].set_index("scenario")
    ys = comparison[comparison["kpi"] == y_kpi].set_index("scenario")
    scenarios = [s for s in pd.unique(comparison["scenario"]) if s in xs.index and s in ys.index]
    (xl, xu, xsc), (yl, yu, ysc) = kpi_axis(x_kpi, lang), kpi_axis(y_kpi, lang)
    fig, ax = plt.subplots(figsize=(8.5, 5.5))
    for i, s in enumerate(scenarios):
        x, y = xs.loc[s], ys.loc[s]
        xm, ym = float(x["mean"]) * xsc, float(y["mean"]) * ysc
        xerr = [[xm - float(x["ci_low"]) * xsc], [float(x["ci_high"]) * xsc - xm]]
        yerr = [[ym - float(y["ci_low"]) * ysc], [float(y["ci_high"]) * ysc - ym]]
        # later scenarios are drawn smaller, so one that sits on another stays visible
        ax.errorbar(xm, ym, xerr=np.nan_to_num(xerr), yerr=np.nan_to_num(yerr),
                    fmt=MARKERS[i % len(MARKERS)], color="0.3" if s == baseline else colour(i),
                    capsize=4, ms=max(5.0, 11 - 1.2 * i), mfc="none" if i % 2 else None,
                    label=f"{s} ({tr('baseline', lang)})" if s == baseline else s)
    ax.set_xlabel(wrap(f"{xl} ({xu})", 70))
    ax.set_ylabel(wrap(f"{yl} ({yu})", 50))
    default = tr("{y} against {x}, by scenario (95% CI bars)", lang).format(y=yl, x=xl)
    ax.set_title(wrap(title if title and lang == "en" else default, 70), fontsize=11)
    ax.legend(title=tr("scenario", lang), loc="upper left", bbox_to_anchor=(1.02, 1.0),
              fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return save(fig, path)


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
    ax.barh(y, d[value_col].to_numpy(dtype=float), color=colour(0), alpha=0.8)
    ax.set_yticks(y, [str(v) for v in d[label_col]], fontsize=9)
    ax.set_xlabel(xlabel or value_col.replace("_", " "))
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return save(fig, Path(path))


def _item(entry: Any) -> dict[str, Any]:
    return {"kind": entry} if isinstance(entry, str) else dict(entry)


def build_figures(exp: StoredExperiment, fig_dir: str | Path,
                  declared: Sequence[Any] | None = None, lang: Lang = "en") -> list[Figure]:
    """Make the declared figures (default :data:`DEFAULT_FIGURES`) under ``fig_dir``.

    A declared entry is a kind name or a mapping with ``kind`` and options:
    ``means`` (kpis), ``distributions``, ``timeseries``, ``scatter`` (x, y, title),
    ``ranking`` (table: a CSV/Parquet file in the experiment dir, value, label, title).
    Figures whose data is absent are skipped. With ``lang="zh"`` the files are named
    ``<kind>.zh.png`` and labelled in Chinese (English if no CJK font is installed).
    """
    fig_dir = Path(fig_dir)
    entries = [_item(e) for e in (declared or DEFAULT_FIGURES)]
    out: list[Figure] = []
    counts: dict[str, int] = {}
    suffix = ".zh.png" if lang == "zh" else ".png"
    for e in entries:
        kind = str(e.get("kind"))
        counts[kind] = counts.get(kind, 0) + 1
        stem = kind if counts[kind] == 1 else f"{kind}_{counts[kind]}"
        made = _make(exp, kind, e, fig_dir / f"{stem}{suffix}", lang)
        if made is not None:
            out.append(made)
    return out


_CAPTIONS = {
    "means": ("Scenario means with 95% confidence intervals",
              "Each panel is one KPI: bar and dot are the mean over replications, whiskers the "
              "95% t confidence interval; the baseline is grey. The axis says the unit and what "
              "the KPI counts."),
    "distributions": ("Distributions per need",
                      "All needs of all replications pooled. Days to decision count completed "
                      "applications only; boxes span the middle half, whiskers 1.5 times that "
                      "range."),
    "timeseries": ("Queues and backlog over time",
                   "Each line is one scenario (colour and line style), the mean over "
                   "replications of the {bin} mean; the legend is above the panels."),
    "scatter": ("{y} against {x}, by scenario (95% CI bars)",
                "Each point is one scenario's mean; bars are 95% confidence intervals; the "
                "legend names the scenarios."),
}


def _figure(kind: str, path: Path, lang: Lang, **names: str) -> Figure:
    title, caption = (tr(t, lang).format(**names) for t in _CAPTIONS[kind])
    return Figure(kind, path, title, caption)


def _make(exp: StoredExperiment, kind: str, e: dict[str, Any], path: Path,
          lang: Lang = "en") -> Figure | None:
    scen, base = exp.scenarios, exp.baseline
    if kind == "means":
        if means_figure(exp.comparison, path, e.get("kpis") or exp.kpis, base, lang):
            return _figure(kind, path, lang)
    elif kind == "distributions":
        req = exp.frame("requests", ["trips", "turnaround_days", "outcome", "age_band"])
        if distribution_figure(req, path, scen, lang):
            return _figure(kind, path, lang)
    elif kind == "timeseries":
        ts = exp.frame("timeseries")
        if timeseries_figure(ts, path, scen, lang):
            weekly = float(ts["time_day"].max()) > 60
            return _figure(kind, path, lang, bin=tr("week" if weekly else "day", lang))
    elif kind == "scatter":
        x, y = str(e.get("x", "")), str(e.get("y", ""))
        if scatter_figure(exp.comparison, x, y, path, base, e.get("title"), lang):
            fig = _figure(kind, path, lang, x=kpi_axis(x, lang)[0], y=kpi_axis(y, lang)[0])
            title = e.get("title") if lang == "en" and e.get("title") else fig.title
            return Figure(kind, path, str(title), fig.caption)
    elif kind == "ranking":
        return _ranking(exp, e, path)
    elif kind in ("prim", "sobol"):  # scenario discovery and Sobol kinds draw their own
        from govsim.report.discover_report import prim_figure
        from govsim.report.sobol_report import sobol_figure

        return (prim_figure if kind == "prim" else sobol_figure)(exp, e, path, lang)
    elif kind in ("pareto", "levers"):  # kind: optimise (trials.csv)
        from govsim.report.optimise_figures import make_optimise_figure

        return make_optimise_figure(exp, kind, path, lang)
    return None


def _ranking(exp: StoredExperiment, e: dict[str, Any], path: Path) -> Figure | None:
    table = exp.out_dir / str(e.get("table", ""))
    if not (table.is_file() and e.get("value") and e.get("label")):
        return None
    df = pd.read_parquet(table) if table.suffix == ".parquet" else pd.read_csv(table)
    title = str(e.get("title") or f"Ranking by {e['value']}")
    if ranking_figure(df, str(e["value"]), str(e["label"]), title, path, xlabel=e.get("xlabel")):
        return Figure("ranking", path, title,
                      str(e.get("caption") or f"Sorted by {e['value']}, largest first."))
    return None
