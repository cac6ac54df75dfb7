"""The report of a scenario discovery (``kind: discover``): findings, section and figure.

Reads what :mod:`govsim.experiment.discover` wrote (``discover.csv``, ``prim_<policy>_*.csv``)
and says, per policy and in English and Chinese, where it breaks the failure rule: the
chosen box as a rule in plain words, with its coverage (share of the failing points it
holds), density (share of its points that fail), mass (share of all points) and the
quasi-p-value of each limit; or, plainly, that the policy never or always fails or that
no box separates its failures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govsim.experiment.compare import kpi_label, with_unit
from govsim.kpi_registry import Lang
from govsim.report.data import StoredExperiment
from govsim.report.figures import Figure
from govsim.report.findings import Finding
from govsim.report.style import figure_lang, fonts_for, save, wrap
from govsim.report.tables import e

__all__ = ["discover_findings", "discover_section", "prim_figure", "rule_sentence"]

_CAPTION = ("Each dot is one peeling step, from the whole input space (right) to the smallest "
            "box (left); colour says how many inputs the box restricts. The ring is the chosen "
            "box: the highest coverage whose density reaches the target (dashed line), its "
            "limits then pruned where their quasi-p exceeds the significance level (pruning "
            "can move it off the curve).")
_OPS = {">": ("above", "高于"), ">=": ("at or above", "不低于"), "<": ("below", "低于"),
        "<=": ("at or below", "不高于")}
_ZH = {
    "Where each policy fails (scenario discovery, PRIM)": "各政策在何种条件下失效(情景发现,PRIM)",
    "input": "输入", "lower limit": "下限", "upper limit": "上限", "range studied": "研究范围",
    "quasi-p (lower)": "准p值(下限)", "quasi-p (upper)": "准p值(上限)",
    "coverage": "覆盖率", "density": "密度", "mass": "质量", "points in the box": "区域内点数",
    "binomial p": "二项检验p值", "policy": "政策", "failing points": "失效点数",
    "PRIM peeling trajectory for {p}: coverage against density":
        "{p}的PRIM剥离轨迹:覆盖率与密度",
    "coverage (share of the failing points inside the box)": "覆盖率(区域内失效点占全部失效点的比例)",
    "density (share of the box's points that fail)": "密度(区域内失效点的比例)",
    "inputs restricted": "受限输入个数", "chosen box": "所选区域",
    "target density {d:g}": "目标密度 {d:g}",
    _CAPTION:
        "每个点为一步剥离,从整个输入空间(右)到最小区域(左);颜色表示区域限制的输入个数。"
        "圆圈为所选区域:密度达到目标(虚线)时覆盖率最高的一步,再去掉准p值高于显著性水平的限制(因此可能不在曲线上)。",
}


def _t(text: str, lang: Lang) -> str:
    return _ZH.get(text, text) if lang == "zh" else text


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.0f}%"


def _p(x: float) -> str:
    return "n/a" if math.isnan(x) else ("< 0.001" if x < 0.001 else f"= {x:.3f}")


def _what(r: Mapping[Any, Any], lang: Lang) -> str:
    """The failure rule in words: "Unmet needs, 60+ above 5.0%"."""
    kpi = str(r["rule_kpi"])
    word = _OPS.get(str(r["rule_op"]), (str(r["rule_op"]),) * 2)[1 if lang == "zh" else 0]
    thr = with_unit(kpi, float(r["rule_threshold"]), lang)
    label = kpi_label(kpi, lang)
    return f"{label}{word}{thr}" if lang == "zh" else f"{label[:1].lower()}{label[1:]} {word} {thr}"


def _stats(r: Mapping[Any, Any], lang: Lang) -> str:
    cov, den, mass, p = (float(r[k]) for k in ("coverage", "density", "mass", "p_value"))
    if lang == "zh":
        return (f"该区域包含{_pct(cov)}的失效点(覆盖率),区域内{_pct(den)}的点失效(密度),"
                f"占全部点的{_pct(mass)}(质量);二项检验p {_p(p)}")
    return (f"the box holds {_pct(cov)} of the failing points (coverage), {_pct(den)} of its "
            f"points fail (density) and it is {_pct(mass)} of all points (mass); binomial p {_p(p)}")


def rule_sentence(r: Mapping[Any, Any], lang: Lang = "en") -> str:
    """One policy's result in plain words, from its row of ``discover.csv``."""
    pol, what, status = str(r["policy"]), _what(r, lang), str(r["status"])
    k, n = int(r["failing"]), int(r["points"])
    kpi = str(r["rule_kpi"])
    lo, hi = with_unit(kpi, float(r["kpi_min"]), lang), with_unit(kpi, float(r["kpi_max"]), lang)
    rule = str(r.get("box_rule") or "")
    rule = rule.replace(" and ", " 且 ") if lang == "zh" else rule
    if lang == "zh":
        head = f"{pol}政策下,{n}个情景点中有{k}个{what}(取值{lo}至{hi})"
        tail = {"always": ":在所研究的范围内处处失效,没有需要寻找的区域。",
                "never": ":在所研究的范围内从不失效。",
                "no_data": ":没有可用的指标值。",
                "no_box": ":但没有一个输入区域能把失效点分开(所有限制的准p值都高于显著性水平)。",
                "box": f";当 {rule} 时失效:{_stats(r, lang)}。",
                "weak_box": f";最密集的区域({rule})密度也低于目标{r['min_density']:g}:"
                            f"{_stats(r, lang)}。"}[status]
        return head + tail
    head = f"Under {pol}, {what} at {k} of {n} points (values {lo} to {hi})"
    tail = {"always": ": it fails everywhere in the ranges studied; there is no box to find.",
            "never": ": it never fails in the ranges studied.",
            "no_data": ": no point has a value of the KPI.",
            "no_box": ", but no box of inputs separates the failures (every limit had a "
                      "quasi-p above the significance level).",
            "box": f"; it fails when {rule}: {_stats(r, lang)}.",
            "weak_box": f"; even the densest box ({rule}) stays below the target density "
                        f"{r['min_density']:g}: {_stats(r, lang)}."}[status]
    return head + tail


