"""Findings: three to five plain-language sentences computed from a comparison table.

Nothing here is hard-coded text about an experiment: every sentence is built by
:func:`govsim.experiment.compare.sentence` from the numbers in the comparison, followed
by the relative change and the Holm-adjusted p-value.

A spec may steer the choice with ``findings:``, either a list of KPI names (optionally
``scenario:kpi`` to pin a scenario) or a mapping ``{kpis: [...], max: 5}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govsim.experiment.compare import fmt, sentence

__all__ = ["Finding", "parse_hints", "select_findings", "sensitivity_findings"]

MAX_FINDINGS = 5


@dataclass(frozen=True)
class Finding:
    """One computed finding."""

    text: str
    kpi: str
    scenario: str
    conclusive: bool


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


def _text(row: dict[str, Any], baseline: str) -> str:
    base = sentence(str(row["scenario"]), baseline, str(row["kpi"]), _num(row["diff_mean"]),
                    _num(row["diff_ci_low"]), _num(row["diff_ci_high"]))
    extra = []
    rel = _num(row.get("rel_change"))
    if not math.isnan(rel) and rel != 0 and _conclusive(row):
        extra.append(f"{fmt(abs(rel) * 100)}% {'lower' if rel < 0 else 'higher'} than the "
                     "baseline mean")
    p = _num(row.get("p_holm"))
    if not math.isnan(p):
        extra.append("Holm-adjusted p < 0.001" if p < 0.001 else f"Holm-adjusted p = {p:.3f}")
    n = _num(row.get("n"))
    if not math.isnan(n):
        extra.append(f"{int(n)} paired replications")
    return base + (f"; {', '.join(extra)}." if extra else ".")


def _conclusive(row: dict[str, Any]) -> bool:
    lo, hi = _num(row["diff_ci_low"]), _num(row["diff_ci_high"])
    return not (math.isnan(lo) or math.isnan(hi) or lo <= 0 <= hi)


def select_findings(comparison: pd.DataFrame, baseline: str, hints: Any = None,
                    kpis: list[str] | None = None) -> list[Finding]:
    """Up to five findings (three at least when the table has them), computed from numbers.

    Without hints: one finding per KPI in order (its largest conclusive relative change
    among scenarios, else its largest change), then further scenarios, up to the maximum.
    """
    need = {"kpi", "scenario", "diff_mean", "diff_ci_low", "diff_ci_high"}
    if comparison.empty or not need <= set(comparison.columns):
        return []
    records: list[dict[str, Any]] = [{str(k): v for k, v in r.items()}
                                     for r in comparison.to_dict("records")]
    rows = [r for r in records
            if str(r["scenario"]) != baseline and not math.isnan(_num(r["diff_mean"]))]
    pinned, max_n = parse_hints(hints)

    def score(r: dict[str, Any]) -> tuple[int, float]:
        rel = _num(r.get("rel_change"))
        return (0 if _conclusive(r) else 1, -abs(rel) if not math.isnan(rel) else 0.0)

    def first_round(r: dict[str, Any]) -> tuple[int, float]:
        return (score(r)[0], 0.0)

    chosen: list[dict[str, Any]] = []
    for kpi, scen in pinned:
        cands = [r for r in rows if r["kpi"] == kpi and (scen is None or r["scenario"] == scen)]
        if cands:
            chosen.append(min(cands, key=score))
    if not pinned:
        order = kpis or [str(k) for k in pd.unique(comparison["kpi"])]
        by_kpi = {k: sorted([r for r in rows if r["kpi"] == k], key=score) for k in order}
        depth = 0
        while len(chosen) < max_n and any(len(v) > depth for v in by_kpi.values()):
            layer = [v[depth] for v in by_kpi.values() if len(v) > depth]
            # first round keeps KPI order but puts conclusive ones first; later rounds
            # rank by conclusiveness and size
            layer.sort(key=score if depth else first_round)
            chosen.extend(layer[: max_n - len(chosen)])
            depth += 1
    return [Finding(_text(r, baseline), str(r["kpi"]), str(r["scenario"]), _conclusive(r))
            for r in chosen[:max_n]]


def sensitivity_findings(table: pd.DataFrame) -> list[Finding]:
    """One finding per output KPI of a Morris screening: the input that moves it most.

    ``table`` has the columns of ``sensitivity.csv`` (input, kpi, mu_star, mu_star_conf).
    """
    out = []
    for kpi, g in table.groupby("kpi", sort=False):
        g = g.sort_values("mu_star", ascending=False)
        top = g.iloc[0]
        text = (f"{kpi}: {top['input']} matters most (mu* = {fmt(float(top['mu_star']))}, "
                f"95% CI half-width {fmt(float(top['mu_star_conf']))})")
        if len(g) > 1 and float(g.iloc[1]["mu_star"]) > 0:
            nxt = g.iloc[1]
            ratio = float(top["mu_star"]) / float(nxt["mu_star"])
            text += f", {ratio:.1f} times the next input, {nxt['input']} (mu* = {fmt(float(nxt['mu_star']))})"
        conclusive = float(top["mu_star"]) - float(top["mu_star_conf"]) > 0
        out.append(Finding(text + ".", str(kpi), str(top["input"]), conclusive))
    return out[:MAX_FINDINGS]
