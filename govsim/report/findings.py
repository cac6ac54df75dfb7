"""Findings: three to five sentences computed from a comparison table, in English and Chinese.

Nothing here is hard-coded text about an experiment. Each finding has two forms: a
statistics sentence for researchers (difference, 95% interval, relative change where
it means something, Holm-adjusted p) built by :func:`govsim.experiment.compare.sentence`,
and a plain sentence for planners (the value under the scenario and under the
baseline, and who it counts), both in the KPI's unit from the registry.

The headline finding comes first: the one the spec marks (``headline: scenario:kpi``),
else the largest standardised effect among the experiment's KPIs. A spec may steer the
others with ``findings:``, a list of KPI names (optionally ``scenario:kpi``) or a
mapping ``{kpis: [...], max: 5}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govsim.experiment.compare import fmt, kpi_label, relative_note, sentence, unit_after, with_unit
from govsim.kpi_registry import Lang, find

__all__ = ["Finding", "headline_row", "parse_hints", "plain_sentence", "select_findings",
           "sensitivity_findings", "standardised_effect"]

MAX_FINDINGS = 5
Row = dict[str, Any]


@dataclass(frozen=True)
class Finding:
    """One computed finding: statistics sentence and plain sentence, in English and Chinese."""

    text: str
    kpi: str
    scenario: str
    conclusive: bool
    text_zh: str = ""
    plain: str = ""
    plain_zh: str = ""

    def sentence(self, lang: Lang = "en") -> str:
        """The statistics sentence in ``lang``."""
        return self.text_zh if lang == "zh" and self.text_zh else self.text

    def plain_text(self, lang: Lang = "en") -> str:
        """The plain sentence in ``lang``."""
        return self.plain_zh if lang == "zh" and self.plain_zh else self.plain


def parse_hints(hints: Any) -> tuple[list[tuple[str, str | None]], int]:
    """A spec's ``findings`` value as ([(kpi, scenario or None)], max findings)."""
    max_n = MAX_FINDINGS
    items: list[Any] = []
    if isinstance(hints, dict):
        items = list(hints.get("kpis") or [])
        max_n = int(hints.get("max", MAX_FINDINGS))
    elif isinstance(hints, list | tuple):
        items = list(hints)
    out: list[tuple[str, str | None]] = []
    for item in items:
        if isinstance(item, dict):
            out.append((str(item.get("kpi")), item.get("scenario")))
        else:
            scen, sep, kpi = str(item).rpartition(":")
            out.append((kpi, scen if sep else None))
    return out, max(1, max_n)


