"""The report's HTML tables, in English or Chinese: comparison, KPIs, items, scenarios, runs.

KPIs appear under their names from :mod:`govsim.kpi_registry`, values in their unit
(shares in percent, their differences in percentage points); the identifier stays in
a column for researchers. No table names a path on the machine that built it.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import pandas as pd

from govsim.experiment.compare import fmt, fmt_interval, kpi_label
from govsim.kpi_registry import KPIS, Lang, find
from govsim.report.data import StoredExperiment

__all__ = ["comparison_html", "e", "items_html", "kpi_html", "num", "provenance_html",
           "scenarios_html", "unit_text"]

_ZH = {
    "KPI": "指标", "unit": "单位", "scenario": "方案", "mean": "均值", "95% CI": "95%置信区间",
    "difference vs {b}": "与{b}之差", "95% CI of the difference": "差值的95%置信区间",
    "Holm p": "Holm校正p值", "identifier (researchers)": "标识符(研究用)",
    " (baseline)": "(基准)", "definition": "定义", "counted over": "统计范围",
    "Other KPIs every run reports ({n})": "每次运行报告的其他指标({n}项)",
    "0 (by construction)": "0(按设计相同)", "to": "至",
    "% (differences: percentage points)": "%(差值:百分点)",
}


def _t(text: str, lang: Lang) -> str:
    return _ZH.get(text, text) if lang == "zh" else text


def e(x: Any) -> str:
    """HTML-escaped text."""
    return html.escape(str(x), quote=True)


def num(x: Any) -> float:
    """``x`` as a float (NaN if it is not a number)."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _p(x: Any) -> str:
    p = num(x)
    if math.isnan(p):
        return ""
    return "&lt;0.001" if p < 0.001 else f"{p:.3f}"


def unit_text(kpi: str, lang: Lang) -> str:
    """The unit column: "%" with its difference unit for shares, else the value unit."""
    k = find(kpi)
    if k is None:
        return ""
    if k.unit == "share":
        return _t("% (differences: percentage points)", lang)
    return k.value_unit(lang)


def _comparison_row(r: Mapping[Hashable, Any], baseline: str, lang: Lang) -> str:
    kpi = str(r["kpi"])
    k = find(kpi)
    scale = k.scale if k else 1.0
    is_base = str(r["scenario"]) == baseline
    to = f" {_t('to', lang)} "
    m, lo, hi = fmt_interval(*(num(r.get(c)) * scale for c in ("mean", "ci_low", "ci_high")))
    diff = dci = ""
    if not is_base:
        d, dlo, dhi = fmt_interval(*(num(r.get(c)) * scale
                                     for c in ("diff_mean", "diff_ci_low", "diff_ci_high")))
        zero = str(r.get("same_by_construction")) == "True"
        diff, dci = (_t("0 (by construction)", lang), "") if zero else (d, f"{dlo}{to}{dhi}")
    name = f"{e(r['scenario'])}{e(_t(' (baseline)', lang)) if is_base else ''}"
    return (f"<tr class='{'base' if is_base else ''}'><td>{e(kpi_label(kpi, lang))}</td>"
            f"<td>{e(unit_text(kpi, lang))}</td><td>{name}</td>"
            f"<td class='num'>{e(r.get('n', ''))}</td><td class='num'>{e(m)}</td>"
            f"<td class='num'>{e(lo)}{to}{e(hi)}</td><td class='num'>{e(diff)}</td>"
            f"<td class='num'>{e(dci)}</td><td class='num'>{'' if is_base else _p(r.get('p_holm'))}"
            f"</td><td><code>{e(kpi)}</code></td></tr>")


def comparison_html(comparison: pd.DataFrame, baseline: str, lang: Lang = "en") -> str:
    """Means, intervals and differences from the baseline, one row per KPI and scenario."""
    if comparison.empty or "kpi" not in comparison:
        return "<p>(no comparison)</p>"
    cols = ["KPI", "unit", "scenario", "n", "mean", "95% CI", "difference vs {b}",
            "95% CI of the difference", "Holm p", "identifier (researchers)"]
    head = "".join(f"<th>{e(_t(c, lang).format(b=baseline))}</th>" for c in cols)
    rows = "".join(_comparison_row(r, baseline, lang) for r in comparison.to_dict("records"))
    return f"<table><tr>{head}</tr>{rows}</table>"


def kpi_html(kpis: Sequence[str], lang: Lang = "en") -> str:
    """Name, definition, unit and population of the compared KPIs, then all the others."""
    others = [k for k in KPIS if k not in set(kpis)]

    def table(names: Sequence[str]) -> str:
        body = []
        for name in names:
            k = find(name)
            desc = k.description(lang) if k else "(no description)"
            who = k.population_label(lang) if k else ""
            body.append(f"<tr><td>{e(kpi_label(name, lang))}</td><td>{e(desc)}</td>"
                        f"<td>{e(unit_text(name, lang))}</td><td>{e(who)}</td>"
                        f"<td><code>{e(name)}</code></td></tr>")
        head = "".join(f"<th>{e(_t(c, lang))}</th>" for c in
                       ("KPI", "definition", "unit", "counted over", "identifier (researchers)"))
        return f"<table><tr>{head}</tr>{''.join(body)}</table>"

    out = table(list(kpis))
    if others:
        summary = _t("Other KPIs every run reports ({n})", lang).format(n=len(others))
        out += f"<details><summary>{e(summary)}</summary>{table(others)}</details>"
    return out