def discover_findings(table: pd.DataFrame) -> list[Finding]:
    """One finding per policy of ``discover.csv`` (its statistics and plain forms)."""
    out = []
    for r in table.to_dict("records"):
        en, zh = rule_sentence(r, "en"), rule_sentence(r, "zh")
        out.append(Finding(en, str(r["rule_kpi"]), str(r["policy"]),
                           str(r["status"]) in ("box", "always", "never"), zh, en, zh))
    return out


def _limits_html(limits: pd.DataFrame, lang: Lang) -> str:
    cols = ["input", "lower limit", "upper limit", "range studied", "quasi-p (lower)",
            "quasi-p (upper)"]
    head = "".join(f"<th>{e(_t(c, lang))}</th>" for c in cols)
    rows = "".join(
        f"<tr><td>{e(r['input'])}</td><td class='num'>{r['lower']:.3g}</td>"
        f"<td class='num'>{r['upper']:.3g}</td><td>{r['data_min']:.3g} - {r['data_max']:.3g}</td>"
        f"<td class='num'>{e(_p(float(r['qp_lower'])).lstrip('= '))}</td>"
        f"<td class='num'>{e(_p(float(r['qp_upper'])).lstrip('= '))}</td></tr>"
        for r in limits.to_dict("records"))
    return f"<table><tr>{head}</tr>{rows}</table>"


def discover_section(exp: StoredExperiment, lang: Lang = "en") -> str:
    """The report section of a discovery ("" for any other experiment)."""
    path = exp.out_dir / "discover.csv"
    if not path.is_file():
        return ""
    parts = [f"<h2>{e(_t('Where each policy fails (scenario discovery, PRIM)', lang))}</h2>"]
    for r in pd.read_csv(path).to_dict("records"):
        parts.append(f"<h3>{e(r['policy'])}</h3><p>{e(rule_sentence(r, lang))}</p>")
        limits = exp.out_dir / f"prim_{r['policy']}_limits.csv"
        if str(r["status"]) in ("box", "weak_box") and limits.is_file():
            parts.append(_limits_html(pd.read_csv(limits), lang))
    return "\n".join(parts)


def prim_figure(exp: StoredExperiment, entry: dict[str, Any], path: Path,
                lang: Lang = "en") -> Figure | None:
    """The coverage/density trade-off of one policy's peeling, the chosen box ringed."""
    policy = str(entry.get("policy", ""))
    traj, table = exp.out_dir / f"prim_{policy}_trajectory.csv", exp.out_dir / "discover.csv"
    if not (traj.is_file() and table.is_file()):
        return None
    rows = pd.read_csv(table).set_index("policy")
    if policy not in rows.index:
        return None
    t, row = pd.read_csv(traj), rows.loc[policy].to_dict()
    lang = figure_lang(lang)
    with fonts_for(lang):
        fig, ax = plt.subplots(figsize=(7.5, 5.0))
        sc = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=22)
        fig.colorbar(sc, ax=ax, label=_t("inputs restricted", lang))
        step = int(row["step"]) if np.isfinite(row["step"]) else None
        if step is not None:
            ax.scatter([row["coverage"]], [row["density"]], s=220, facecolors="none",
                       edgecolors="crimson", linewidths=2, label=_t("chosen box", lang))
        ax.axhline(float(row["min_density"]), ls="--", color="0.5",
                   label=_t("target density {d:g}", lang).format(d=float(row["min_density"])))
        ax.set_xlabel(_t("coverage (share of the failing points inside the box)", lang))
        ax.set_ylabel(wrap(_t("density (share of the box's points that fail)", lang), 40))
        title = _t("PRIM peeling trajectory for {p}: coverage against density", lang)
        ax.set_title(wrap(title.format(p=policy), 60), fontsize=11)
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        save(fig, path)
    caption = _t(_CAPTION, lang)
    return Figure("prim", path, title.format(p=policy), caption)
