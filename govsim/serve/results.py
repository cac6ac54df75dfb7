"""What the results page shows, computed from a stored experiment (no web page here).

Every number comes from the comparison table's numeric columns (paired
differences with 95% intervals over common-random-number replications) or the
stored per-run tables; every label, unit and population from the KPI registry.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govsim.experiment.compare import fmt
from govsim.kpi_registry import KPIS, find
from govsim.report.data import StoredExperiment
from govsim.serve.i18n import Lang, t

__all__ = [
    "HEADLINE",
    "Card",
    "cards",
    "cost_rows",
    "display",
    "findings",
    "gap_kpis",
    "num",
    "scenario_label",
    "unmet_by",
    "unmet_by_distance",
]

#: preferred order of the headline cards; names the results lack are skipped. Group gaps
#: are not listed: the "who is left behind" panel shows every gap KPI the registry has.
HEADLINE = ("trips_mean", "completion_rate", "at_most_one_trip_share", "turnaround_days_mean",
            "window_wait_min_mean", "villager_cost_mean", "gov_cost")


def num(x: float) -> str:
    """A number for the page: thousands separated from 1,000 up, else as the CLI's tables."""
    if isinstance(x, float | int) and math.isfinite(x) and abs(x) >= 1_000:
        return f"{x:,.0f}"
    return fmt(x)


@dataclass(frozen=True)
class Display:
    """How one KPI is shown in a language: label, units, scale, population, better-if."""

    label: str
    value_unit: str
    diff_unit: str
    scale: float
    population: str
    better: str | None


def display(name: str, lang: Lang) -> Display:
    """The registry's display of ``name``; a plain fallback for a KPI it does not know."""
    k = find(name)
    if k is None:
        return Display(name, "", "", 1.0, "", None)
    return Display(k.label(lang), k.value_unit(lang), k.diff_unit(lang), k.scale,
                   k.population_label(lang), k.better)


@dataclass(frozen=True)
class Card:
    """One option's difference from the baseline on one KPI (display units)."""

    option: str
    kpi: str
    label: str
    population: str
    base: float
    value: float
    diff: float
    low: float
    high: float
    value_unit: str
    diff_unit: str
    tone: str  # better, worse, clear (a clear change, neither better nor worse) or unclear


def _tone(better: str | None, diff: float, low: float, high: float, base: float, value: float) -> str:
    if any(math.isnan(v) for v in (low, high)) or low <= 0 <= high:
        return "unclear"
    if better == "lower":
        return "better" if diff < 0 else "worse"
    if better == "higher":
        return "better" if diff > 0 else "worse"
    if better == "zero":  # a gap: better when it moves towards zero
        return "better" if abs(value) < abs(base) else "worse"
    return "clear"


def scenario_label(name: str, lang: Lang) -> str:
    """A scenario's name as shown: the baseline in the page's language, options as named."""
    return t("baseline_name", lang) if name == "baseline" else name


def headline_kpis(exp: StoredExperiment) -> list[str]:
    """The headline KPIs the results have, in the preferred order."""
    have = set(exp.comparison["kpi"]) if "kpi" in exp.comparison else set()
    return [k for k in HEADLINE if k in have]


def _rows(exp: StoredExperiment) -> dict[tuple[str, str], dict[str, Any]]:
    records = [{str(k): v for k, v in r.items()} for r in exp.comparison.to_dict("records")]
    return {(str(r["scenario"]), str(r["kpi"])): r for r in records}


def cards(exp: StoredExperiment, lang: Lang, kpis: list[str] | None = None) -> list[Card]:
    """Cards for every option (scenario other than the baseline) and headline KPI."""
    rows = _rows(exp)
    out: list[Card] = []
    for option in exp.scenarios:
        if option == exp.baseline:
            continue
        for name in kpis or headline_kpis(exp):
            r, b = rows.get((option, name)), rows.get((exp.baseline, name))
            if r is None or b is None:
                continue
            d = display(name, lang)
            diff, low, high = (float(r[c]) * d.scale for c in ("diff_mean", "diff_ci_low",
                                                               "diff_ci_high"))
            base, value = float(b["mean"]) * d.scale, float(r["mean"]) * d.scale
            out.append(Card(option, name, d.label, d.population, base, value, diff, low, high,
                            d.value_unit, d.diff_unit, _tone(d.better, diff, low, high, base, value)))
    return out


def _in_sentence(label: str, lang: Lang) -> str:
    """An English label inside a sentence: "Trips per need" -> "trips per need"."""
    if lang == "en" and label[:1].isupper() and label[1:2].islower():
        return label[0].lower() + label[1:]
    return label


def _finding(c: Card, lang: Lang, option_label: str) -> str:
    c = dataclasses.replace(c, label=_in_sentence(c.label, lang))
    if c.tone == "unclear":
        return t("finding_none", lang, opt=option_label, label=c.label, lo=num(c.low),
                 hi=num(c.high), unit=c.diff_unit)
    lower = c.diff < 0
    lo, hi = (-c.high, -c.low) if lower else (c.low, c.high)
    return t("finding_better", lang, opt=option_label, label=c.label, d=num(abs(c.diff)),
             unit=c.diff_unit, dir=t("lower" if lower else "higher", lang), lo=num(lo), hi=num(hi))


