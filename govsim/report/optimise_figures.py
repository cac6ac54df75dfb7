"""Figures of a ``kind: optimise`` experiment: the Pareto front and the levers' effects.

Both read ``trials.csv`` (one row per trial: levers, cost, feasible, objective means,
Pareto flag) and the ``optimise`` settings recorded in the manifest. Candidates over
the budget were never simulated, so they have a cost but no KPI value: the Pareto
figure shows them in grey, beyond the budget line, in its cost panel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govsim.kpi_registry import Lang
from govsim.report.data import StoredExperiment
from govsim.report.figures import Figure, kpi_axis
from govsim.report.style import colour, figure_lang, fonts_for, save, wrap

__all__ = ["levers_figure", "make_optimise_figure", "pareto_figure"]

_ZH = {
    "Pareto front": "帕累托前沿",
    "Candidates within the budget and the Pareto front": "预算内的候选方案与帕累托前沿",
    "within budget": "预算内", "Pareto front (not dominated)": "帕累托前沿(未被占优)",
    "over budget (not simulated)": "超出预算(未模拟)", "budget": "预算",
    "selected": "选定方案", "do nothing": "不干预",
    "cost of the levers (yuan per township-year)": "措施费用(元/乡镇·年)",
    "Effect of each lever": "各项措施的效果",
    "Each dot is one candidate within the budget (mean over replications); filled dots are "
    "on the Pareto front.": "每个点为一个预算内候选方案(各次重复的均值);实心点位于帕累托前沿。",
    "Each dot is one candidate within the budget (mean over replications), against one "
    "lever's value; filled dots are on the Pareto front. Other levers vary between dots, so "
    "this shows where good candidates lie, not a controlled effect.":
        "每个点为一个预算内候选方案(各次重复的均值),横轴为某一措施的取值;实心点位于帕累托前沿。"
        "各点之间其他措施也在变化,因此本图显示较优方案所在的区域,而非受控的单项效果。",
    "Left: the objectives of every candidate within the budget, the Pareto front joined "
    "by a line, the star the option the selection chose, the square doing nothing; right: "
    "each candidate's cost against the first objective, candidates over the budget (never "
    "simulated) in grey at the top.":
        "左:预算内各候选方案的目标值,帕累托前沿以线相连,星号为认证选择选定的方案,方框为不干预;"
        "右:各候选方案的费用与第一目标,超出预算(未模拟)的候选方案以灰色标在顶部。",
}


def _tr(text: str, lang: Lang) -> str:
    return _ZH.get(text, text) if lang == "zh" else text


def _plain(axis: Any) -> None:
    """Whole numbers with thousands separators (yuan), not an offset like 1e6."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=5))  # long yuan labels must not run together
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def _trials(exp: StoredExperiment) -> pd.DataFrame | None:
    path = exp.out_dir / "trials.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path)


def _objectives(exp: StoredExperiment) -> list[str]:
    opt = exp.manifest.get("optimise") or {}
    return [str(o["kpi"]) for o in opt.get("objectives", [])]


def _best(exp: StoredExperiment) -> str | None:
    path = exp.out_dir / "selection.json"
    if not path.is_file():
        return None
    import json

    sel = json.loads(path.read_text(encoding="utf-8"))
    return str(sel["best"]) if sel.get("done") else None


def _front_panel(ax: Any, ok: pd.DataFrame, x_kpi: str, y_kpi: str, lang: Lang,
                 best: str | None, base: str) -> None:
    (xl, xu, xs), (yl, yu, ys) = kpi_axis(x_kpi, lang), kpi_axis(y_kpi, lang)
    ax.scatter(ok[x_kpi] * xs, ok[y_kpi] * ys, s=22, color=colour(0), alpha=0.35,
               label=_tr("within budget", lang))
    front = ok[ok["pareto"]].sort_values(x_kpi)
    ax.plot(front[x_kpi] * xs, front[y_kpi] * ys, "-o", color=colour(1), ms=7, lw=1.2,
            label=_tr("Pareto front (not dominated)", lang))
    _mark(ax, ok, best, base, x_kpi, y_kpi, xs, ys, lang)
    ax.set_xlabel(wrap(f"{xl} ({xu})", 55), fontsize=8)
    ax.set_ylabel(wrap(f"{yl} ({yu})", 45), fontsize=8)
    for axis, kpi in ((ax.xaxis, x_kpi), (ax.yaxis, y_kpi)):
        if abs(float(ok[kpi].abs().max())) >= 10_000:
            _plain(axis)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")


def _mark(ax: Any, ok: pd.DataFrame, best: str | None, base: str, x: str, y: str,
          xs: float, ys: float, lang: Lang) -> None:
    for name, word, mk in ((best, "selected", "*"), (base, "do nothing", "s")):
        hit = ok[ok["candidate"] == name]
        if name and not hit.empty:
            ax.scatter(hit[x] * xs, hit[y] * ys, marker=mk, s=140, facecolor="none",
                       edgecolor="black", lw=1.3, zorder=5)
            ax.annotate(f"{name} ({_tr(word, lang)})", (float(hit[x].iloc[0]) * xs,
                                                        float(hit[y].iloc[0]) * ys),
                        fontsize=7, xytext=(6, 6), textcoords="offset points")