def items_html(config: dict[str, Any], lang: Lang = "en") -> str:
    """The service items (事项) of the stored configuration, named in both languages."""
    items = config.get("items")
    if items is None:
        items = (config.get("services") or {}).get("items")
    if isinstance(items, dict):
        items = [{"key": k, **v} for k, v in items.items()]
    if not items:
        return "<p>(the stored configuration lists no service items)</p>"
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    rows = "".join(
        f"<tr><td>{e(it.get(first, ''))}</td><td>{e(it.get(second, ''))}</td>"
        f"<td>{e(it.get('online', ''))}</td><td>{e(it.get('proactive', ''))}</td>"
        f"<td class='num'>{e(len(it.get('steps') or []))}</td>"
        f"<td>{e(', '.join(it.get('documents') or []))}</td>"
        f"<td><code>{e(it.get('key', ''))}</code></td></tr>" for it in items)
    head = ("<th>事项</th><th>English name</th><th>网上办理</th><th>免申即享</th><th>环节数</th>"
            "<th>材料</th><th>标识符</th>" if lang == "zh" else
            "<th>item</th><th>中文名称</th><th>online</th><th>proactive</th><th>steps</th>"
            "<th>documents</th><th>identifier</th>")
    return f"<table><tr>{head}</tr>{rows}</table>"


def scenarios_html(exp: StoredExperiment, lang: Lang = "en") -> str:
    """Each scenario's overrides and the resolved configuration of the baseline."""
    spec = exp.spec
    base_word = _t(" (baseline)", lang)
    rows = "".join(
        f"<tr><td>{e(s.get('name'))}{e(base_word) if s.get('name') == exp.baseline else ''}"
        f"</td><td><code>{e(' '.join(s.get('overrides') or []) or '(defaults)')}</code></td>"
        "</tr>" for s in spec.get("scenarios") or [])
    base = " ".join([*(spec.get("base") or []), *(exp.manifest.get("base_overrides") or [])])
    cfg = json.dumps(exp.config(), indent=1, ensure_ascii=False, sort_keys=True)
    zh = lang == "zh"
    return (f"<table><tr><th>{'方案' if zh else 'scenario'}</th><th>"
            f"{'相对基础配置的改动' if zh else 'overrides on the base configuration'}</th></tr>"
            f"{rows}</table><p>{'所有方案共同的设置' if zh else 'Applied to every scenario'}: "
            f"<code>{e(base or '(none)')}</code></p><details><summary>"
            f"{'基准方案的完整配置' if zh else 'Resolved configuration of the baseline scenario'}"
            f" ({e(exp.baseline)})</summary><pre>{e(cfg)}</pre></details>")


def provenance_html(exp: StoredExperiment) -> str:
    """Versions, commit, sizes, seeds and wall times (the same in both languages)."""
    m = exp.manifest
    prov = m.get("provenance") or {}
    git = m.get("git") or prov.get("git") or {}
    runs = exp.runs()
    walls = [w for w in (num(r.get("wall_seconds")) for r in runs) if not math.isnan(w)]
    ex = m.get("executor") or {}
    facts = [
        ("govsim version", m.get("govsim_version", "")),
        ("git commit", f"{git.get('commit', 'unknown')}"
                       f"{' (uncommitted changes)' if git.get('dirty') else ''}"),
        ("Python / platform", f"{prov.get('python', '')} / {prov.get('platform', '')}"),
        ("packages", ", ".join(f"{k} {v}" for k, v in sorted((prov.get("packages") or {})
                                                              .items()))),
        ("size / replications", f"{m.get('size', '')} / {m.get('replications', '')}"),
        ("common random numbers", m.get("common_random_numbers", "")),
        ("base seed", (exp.spec or {}).get("base_seed", "")),
        ("executor", f"{ex.get('name', '')}"
                     f"{' x ' + str(ex['workers']) if ex.get('workers') else ''}"),
        ("started", m.get("started_at", "")),
        ("runs", f"{len(runs)} ({m.get('runs_run', 0)} run now, "
                 f"{m.get('runs_skipped', 0)} reused from the store)"),
        ("wall time", f"{fmt(num(m.get('elapsed_seconds')))} s elapsed; runs "
                      f"{fmt(sum(walls))} s in total"),
    ]
    body = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    run_rows = "".join(
        f"<tr><td>{e(r.get('scenario'))}</td><td class='num'>{e(r.get('replication'))}</td>"
        f"<td class='num'>{e(r.get('seed'))}</td><td><code>{e(r.get('key'))}</code></td>"
        f"<td>{e(r.get('status'))}</td><td class='num'>{e(fmt(num(r.get('wall_seconds'))))}"
        "</td></tr>" for r in runs)
    return (f"<table>{body}</table><details><summary>Every run: seed, store key and wall "
            f"time ({len(runs)})</summary><table><tr><th>scenario</th><th>replication</th>"
            "<th>seed</th><th>key (runs/&lt;key&gt;/)</th><th>status</th><th>wall s</th></tr>"
            f"{run_rows}</table></details>")