def findings(exp: StoredExperiment, lang: Lang, max_n: int = 5) -> list[str]:
    """Three to five plain sentences: each option's clear changes first, in the headline order."""
    by_option: dict[str, list[Card]] = {}
    for c in cards(exp, lang, headline_kpis(exp) + gap_kpis(exp)):
        by_option.setdefault(c.option, []).append(c)
    # per option: clear differences first, in the headline order (trips, completion, ...)
    ranked = {o: sorted(cs, key=lambda c: c.tone == "unclear") for o, cs in by_option.items()}
    out: list[str] = []
    depth = 0
    while len(out) < max_n and any(depth < len(cs) for cs in ranked.values()):
        for option, cs in ranked.items():
            if depth < len(cs) and len(out) < max_n:
                out.append(_finding(cs[depth], lang, option))
        depth += 1
    n = int(exp.comparison["n"].max()) if "n" in exp.comparison and len(exp.comparison) else 0
    if out and n < 5:
        out = [*out[: max_n - 1], t("few_reps", lang, n=n)]
    return out


def gap_kpis(exp: StoredExperiment) -> list[str]:
    """KPIs of kind ``gap`` (60+ vs the rest, raw or item-standardised) the results have."""
    have = set(exp.comparison["kpi"]) if "kpi" in exp.comparison else set()
    return [name for name, k in KPIS.items() if k.kind == "gap" and name in have]


def _item_names(exp: StoredExperiment, lang: Lang) -> dict[str, str]:
    items = exp.config().get("items") or []
    field = "name_zh" if lang == "zh" else "name_en"
    return {str(i.get("key")): str(i.get(field) or i.get("key")) for i in items if isinstance(i, dict)}


def unmet_by(exp: StoredExperiment, column: str, lang: Lang) -> pd.DataFrame:
    """Percent of needs not completed by the horizon, by ``column`` (rows) and scenario (columns).

    Pooled over replications; empty when the runs' request tables are not stored.
    """
    req = exp.frame("requests", ["outcome", column])
    if req.empty or column not in req or "outcome" not in req:
        return pd.DataFrame()
    req = req.assign(unmet=(req["outcome"] != "completed").astype(float) * 100.0)
    table = req.pivot_table(index=column, columns="scenario", values="unmet", aggfunc="mean")
    table = table[[s for s in exp.scenarios if s in table.columns]]
    if column == "item":
        table.index = [_item_names(exp, lang).get(str(k), str(k)) for k in table.index]
    table.index.name = t("item" if column == "item" else "age_band", lang)
    table.columns = pd.Index([scenario_label(str(c), lang) for c in table.columns],
                             name=t("option", lang))
    return table.round(1)


#: village distance bands (km to the township seat) for the unmet-needs table.
DISTANCE_BANDS = (0.0, 5.0, 10.0, 20.0, 40.0, math.inf)


def unmet_by_distance(exp: StoredExperiment, lang: Lang) -> pd.DataFrame:
    """Percent of needs not completed, by the village's distance band and scenario.

    Needs the villages' distances, which a run stores only when they come from a
    roster (``population.villages_csv``); empty otherwise.
    """
    villages = (exp.config().get("population") or {}).get("villages") or []
    km = {str(v["village_id"]): float(v["distance_km"]) for v in villages
          if isinstance(v, dict) and v.get("distance_km") is not None and "village_id" in v}
    req = exp.frame("requests", ["outcome", "village"]) if km else pd.DataFrame()
    if req.empty or "village" not in req:
        return pd.DataFrame()
    dist = req["village"].astype(str).map(km)
    if dist.isna().all():
        return pd.DataFrame()
    edges = list(DISTANCE_BANDS)
    labels = [f"{a:g}-{b:g} km" if math.isfinite(b) else f"{a:g}+ km"
              for a, b in itertools.pairwise(edges)]
    req = req.assign(band=pd.cut(dist, edges, labels=labels, right=False),
                     unmet=(req["outcome"] != "completed").astype(float) * 100.0)
    table = req.pivot_table(index="band", columns="scenario", values="unmet", aggfunc="mean",
                            observed=True)
    table = table[[s for s in exp.scenarios if s in table.columns]]
    table.columns = pd.Index([scenario_label(str(c), lang) for c in table.columns],
                             name=t("option", lang))
    table.index.name = t("distance", lang)
    return table.round(1)


def _mean(rows: dict[tuple[str, str], dict[str, Any]], s: str, k: str, col: str) -> float:
    r = rows.get((s, k))
    return float(r[col]) if r is not None else math.nan


def cost_rows(exp: StoredExperiment, lang: Lang) -> pd.DataFrame:
    """Per option: cost differences, trips saved, unmet needs avoided and cost per unit saved."""
    rows, base = _rows(exp), exp.baseline
    needs = _mean(rows, base, "requests", "mean")
    out = []
    for s in exp.scenarios:
        if s == base:
            continue
        gov = _mean(rows, s, "gov_cost", "diff_mean")
        trips = -_mean(rows, s, "trips_mean", "diff_mean") * needs
        unmet = _mean(rows, s, "completion_rate", "diff_mean") * needs
        out.append({
            t("option", lang): scenario_label(s, lang),
            t("gov_cost_diff", lang): num(gov),
            t("villager_cost_diff", lang): num(_mean(rows, s, "villager_cost", "diff_mean")),
            t("trips_saved", lang): num(trips),
            t("cost_per_trip", lang): num(gov / trips) if trips > 0 else "n/a",
            t("unmet_avoided", lang): num(unmet),
            t("cost_per_unmet", lang): num(gov / unmet) if unmet > 0 else "n/a",
        })
    return pd.DataFrame(out)