def _cost_panel(ax: Any, trials: pd.DataFrame, kpi: str, budget: float, lang: Lang) -> None:
    ok = trials[trials["feasible"]].drop_duplicates("candidate")
    over = trials[~trials["feasible"]]
    label, unit, scale = kpi_axis(kpi, lang)
    ax.scatter(ok["cost"], ok[kpi] * scale, s=22, color=colour(0), alpha=0.5,
               label=_tr("within budget", lang))
    front = ok[ok["pareto"]]
    ax.scatter(front["cost"], front[kpi] * scale, s=40, color=colour(1),
               label=_tr("Pareto front (not dominated)", lang))
    top = float(np.nanmax(ok[kpi] * scale)) if len(ok) else 1.0
    ax.scatter(over["cost"], np.full(len(over), top), marker="x", color="0.6", s=25,
               label=_tr("over budget (not simulated)", lang))
    ax.axvline(budget, color="0.3", ls="--", lw=1)
    ax.annotate(_tr("budget", lang), (budget, top), fontsize=7, xytext=(3, -12),
                textcoords="offset points")
    ax.set_xlabel(_tr("cost of the levers (yuan per township-year)", lang), fontsize=8)
    _plain(ax.xaxis)
    ax.set_ylabel(wrap(f"{label} ({unit})", 45), fontsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")


def pareto_figure(exp: StoredExperiment, path: Path, lang: Lang = "en") -> Path | None:
    """Objectives of the candidates with the Pareto front, and cost against the first objective."""
    trials, kpis = _trials(exp), _objectives(exp)
    if trials is None or not kpis or not trials["feasible"].any():
        return None
    lang = figure_lang(lang)
    budget = float((exp.manifest.get("optimise") or {}).get("budget", np.nan))
    with fonts_for(lang):
        two = len(kpis) >= 2
        fig, axes = plt.subplots(1, 2 if two else 1, figsize=(12.5 if two else 6.5, 5.0),
                                 squeeze=False)
        ok = trials[trials["feasible"]].drop_duplicates("candidate")
        if two:
            _front_panel(axes[0, 0], ok, kpis[0], kpis[1], lang, _best(exp), exp.baseline)
        _cost_panel(axes[0, -1], trials, kpis[0], budget, lang)
        fig.suptitle(_tr("Candidates within the budget and the Pareto front", lang), fontsize=12)
        fig.tight_layout()
        return save(fig, path)


def levers_figure(exp: StoredExperiment, path: Path, lang: Lang = "en") -> Path | None:
    """One panel per lever and objective: the lever's value against the objective."""
    trials, kpis = _trials(exp), _objectives(exp)
    opt = exp.manifest.get("optimise") or {}
    levers = [str(lv["name"]) for lv in opt.get("levers", [])]
    bounds = {str(lv["name"]): (float(lv["low"]), float(lv["high"])) for lv in opt.get("levers", [])}
    if trials is None or not kpis or not levers or not trials["feasible"].any():
        return None
    ok = trials[trials["feasible"]].drop_duplicates("candidate")
    lang = figure_lang(lang)
    kpis = kpis[:2]
    with fonts_for(lang):
        fig, axes = plt.subplots(len(kpis), len(levers), squeeze=False,
                                 figsize=(2.9 * len(levers) + 0.6, 2.8 * len(kpis) + 0.8))
        for r, kpi in enumerate(kpis):
            label, unit, scale = kpi_axis(kpi, lang)
            for c, lever in enumerate(levers):
                ax = axes[r, c]
                front = ok["pareto"].to_numpy(dtype=bool)
                ax.scatter(ok.loc[~front, lever], ok.loc[~front, kpi] * scale, s=18,
                           facecolor="none", edgecolor=colour(0), alpha=0.7,
                           label=_tr("within budget", lang))
                ax.scatter(ok.loc[front, lever], ok.loc[front, kpi] * scale, s=22,
                           color=colour(1), label=_tr("Pareto front (not dominated)", lang))
                lo, hi = bounds[lever]
                ax.set_xlim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))  # the lever's range
                if abs(float(ok[kpi].abs().max())) >= 10_000:
                    _plain(ax.yaxis)
                ax.grid(alpha=0.3)
                if r == len(kpis) - 1:
                    ax.set_xlabel(lever, fontsize=8)
                if c == 0:
                    ax.set_ylabel(wrap(f"{label} ({unit})", 32), fontsize=7)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper right", fontsize=7, frameon=False)
        fig.suptitle(_tr("Effect of each lever", lang), fontsize=12)
        fig.tight_layout()
        return save(fig, path)


_CAPTIONS = {
    "pareto": ("Candidates within the budget and the Pareto front",
               "Left: the objectives of every candidate within the budget, the Pareto front "
               "joined by a line, the star the option the selection chose, the square doing "
               "nothing; right: each candidate's cost against the first objective, candidates "
               "over the budget (never simulated) in grey at the top."),
    "levers": ("Effect of each lever",
               "Each dot is one candidate within the budget (mean over replications), against "
               "one lever's value; filled dots are on the Pareto front. Other levers vary "
               "between dots, so this shows where good candidates lie, not a controlled "
               "effect."),
}


def make_optimise_figure(exp: StoredExperiment, kind: str, path: Path,
                         lang: Lang = "en") -> Figure | None:
    """The ``pareto`` or ``levers`` figure of an optimisation, or None without its data."""
    draw = pareto_figure if kind == "pareto" else levers_figure
    if draw(exp, path, lang) is None:
        return None
    title, caption = (_tr(t, lang) for t in _CAPTIONS[kind])
    return Figure(kind, path, title, caption)
