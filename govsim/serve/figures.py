"""The workbench's figures (matplotlib), labelled in the page's language.

Chinese needs a CJK font; the first installed one of :data:`CJK_FONTS` is put
ahead of the default so that no glyph is missing in either language.
"""

from __future__ import annotations

import logging
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure

from govsim.report.data import StoredExperiment
from govsim.serve.i18n import Lang, t
from govsim.serve.results import display, headline_kpis, scenario_label

__all__ = ["CJK_FONTS", "cjk_font", "distribution_figure", "timeseries_figure"]

CJK_FONTS = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
             "SimHei", "Microsoft YaHei", "PingFang SC")


# a .ttc CJK font registered by addfont has weight 500 only: findfont warns on every label
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

_CJK_FILES = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "simhei", "msyh", "pingfang",
              "droidsansfallback")


def cjk_font() -> str | None:
    """The first installed CJK font family, or None.

    Matplotlib's font cache may predate the font's installation (a cache built before
    ``apt-get install fonts-wqy-zenhei``), so CJK font files on the system that the cache
    lacks are added first.
    """
    manager = font_manager.fontManager
    installed = {f.name for f in manager.ttflist}
    if not any(name in installed for name in CJK_FONTS):
        known = {f.fname for f in manager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known and any(k in path.lower().replace("-", "") for k in _CJK_FILES):
                manager.addfont(path)
        installed = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _rc() -> dict[Any, Any]:
    # concrete family names (not "sans-serif"): a figure saved after the context ends keeps them
    font = cjk_font()
    families = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    return {"font.family": families, "axes.unicode_minus": False}


def distribution_figure(exp: StoredExperiment, lang: Lang, kpis: list[str] | None = None) -> Figure:
    """One small panel per headline KPI: each replication's value per scenario, and the mean."""
    names = (kpis or headline_kpis(exp))[:6]
    with plt.rc_context(_rc()):
        cols = 3
        rows = max(1, -(-len(names) // cols))
        fig, axes = plt.subplots(rows, cols, figsize=(10, 2.6 * rows), squeeze=False)
        scen = exp.scenarios
        for ax, name in zip(axes.flat, names, strict=False):
            d = display(name, lang)
            sub = exp.summary[exp.summary["kpi"] == name]
            for i, s in enumerate(scen):
                vals = sub.loc[sub["scenario"] == s, "value"].to_numpy(dtype=float) * d.scale
                ax.plot([i] * len(vals), vals, "o", alpha=0.6, color="#4c72b0")
                if len(vals):
                    ax.plot([i - 0.25, i + 0.25], [vals.mean()] * 2, color="#c44e52", lw=2)
            ax.set_xticks(range(len(scen)), [scenario_label(s, lang) for s in scen], fontsize=8,
                          rotation=15 if len(scen) > 3 else 0)
            ax.set_title(f"{d.label} ({d.value_unit})", fontsize=9)
        for ax in list(axes.flat)[len(names):]:
            ax.set_visible(False)
        fig.suptitle(t("dist_title", lang), fontsize=11)
        fig.tight_layout()
    return fig


def timeseries_figure(exp: StoredExperiment, lang: Lang) -> Figure | None:
    """Queue and back-office backlog summed over offices, mean over replications; None if not stored."""
    ts = exp.frame("timeseries", ["time_day", "office", "queue", "backlog"])
    if ts.empty or not {"time_day", "queue", "backlog"} <= set(ts.columns):
        return None
    total = ts.groupby(["scenario", "replication", "time_day"], observed=True)[["queue", "backlog"]].sum()
    mean = total.groupby(["scenario", "time_day"], observed=True).mean().reset_index()
    with plt.rc_context(_rc()):
        fig, axes = plt.subplots(1, 2, figsize=(10, 3))
        for s in exp.scenarios:
            part = mean[mean["scenario"] == s]
            for ax, col in zip(axes, ("queue", "backlog"), strict=True):
                ax.plot(part["time_day"], part[col], label=scenario_label(s, lang), lw=1)
        for ax, col in zip(axes, ("queue", "backlog"), strict=True):
            ax.set_title(t(col, lang), fontsize=9)
            ax.set_xlabel(t("day", lang), fontsize=8)
        axes[0].legend(fontsize=7)
        fig.suptitle(t("ts_title", lang), fontsize=10)
        fig.tight_layout()
    return fig