def _num(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _zero(row: Row) -> bool:
    return row.get("same_by_construction") is True or str(row.get("same_by_construction")) == "True"


def _conclusive(row: Row) -> bool:
    lo, hi = _num(row["diff_ci_low"]), _num(row["diff_ci_high"])
    return not (_zero(row) or math.isnan(lo) or math.isnan(hi) or lo <= 0 <= hi)


def standardised_effect(row: Row, base: Row | None) -> float:
    """|difference| over the pooled replication sd of scenario and baseline (inf if no spread)."""
    d = abs(_num(row["diff_mean"]))
    if math.isnan(d) or d == 0:
        return 0.0
    sds = [_num(row.get("sd")), _num((base or {}).get("sd"))]
    sds = [s for s in sds if not math.isnan(s)]
    pooled = math.sqrt(sum(s * s for s in sds) / len(sds)) if sds else math.nan
    if math.isnan(pooled):
        return 0.0
    return math.inf if pooled == 0 else d / pooled


def _base_rows(records: list[Row], baseline: str) -> dict[str, Row]:
    return {str(r["kpi"]): r for r in records if str(r["scenario"]) == baseline}


def headline_row(records: list[Row], baseline: str, headline: str | None = None,
                 kpis: list[str] | None = None) -> Row | None:
    """The spec's headline row, else the largest standardised conclusive effect among ``kpis``.

    Without a spec headline, outcomes come before descriptive KPIs (no better direction)
    and effects measured against replication noise before those without any spread.
    """
    rows = [r for r in records if str(r["scenario"]) != baseline]
    if headline:
        scen, _, kpi = headline.rpartition(":")
        hit = [r for r in rows if str(r["scenario"]) == scen and str(r["kpi"]) == kpi]
        if hit:
            return hit[0]
    bases = _base_rows(records, baseline)
    pool = [r for r in rows if not kpis or str(r["kpi"]) in kpis] or rows

    def rank(r: Row) -> tuple[bool, bool, bool, float]:
        # an outcome (a KPI with a better direction) before a description such as the
        # channel mix; an effect without spread (e.g. every request online by the
        # scenario's definition) after one measured against replication noise
        k = find(str(r["kpi"]))
        effect = standardised_effect(r, bases.get(str(r["kpi"])))
        return (_conclusive(r), k is not None and k.better is not None, math.isfinite(effect),
                effect)

    ranked = sorted(pool, key=rank, reverse=True)
    return ranked[0] if ranked else None


def _stats_text(row: Row, base: Row | None, baseline: str, lang: Lang) -> str:
    zero = _zero(row)
    text = sentence(str(row["scenario"]), baseline, str(row["kpi"]), _num(row["diff_mean"]),
                    _num(row["diff_ci_low"]), _num(row["diff_ci_high"]), zero=zero, lang=lang)
    if zero:
        return text + ("。" if lang == "zh" else ".")
    extra = []
    if _conclusive(row) and base is not None:
        rel = relative_note(str(row["kpi"]), _num(row["diff_mean"]), _num(base.get("mean")),
                            _num(base.get("ci_low")), _num(base.get("ci_high")), lang)
        extra += [rel] if rel else []
    p, n = _num(row.get("p_holm")), _num(row.get("n"))
    if not math.isnan(p):
        ptxt = "< 0.001" if p < 0.001 else f"= {p:.3f}"
        extra.append(f"Holm校正p {ptxt}" if lang == "zh" else f"Holm-adjusted p {ptxt}")
    if not math.isnan(n):
        extra.append(f"{int(n)}对配对重复" if lang == "zh" else f"{int(n)} paired replications")
    if lang == "zh":
        return text + (f";{','.join(extra)}。" if extra else "。")
    return text + (f"; {', '.join(extra)}." if extra else ".")


def plain_sentence(row: Row, base: Row | None, baseline: str, lang: Lang = "en") -> str:
    """What changed, for whom, in words: the value under the scenario and under the baseline."""
    name, scen = str(row["kpi"]), str(row["scenario"])
    k = find(name)
    label = kpi_label(name, lang)
    who = k.population_label(lang) if k else ""
    now = with_unit(name, _num(row.get("mean")), lang)
    before = with_unit(name, _num((base or {}).get("mean")), lang)
    scale = k.scale if k else 1.0
    d = _num(row["diff_mean"]) * scale
    if lang == "zh":
        if _zero(row):
            change = "两者按设计相同"
        elif not _conclusive(row):
            change = "差异不明显"
        else:
            unit = unit_after(k, "zh")
            word = k.direction(d > 0, "zh") if k else ("高" if d > 0 else "低")
            change = f"{word}{fmt(abs(d))}{unit}"
        tail = f";统计范围:{who}。" if who else "。"
        return f"{scen}方案下,{label}为{now},{baseline}方案下为{before}({change}){tail}"
    lc = label[:1].lower() + label[1:]
    if _zero(row):
        change = "the same by construction"
    elif not _conclusive(row):
        change = "no clear difference"
    else:
        word = k.direction(d > 0, "en") if k else ("higher" if d > 0 else "lower")
        change = f"{fmt(abs(d))}{unit_after(k, 'en')} {word}"
    tail = f"; counted over {who}." if who else "."
    return f"Under {scen}, {lc} was {now}, against {before} under {baseline} ({change}){tail}"


def _finding(row: Row, base: Row | None, baseline: str) -> Finding:
    return Finding(_stats_text(row, base, baseline, "en"), str(row["kpi"]), str(row["scenario"]),
                   _conclusive(row), _stats_text(row, base, baseline, "zh"),
                   plain_sentence(row, base, baseline, "en"),
                   plain_sentence(row, base, baseline, "zh"))


def _score(r: Row, bases: dict[str, Row]) -> tuple[int, float]:
    return (0 if _conclusive(r) else 1, -standardised_effect(r, bases.get(str(r["kpi"]))))


def _by_kpi(rows: list[Row], order: list[str], bases: dict[str, Row], max_n: int) -> list[Row]:
    """One row per KPI in order (its largest effect), then further scenarios by size."""
    by_kpi = {k: sorted([r for r in rows if r["kpi"] == k], key=lambda r: _score(r, bases))
              for k in order}
    chosen: list[Row] = []
    depth = 0
    while len(chosen) < max_n and any(len(v) > depth for v in by_kpi.values()):
        layer = [v[depth] for v in by_kpi.values() if len(v) > depth]
        # the first round keeps KPI order with conclusive ones first; later rounds by size
        layer.sort(key=(lambda r: _score(r, bases)) if depth else
                   (lambda r: (_score(r, bases)[0], 0.0)))
        chosen.extend(layer[: max_n - len(chosen)])
        depth += 1
    return chosen


def select_findings(comparison: pd.DataFrame, baseline: str, hints: Any = None,
                    kpis: list[str] | None = None, headline: str | None = None) -> list[Finding]:
    """Up to five findings, the headline first, computed from the numbers in ``comparison``."""
    need = {"kpi", "scenario", "diff_mean", "diff_ci_low", "diff_ci_high"}
    if comparison.empty or not need <= set(comparison.columns):
        return []
    records: list[Row] = [{str(k): v for k, v in r.items()}
                          for r in comparison.to_dict("records")]
    bases = _base_rows(records, baseline)
    rows = [r for r in records
            if str(r["scenario"]) != baseline and not math.isnan(_num(r["diff_mean"]))]
    pinned, max_n = parse_hints(hints)
    top = headline_row(rows + list(bases.values()), baseline, headline, kpis)
    chosen: list[Row] = [top] if top is not None else []
    for kpi, scen in pinned:
        cands = [r for r in rows if r["kpi"] == kpi and (scen is None or r["scenario"] == scen)]
        if cands:
            chosen.append(min(cands, key=lambda r: _score(r, bases)))
    if not pinned:
        order = kpis or [str(k) for k in pd.unique(comparison["kpi"])]
        chosen += _by_kpi(rows, order, bases, max_n)
    unique: list[Row] = []
    for r in chosen:
        if not any(r["kpi"] == u["kpi"] and r["scenario"] == u["scenario"] for u in unique):
            unique.append(r)
    return [_finding(r, bases.get(str(r["kpi"])), baseline) for r in unique[:max_n]]


def _effect(kpi: str, x: Any, lang: Lang) -> str:
    """An elementary effect (mu*) is a difference of the KPI: shown in its difference unit."""
    k = find(kpi)
    return f"{fmt(float(x) * (k.scale if k else 1.0))}{unit_after(k, lang)}"


def _screening_finding(kpi: str, g: pd.DataFrame) -> Finding:
    g = g.sort_values("mu_star", ascending=False)
    top = g.iloc[0]
    mu, half = (_effect(kpi, top["mu_star"], "en"), _effect(kpi, top["mu_star_conf"], "en"))
    en = (f"{kpi_label(kpi)} ({kpi}): {top['input']} matters most (mu* = {mu}, 95% CI "
          f"half-width {half})")
    mu, half = (_effect(kpi, top["mu_star"], "zh"), _effect(kpi, top["mu_star_conf"], "zh"))
    zh = f"{kpi_label(kpi, 'zh')}({kpi}):{top['input']}影响最大(mu* = {mu},95%置信区间半宽 {half})"
    if len(g) > 1 and float(g.iloc[1]["mu_star"]) > 0:
        nxt = g.iloc[1]
        ratio = float(top["mu_star"]) / float(nxt["mu_star"])
        en += (f", {ratio:.1f} times the next input, {nxt['input']} "
               f"(mu* = {_effect(kpi, nxt['mu_star'], 'en')})")
        zh += f",是第二位输入{nxt['input']}(mu* = {_effect(kpi, nxt['mu_star'], 'zh')})的{ratio:.1f}倍"
    conclusive = float(top["mu_star"]) - float(top["mu_star_conf"]) > 0
    return Finding(en + ".", kpi, str(top["input"]), conclusive, zh + "。", en + ".", zh + "。")


def sensitivity_findings(table: pd.DataFrame) -> list[Finding]:
    """One finding per output KPI of a Morris screening: the input that moves it most.

    ``table`` has the columns of ``sensitivity.csv`` (input, kpi, mu_star, mu_star_conf);
    effects are shown in the KPI's difference unit (percentage points for shares).
    """
    out = [_screening_finding(str(kpi), g) for kpi, g in table.groupby("kpi", sort=False)]
    return out[:MAX_FINDINGS]
