"""The KPI table printed after a run: value in its display unit, and what it counts."""

from __future__ import annotations

import math

import pandas as pd

from govsim.kpi_registry import POPULATIONS, Lang, find

__all__ = ["kpi_table"]


def _value(x: float, scale: float) -> str:
    if math.isnan(x):
        return "n/a"
    v = x * scale
    return f"{v:,.0f}" if abs(v) >= 10_000 else f"{v:.4g}"


def kpi_table(kpis: pd.Series, lang: Lang = "en") -> str:
    """One line per KPI (name, value, unit, population, description), then the populations used."""
    rows: list[tuple[str, str, str, str, str]] = []
    used: list[str] = []
    for name, value in kpis.items():
        k = find(str(name))
        if k is None:
            rows.append((str(name), _value(float(value), 1.0), "", "", ""))
            continue
        rows.append((k.name, _value(float(value), k.scale), k.value_unit(lang), k.population,
                     k.description(lang)))
        if k.population not in used:
            used.append(k.population)
    head = ("KPI", "value", "unit", "over", "description")
    widths = [max(len(r[c]) for r in [head, *rows]) for c in range(4)]
    lines = [f"  {r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:<{widths[3]}}  {r[4]}"
             .rstrip() for r in [head, *rows]]
    lines.append("  over (the population each KPI counts):")
    lines += [f"    {p:<{widths[3]}}  {POPULATIONS[p][1 if lang == 'zh' else 0]}" for p in used]
    return "\n".join(lines)
