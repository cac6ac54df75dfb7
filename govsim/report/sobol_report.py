"""The report of a Sobol analysis (``kind: sobol``): findings, section and figure.

Reads ``sobol.csv`` and ``sobol_warnings.csv`` (written by :mod:`govsim.experiment.sobol_run`)
and says, per output and in English and Chinese, which input drives most of its variance
alone (first-order index S1) and with its interactions (total index ST), with bootstrap
intervals; and where the intervals are too wide to rank the inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govsim.experiment.compare import kpi_label
from govsim.kpi_registry import Lang
from govsim.report.data import StoredExperiment
from govsim.report.figures import Figure
from govsim.report.findings import Finding
from govsim.report.style import colour, figure_lang, fonts_for, save, wrap
from govsim.report.tables import e

__all__ = ["sobol_figure", "sobol_findings", "sobol_section"]

_ZH = {
    "Which inputs drive each output (Sobol indices)": "哪些输入驱动各项输出(Sobol指数)",
    "output": "输出", "input": "输入", "S1 (alone)": "S1(单独)", "ST (with interactions)":
        "ST(含交互作用)", "Warnings: intervals too wide to rank": "提示:区间过宽,无法排序",
    "first order S1": "一阶指数 S1", "total ST": "总效应指数 ST",
    "Sobol indices with {c:g}% bootstrap intervals": "Sobol指数及{c:g}%自助法区间",
    "share of the output's variance": "占输出方差的比例",
    "Bars are the indices, whiskers their bootstrap intervals; inputs sorted by total index. "
    "S1 is the share of the output's variance an input explains alone, ST alone and through "
    "its interactions; ST - S1 is the interaction part.":
        "柱为指数,须线为自助法区间;输入按总效应指数排序。S1为输入单独解释的输出方差比例,"
        "ST为单独及通过交互作用解释的比例;ST - S1为交互作用部分。",
    "no warning: the intervals are narrow enough to rank the inputs by total index.":
        "无提示:区间足够窄,可以按总效应指数排序。",
}


_NO_WARNING = "no warning: the intervals are narrow enough to rank the inputs by total index."


def _t(text: str, lang: Lang) -> str:
    return _ZH.get(text, text) if lang == "zh" else text


def _iv(r: Mapping[Any, Any], k: str) -> str:
    return f"{r[k]:.2f} [{r[k + '_low']:.2f}, {r[k + '_high']:.2f}]"


def _separated(g: pd.DataFrame) -> bool:
    """Whether the top input's total-index interval lies above the next one's."""
    rows = g.sort_values("ST", ascending=False).to_dict("records")
    return len(rows) < 2 or float(rows[0]["ST_low"]) > float(rows[1]["ST_high"])


def _sentence(out: str, g: pd.DataFrame, lang: Lang) -> tuple[str, str]:
    """(statistics sentence, plain sentence) for one output."""
    rows = g.sort_values("ST", ascending=False).to_dict("records")
    top, nxt = rows[0], rows[1] if len(rows) > 1 else None
    firm = _separated(g)
    label = kpi_label(out, lang)
    inter = sum(max(0.0, r["ST"] - r["S1"]) for r in rows)
    if lang == "zh":
        stats = (f"{label}({out}):{top['input']}的总效应指数最大,"
                 f"ST = {_iv(top, 'ST')},S1 = {_iv(top, 'S1')}")
        stats += f";其次为{nxt['input']},ST = {_iv(nxt, 'ST')}" if nxt else ""
        stats += ";两者区间不重叠。" if firm and nxt else (
            "。" if firm else ";两者区间重叠,谁居首不能确定。")
        plain = (f"在所变化的输入中,{top['input']}单独解释{label}约"
                 f"{100 * max(top['S1'], 0):.0f}%的变化,连同交互作用约{100 * top['ST']:.0f}%;"
                 f"各输入交互作用部分(ST - S1)合计约{100 * inter:.0f}%。")
        if top["S1"] > top["ST"]:
            plain = (f"在所变化的输入中,{top['input']}解释{label}约{100 * top['ST']:.0f}%至"
                     f"{100 * top['S1']:.0f}%的变化,未测出交互作用(其一阶指数高于总效应指数,"
                     f"这只能来自本设计规模下的估计误差);各输入交互作用部分合计约{100 * inter:.0f}%。")
        return stats, plain
    stats = (f"{label} ({out}): {top['input']} has the largest total index, "
             f"ST = {_iv(top, 'ST')}, S1 = {_iv(top, 'S1')}")
    stats += f"; next {nxt['input']}, ST = {_iv(nxt, 'ST')}" if nxt else ""
    stats += "; the two intervals do not overlap." if firm and nxt else (
        "." if firm else "; the two intervals overlap, so which comes first is not firm.")
    plain = (f"Of the inputs varied, {top['input']} alone explains about "
             f"{100 * max(top['S1'], 0):.0f}% of the variation in {label[:1].lower()}{label[1:]}, "
             f"about {100 * top['ST']:.0f}% with its interactions; the interaction parts "
             f"(ST - S1) of all inputs add up to about {100 * inter:.0f}%.")
    if top["S1"] > top["ST"]:   # only estimation noise makes S1 exceed ST
        plain = (f"Of the inputs varied, {top['input']} explains about {100 * top['ST']:.0f}-"
                 f"{100 * top['S1']:.0f}% of the variation in {label[:1].lower()}{label[1:]}, "
                 "with no measurable interaction (its first-order index exceeds its total "
                 "index, which only estimation noise at this design size can do); the "
                 f"interaction parts (ST - S1) of all inputs add up to about {100 * inter:.0f}%.")
    return stats, plain


def sobol_findings(table: pd.DataFrame) -> list[Finding]:
    """One finding per output of ``sobol.csv`` with computed indices: the input that drives
    it, conclusive when its total-index interval lies above the next input's."""
    out = []
    for name, g in table.dropna(subset=["ST"]).groupby("output", sort=False):
        (en, plain), (zh, plain_zh) = (_sentence(str(name), g, lang) for lang in ("en", "zh"))
        top = str(g.sort_values("ST", ascending=False)["input"].iloc[0])
        out.append(Finding(en, str(name), top, _separated(g), zh, plain, plain_zh))
    return out


def _read(exp: StoredExperiment) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    path, warn = exp.out_dir / "sobol.csv", exp.out_dir / "sobol_warnings.csv"
    if not path.is_file():
        return None
    warnings = pd.read_csv(warn) if warn.is_file() else pd.DataFrame(columns=["output", "warning"])
    return pd.read_csv(path), warnings


def sobol_section(exp: StoredExperiment, lang: Lang = "en") -> str:
    """The report section of a Sobol analysis ("" for any other experiment)."""
    read = _read(exp)
    if read is None:
        return ""
    table, warnings = read
    cols = ["output", "input", "S1 (alone)", "ST (with interactions)"]
    head = "".join(f"<th>{e(_t(c, lang))}</th>" for c in cols)
    body = "".join(
        f"<tr><td>{e(kpi_label(str(r['output']), lang))}</td><td>{e(r['input'])}</td>"
        f"<td class='num'>{e(_iv(r, 'S1') if not math.isnan(r['S1']) else 'n/a')}</td>"
        f"<td class='num'>{e(_iv(r, 'ST') if not math.isnan(r['ST']) else 'n/a')}</td></tr>"
        for r in table.to_dict("records"))
    col = "warning_zh" if lang == "zh" and "warning_zh" in warnings else "warning"
    warn = ("".join(f"<li class='inconclusive'>{e(w)}</li>" for w in warnings[col])
            if len(warnings) else f"<li>{e(_t(_NO_WARNING, lang))}</li>")
    return (f"<h2>{e(_t('Which inputs drive each output (Sobol indices)', lang))}</h2>"
            f"<table><tr>{head}</tr>{body}</table>"
            f"<h3>{e(_t('Warnings: intervals too wide to rank', lang))}</h3><ul>{warn}</ul>")



def sobol_figure(exp: StoredExperiment, entry: dict[str, Any], path: Path,
                 lang: Lang = "en") -> Figure | None:
    """S1 and ST bars with interval whiskers, one panel per output, inputs by ST."""
    read = _read(exp)
    if read is None:
        return None
    table = read[0].dropna(subset=["ST"])
    outputs = list(pd.unique(table["output"]))
    if not outputs:
        return None
    conf = float((exp.manifest.get("sobol") or {}).get("conf_level", 0.95)) * 100
    lang = figure_lang(lang)
    with fonts_for(lang):
        fig, axes = plt.subplots(1, len(outputs), figsize=(5.2 * len(outputs), 0.45 *
                                 table.groupby("output").size().max() + 2.2), squeeze=False)
        for ax, out in zip(axes.flat, outputs, strict=True):
            g = table[table["output"] == out].sort_values("ST")
            y = np.arange(len(g))
            for k, (col, name) in enumerate((("S1", "first order S1"), ("ST", "total ST"))):
                v = g[col].to_numpy(dtype=float)
                err = np.vstack([v - g[f"{col}_low"].to_numpy(dtype=float),
                                 g[f"{col}_high"].to_numpy(dtype=float) - v])
                ax.barh(y + (k - 0.5) * 0.38, v, height=0.38, color=colour(k), alpha=0.8,
                        xerr=np.clip(err, 0, None), capsize=3, label=_t(name, lang))
            ax.set_yticks(y, [str(s) for s in g["input"]], fontsize=8)
            ax.axvline(0, color="0.3", lw=0.8)
            ax.set_title(wrap(kpi_label(str(out), lang), 40), fontsize=10)
            ax.set_xlabel(_t("share of the output's variance", lang), fontsize=8)
            ax.grid(axis="x", alpha=0.3)
        axes.flat[0].legend(fontsize=8, loc="lower right")
        title = _t("Sobol indices with {c:g}% bootstrap intervals", lang).format(c=conf)
        fig.suptitle(title, fontsize=12)
        fig.tight_layout()
        save(fig, path)
    caption = _t("Bars are the indices, whiskers their bootstrap intervals; inputs sorted by "
                 "total index. S1 is the share of the output's variance an input explains "
                 "alone, ST alone and through its interactions; ST - S1 is the interaction "
                 "part.", lang)
    return Figure("sobol", path, title, caption)
